package cluster

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// A host that cannot be reached is, for the hosts that can, a host left out
// of the plan that cannot be read: the cross-host rules of a targeted plan
// (see TargetDependencies) say which changes depend on it. Rather than
// refuse the whole run, apply makes the others and holds those back:
//
//   - a director does not start (or go on) sending to a real server that
//     could not be reached: nothing says it is ready;
//   - a real server does not drop its VIP, ARP settings or routes while a
//     director that could not be reached may still send to it.
//
// Changes that only make things safer (a director removing a server, a real
// server getting ready) go on.

// Down is a host of the configuration that could not be reached.
type Down struct {
	Desired state.Host
	Err     error
}

// Held is a change held back, and the hosts down it waits for.
type Held struct {
	Host, Change string
	Needs        []string
}

// HoldBack moves every change of p that depends on a host in down from its
// host's Changes to its HeldBack, each with a Reason naming the host, and
// adds a warning per host and host it waits for, so the plan shown before
// apply says what will not be made. It returns the changes held back, in
// plan order.
func HoldBack(p *plan.Plan, down []Down, rsAddress map[string]netip.Addr) []Held {
	var held []Held
	for i := range p.Hosts {
		hp := &p.Hosts[i]
		var keep []plan.Change
		waits := map[string][]string{} // host down -> changes waiting for it
		var order []string
		for _, c := range hp.Changes {
			var needs []string
			for _, d := range down {
				if related(*hp, c, Member{Desired: d.Desired}, rsAddress) {
					needs = append(needs, d.Desired.Name)
				}
			}
			if len(needs) == 0 {
				keep = append(keep, c)
				continue
			}
			c.Reason = strings.TrimSuffix("held back: depends on "+strings.Join(needs, ", ")+", which could not be reached; "+c.Reason, "; ")
			hp.HeldBack = append(hp.HeldBack, c)
			held = append(held, Held{hp.Host, c.Address, needs})
			for _, n := range needs {
				if _, ok := waits[n]; !ok {
					order = append(order, n)
				}
				waits[n] = append(waits[n], c.Address)
			}
		}
		if len(hp.HeldBack) == 0 {
			continue
		}
		hp.Changes = keep
		if hp.Changes == nil {
			hp.Changes = []plan.Change{}
		}
		for _, n := range order {
			hp.Warnings = append(hp.Warnings, plan.Warning{Host: hp.Host,
				Summary: "Held back: depends on " + n + ", which could not be reached",
				Detail: fmt.Sprintf("%d change(s) wait for %s: %s. %s Apply makes the other changes and leaves these; reach %s and apply again.",
					len(waits[n]), n, list(waits[n]), holdWhy(hp.Role, n), n)})
		}
	}
	for _, d := range down {
		p.Warnings = append(p.Warnings, plan.Warning{Host: d.Desired.Name,
			Summary: "Host could not be reached",
			Detail: fmt.Sprintf("%s %q could not be reached, so nothing is planned for it and the changes of other hosts that depend on it are held back: %v",
				d.Desired.Role, d.Desired.Name, d.Err)})
	}
	return held
}

// holdWhy says why a host of role waits for host down.
func holdWhy(role state.Role, down string) string {
	if role == state.RoleDirector {
		return "Nothing says " + down + " is ready for the traffic (ARP settings, VIP, routes), so the director does not send it any."
	}
	return down + " may still send traffic here, so what that traffic needs stays."
}
