package apply_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// TestAdoptedServiceIsPutBack: a hand-made service that the configuration
// declares is changed in place (weights, scheduler, servers), and when the
// configuration drops it, it comes back exactly as it was, servers included.
func TestAdoptedServiceIsPutBack(t *testing.T) {
	c := newFakeCluster(t, hostNames...)
	hand := webService
	hand.Scheduler, hand.Netmask = "wlc", 32
	old := state.Server{Address: netip.MustParseAddr("192.0.2.31"), Port: 80, Method: state.MethodDR, Weight: 1}
	gone := state.Server{Address: netip.MustParseAddr("192.0.2.99"), Port: 80, Method: state.MethodDR, Weight: 5}
	id := hand.ID()
	if _, err := c.hosts["lvs"].Host.Apply(context.Background(), []plan.Change{
		{Kind: plan.KindService, Action: plan.Create, Address: "hand", After: &plan.Resource{Service: &hand}},
		{Kind: plan.KindServer, Action: plan.Create, Address: "hand 31", Service: &id, After: &plan.Resource{Server: &old}},
		{Kind: plan.KindServer, Action: plan.Create, Address: "hand 99", Service: &id, After: &plan.Resource{Server: &gone}},
	}); err != nil {
		t.Fatal(err)
	}
	before := c.live("lvs")

	src := strings.Replace(drConfig("192.0.2.31", "192.0.2.32"), `scheduler = "rr"`, `scheduler = "rr"
  weight    = 2`, 1)
	p := c.plan(src)
	var adopted bool
	for _, ch := range p.Hosts[0].Changes {
		if ch.Kind == plan.KindService && ch.Own == plan.OwnRemember && strings.Contains(ch.Reason, "not created by lvsctl") {
			adopted = true
		}
	}
	if !adopted {
		t.Fatalf("the plan does not say the hand-made service is adopted: %+v", p.Hosts[0].Changes)
	}
	c.apply(src)
	if s := c.live("lvs").Services[0]; s.Scheduler != "rr" || len(s.Servers) != 2 || s.Servers[0].Weight != 2 {
		t.Fatalf("the adopted service was not changed in place: %+v", s)
	}

	// The configuration drops the service: it comes back as it was.
	noService := drConfig()
	start := strings.Index(noService, `virtual_server "web"`)
	end := strings.Index(noService, `real_server "rs1"`)
	c.apply(noService[:start] + noService[end:])
	after := c.live("lvs")
	if d := cmp.Diff(before.Services, after.Services, stateOpts()); d != "" {
		t.Errorf("the adopted service is not as it was before lvsctl (-before +after):\n%s", d)
	}
	if after.Owned != nil && len(after.Owned.ServiceOriginals) != 0 {
		t.Errorf("the record still keeps the original: %+v", after.Owned.ServiceOriginals)
	}
}
