package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// checkTargets refuses a targeted plan whose changes need hosts the targets
// leave out (see cluster.TargetDependencies), naming the hosts to add; with
// -target-unsafe it marks those changes instead.
func (s *session) checkTargets(ctx context.Context, p *plan.Plan, parallelism int) error {
	roles := map[string]state.Role{}
	for _, t := range s.left {
		roles[t.Desired.Name] = t.Desired.Role
	}
	candidates := cluster.TargetCandidates(*p, roles, s.rsAddress)
	var others []cluster.Member
	for _, t := range s.left {
		if !slices.Contains(candidates, t.Desired.Name) {
			continue
		}
		h, err := s.open(ctx, t.Desired.Name, t.Connection)
		if err != nil {
			h = unreachable{err}
		}
		defer h.Close()
		others = append(others, cluster.Member{Desired: t.Desired, Host: h, Connection: t.Connection})
	}
	deps := cluster.TargetDependencies(ctx, *p, others, s.rsAddress, parallelism)
	if len(deps) == 0 {
		return nil
	}
	// One line per host and what it must do, with the changes waiting on it.
	type need struct{ host, needs, why string }
	var order []need
	waiting := map[need][]string{}
	var add []string
	for _, d := range deps {
		k := need{d.Host, d.Needs, d.Why}
		if _, ok := waiting[k]; !ok {
			order = append(order, k)
		}
		waiting[k] = append(waiting[k], d.Change)
		if !slices.Contains(add, "-target "+d.Needs) {
			add = append(add, "-target "+d.Needs)
		}
	}
	var lines []string
	for _, k := range order {
		lines = append(lines, fmt.Sprintf("%s needs %s for %s: %s", k.host, k.needs, changesList(waiting[k]), k.why))
	}
	if !s.targetUnsafe {
		return fmt.Errorf("-target leaves out hosts these changes need, so the safe order across hosts cannot hold:\n  %s\nAdd them (%s), or apply those hosts first; -target-unsafe plans it anyway",
			strings.Join(lines, "\n  "), strings.Join(add, " "))
	}
	for _, d := range deps {
		for i := range p.Hosts {
			for j := range p.Hosts[i].Changes {
				c := &p.Hosts[i].Changes[j]
				if p.Hosts[i].Host == d.Host && c.Address == d.Change && !strings.HasPrefix(c.Reason, "UNSAFE") {
					c.Reason = strings.TrimSuffix("UNSAFE (-target-unsafe): needs "+d.Needs+" first; "+c.Reason, "; ")
				}
			}
		}
	}
	for i, k := range order {
		p.Warnings = append(p.Warnings, plan.Warning{Host: k.host, Summary: "UNSAFE: -target leaves out a host this change needs",
			Detail: lines[i] + ". Traffic may fail until " + k.needs + " is applied too."})
	}
	return nil
}

// unreachable is a host that could not be opened: reading it fails with why.
type unreachable struct{ err error }

func (u unreachable) Read(context.Context, cluster.ReadRequest) (state.Host, error) {
	return state.Host{}, u.err
}

func (u unreachable) Apply(context.Context, []plan.Change) ([]plan.Result, error) {
	return nil, u.err
}

func (unreachable) Close() error { return nil }

// changesList names a few changes, then how many more.
func changesList(cs []string) string {
	if len(cs) <= 2 {
		return strings.Join(cs, " and ")
	}
	return fmt.Sprintf("%s, %s and %d more", cs[0], cs[1], len(cs)-2)
}
