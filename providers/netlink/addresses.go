package netlink

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// addresses reads the addresses for AddressesAndRoutes, naming interfaces
// through names (index to name).
func (p *Provider) addresses(names map[int]string) ([]state.Address, error) {
	list, err := dump(func() ([]netlink.Addr, error) { return p.h.AddrList(nil, netlink.FAMILY_ALL) })
	if err != nil {
		return nil, fmt.Errorf("list addresses: %w", err)
	}
	out := make([]state.Address, 0, len(list))
	for _, a := range list {
		if a.IPNet == nil {
			continue
		}
		ip, ok := addrFromIP(a.IP)
		if !ok {
			continue
		}
		bits, _ := a.Mask.Size()
		name := names[a.LinkIndex]
		label := a.Label
		if label == name {
			label = ""
		}
		out = append(out, state.Address{Interface: name, Prefix: netip.PrefixFrom(ip, bits), Label: label, Scope: scopeName(a.Scope)})
	}
	return out, nil
}

// AddAddress adds an address to its interface, as `ip addr add PREFIX dev
// IFACE label LABEL` does. A /32 (or /128) gets neither peer nor broadcast,
// which is what `ifconfig lo:0 VIP netmask 255.255.255.255` leaves behind;
// shorter IPv4 prefixes get the usual broadcast address.
//
// IPv6 has no labels in the kernel, so an IPv6 address is added without
// its label (and reads back without one).
//
// The interface is brought up when it is down: tunl0 comes up down when the
// ipip module loads, and lo is down in a fresh network namespace, and an
// address on a down interface receives nothing.
func (p *Provider) AddAddress(a state.Address) error {
	addr, err := toAddr(a)
	if err != nil {
		return err
	}
	l, err := p.link(a.Interface)
	if err != nil {
		return fmt.Errorf("add address %s: %w", a.Prefix, err)
	}
	if l.Attrs().Flags&net.FlagUp == 0 {
		if err := p.h.LinkSetUp(l); err != nil {
			return fmt.Errorf("add address %s: bring interface %s up: %w", a.Prefix, a.Interface, err)
		}
	}
	if err := p.h.AddrAdd(l, addr); err != nil {
		if errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("add address %s to %s: it is already there (added outside lvsctl?): remove it with `ip addr del %s dev %s` or declare it as it is: %w",
				a.Prefix, a.Interface, a.Prefix, a.Interface, err)
		}
		return fmt.Errorf("add address %s to %s: %w", a.Prefix, a.Interface, err)
	}
	return nil
}

// DeleteAddress removes an address from its interface.
func (p *Provider) DeleteAddress(a state.Address) error {
	addr, err := toAddr(a)
	if err != nil {
		return err
	}
	l, err := p.link(a.Interface)
	if err != nil {
		return fmt.Errorf("delete address %s: %w", a.Prefix, err)
	}
	// The kernel matches the label when one is given; leave it out so an
	// address whose label was changed by hand is still found.
	addr.Label = ""
	if err := p.h.AddrDel(l, addr); err != nil {
		if errors.Is(err, unix.EADDRNOTAVAIL) {
			return fmt.Errorf("delete address %s from %s: it is not there (removed by hand?): run plan again: %w", a.Prefix, a.Interface, err)
		}
		return fmt.Errorf("delete address %s from %s: %w", a.Prefix, a.Interface, err)
	}
	return nil
}

// ReplaceAddress turns before into after. When both are the same address
// (a label change), it is deleted and added again, since the kernel cannot
// relabel an address in place; otherwise after is added before before goes,
// so the host is never left with neither.
func (p *Provider) ReplaceAddress(before, after state.Address) error {
	if before.Key() == after.Key() {
		if err := p.DeleteAddress(before); err != nil {
			return err
		}
		return p.AddAddress(after)
	}
	if err := p.AddAddress(after); err != nil {
		return err
	}
	return p.DeleteAddress(before)
}

// toAddr checks an address and converts it to the library's form.
func toAddr(a state.Address) (*netlink.Addr, error) {
	if !a.Prefix.IsValid() {
		return nil, fmt.Errorf("address on %s: invalid prefix %q", a.Interface, a.Prefix)
	}
	if a.Interface == "" {
		return nil, fmt.Errorf("address %s: no interface", a.Prefix)
	}
	if err := CheckLabel(a); err != nil {
		return nil, err
	}
	scope, err := scopeNumber(a.Scope)
	if err != nil {
		return nil, fmt.Errorf("address %s on %s: %w", a.Prefix, a.Interface, err)
	}
	addr := &netlink.Addr{IPNet: ipNet(a.Prefix, false), Scope: scope}
	// The kernel keeps labels for IPv4 only; an IPv6 address has none.
	if a.Prefix.Addr().Is4() {
		addr.Label = a.Label
	}
	return addr, nil
}

// CheckLabel reports whether the address's label is one ip(8) and the
// kernel accept: it starts with the interface name (eth0:0, eth0:vip,
// lovip) and is at most 15 bytes long.
func CheckLabel(a state.Address) error {
	if a.Label == "" || a.Label == a.Interface {
		return nil
	}
	if !strings.HasPrefix(a.Label, a.Interface) {
		return fmt.Errorf("address %s on %s: label %q must start with the interface name, e.g. %s:0",
			a.Prefix, a.Interface, a.Label, a.Interface)
	}
	if len(a.Label) > state.MaxLabelLen {
		return fmt.Errorf("address %s on %s: label %q is longer than %d bytes: use a shorter suffix, e.g. %s:0",
			a.Prefix, a.Interface, a.Label, state.MaxLabelLen, a.Interface)
	}
	return nil
}

// scopeNumber is the kernel's number for an address scope; "" is global.
func scopeNumber(name string) (int, error) {
	switch name {
	case "", "global":
		return unix.RT_SCOPE_UNIVERSE, nil
	case "link":
		return unix.RT_SCOPE_LINK, nil
	case "host":
		return unix.RT_SCOPE_HOST, nil
	}
	return 0, fmt.Errorf("unknown scope %q: use global, link or host", name)
}

// scopeName names a scope read from the kernel as a state.Address does:
// global is "", the default; an unusual number is kept as a number.
func scopeName(n int) string {
	switch n {
	case unix.RT_SCOPE_UNIVERSE:
		return ""
	case unix.RT_SCOPE_LINK:
		return "link"
	case unix.RT_SCOPE_HOST:
		return "host"
	}
	return strconv.Itoa(n)
}
