package apply

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Verify reads back what the apply touched and reports every difference
// from the desired state there, but for the changes held back.
//
// What it reads: on each host the plan changed, the IPVS services its
// changes touched (each with its servers, asked for by identity: a few
// kernel requests each, however big the table), and all of the host's
// addresses, routes, the sysctls the desired state sets, the IPVS timeouts
// and sync daemons (small, read whole). What it does not read again: the
// services no change touched, and the hosts with no change. The plan read
// those moments before, under the host's lock, which keeps every other
// lvsctl run out; so after a successful apply a new plan is empty (or holds
// back the same changes) unless something other than lvsctl (ipvsadm by
// hand, keepalived) changed the host meanwhile, which a plan will show.
func Verify(ctx context.Context, p plan.Plan, hosts map[string]cluster.Host, parallelism int) error {
	ms, err := members(p, hosts)
	if err != nil {
		return err
	}
	type check struct {
		member cluster.Member
		hp     plan.HostPlan
		only   []state.ServiceID
	}
	var checks []check
	for i, m := range ms {
		hp := p.Hosts[i]
		if len(hp.Changes) == 0 {
			continue // nothing applied there
		}
		checks = append(checks, check{m, hp, TouchedServices(hp.Changes)})
	}
	diffs := make([][]string, len(checks))
	err = cluster.Each(ctx, len(checks), parallelism, func(ctx context.Context, i int) error {
		c := checks[i]
		desired := c.member.Desired
		live, err := ReadTouched(ctx, c.member.Host, desired, c.only)
		if err != nil {
			return fmt.Errorf("verify: read host %s: %w", desired.Name, err)
		}
		held := map[string]bool{}
		for _, h := range c.hp.HeldBack {
			held[h.Address] = true
		}
		for _, ch := range plan.Changes(OnlyServices(desired, c.only), live) {
			if held[ch.Address] {
				continue // left for when the host it depends on is back
			}
			diffs[i] = append(diffs[i], fmt.Sprintf("host %s: %s %s", desired.Name, ch.Action, ch.Address))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if all := slices.Concat(diffs...); len(all) > 0 {
		return fmt.Errorf("verify: after apply the hosts still differ from the configuration (something else changed them, or the kernel did not take a setting):\n  %s",
			strings.Join(all, "\n  "))
	}
	return nil
}

// TouchedServices are the identities of the IPVS services changes create,
// change, adopt or delete, or whose servers they change, sorted by key.
func TouchedServices(changes []plan.Change) []state.ServiceID {
	seen := map[string]state.ServiceID{}
	add := func(id state.ServiceID) { seen[id.Key()] = id }
	for _, c := range changes {
		switch c.Kind {
		case plan.KindService:
			for _, r := range []*plan.Resource{c.Before, c.After} {
				if r != nil && r.Service != nil {
					add(r.Service.ID())
				}
			}
		case plan.KindServer:
			if c.Service != nil {
				add(*c.Service)
			}
		}
	}
	out := make([]state.ServiceID, 0, len(seen))
	for _, k := range slices.Sorted(maps.Keys(seen)) {
		out = append(out, seen[k])
	}
	return out
}

// ReadTouched reads host h as a plan of desired would, but for the IPVS
// table only the services only names (with their servers).
func ReadTouched(ctx context.Context, h cluster.Host, desired state.Host, only []state.ServiceID) (state.Host, error) {
	req := cluster.ReadRequestFor(desired)
	// A touched service is read even when the desired state has no IPVS
	// left (destroy): that it is gone is what there is to check.
	req.IPVS = req.IPVS || len(only) > 0
	req.Only = &cluster.Subset{Services: only}
	live, err := h.Read(ctx, req)
	live.Name, live.Role = desired.Name, desired.Role
	return live, err
}

// OnlyServices is desired with only the services only names: what a read
// by ReadTouched is compared with.
func OnlyServices(desired state.Host, only []state.ServiceID) state.Host {
	keys := make(map[string]bool, len(only))
	for _, id := range only {
		keys[id.Key()] = true
	}
	desired.Services = slices.DeleteFunc(slices.Clone(desired.Services), func(s state.Service) bool { return !keys[s.Key()] })
	return desired
}
