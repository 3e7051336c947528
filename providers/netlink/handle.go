// Package netlink manages the addresses, address labels and routes lvsctl
// puts on a host (VIP aliases, real-server VIPs on lo or tunl0, host routes)
// over rtnetlink, through the vishvananda/netlink library.
//
// The provider speaks to the kernel through Handle, the handful of calls it
// needs; *netlink.Handle implements it, and so does the stateful fake in
// nltest that unit tests use.
package netlink

import (
	"errors"

	"github.com/vishvananda/netlink"
)

// Handle is the part of *netlink.Handle the provider uses.
type Handle interface {
	LinkByName(name string) (netlink.Link, error)
	LinkList() ([]netlink.Link, error)
	LinkSetUp(link netlink.Link) error
	LinkSetDown(link netlink.Link) error
	AddrList(link netlink.Link, family int) ([]netlink.Addr, error)
	AddrAdd(link netlink.Link, addr *netlink.Addr) error
	AddrDel(link netlink.Link, addr *netlink.Addr) error
	RouteListFiltered(family int, filter *netlink.Route, filterMask uint64) ([]netlink.Route, error)
	RouteAdd(route *netlink.Route) error
	RouteReplace(route *netlink.Route) error
	RouteDel(route *netlink.Route) error
}

var _ Handle = (*netlink.Handle)(nil)

// dumpAttempts bounds the retries of a dump the kernel reports as
// interrupted (the table changed while it was being read).
const dumpAttempts = 5

// dump runs a netlink dump, retrying while the kernel says the result may
// be inconsistent; after the last attempt it reports the interruption.
func dump[T any](list func() ([]T, error)) ([]T, error) {
	var err error
	for range dumpAttempts {
		var out []T
		out, err = list()
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			return out, err
		}
	}
	return nil, err
}
