package apply_test

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/lvsctl/lvsctl/engine/apply"
	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/compile"
	"github.com/lvsctl/lvsctl/engine/config"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
	"github.com/lvsctl/lvsctl/providers/local"
	"github.com/lvsctl/lvsctl/providers/local/hosttest"
)

// These tests run whole clusters on real Local hosts whose kernels are the
// providers' in-memory fakes (the configs' netns settings only keep hosts
// apart for validation; the fakes stand in for the namespaces), and check what matters across hosts: that at
// every moment a director sends only to real servers ready for it.

const dr = `
director "lvs" {
  netns     = "lvs"
  interface = "eth0"
}
virtual_server "web" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "192.0.2.100"
  port      = 80
  scheduler = "rr"
  %SERVERS%
}
real_server "rs1" {
  netns   = "rs1"
  address = "192.0.2.31"
}
real_server "rs2" {
  netns   = "rs2"
  address = "192.0.2.32"
}
real_server "rs3" {
  netns   = "rs3"
  address = "192.0.2.33"
}
`

// fakeCluster is a set of hosts with fake kernels that outlive one plan, so
// a test can apply several configurations in turn.
type fakeCluster struct {
	t     *testing.T
	hosts map[string]*watched
	mu    sync.Mutex
	// check runs before every Apply batch with the host about to change.
	check func(name string, changes []plan.Change)
}

// watched is a local host whose Apply first lets the test look at the
// whole cluster.
type watched struct {
	*local.Host
	name string
	c    *fakeCluster
	// fail, when set, makes Apply fail without changing anything.
	fail bool
	// ipvs is the host's in-memory IPVS, where tests play traffic.
	ipvs *ipvstest.Fake
	// failAt makes the change of that address fail (those before it are
	// made), then runs afterFail.
	failAt    string
	afterFail func()
}

func (w *watched) Apply(ctx context.Context, cs []plan.Change) ([]plan.Result, error) {
	if w.c.check != nil {
		w.c.check(w.name, cs)
	}
	if w.fail {
		return nil, os.ErrPermission
	}
	if i := slices.IndexFunc(cs, func(c plan.Change) bool { return c.Address == w.failAt }); w.failAt != "" && i >= 0 {
		// An injected kernel error at that change: what comes before it
		// is made, as on a host.
		results, err := w.Host.Apply(ctx, cs[:i])
		if err != nil {
			return results, err
		}
		if w.afterFail != nil {
			w.afterFail()
		}
		return append(results, plan.Result{Address: cs[i].Address, Error: "injected"}), fmt.Errorf("host %s: %s: injected failure", w.name, cs[i].Address)
	}
	return w.Host.Apply(ctx, cs)
}

func newFakeCluster(t *testing.T, names ...string) *fakeCluster {
	c := &fakeCluster{t: t, hosts: map[string]*watched{}}
	for _, n := range names {
		l, fake := hosttest.NewWithIPVS(t, state.Host{Name: n, Sysctls: []state.Sysctl{
			{Name: "net.ipv4.ip_forward", Value: "0"},
			{Name: "net.ipv4.conf.all.arp_ignore", Value: "0"},
			{Name: "net.ipv4.conf.all.arp_announce", Value: "0"},
			{Name: "net.ipv4.conf.lo.arp_ignore", Value: "0"},
			{Name: "net.ipv4.conf.lo.arp_announce", Value: "0"},
		}})
		c.hosts[n] = &watched{Host: l, name: n, c: c, ipvs: fake}
	}
	return c
}

func (c *fakeCluster) hostMap() map[string]cluster.Host {
	m := map[string]cluster.Host{}
	for n, h := range c.hosts {
		m[n] = h
	}
	return m
}

// live reads a host directly, as a judge independent of the plan.
func (c *fakeCluster) live(name string) state.Host {
	h, err := c.hosts[name].Host.Read(context.Background(), cluster.ReadRequest{
		IPVS:    true,
		Sysctls: []string{"net.ipv4.conf.all.arp_ignore", "net.ipv4.conf.all.arp_announce"},
	})
	if err != nil {
		c.t.Fatalf("read %s: %v", name, err)
	}
	return h
}

// plan compiles src and plans it against the cluster.
func (c *fakeCluster) plan(src string) plan.Plan {
	c.t.Helper()
	p, _ := c.planTargets(src)
	return p
}

// planTargets compiles src and plans it against the named hosts (all of
// them when none is named), returning the plan and the hosts left out.
func (c *fakeCluster) planTargets(src string, names ...string) (plan.Plan, []cluster.Member) {
	c.t.Helper()
	f := filepath.Join(c.t.TempDir(), "cluster.hcl")
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		c.t.Fatal(err)
	}
	cfg, diags := config.Load(f, config.Options{})
	if diags.HasErrors() {
		c.t.Fatal(diags)
	}
	targets, diags := compile.Compile(cfg)
	if diags.HasErrors() {
		c.t.Fatal(diags)
	}
	var ms, others []cluster.Member
	configured := map[string]state.Peer{}
	for _, tg := range targets {
		d := tg.Desired
		m := cluster.Member{Desired: d, Host: c.hosts[d.Name], Connection: tg.Connection}
		if len(names) == 0 || slices.Contains(names, d.Name) {
			ms = append(ms, m)
		} else {
			others = append(others, m)
		}
		configured[d.Name] = state.Peer{Role: d.Role, Connection: tg.Connection}
	}
	p, _, err := cluster.Plan(context.Background(), ms, cluster.Options{
		Parallelism: 4,
		Configured:  configured,
		// Hosts no longer in the configuration are still in the fake cluster.
		Open: func(_ context.Context, name string, _ state.Connection) (cluster.Host, error) {
			h, ok := c.hosts[name]
			if !ok {
				return nil, os.ErrNotExist
			}
			return h, nil
		},
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return p, others
}

// apply plans src, applies, verifies, and checks a second plan is empty.
func (c *fakeCluster) apply(src string) {
	c.t.Helper()
	p := c.plan(src)
	if err := apply.Apply(context.Background(), p, c.hostMap(), apply.Options{Parallelism: 4}); err != nil {
		c.t.Fatal(err)
	}
	if err := apply.Verify(context.Background(), p, c.hostMap(), 4); err != nil {
		c.t.Fatal(err)
	}
	if err := apply.RecordPeers(context.Background(), p, c.hostMap(), 4); err != nil {
		c.t.Fatal(err)
	}
	if again := c.plan(src); again.HasChanges() {
		c.t.Fatalf("second plan is not empty: %+v", again)
	}
}

func servers(addrs ...string) string {
	var b strings.Builder
	for _, a := range addrs {
		b.WriteString(`server "` + a + `" {}` + "\n")
	}
	return b.String()
}

func drConfig(addrs ...string) string { return strings.Replace(dr, "%SERVERS%", servers(addrs...), 1) }

var rsAddr = map[string]string{"192.0.2.31": "rs1", "192.0.2.32": "rs2", "192.0.2.33": "rs3"}

// ready reports whether a real server would accept traffic for the VIP
// without stealing it: ARP suppressed and the VIP on lo.
func ready(h state.Host) bool {
	ign, _ := h.Sysctl("net.ipv4.conf.all.arp_ignore")
	ann, _ := h.Sysctl("net.ipv4.conf.all.arp_announce")
	hasVIP := false
	for _, a := range h.Addresses {
		if a.Interface == "lo" && a.Prefix == netip.MustParsePrefix("192.0.2.100/32") {
			hasVIP = true
		}
	}
	return ign == "1" && ann == "2" && hasVIP
}

// TestDirectorSendsOnlyToReadyServers is the cross-host safety rule, watched
// at every host batch while the cluster grows, shrinks and swaps servers:
// whenever a director is about to change, every real server it sends to (or
// is about to send to) is ready; and a real server only loses readiness
// once no director sends to it.
func TestDirectorSendsOnlyToReadyServers(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3")
	checks := 0
	c.check = func(name string, cs []plan.Change) {
		c.mu.Lock()
		defer c.mu.Unlock()
		checks++
		if name == "lvs" {
			for _, ch := range cs {
				if ch.Kind == plan.KindServer && ch.After != nil {
					rs := rsAddr[ch.After.Server.Address.String()]
					if !ready(c.live(rs)) {
						t.Errorf("director adds %s before %s is ready (ARP suppressed, VIP on lo)", ch.Address, rs)
					}
				}
			}
			return
		}
		// A real server about to lose its VIP must not be in the director's table.
		for _, ch := range cs {
			if ch.Kind == plan.KindAddress && ch.Action == plan.Delete {
				for _, s := range c.live("lvs").Services {
					for _, d := range s.Servers {
						if rsAddr[d.Address.String()] == name {
							t.Errorf("%s loses %s while the director still sends to it", name, ch.Address)
						}
					}
				}
			}
		}
	}
	c.apply(drConfig("192.0.2.31", "192.0.2.32"))
	c.apply(drConfig("192.0.2.31", "192.0.2.32", "192.0.2.33"))
	c.apply(drConfig("192.0.2.33"))
	c.apply(drConfig("192.0.2.31"))
	if checks < 8 {
		t.Fatalf("the safety check ran only %d times; the test is not watching the applies", checks)
	}
	if got := c.live("rs3"); ready(got) || len(got.Owned.Addresses) != 0 {
		t.Errorf("rs3 left the service but still has lvsctl's VIP: %+v", got.Addresses)
	}
}

// TestFailedDirectorKeepsRealServersReady: when the directors' wave fails,
// the real servers' clean-up must not run, or a real server would lose its
// VIP while the director still sends to it.
func TestFailedDirectorKeepsRealServersReady(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3")
	c.apply(drConfig("192.0.2.31", "192.0.2.32"))
	c.hosts["lvs"].fail = true
	p := c.plan(drConfig("192.0.2.31"))
	err := apply.Apply(context.Background(), p, c.hostMap(), apply.Options{})
	if err == nil || !strings.Contains(err.Error(), "change directors") {
		t.Fatalf("apply error = %v, want it to stop in the directors' wave", err)
	}
	if !ready(c.live("rs2")) {
		t.Fatal("rs2 lost its VIP although the director still sends to it")
	}
}

// TestStalePlanIsRefused: a plan made before someone changed a host must not
// be applied to the changed host.
func TestStalePlanIsRefused(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3")
	p := c.plan(drConfig("192.0.2.31"))
	if err := apply.CheckFresh(context.Background(), p, c.hostMap(), 4); err != nil {
		t.Fatalf("fresh plan refused: %v", err)
	}
	// A hand change on rs1 after the plan.
	if _, err := c.hosts["rs1"].Host.Apply(context.Background(), []plan.Change{{
		Kind: plan.KindSysctl, Address: "sysctl net.ipv4.conf.all.arp_ignore", Action: plan.Update,
		Before: &plan.Resource{Sysctl: &state.Sysctl{Name: "net.ipv4.conf.all.arp_ignore", Value: "0"}},
		After:  &plan.Resource{Sysctl: &state.Sysctl{Name: "net.ipv4.conf.all.arp_ignore", Value: "8"}},
	}}); err != nil {
		t.Fatal(err)
	}
	err := apply.CheckFresh(context.Background(), p, c.hostMap(), 4)
	if err == nil || !strings.Contains(err.Error(), "rs1") || !strings.Contains(err.Error(), "stale") {
		t.Fatalf("CheckFresh = %v, want a stale-plan error naming rs1", err)
	}
}

// TestRemovedBlockIsCleanedUp: deleting a host's block removes what lvsctl
// made there. No state lives off the hosts, so the others' records must
// remember the host and how to reach it.
func TestRemovedBlockIsCleanedUp(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3")
	c.apply(drConfig("192.0.2.31", "192.0.2.32", "192.0.2.33"))
	if peers := c.live("lvs").Owned.Peers; len(peers) != 4 || peers["rs3"].Connection.Netns != "rs3" {
		t.Fatalf("the director's record does not remember the cluster: %+v", peers)
	}
	// rs3's block and its server go.
	src := strings.Replace(drConfig("192.0.2.31", "192.0.2.32"), `real_server "rs3" {
  netns   = "rs3"
  address = "192.0.2.33"
}`, "", 1)
	p := c.plan(src)
	var removed *plan.HostPlan
	for i := range p.Hosts {
		if p.Hosts[i].Host == "rs3" {
			removed = &p.Hosts[i]
		}
	}
	if removed == nil || !removed.Removed || len(removed.Changes) == 0 {
		t.Fatalf("the plan does not remove what lvsctl made on rs3: %+v", removed)
	}
	c.apply(src)
	rs3 := c.live("rs3")
	if ready(rs3) || len(rs3.Owned.Addresses) != 0 || len(rs3.Owned.Sysctls) != 0 || rs3.Owned.Peers != nil {
		t.Fatalf("rs3 still has lvsctl's VIP, ARP settings or cluster record: %+v %+v", rs3.Addresses, rs3.Owned)
	}
	for _, name := range []string{"lvs", "rs1", "rs2"} {
		if _, ok := c.live(name).Owned.Peers["rs3"]; ok {
			t.Errorf("%s still remembers rs3 after it was removed", name)
		}
	}
	// Once forgotten, rs3 is not planned again.
	for _, hp := range c.plan(src).Hosts {
		if hp.Host == "rs3" {
			t.Fatal("rs3 is planned again after it was removed and forgotten")
		}
	}
}
