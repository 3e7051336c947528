package netlink

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// ipv6DefaultMetric is the metric the kernel gives an IPv6 route added
// without one. It is read back as 0 so a route declared without a metric
// reads as declared.
const ipv6DefaultMetric = 1024

// AddressesAndRoutes returns every address on every interface and the
// unicast routes of every table except local, both families, read with one
// interface dump so both name interfaces from the same view.
//
// An IPv4 label equal to the interface name (the kernel's default) reads as
// no label, so only ifconfig-style aliases such as lo:0 show. IPv6 has no
// labels in the kernel; IPv6 link-local addresses are returned like any
// other and left to the diff to ignore.
//
// Routes the kernel made for addresses (proto kernel) are left out: they
// come and go with the addresses. So are multipath routes, which the state
// model cannot express. Table main reads as 0.
func (p *Provider) AddressesAndRoutes() ([]state.Address, []state.Route, error) {
	names, err := p.linkNames()
	if err != nil {
		return nil, nil, err
	}
	addrs, err := p.addresses(names)
	if err != nil {
		return nil, nil, err
	}
	routes, err := p.routes(names)
	if err != nil {
		return nil, nil, err
	}
	return addrs, routes, nil
}

// routes reads the routes for AddressesAndRoutes, naming interfaces
// through names (index to name).
func (p *Provider) routes(names map[int]string) ([]state.Route, error) {
	list, err := dump(func() ([]netlink.Route, error) {
		// RT_TABLE_UNSPEC with the table filter means every table.
		return p.h.RouteListFiltered(netlink.FAMILY_ALL, &netlink.Route{Table: unix.RT_TABLE_UNSPEC}, netlink.RT_FILTER_TABLE)
	})
	if err != nil {
		return nil, fmt.Errorf("list routes: %w", err)
	}
	out := make([]state.Route, 0, len(list))
	for _, r := range list {
		if r.Table == unix.RT_TABLE_LOCAL || r.Protocol == unix.RTPROT_KERNEL ||
			r.Type != unix.RTN_UNICAST || len(r.MultiPath) > 0 {
			continue
		}
		sr, ok := fromRoute(r, names)
		if ok {
			out = append(out, sr)
		}
	}
	return out, nil
}

func fromRoute(r netlink.Route, names map[int]string) (state.Route, bool) {
	var dst netip.Prefix
	if r.Dst == nil {
		// The library leaves a default route without a destination.
		switch r.Family {
		case netlink.FAMILY_V4:
			dst = netip.MustParsePrefix("0.0.0.0/0")
		case netlink.FAMILY_V6:
			dst = netip.MustParsePrefix("::/0")
		default:
			return state.Route{}, false
		}
	} else {
		ip, ok := addrFromIP(r.Dst.IP)
		if !ok {
			return state.Route{}, false
		}
		bits, _ := r.Dst.Mask.Size()
		dst = netip.PrefixFrom(ip, bits)
	}
	out := state.Route{Destination: dst, Interface: names[r.LinkIndex], Metric: r.Priority}
	if r.Gw != nil {
		out.Gateway, _ = addrFromIP(r.Gw)
	}
	if r.Table != unix.RT_TABLE_MAIN {
		out.Table = r.Table
	}
	if dst.Addr().Is6() && out.Metric == ipv6DefaultMetric {
		out.Metric = 0
	}
	return out, true
}

// AddRoute adds a route, as `ip route add` does (proto boot; scope link
// when there is no gateway).
func (p *Provider) AddRoute(r state.Route) error {
	nr, err := p.toRoute(r)
	if err != nil {
		return err
	}
	if err := p.h.RouteAdd(nr); err != nil {
		return routeError("add", r, err)
	}
	return nil
}

// ReplaceRoute adds a route or replaces the one with the same destination,
// table and metric, as `ip route replace` does.
func (p *Provider) ReplaceRoute(r state.Route) error {
	nr, err := p.toRoute(r)
	if err != nil {
		return err
	}
	if err := p.h.RouteReplace(nr); err != nil {
		return routeError("replace", r, err)
	}
	return nil
}

// DeleteRoute removes a route. Gateway and interface, when set, must match.
func (p *Provider) DeleteRoute(r state.Route) error {
	nr, err := p.toRoute(r)
	if err != nil {
		return err
	}
	// Scope and protocol are not part of what is deleted; a route added
	// by hand with other values must still match. The kernel matches any
	// scope only for RT_SCOPE_NOWHERE (what `ip route del` sends); scope 0
	// would match only universe routes, never our scope-link host routes.
	nr.Scope, nr.Protocol = netlink.SCOPE_NOWHERE, 0
	if err := p.h.RouteDel(nr); err != nil {
		return routeError("delete", r, err)
	}
	return nil
}

func (p *Provider) toRoute(r state.Route) (*netlink.Route, error) {
	if !r.Destination.IsValid() {
		return nil, fmt.Errorf("route: invalid destination %q", r.Destination)
	}
	if r.Gateway.IsValid() && r.Gateway.Is4() != r.Destination.Addr().Is4() {
		return nil, fmt.Errorf("route %s: gateway %s is not of the same IP family", r.Key(), r.Gateway)
	}
	if r.Table < 0 || r.Metric < 0 {
		return nil, fmt.Errorf("route %s: table and metric must not be negative", r.Key())
	}
	nr := &netlink.Route{
		Dst:      ipNet(r.Destination, true),
		Table:    r.Table,
		Priority: r.Metric,
		Protocol: unix.RTPROT_BOOT,
		Scope:    netlink.SCOPE_UNIVERSE,
	}
	if r.Gateway.IsValid() {
		nr.Gw = r.Gateway.AsSlice()
	} else {
		nr.Scope = netlink.SCOPE_LINK
	}
	if r.Interface != "" {
		l, err := p.link(r.Interface)
		if err != nil {
			return nil, fmt.Errorf("route %s: %w", r.Key(), err)
		}
		nr.LinkIndex = l.Attrs().Index
	}
	if !r.Gateway.IsValid() && r.Interface == "" {
		return nil, fmt.Errorf("route %s: needs a gateway or an interface", r.Key())
	}
	return nr, nil
}

// routeError explains the kernel's answer to a route change.
func routeError(op string, r state.Route, err error) error {
	var advice string
	switch {
	case errors.Is(err, unix.EEXIST):
		advice = "a route with this destination, table and metric is already there (added outside lvsctl?): remove it or declare it as it is"
	case errors.Is(err, unix.ESRCH):
		advice = "no such route (removed by hand?): run plan again"
	case errors.Is(err, unix.ENETUNREACH):
		advice = fmt.Sprintf("gateway %s is not on any connected network: add an address in its subnet first", r.Gateway)
	case errors.Is(err, unix.ENODEV):
		advice = fmt.Sprintf("interface %s is gone or down", r.Interface)
	}
	if advice == "" {
		return fmt.Errorf("%s route %s: %w", op, r.Key(), err)
	}
	return fmt.Errorf("%s route %s: %s: %w", op, r.Key(), advice, err)
}
