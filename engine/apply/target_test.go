package apply_test

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/apply"
	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

var rsAddress = map[string]netip.Addr{
	"rs1": netip.MustParseAddr("192.0.2.31"),
	"rs2": netip.MustParseAddr("192.0.2.32"),
	"rs3": netip.MustParseAddr("192.0.2.33"),
}

// targetDeps plans src for the named hosts and returns what the changes
// need from the hosts left out, as TargetCandidates and TargetDependencies
// find it.
func (c *fakeCluster) targetDeps(src string, names ...string) (plan.Plan, []cluster.Dependency) {
	c.t.Helper()
	p, others := c.planTargets(src, names...)
	roles := map[string]state.Role{}
	for _, m := range others {
		roles[m.Desired.Name] = m.Desired.Role
	}
	candidates := cluster.TargetCandidates(p, roles, rsAddress)
	var open []cluster.Member
	for _, m := range others {
		if slices.Contains(candidates, m.Desired.Name) {
			open = append(open, m)
		}
	}
	return p, cluster.TargetDependencies(context.Background(), p, open, rsAddress, 4)
}

func needed(deps []cluster.Dependency) []string {
	var out []string
	for _, d := range deps {
		if !slices.Contains(out, d.Needs) {
			out = append(out, d.Needs)
		}
	}
	slices.Sort(out)
	return out
}

func (c *fakeCluster) applyPlan(p plan.Plan) {
	c.t.Helper()
	if err := apply.Apply(context.Background(), p, c.hostMap(), apply.Options{}); err != nil {
		c.t.Fatal(err)
	}
}

// TestTargetDirectorNeedsRealServers: a director targeted alone must not
// start sending to real servers that are not ready; once they are (applied
// on their own first), it may.
func TestTargetDirectorNeedsRealServers(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3")
	src := drConfig("192.0.2.31", "192.0.2.32")
	_, deps := c.targetDeps(src, "lvs")
	if got := needed(deps); !slices.Equal(got, []string{"rs1", "rs2"}) {
		t.Fatalf("-target lvs needs %v, want [rs1 rs2]: %v", got, deps)
	}
	if !strings.Contains(deps[0].Why, "not ready") || !strings.Contains(deps[0].Change, "server tcp/192.0.2.100:80 -> 192.0.2.31:80") {
		t.Errorf("dependency %v does not say which change waits for what", deps[0])
	}

	// The real servers first, on their own: they depend on nothing.
	p, deps := c.targetDeps(src, "rs1", "rs2")
	if len(deps) != 0 {
		t.Fatalf("-target rs1 rs2 (setup only) has dependencies: %v", deps)
	}
	c.applyPlan(p)
	p, deps = c.targetDeps(src, "lvs")
	if len(deps) != 0 {
		t.Fatalf("-target lvs with its real servers ready has dependencies: %v", deps)
	}
	c.applyPlan(p)
	if !ready(c.live("rs1")) || len(c.live("lvs").Services) != 1 {
		t.Fatal("the targeted applies did not build the cluster")
	}
}

// TestTargetRealServerNeedsDirectors: a real server targeted alone must not
// drop its VIP while a director left out still sends to it.
func TestTargetRealServerNeedsDirectors(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3")
	c.apply(drConfig("192.0.2.31", "192.0.2.32"))
	src := drConfig("192.0.2.31")

	_, deps := c.targetDeps(src, "rs2")
	if got := needed(deps); !slices.Equal(got, []string{"lvs"}) || !strings.Contains(deps[0].Why, "still sends tcp/192.0.2.100:80") {
		t.Fatalf("-target rs2 dropping its VIP needs %v (%v), want [lvs]", got, deps)
	}
	if _, deps := c.targetDeps(src, "rs2", "lvs"); len(deps) != 0 {
		t.Errorf("-target rs2 -target lvs has dependencies: %v", deps)
	}
	// The director first: it drains and removes rs2 and depends on no one
	// (rs2 stays ready); then rs2 may go.
	p, deps := c.targetDeps(src, "lvs")
	if len(deps) != 0 {
		t.Fatalf("-target lvs removing a server has dependencies: %v", deps)
	}
	c.applyPlan(p)
	if _, deps := c.targetDeps(src, "rs2"); len(deps) != 0 {
		t.Fatalf("-target rs2 after the director stopped sending has dependencies: %v", deps)
	}
}

// TestTargetUnreadableHostIsNeeded: a host left out that cannot be read
// cannot be shown ready, so it is needed.
func TestTargetUnreadableHostIsNeeded(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3")
	p, others := c.planTargets(drConfig("192.0.2.31"), "lvs")
	var rs1 []cluster.Member
	for _, m := range others {
		if m.Desired.Name == "rs1" {
			m.Host = unreadable{m.Host}
			rs1 = append(rs1, m)
		}
	}
	deps := cluster.TargetDependencies(context.Background(), p, rs1, rsAddress, 1)
	if len(deps) != 1 || deps[0].Needs != "rs1" || !strings.Contains(deps[0].Why, "cannot be read") {
		t.Fatalf("dependencies on an unreadable rs1: %v", deps)
	}
}

type unreadable struct{ cluster.Host }

func (unreadable) Read(context.Context, cluster.ReadRequest) (state.Host, error) {
	return state.Host{}, context.DeadlineExceeded
}
