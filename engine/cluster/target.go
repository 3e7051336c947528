package cluster

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// A targeted plan (-target) changes some hosts only, and the cross-host
// order that keeps traffic flowing (engine/apply's waves) can only order the
// hosts in the plan. Two changes depend on hosts outside it:
//
//   - a director that starts sending to a server needs that real server
//     ready first (ARP suppressed, VIP on lo, route back): if the real
//     server still has setup to do, the director would send it traffic it
//     drops, or that it answers by ARP-stealing the VIP;
//   - a real server that drops its VIP (or ARP settings, or route) needs
//     every director that still sends to it to stop first, or the director
//     keeps sending connections it no longer accepts.

// Dependency is a change of a targeted host that is only safe together with
// a host the targets leave out.
type Dependency struct {
	// Host and Change name the targeted host and its change.
	Host   string
	Change string
	// Needs is the host left out; Why says what it has to do first.
	Needs string
	Why   string
}

func (d Dependency) String() string {
	return fmt.Sprintf("%s: %s needs %s: %s", d.Host, d.Change, d.Needs, d.Why)
}

// TargetCandidates names the hosts outside the plan that its changes may
// depend on, for the caller to open and pass to TargetDependencies:
// the real servers (by address, rsAddress maps each real server's name to
// it) that a director of the plan adds or edits a server for, and every
// director left out when a real server of the plan tears something down.
// untargeted maps each host the targets leave out to its role.
func TargetCandidates(p plan.Plan, untargeted map[string]state.Role, rsAddress map[string]netip.Addr) []string {
	byAddr := map[netip.Addr]string{}
	for name, a := range rsAddress {
		if untargeted[name] == state.RoleRealServer {
			byAddr[a] = name
		}
	}
	want := map[string]bool{}
	for _, hp := range p.Hosts {
		for _, c := range hp.Changes {
			switch {
			case hp.Role == state.RoleDirector:
				if a, ok := sendsTo(c); ok && byAddr[a] != "" {
					want[byAddr[a]] = true
				}
			case c.IsTeardown():
				for name, role := range untargeted {
					if role == state.RoleDirector {
						want[name] = true
					}
				}
			}
		}
	}
	out := make([]string, 0, len(want))
	for n := range want {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// sendsTo is the server address a director's change starts (or keeps)
// sending to: a server created, edited or replaced.
func sendsTo(c plan.Change) (netip.Addr, bool) {
	if c.Kind != plan.KindServer || c.After == nil || c.After.Server == nil {
		return netip.Addr{}, false
	}
	return c.After.Server.Address, true
}

// TargetDependencies reads the hosts outside the plan that its changes may
// depend on (others, see TargetCandidates) and returns every change of the
// plan that is unsafe without them, sorted. A host that cannot be read
// counts as needed: nothing says it is ready.
func TargetDependencies(ctx context.Context, p plan.Plan, others []Member, rsAddress map[string]netip.Addr, parallelism int) []Dependency {
	live := make([]state.Host, len(others))
	readErr := make([]error, len(others))
	_ = Each(ctx, len(others), parallelism, func(ctx context.Context, i int) error {
		m := others[i]
		req := ReadRequestFor(m.Desired)
		req.IPVS = req.IPVS || m.Desired.Role == state.RoleDirector
		live[i], readErr[i] = m.Host.Read(ctx, req)
		return nil
	})
	var deps []Dependency
	for _, hp := range p.Hosts {
		for _, c := range hp.Changes {
			for i, m := range others {
				name := m.Desired.Name
				if readErr[i] != nil {
					if related(hp, c, m, rsAddress) {
						deps = append(deps, Dependency{hp.Host, c.Address, name, fmt.Sprintf("it cannot be read to check it is ready (%v)", readErr[i])})
					}
					continue
				}
				if why := needs(hp, c, m.Desired, live[i], rsAddress); why != "" {
					deps = append(deps, Dependency{hp.Host, c.Address, name, why})
				}
			}
		}
	}
	slices.SortFunc(deps, func(a, b Dependency) int { return plan.NaturalCompare(a.String(), b.String()) })
	return deps
}

// related reports whether change c of the plan may depend on host m at all.
func related(hp plan.HostPlan, c plan.Change, m Member, rsAddress map[string]netip.Addr) bool {
	switch {
	case c.Action == plan.NoOp:
		return false // the record only (a hand-over): the kernel is not touched
	case hp.Role == state.RoleDirector && m.Desired.Role == state.RoleRealServer:
		a, ok := sendsTo(c)
		return ok && rsAddress[m.Desired.Name] == a
	case hp.Role == state.RoleRealServer && m.Desired.Role == state.RoleDirector:
		return c.IsTeardown()
	}
	return false
}

// needs says why change c of targeted host hp cannot go without other
// (desired and live), or "" when it can.
func needs(hp plan.HostPlan, c plan.Change, desired, live state.Host, rsAddress map[string]netip.Addr) string {
	switch {
	case c.Action == plan.NoOp:
		return "" // the record only (a hand-over)
	case hp.Role == state.RoleDirector && desired.Role == state.RoleRealServer:
		a, ok := sendsTo(c)
		if !ok || rsAddress[desired.Name] != a {
			return ""
		}
		var pending []string
		for _, oc := range plan.Changes(desired, live) {
			if !oc.IsTeardown() {
				pending = append(pending, oc.Address)
			}
		}
		if len(pending) == 0 {
			return ""
		}
		return fmt.Sprintf("the real server is not ready for it yet: it must first apply %s", list(pending))
	case hp.Role == state.RoleRealServer && desired.Role == state.RoleDirector && c.IsTeardown():
		a, ok := rsAddress[hp.Host]
		if !ok {
			return ""
		}
		var vip netip.Addr
		if c.Kind == plan.KindAddress && c.Before != nil && c.Before.Address != nil {
			vip = c.Before.Address.Prefix.Addr()
		}
		for _, s := range live.Services {
			// A VIP going matters to the services of that VIP (and to
			// fwmark services, whose VIPs the director does not know);
			// ARP settings or routes going matter to every service.
			if vip.IsValid() && s.FWMark == 0 && s.Address != vip {
				continue
			}
			for _, srv := range s.Servers {
				if srv.Address == a {
					return fmt.Sprintf("the director still sends %s to it and must stop (drain and remove it) first", s.Key())
				}
			}
		}
	}
	return ""
}

// list shows at most three items, then how many more.
func list(items []string) string {
	if len(items) <= 3 {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:3], ", "), len(items)-3)
}
