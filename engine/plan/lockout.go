package plan

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/lvsctl/lvsctl/engine/state"
)

// Session is the network session lvsctl reaches a host over (SSH): the
// host's own address and the far end's (the operator's machine or the last
// bastion), as the host sees them.
type Session struct {
	Local, Peer netip.Addr
}

// Lockouts lists the changes of hp that would cut the session lvsctl
// talks to the host over, half-way through an apply, each explained: the
// removal or replacement of the address the session arrives at, of the
// address whose subnet reaches the far end, or of the route replies take
// to it, and a new route that would send those replies elsewhere. live is
// the host's live state the plan was made from.
func Lockouts(hp HostPlan, live state.Host, s Session) []string {
	if !s.Local.IsValid() || !s.Peer.IsValid() {
		return nil
	}
	via := sessionPath(live, s)
	var out []string
	for _, c := range hp.Changes {
		removes := c.Action == Delete || c.Action == Replace || c.Action == Update
		switch {
		case c.Kind == KindAddress && removes && c.Before != nil && c.Before.Address != nil:
			a := c.Before.Address
			if a.Prefix.Addr() == s.Local || (via.onLink.Prefix.IsValid() && a.Key() == via.onLink.Key()) {
				out = append(out, fmt.Sprintf("%s: the SSH session to this host arrives at %s, and without that address it ends half-way through the apply", c.Address, s.Local))
			}
		case c.Kind == KindRoute && removes && c.Before != nil && c.Before.Route != nil && via.route != nil && c.Before.Route.Key() == via.route.Key():
			out = append(out, fmt.Sprintf("%s: replies to the SSH session's far end %s leave by this route, and without it the session ends half-way through the apply", c.Address, s.Peer))
		case c.Kind == KindRoute && (c.Action == Create || c.Action == Replace) && c.After != nil && c.After.Route != nil:
			r := c.After.Route
			if r.Table == 0 && r.Destination.Contains(s.Peer) && r.Destination.Bits() > via.bits && !sameWay(*r, via) {
				out = append(out, fmt.Sprintf("%s: replies to the SSH session's far end %s would leave by this route instead of %s, which may not lead back", c.Address, s.Peer, via))
			}
		}
	}
	return out
}

// LockoutError explains Lockouts for a host and what to do instead.
func LockoutError(host string, s Session, lockouts []string) error {
	return fmt.Errorf("host %s: the plan would cut the SSH session lvsctl works over (%s → %s), so it is refused:\n  - %s\n"+
		"Reach the host by another address (the ssh block's host, or HostName in ssh_config) or from a console, "+
		"or leave that address and route out of the configuration",
		host, s.Peer, s.Local, strings.Join(lockouts, "\n  - "))
}

// path is how the host's replies reach the session's far end: through the
// subnet of one of its addresses, or a route of the main table.
type path struct {
	onLink state.Address // valid when the far end is on a subnet of the host
	route  *state.Route  // the most specific route otherwise
	bits   int           // prefix length of whichever it is; -1 when neither
}

func (p path) String() string {
	switch {
	case p.onLink.Prefix.IsValid():
		return "the subnet of " + p.onLink.Key()
	case p.route != nil:
		return "route " + p.route.Key()
	}
	return "the current path"
}

func sessionPath(live state.Host, s Session) path {
	p := path{bits: -1}
	for _, a := range live.Addresses {
		if pf := a.Prefix.Masked(); pf.Contains(s.Peer) && pf.Bits() > p.bits {
			p.onLink, p.bits = a, pf.Bits()
		}
	}
	if p.onLink.Prefix.IsValid() {
		return p
	}
	for i, r := range live.Routes {
		if r.Table != 0 || !r.Destination.Contains(s.Peer) {
			continue
		}
		if b := r.Destination.Bits(); b > p.bits || (b == p.bits && r.Metric < p.route.Metric) {
			p.route, p.bits = &live.Routes[i], b
		}
	}
	return p
}

// sameWay reports whether route r sends traffic where path p does.
func sameWay(r state.Route, p path) bool {
	switch {
	case p.route != nil:
		return r.Gateway == p.route.Gateway && (r.Interface == "" || r.Interface == p.route.Interface)
	case p.onLink.Prefix.IsValid():
		return !r.Gateway.IsValid() && r.Interface == p.onLink.Interface
	}
	return false
}
