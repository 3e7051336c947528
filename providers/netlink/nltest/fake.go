// Package nltest is an in-memory stand-in for the rtnetlink calls the
// netlink provider makes. It keeps links, addresses and routes, answers with
// the errors the kernel gives (EEXIST, ENODEV, EADDRNOTAVAIL, ESRCH,
// ENETUNREACH, EPERM) and, like the kernel, adds the proto kernel routes of
// an address and removes them with it.
package nltest

import (
	"fmt"
	"net"
	"slices"
	"sync"

	lvsnetlink "github.com/lvsctl/lvsctl/providers/netlink"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Fake is a network namespace in memory. The zero value is not usable;
// call New.
type Fake struct {
	// Unprivileged makes every change fail with EPERM, as for a process
	// without CAP_NET_ADMIN. Reads still work.
	Unprivileged bool

	mu     sync.Mutex
	links  []*netlink.Device
	addrs  []netlink.Addr
	routes []netlink.Route
}

// New returns a namespace with only lo, down, as `ip netns add` leaves it.
func New() *Fake {
	f := &Fake{}
	f.AddLink("lo", false)
	return f
}

// AddLink adds an interface, up or down, and returns it.
func (f *Fake) AddLink(name string, up bool) netlink.Link {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := &netlink.Device{LinkAttrs: netlink.LinkAttrs{Name: name, Index: len(f.links) + 1}}
	if up {
		d.Flags |= net.FlagUp
	}
	f.links = append(f.links, d)
	return copyLink(d)
}

func copyLink(d *netlink.Device) netlink.Link {
	c := *d
	return &c
}

func (f *Fake) byIndex(i int) (*netlink.Device, error) {
	for _, d := range f.links {
		if d.Index == i {
			return d, nil
		}
	}
	return nil, fmt.Errorf("link index %d: %w", i, unix.ENODEV)
}

// resolve finds the fake's own link for one handed back to a caller.
func (f *Fake) resolve(l netlink.Link) (*netlink.Device, error) {
	if l == nil {
		return nil, unix.EINVAL
	}
	return f.byIndex(l.Attrs().Index)
}

func (f *Fake) change() error {
	if f.Unprivileged {
		return unix.EPERM
	}
	return nil
}

// The methods below stand in for their *netlink.Handle namesakes, with the
// kernel's errors: ENODEV for a missing link, EEXIST for an address or
// route that is there already, EADDRNOTAVAIL and ESRCH for one that is not.

func (f *Fake) LinkByName(name string) (netlink.Link, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range f.links {
		if d.Name == name {
			return copyLink(d), nil
		}
	}
	return nil, fmt.Errorf("link %s not found: %w", name, unix.ENODEV)
}

func (f *Fake) LinkList() ([]netlink.Link, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]netlink.Link, 0, len(f.links))
	for _, d := range f.links {
		out = append(out, copyLink(d))
	}
	return out, nil
}

func (f *Fake) LinkSetUp(l netlink.Link) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.change(); err != nil {
		return err
	}
	d, err := f.resolve(l)
	if err != nil {
		return err
	}
	if d.Flags&net.FlagUp == 0 && d.Name == "lo" {
		f.loopbackUp(d)
	}
	d.Flags |= net.FlagUp
	return nil
}

func (f *Fake) LinkSetDown(l netlink.Link) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.change(); err != nil {
		return err
	}
	d, err := f.resolve(l)
	if err != nil {
		return err
	}
	d.Flags &^= net.FlagUp
	return nil
}

// loopbackUp adds what the kernel gives lo when it comes up: 127.0.0.1/8
// unless it has an IPv4 address already, and ::1.
func (f *Fake) loopbackUp(lo *netlink.Device) {
	has := func(fam int) bool {
		return slices.ContainsFunc(f.addrs, func(a netlink.Addr) bool { return a.LinkIndex == lo.Index && family(a.IP) == fam })
	}
	add := func(prefix string, label string) {
		ip, ipnet, _ := net.ParseCIDR(prefix)
		ipnet.IP = ip
		f.insertAddr(netlink.Addr{IPNet: ipnet, Label: label, LinkIndex: lo.Index, Scope: int(netlink.SCOPE_HOST)})
	}
	if !has(netlink.FAMILY_V4) {
		add("127.0.0.1/8", lo.Name)
	}
	if !has(netlink.FAMILY_V6) {
		add("::1/128", "")
	}
}

func family(ip net.IP) int {
	if ip.To4() != nil {
		return netlink.FAMILY_V4
	}
	return netlink.FAMILY_V6
}

func copyAddr(a netlink.Addr) netlink.Addr {
	n := *a.IPNet
	a.IPNet = &n
	return a
}

func (f *Fake) AddrList(l netlink.Link, fam int) ([]netlink.Addr, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	index := 0
	if l != nil {
		d, err := f.resolve(l)
		if err != nil {
			return nil, err
		}
		index = d.Index
	}
	var out []netlink.Addr
	for _, a := range f.addrs {
		if (index == 0 || a.LinkIndex == index) && (fam == netlink.FAMILY_ALL || family(a.IP) == fam) {
			out = append(out, copyAddr(a))
		}
	}
	return out, nil
}

// sameAddr is the kernel's identity of an address on a link: IPv4 allows
// one IP with several prefix lengths, IPv6 does not.
func sameAddr(a, b netlink.Addr) bool {
	if a.LinkIndex != b.LinkIndex || !a.IP.Equal(b.IP) {
		return false
	}
	if family(a.IP) == netlink.FAMILY_V6 {
		return true
	}
	ao, _ := a.Mask.Size()
	bo, _ := b.Mask.Size()
	return ao == bo
}

// target checks a change of addr on l as the kernel does (privilege, the
// link, an address given) and returns the link and a copy of addr on it.
func (f *Fake) target(l netlink.Link, addr *netlink.Addr) (*netlink.Device, netlink.Addr, error) {
	if err := f.change(); err != nil {
		return nil, netlink.Addr{}, err
	}
	d, err := f.resolve(l)
	if err != nil {
		return nil, netlink.Addr{}, err
	}
	if addr == nil || addr.IPNet == nil {
		return nil, netlink.Addr{}, unix.EINVAL
	}
	a := copyAddr(*addr)
	a.LinkIndex = d.Index
	return d, a, nil
}

// insertAddr adds an address and, as the kernel does, its routes.
func (f *Fake) insertAddr(a netlink.Addr) {
	f.addrs = append(f.addrs, a)
	f.routes = append(f.routes, kernelRoutes(a)...)
}

func (f *Fake) AddrAdd(l netlink.Link, addr *netlink.Addr) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, a, err := f.target(l, addr)
	if err != nil {
		return err
	}
	if family(a.IP) == netlink.FAMILY_V4 {
		if a.Label == "" {
			a.Label = d.Name
		}
	} else {
		a.Label = ""
	}
	for _, have := range f.addrs {
		if sameAddr(have, a) {
			return unix.EEXIST
		}
	}
	f.insertAddr(a)
	return nil
}

func (f *Fake) AddrDel(l netlink.Link, addr *netlink.Addr) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, want, err := f.target(l, addr)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(f.addrs, func(a netlink.Addr) bool {
		return sameAddr(a, want) && (want.Label == "" || want.Label == a.Label)
	})
	if i < 0 {
		return unix.EADDRNOTAVAIL
	}
	gone := f.addrs[i]
	f.addrs = slices.Delete(f.addrs, i, i+1)
	kr := kernelRoutes(gone)
	f.routes = slices.DeleteFunc(f.routes, func(r netlink.Route) bool {
		return slices.ContainsFunc(kr, func(k netlink.Route) bool { return sameRoute(k, r) })
	})
	return nil
}

// kernelRoutes are the routes the kernel adds with an address: the local
// route in table local and, for a prefix shorter than a host, the
// connected network in table main.
func kernelRoutes(a netlink.Addr) []netlink.Route {
	ones, bits := a.Mask.Size()
	host := &net.IPNet{IP: a.IP, Mask: net.CIDRMask(bits, bits)}
	out := []netlink.Route{{
		LinkIndex: a.LinkIndex, Dst: host, Table: unix.RT_TABLE_LOCAL, Type: unix.RTN_LOCAL,
		Protocol: unix.RTPROT_KERNEL, Scope: netlink.SCOPE_HOST, Family: family(a.IP),
	}}
	if ones < bits {
		network := &net.IPNet{IP: a.IP.Mask(a.Mask), Mask: a.Mask}
		out = append(out, netlink.Route{
			LinkIndex: a.LinkIndex, Dst: network, Table: unix.RT_TABLE_MAIN, Type: unix.RTN_UNICAST,
			Protocol: unix.RTPROT_KERNEL, Scope: netlink.SCOPE_LINK, Family: family(a.IP),
		})
	}
	return out
}

var _ lvsnetlink.Handle = (*Fake)(nil)
