package netlink

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Provider reads and changes addresses and routes through a Handle.
type Provider struct {
	h Handle
	// close releases the handle when the provider opened it itself.
	close func()
}

// New returns a provider over h (a *netlink.Handle or an nltest.Fake).
func New(h Handle) *Provider { return &Provider{h: h} }

// Open returns a provider for the network namespace the calling process is in.
func Open() (*Provider, error) {
	// Only rtnetlink: with no families named, NewHandle also opens XFRM and
	// netfilter sockets, which fail on hosts without xfrm_user loaded.
	h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("open rtnetlink socket: %w", err)
	}
	return &Provider{h: h, close: h.Close}, nil
}

// Close releases the kernel handle, if the provider opened one.
func (p *Provider) Close() error {
	if p.close != nil {
		p.close()
		p.close = nil
	}
	return nil
}

// link looks an interface up by name, with advice when it is missing.
func (p *Provider) link(name string) (netlink.Link, error) {
	l, err := p.h.LinkByName(name)
	if err == nil {
		return l, nil
	}
	var notFound netlink.LinkNotFoundError
	if errors.As(err, &notFound) || errors.Is(err, unix.ENODEV) {
		return nil, fmt.Errorf("interface %s does not exist: %s", name, missingLinkAdvice(name))
	}
	return nil, fmt.Errorf("look up interface %s: %w", name, err)
}

// missingLinkAdvice says how to get the interface an operator named.
func missingLinkAdvice(name string) string {
	switch name {
	case "tunl0":
		return "load the ipip module (modprobe ipip), which creates it"
	case "gre0":
		return "load the ip_gre module (modprobe ip_gre), which creates it"
	}
	return "check the name against `ip link` on that host"
}

// LinkUp reports whether the interface is up (administratively, as `ip
// link set IFACE up` leaves it).
func (p *Provider) LinkUp(name string) (bool, error) {
	l, err := p.link(name)
	if err != nil {
		return false, err
	}
	return l.Attrs().Flags&net.FlagUp != 0, nil
}

// SetLinkDown puts the interface down, as `ip link set IFACE down`.
func (p *Provider) SetLinkDown(name string) error {
	l, err := p.link(name)
	if err != nil {
		return err
	}
	if err := p.h.LinkSetDown(l); err != nil {
		return fmt.Errorf("put interface %s down: %w", name, err)
	}
	return nil
}

// linkNames maps interface index to name.
func (p *Provider) linkNames() (map[int]string, error) {
	links, err := dump(p.h.LinkList)
	if err != nil {
		return nil, fmt.Errorf("list interfaces: %w", err)
	}
	names := make(map[int]string, len(links))
	for _, l := range links {
		names[l.Attrs().Index] = l.Attrs().Name
	}
	return names, nil
}

// addrFromIP converts a net.IP, unmapping IPv4 kept in 16 bytes.
func addrFromIP(ip net.IP) (netip.Addr, bool) {
	a, ok := netip.AddrFromSlice(ip)
	return a.Unmap(), ok
}

// ipNet converts a prefix; masked chooses the network address (routes) or
// keeps the host address (interface addresses).
func ipNet(p netip.Prefix, masked bool) *net.IPNet {
	if masked {
		p = p.Masked()
	}
	bits := 32
	if p.Addr().Is6() {
		bits = 128
	}
	return &net.IPNet{IP: net.IP(p.Addr().AsSlice()), Mask: net.CIDRMask(p.Bits(), bits)}
}
