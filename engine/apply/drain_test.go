package apply_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/lvsctl/lvsctl/engine/apply"
	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs"
)

var webService = state.Service{Protocol: "tcp", Address: netip.MustParseAddr("192.0.2.100"), Port: 80, Family: state.Inet}

// connect makes the director count n established connections to the
// server at addr (port 80), as clients would.
func (c *fakeCluster) connect(addr string, n uint32) {
	c.t.Helper()
	svc, err := ipvs.ServiceIdentityToWire(webService)
	if err != nil {
		c.t.Fatal(err)
	}
	dst, err := ipvs.ServerIdentityToWire(state.Server{Address: netip.MustParseAddr(addr), Port: 80})
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.hosts["lvs"].ipvs.SetActiveConnections(svc, dst, n); err != nil {
		c.t.Fatalf("connections to %s: %v", addr, err)
	}
}

// server returns the director's server at addr with its connections, if
// it has it.
func (c *fakeCluster) server(addr string) (state.Server, bool) {
	c.t.Helper()
	live, err := c.hosts["lvs"].Host.Read(context.Background(), cluster.ReadRequest{IPVS: true, Connections: true})
	if err != nil {
		c.t.Fatal(err)
	}
	for _, s := range live.Services {
		if s.Key() == webService.Key() {
			return s.Server(netip.AddrPortFrom(netip.MustParseAddr(addr), 80).String())
		}
	}
	return state.Server{}, false
}

// fakeClock is a drain's time: each sleep moves it on and lets the test
// act (close connections, look at the cluster) while apply waits.
type fakeClock struct {
	now    time.Time
	sleeps int
	during func(sleep int)
}

func (f *fakeClock) options(o apply.Options) apply.Options {
	o.Now = func() time.Time { return f.now }
	o.Sleep = func(_ context.Context, d time.Duration) error {
		f.sleeps++
		f.now = f.now.Add(d)
		if f.during != nil {
			f.during(f.sleeps)
		}
		return nil
	}
	return o
}

func drainChange(t *testing.T, p plan.Plan, address string) plan.Change {
	t.Helper()
	for _, hp := range p.Hosts {
		for _, c := range hp.Changes {
			if c.Address == address {
				return c
			}
		}
	}
	t.Fatalf("the plan has no change %s", address)
	return plan.Change{}
}

const leaving = "server tcp/192.0.2.100:80 -> 192.0.2.32:80"

// TestDrainWaitsForConnections: a server leaving the service first goes to
// weight 0 and stays in the table, its real server keeping the VIP, until
// the director counts no connection to it; then it is removed.
func TestDrainWaitsForConnections(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3")
	c.apply(drConfig("192.0.2.31", "192.0.2.32"))
	c.connect("192.0.2.32", 3)

	p := c.plan(drConfig("192.0.2.31"))
	ch := drainChange(t, p, leaving)
	if ch.Drain == nil || ch.Drain.Duration() != plan.DefaultDrainTimeout || !strings.Contains(ch.Reason, "2m0s") {
		t.Fatalf("the removal is not planned as a drain with the default timeout: %+v %q", ch.Drain, ch.Reason)
	}
	clock := &fakeClock{now: time.Unix(0, 0)}
	var seen []uint64
	clock.during = func(int) {
		s, ok := c.server("192.0.2.32")
		if !ok || s.Weight != 0 {
			t.Errorf("while draining, the server is %+v (present %v), want it at weight 0", s, ok)
		}
		if !ready(c.live("rs2")) {
			t.Error("rs2 lost its VIP while the director was still draining it")
		}
		if s.ActiveConnections > 0 {
			c.connect("192.0.2.32", s.ActiveConnections-1) // a client hangs up
		}
	}
	opts := clock.options(apply.Options{Drain: func(st apply.DrainStatus) { seen = append(seen, st.Active) }})
	if err := apply.Apply(context.Background(), p, c.hostMap(), opts); err != nil {
		t.Fatal(err)
	}
	if want := []uint64{3, 2, 1, 0}; !equal(seen, want) {
		t.Errorf("drain progress showed %v active connections, want %v", seen, want)
	}
	if _, ok := c.server("192.0.2.32"); ok {
		t.Error("the drained server is still in the table")
	}
	if ready(c.live("rs2")) {
		t.Error("rs2 kept lvsctl's VIP after it left the service")
	}
}

// TestDrainTimeout: connections that never close hold the removal only for
// the service's drain_timeout; then the server goes anyway, and the last
// status names it.
func TestDrainTimeout(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3")
	withTimeout := func(src string) string {
		return strings.Replace(src, `scheduler = "rr"`, `scheduler = "rr"
  drain_timeout = 5`, 1)
	}
	c.apply(withTimeout(drConfig("192.0.2.31", "192.0.2.32")))
	c.connect("192.0.2.32", 7)
	p := c.plan(withTimeout(drConfig("192.0.2.31")))
	if ch := drainChange(t, p, leaving); ch.Drain == nil || ch.Drain.Timeout != 5 {
		t.Fatalf("drain_timeout = 5 is not in the plan: %+v", ch.Drain)
	}
	clock := &fakeClock{now: time.Unix(0, 0)}
	var last apply.DrainStatus
	opts := clock.options(apply.Options{Drain: func(st apply.DrainStatus) { last = st }})
	if err := apply.Apply(context.Background(), p, c.hostMap(), opts); err != nil {
		t.Fatal(err)
	}
	if clock.sleeps != 5 {
		t.Errorf("the drain polled %d times at 1s intervals, want 5 for a 5s timeout", clock.sleeps)
	}
	if !last.Done || len(last.TimedOut) != 1 || !strings.Contains(last.TimedOut[0], "192.0.2.32:80 (7 connections)") {
		t.Errorf("last drain status %+v does not name the server removed with 7 connections open", last)
	}
	if _, ok := c.server("192.0.2.32"); ok {
		t.Error("the server is still in the table after its drain timed out")
	}
}

// TestNoDrain: -no-drain removes at once, and drain_timeout = 0 plans no wait.
func TestNoDrain(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3")
	c.apply(drConfig("192.0.2.31", "192.0.2.32", "192.0.2.33"))
	c.connect("192.0.2.32", 4)
	clock := &fakeClock{now: time.Unix(0, 0)}
	opts := clock.options(apply.Options{NoDrain: true})
	if err := apply.Apply(context.Background(), c.plan(drConfig("192.0.2.31", "192.0.2.33")), c.hostMap(), opts); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.server("192.0.2.32"); ok || clock.sleeps != 0 {
		t.Errorf("with NoDrain the server is still there (%v) or apply waited (%d sleeps)", ok, clock.sleeps)
	}

	zero := strings.Replace(drConfig("192.0.2.31"), `scheduler = "rr"`, `scheduler = "rr"
  drain_timeout = 0`, 1)
	p := c.plan(zero)
	ch := drainChange(t, p, "server tcp/192.0.2.100:80 -> 192.0.2.33:80")
	if ch.Drain != nil || !strings.Contains(ch.Reason, "without waiting") {
		t.Errorf("drain_timeout = 0 still plans a wait: %+v %q", ch.Drain, ch.Reason)
	}
}

// TestDrainRemovedService: a service whose block goes drains all its
// servers before it is deleted, and the real servers keep the VIP meanwhile.
func TestDrainRemovedService(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3")
	c.apply(drConfig("192.0.2.31", "192.0.2.32"))
	c.connect("192.0.2.31", 1)
	c.connect("192.0.2.32", 2)
	src := drConfig("192.0.2.31", "192.0.2.32")
	start := strings.Index(src, `virtual_server "web"`)
	end := strings.Index(src, `real_server "rs1"`)
	p := c.plan(src[:start] + src[end:])
	ch := drainChange(t, p, "service tcp/192.0.2.100:80")
	if ch.Drain == nil || len(ch.Drain.Servers) != 2 {
		t.Fatalf("the service's deletion does not drain its 2 servers: %+v", ch.Drain)
	}
	clock := &fakeClock{now: time.Unix(0, 0)}
	clock.during = func(int) {
		for _, a := range []string{"192.0.2.31", "192.0.2.32"} {
			s, ok := c.server(a)
			if !ok || s.Weight != 0 {
				t.Errorf("while the service drains, server %s is %+v (present %v), want weight 0", a, s, ok)
			}
			if s.ActiveConnections > 0 {
				c.connect(a, s.ActiveConnections-1)
			}
		}
		if !ready(c.live("rs1")) || !ready(c.live("rs2")) {
			t.Error("a real server lost its VIP while the director drained it")
		}
	}
	if err := apply.Apply(context.Background(), p, c.hostMap(), clock.options(apply.Options{})); err != nil {
		t.Fatal(err)
	}
	if clock.sleeps != 2 {
		t.Errorf("the drain waited %d polls, want 2 (until the last of 2 connections closed)", clock.sleeps)
	}
	if len(c.live("lvs").Services) != 0 {
		t.Error("the service is still there after its drain")
	}
}

func equal(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
