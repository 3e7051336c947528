package nltest

import (
	"net"
	"slices"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// supportedFilters are the route filters the fake understands.
const supportedFilters = netlink.RT_FILTER_TABLE | netlink.RT_FILTER_OIF | netlink.RT_FILTER_PROTOCOL

// RouteListFiltered lists routes like the library does: only table main
// unless the table filter is set, every table when it is RT_TABLE_UNSPEC.
func (f *Fake) RouteListFiltered(fam int, filter *netlink.Route, mask uint64) ([]netlink.Route, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if mask&^supportedFilters != 0 || (mask != 0 && filter == nil) {
		return nil, unix.EINVAL
	}
	var out []netlink.Route
	for _, r := range f.routes {
		switch {
		case fam != netlink.FAMILY_ALL && r.Family != fam:
		case mask&netlink.RT_FILTER_TABLE == 0 && r.Table != unix.RT_TABLE_MAIN:
		case mask&netlink.RT_FILTER_TABLE != 0 && filter.Table != unix.RT_TABLE_UNSPEC && r.Table != filter.Table:
		case mask&netlink.RT_FILTER_OIF != 0 && r.LinkIndex != filter.LinkIndex:
		case mask&netlink.RT_FILTER_PROTOCOL != 0 && r.Protocol != filter.Protocol:
		default:
			out = append(out, copyRoute(r))
		}
	}
	return out, nil
}

func copyRoute(r netlink.Route) netlink.Route {
	if r.Dst != nil {
		d := *r.Dst
		r.Dst = &d
	}
	r.Gw = slices.Clone(r.Gw)
	return r
}

// sameRoute is the kernel's identity of a route: family, table,
// destination, TOS and metric.
func sameRoute(a, b netlink.Route) bool {
	return a.Family == b.Family && a.Table == b.Table && a.Tos == b.Tos &&
		a.Priority == b.Priority && a.Dst.String() == b.Dst.String()
}

// normalize fills in what the kernel fills in for a route being added.
func (f *Fake) normalize(in *netlink.Route) (netlink.Route, error) {
	if in == nil || in.Dst == nil {
		return netlink.Route{}, unix.EINVAL
	}
	r := copyRoute(*in)
	r.Family = family(r.Dst.IP)
	if r.Table == 0 {
		r.Table = unix.RT_TABLE_MAIN
	}
	if r.Type == 0 {
		r.Type = unix.RTN_UNICAST
	}
	if r.Family == netlink.FAMILY_V6 && r.Priority == 0 {
		r.Priority = 1024
	}
	if r.Family == netlink.FAMILY_V4 {
		r.Dst.IP = r.Dst.IP.To4()
	}
	if r.LinkIndex != 0 {
		if _, err := f.byIndex(r.LinkIndex); err != nil {
			return netlink.Route{}, unix.ENODEV
		}
	}
	if r.Gw != nil {
		link, ok := f.onLink(r.Gw)
		if !ok || (r.LinkIndex != 0 && link != r.LinkIndex) {
			return netlink.Route{}, unix.ENETUNREACH
		}
		r.LinkIndex = link
	} else if r.LinkIndex == 0 {
		return netlink.Route{}, unix.ENODEV
	}
	return r, nil
}

// onLink finds the link whose connected network holds ip.
func (f *Fake) onLink(ip net.IP) (int, bool) {
	for _, a := range f.addrs {
		if (&net.IPNet{IP: a.IP.Mask(a.Mask), Mask: a.Mask}).Contains(ip) {
			return a.LinkIndex, true
		}
	}
	return 0, false
}

func (f *Fake) RouteAdd(in *netlink.Route) error { return f.addRoute(in, true) }

func (f *Fake) RouteReplace(in *netlink.Route) error { return f.addRoute(in, false) }

// addRoute adds a route, or replaces the one with the same identity; with
// exclusive (NLM_F_EXCL, as RouteAdd) such a route is EEXIST instead.
func (f *Fake) addRoute(in *netlink.Route, exclusive bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.change(); err != nil {
		return err
	}
	r, err := f.normalize(in)
	if err != nil {
		return err
	}
	if i := slices.IndexFunc(f.routes, func(have netlink.Route) bool { return sameRoute(have, r) }); i >= 0 {
		if exclusive {
			return unix.EEXIST
		}
		f.routes[i] = r
		return nil
	}
	f.routes = append(f.routes, r)
	return nil
}

// RouteDel removes the first route that matches: destination and table
// always, metric, gateway and interface when given (an IPv6 metric of 0
// matches any), as the kernel does.
func (f *Fake) RouteDel(in *netlink.Route) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.change(); err != nil {
		return err
	}
	if in == nil || in.Dst == nil {
		return unix.EINVAL
	}
	table := in.Table
	if table == 0 {
		table = unix.RT_TABLE_MAIN
	}
	want := in.Dst.String()
	i := slices.IndexFunc(f.routes, func(r netlink.Route) bool {
		return r.Table == table && r.Dst.String() == want &&
			(in.Priority == 0 && r.Family == netlink.FAMILY_V6 || r.Priority == in.Priority) &&
			(in.Gw == nil || in.Gw.Equal(r.Gw)) &&
			(in.LinkIndex == 0 || in.LinkIndex == r.LinkIndex)
	})
	if i < 0 {
		return unix.ESRCH
	}
	f.routes = slices.Delete(f.routes, i, i+1)
	return nil
}
