package render_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/render"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/golden"
)

// oneBigHost has a director with one new service of n servers and one
// weight changed elsewhere, and a small real server.
func oneBigHost(n int) plan.Plan {
	svc := plantest.Service("10.0.0.1")
	cs := []plan.Change{plantest.ServiceChange(plan.Create, "web", nil, &svc, plan.OwnCreate)}
	for i := range n {
		s := plantest.Server(fmt.Sprintf("10.1.%d.%d", i/250, 1+i%250), 1)
		cs = append(cs, plantest.ServerChange(plan.Create, svc, nil, &s))
	}
	old := plantest.Service("10.0.0.2")
	w1, w2 := plantest.Server("10.2.0.1", 1), plantest.Server("10.2.0.1", 5)
	cs = append(cs, plantest.ServerChange(plan.Update, old, &w1, &w2))
	return plan.Plan{FormatVersion: plan.FormatVersion, Hosts: []plan.HostPlan{
		{Host: "lvs1", Role: state.RoleDirector, Changes: cs},
		{Host: "web1", Role: state.RoleRealServer, Changes: plantest.RealServerChanges("10.0.0.1")},
	}}
}

func TestHumanSummarisesABigHost(t *testing.T) {
	p := oneBigHost(500)
	var b bytes.Buffer
	if err := render.Human(&b, p, render.Options{}); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "summary.txt"), b.Bytes())

	var all bytes.Buffer
	if err := render.Human(&all, p, render.Options{Detailed: true}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(all.String(), "+ server "); n != 500 {
		t.Errorf("-detailed draws %d of the 500 new servers", n)
	}
	// The footer is the same either way.
	last := func(s string) string { l := strings.Split(strings.TrimSpace(s), "\n"); return l[len(l)-1] }
	if last(b.String()) != last(all.String()) {
		t.Errorf("footers differ: %q and %q", last(b.String()), last(all.String()))
	}
}
