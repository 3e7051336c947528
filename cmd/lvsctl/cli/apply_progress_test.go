package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
)

func TestProgressSummarisesBigSteps(t *testing.T) {
	svc := plantest.Service("10.0.0.1")
	var changes []plan.Change
	changes = append(changes, plantest.ServiceChange(plan.Create, "web", nil, &svc, plan.OwnCreate))
	for i := range 30 {
		s := plantest.Server(fmt.Sprintf("10.1.0.%d", i+1), 1)
		changes = append(changes, plantest.ServerChange(plan.Create, svc, nil, &s))
	}
	p := plan.Plan{Hosts: []plan.HostPlan{{Host: "lvs1", Role: state.RoleDirector, Changes: changes}}}
	results := make([]plan.Result, len(changes))
	for i, c := range changes {
		results[i] = plan.Result{Address: c.Address}
	}
	results[len(results)-1].Error = "file exists"

	var out strings.Builder
	newProgress(&out, p, false).report("lvs1", results, nil)
	want := "lvs1: " + changes[0].Address + ": done\n" +
		"lvs1: " + changes[30].Address + ": failed: file exists\n" +
		"lvs1: server-create: 29 done (-v lists each)\n"
	if out.String() != want {
		t.Errorf("summary:\n%s\nwant:\n%s", out.String(), want)
	}

	out.Reset()
	newProgress(&out, p, true).report("lvs1", results, nil)
	if n := strings.Count(out.String(), "\n"); n != len(changes) {
		t.Errorf("verbose printed %d lines for %d changes", n, len(changes))
	}
}
