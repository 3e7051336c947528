package apply_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/apply"
	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// planWithout plans src against every host but those named down, which
// could not be reached, holding back what depends on them, as apply does.
func (c *fakeCluster) planWithout(src string, down ...string) (plan.Plan, []cluster.Held) {
	c.t.Helper()
	var reach []string
	for n := range c.hosts {
		if !slices.Contains(down, n) {
			reach = append(reach, n)
		}
	}
	p, others := c.planTargets(src, reach...)
	var ds []cluster.Down
	for _, m := range others {
		ds = append(ds, cluster.Down{Desired: m.Desired, Err: errors.New("ssh: connect to " + m.Desired.Name + ": no route to host")})
	}
	return p, cluster.HoldBack(&p, ds, rsAddress)
}

// applyHeld applies a plan with changes held back: apply and verify pass,
// and the same plan made again holds back the same changes and nothing else.
func (c *fakeCluster) applyHeld(src string, p plan.Plan, down ...string) {
	c.t.Helper()
	ctx := context.Background()
	if err := apply.Apply(ctx, p, c.hostMap(), apply.Options{Parallelism: 4}); err != nil {
		c.t.Fatal(err)
	}
	if err := apply.Verify(ctx, p, c.hostMap(), 4); err != nil {
		c.t.Fatal(err)
	}
	again, held := c.planWithout(src, down...)
	if again.HasChanges() || len(held) != p.HeldBack() {
		c.t.Fatalf("after the apply, the plan without %v still has changes, or holds back %d changes instead of %d: %+v", down, len(held), p.HeldBack(), again)
	}
}

func heldAddresses(held []cluster.Held) []string {
	var out []string
	for _, h := range held {
		out = append(out, h.Host+": "+h.Change+" needs "+strings.Join(h.Needs, ","))
	}
	return out
}

// TestHoldBackRealServerDown: with rs2 unreachable, the director adds rs1
// but not rs2 (nothing says rs2 is ready), rs1 and rs3 get ready; when rs2
// is back the next apply converges.
func TestHoldBackRealServerDown(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3")
	watchSafety(c)
	src := drConfig("192.0.2.31", "192.0.2.32", "192.0.2.33")
	p, held := c.planWithout(src, "rs2")
	want := []string{"lvs: server tcp/192.0.2.100:80 -> 192.0.2.32:80 needs rs2"}
	if got := heldAddresses(held); !slices.Equal(got, want) {
		t.Fatalf("held back %q, want %q", got, want)
	}
	if hp := hostPlan(p, "lvs"); len(hp.HeldBack) != 1 || !strings.Contains(hp.HeldBack[0].Reason, "held back: depends on rs2, which could not be reached") ||
		len(hp.Warnings) != 1 || !strings.Contains(hp.Warnings[0].Summary, "rs2") {
		t.Errorf("the director's plan does not say what is held back: %+v", hp)
	}
	if len(p.Warnings) != 1 || p.Warnings[0].Host != "rs2" || !strings.Contains(p.Warnings[0].Detail, "no route to host") {
		t.Errorf("the plan does not name the host down and why: %+v", p.Warnings)
	}
	c.applyHeld(src, p, "rs2")
	lvs := c.live("lvs")
	if len(lvs.Services) != 1 || len(lvs.Services[0].Servers) != 2 || slices.ContainsFunc(lvs.Services[0].Servers, func(s state.Server) bool { return s.Address.String() == "192.0.2.32" }) {
		t.Fatalf("the director sends to %+v, want rs1 and rs3 only", lvs.Services)
	}
	if ready(c.live("rs2")) || !ready(c.live("rs1")) || !ready(c.live("rs3")) {
		t.Fatal("rs1 and rs3 should be ready, rs2 untouched")
	}
	// rs2 is back: everything converges.
	c.apply(src)
}

// TestHoldBackDirectorDown: with the director unreachable, a real server
// the configuration drops keeps its VIP and ARP settings (the director may
// still send to it), while a new real server gets ready.
func TestHoldBackDirectorDown(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3")
	watchSafety(c)
	c.apply(drConfig("192.0.2.31", "192.0.2.32"))
	src := drConfig("192.0.2.31", "192.0.2.33")
	p, held := c.planWithout(src, "lvs")
	if len(held) == 0 {
		t.Fatal("nothing held back while rs2 drops its VIP with the director down")
	}
	for _, h := range held {
		if h.Host != "rs2" || !slices.Equal(h.Needs, []string{"lvs"}) {
			t.Errorf("held back %+v, want only rs2's teardown, waiting for lvs", h)
		}
	}
	if len(hostPlan(p, "rs3").Changes) == 0 || len(hostPlan(p, "rs3").HeldBack) != 0 {
		t.Errorf("rs3's setup should go on: %+v", hostPlan(p, "rs3"))
	}
	c.applyHeld(src, p, "lvs")
	if !ready(c.live("rs2")) || !ready(c.live("rs3")) {
		t.Fatal("rs2 must stay ready while the director may send to it; rs3 must get ready")
	}
	// The director is back: it stops sending to rs2, then rs2 cleans up.
	c.apply(src)
	if ready(c.live("rs2")) {
		t.Error("rs2 still has the VIP after the director came back and the apply converged")
	}
}

// TestHoldBackKeepsRemovals: a director that removes a server whose real
// server is down goes on: it only makes things safer.
func TestHoldBackKeepsRemovals(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3")
	c.apply(drConfig("192.0.2.31", "192.0.2.32"))
	p, held := c.planWithout(drConfig("192.0.2.31"), "rs2")
	if len(held) != 0 {
		t.Fatalf("held back %q; removing rs2 from the director depends on no one", heldAddresses(held))
	}
	if cs := hostPlan(p, "lvs").Changes; len(cs) != 1 || cs[0].Action != plan.Delete {
		t.Fatalf("the director should remove rs2: %+v", cs)
	}
}

func hostPlan(p plan.Plan, name string) plan.HostPlan {
	for _, hp := range p.Hosts {
		if hp.Host == name {
			return hp
		}
	}
	return plan.HostPlan{}
}

// watchSafety fails the test whenever the director is about to send to a
// real server that is not ready, or a real server is about to lose its VIP
// while the director sends to it.
func watchSafety(c *fakeCluster) {
	c.check = func(name string, cs []plan.Change) {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, ch := range cs {
			switch {
			case name == "lvs" && ch.Kind == plan.KindServer && ch.After != nil:
				if rs := rsAddr[ch.After.Server.Address.String()]; !ready(c.live(rs)) {
					c.t.Errorf("director adds %s before %s is ready", ch.Address, rs)
				}
			case name != "lvs" && ch.Kind == plan.KindAddress && ch.Action == plan.Delete:
				for _, s := range c.live("lvs").Services {
					for _, d := range s.Servers {
						if rsAddr[d.Address.String()] == name {
							c.t.Errorf("%s loses %s while the director still sends to it", name, ch.Address)
						}
					}
				}
			}
		}
	}
}
