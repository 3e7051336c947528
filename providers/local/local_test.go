package local

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"strings"
	"testing"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs"
	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
)

func TestApplyRealServer(t *testing.T) {
	r := newRig(t)
	before := r.read(t, r.local)
	if before.Owned != nil {
		t.Fatalf("a host without a record file reads with record %+v", before.Owned)
	}
	clustertest.Apply(t, r.local, plantest.RealServerChanges("172.25.0.100"))

	want := state.Host{
		Name: "web1",
		Addresses: []state.Address{plantest.Addr("eth0", "172.25.0.31/24", ""), loopback("127.0.0.1/8"),
			plantest.Addr("lo", "172.25.0.100/32", "lo:0"), loopback("::1/128")},
		Routes: []state.Route{plantest.HostRoute("172.25.0.100", "lo")},
		Sysctls: plantest.Sysctls(
			"net.ipv4.conf.all.arp_announce", "2", "net.ipv4.conf.all.arp_ignore", "1",
			"net.ipv4.conf.lo.arp_announce", "2", "net.ipv4.conf.lo.arp_ignore", "1",
			"net.ipv4.ip_forward", "0"),
		Timeouts: &state.Timeouts{TCP: 900, TCPFin: 120, UDP: 300},
		Owned: &state.Record{
			FormatVersion: state.FormatVersion,
			Addresses:     []string{"lo/172.25.0.100/32"},
			Routes:        []string{"172.25.0.100/32"},
			Sysctls: map[string]string{
				"net.ipv4.conf.all.arp_announce": "0", "net.ipv4.conf.all.arp_ignore": "0",
				"net.ipv4.conf.lo.arp_announce": "0", "net.ipv4.conf.lo.arp_ignore": "0",
			},
		},
	}
	if d := cmp.Diff(want, r.read(t, r.local), clustertest.CmpOpts); d != "" {
		t.Errorf("state after apply (-want +got):\n%s", d)
	}
	// The record on disk is the one Read reported, and readable as JSON
	// by anyone (0644).
	b, err := os.ReadFile(r.record)
	if err != nil {
		t.Fatal(err)
	}
	var onDisk state.Record
	if err := json.Unmarshal(b, &onDisk); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(*want.Owned, onDisk, clustertest.CmpOpts); d != "" {
		t.Errorf("record file (-want +got):\n%s", d)
	}
	if fi, err := os.Stat(r.record); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("record file mode: %v, %v; want 0644", fi.Mode(), err)
	}

	clustertest.Apply(t, r.local, plantest.RealServerTeardown("172.25.0.100"))
	after := r.read(t, r.local)
	before.Owned, after.Owned = nil, nil
	if d := cmp.Diff(before, after, clustertest.CmpOpts); d != "" {
		t.Errorf("teardown did not restore the host (-before +after):\n%s", d)
	}
	if rec, err := LoadRecord(r.record); err != nil || len(rec.Addresses)+len(rec.Routes)+len(rec.Sysctls) != 0 {
		t.Errorf("record after teardown: %+v, %v; want it empty", rec, err)
	}
}

func TestApplyDirector(t *testing.T) {
	r := newRig(t)
	before := r.read(t, r.local)
	svc := plantest.Service("172.25.0.100")
	s1, s2 := plantest.Server("172.25.0.31", 1), plantest.Server("172.25.0.32", 2)
	vip := plantest.Addr("eth0", "172.25.0.100/32", "eth0:0")
	oldT, newT := state.Timeouts{TCP: 900, TCPFin: 120, UDP: 300}, state.Timeouts{TCP: 600, TCPFin: 60, UDP: 120}
	clustertest.Apply(t, r.local, []plan.Change{
		plantest.SetSysctl("net.ipv4.ip_forward", "0", "1"),
		{Kind: plan.KindTimeouts, Address: plan.Address(plan.KindTimeouts, ""), Action: plan.Update, Own: plan.OwnRemember,
			Before: &plan.Resource{Timeouts: &oldT}, After: &plan.Resource{Timeouts: &newT}},
		plantest.AddAddress(vip),
		plantest.ServiceChange(plan.Create, "http", nil, &svc, plan.OwnCreate),
		plantest.ServerChange(plan.Create, svc, nil, &s1),
		plantest.ServerChange(plan.Create, svc, nil, &s2),
	})
	got := r.read(t, r.local)
	withServers := svc
	withServers.Servers = []state.Server{s1, s2}
	if d := cmp.Diff([]state.Service{withServers}, got.Services, clustertest.CmpOpts); d != "" {
		t.Errorf("services (-want +got):\n%s", d)
	}
	if d := cmp.Diff(&newT, got.Timeouts); d != "" {
		t.Errorf("timeouts (-want +got):\n%s", d)
	}
	if v, _ := got.Sysctl("net.ipv4.ip_forward"); v != "1" {
		t.Errorf("ip_forward = %q, want 1", v)
	}
	wantRec := &state.Record{
		FormatVersion: state.FormatVersion,
		Services:      map[string]string{"tcp/172.25.0.100:80": "http"},
		Addresses:     []string{"eth0/172.25.0.100/32"},
		Sysctls:       map[string]string{"net.ipv4.ip_forward": "0"},
		Timeouts:      &oldT,
	}
	if d := cmp.Diff(wantRec, got.Owned, clustertest.CmpOpts); d != "" {
		t.Errorf("record (-want +got):\n%s", d)
	}

	// Reweigh one server, then take everything down again.
	s2b := s2
	s2b.Weight = 5
	clustertest.Apply(t, r.local, []plan.Change{plantest.ServerChange(plan.Update, svc, &s2, &s2b)})
	if srv, _ := r.read(t, r.local).Services[0].Server(s2.Key()); srv.Weight != 5 {
		t.Errorf("server after update: %+v, want weight 5", srv)
	}
	clustertest.Apply(t, r.local, []plan.Change{
		plantest.ServerChange(plan.Delete, svc, &s1, nil),
		plantest.ServiceChange(plan.Delete, "http", &svc, nil, plan.OwnForget),
		plantest.DeleteAddress(vip),
		{Kind: plan.KindTimeouts, Address: plan.Address(plan.KindTimeouts, ""), Action: plan.Update, Own: plan.OwnForget,
			Before: &plan.Resource{Timeouts: &newT}, After: &plan.Resource{Timeouts: &oldT}},
		plantest.RestoreSysctl("net.ipv4.ip_forward", "1", "0"),
	})
	after := r.read(t, r.local)
	before.Owned, after.Owned = nil, nil
	if d := cmp.Diff(before, after, clustertest.CmpOpts); d != "" {
		t.Errorf("teardown did not restore the host (-before +after):\n%s", d)
	}
}

func TestApplyReplace(t *testing.T) {
	r := newRig(t)
	old, moved := plantest.Service("172.25.0.100"), plantest.Service("172.25.0.101")
	a0, a1 := plantest.Addr("eth0", "172.25.0.100/32", "eth0:0"), plantest.Addr("eth0", "172.25.0.100/32", "eth0:1")
	gw1 := state.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("172.25.0.1")}
	gw2 := gw1
	gw2.Gateway = netip.MustParseAddr("172.25.0.2")
	clustertest.Apply(t, r.local, []plan.Change{
		plantest.ServiceChange(plan.Create, "http", nil, &old, plan.OwnCreate),
		plantest.AddAddress(a0),
		plantest.AddRoute(gw1),
	})
	relabel := plantest.AddAddress(a1)
	relabel.Action, relabel.Before = plan.Update, &plan.Resource{Address: &a0}
	regw := plantest.AddRoute(gw2)
	regw.Action, regw.Before = plan.Update, &plan.Resource{Route: &gw1}
	clustertest.Apply(t, r.local, []plan.Change{
		plantest.ServiceChange(plan.Replace, "http", &old, &moved, plan.OwnCreate),
		relabel,
		regw,
	})
	got := r.read(t, r.local)
	if len(got.Services) != 1 || got.Services[0].Key() != moved.Key() {
		t.Errorf("services after replace: %+v, want only %s", got.Services, moved.Key())
	}
	if d := cmp.Diff(map[string]string{moved.Key(): "http"}, got.Owned.Services); d != "" {
		t.Errorf("record services (-want +got):\n%s", d)
	}
	wantAddrs := []state.Address{plantest.Addr("eth0", "172.25.0.100/32", "eth0:1"), plantest.Addr("eth0", "172.25.0.31/24", ""),
		loopback("127.0.0.1/8"), loopback("::1/128")}
	if d := cmp.Diff(wantAddrs, got.Addresses, clustertest.CmpOpts); d != "" {
		t.Errorf("addresses (-want +got):\n%s", d)
	}
	gw2.Interface = "eth0" // the kernel resolves it
	if d := cmp.Diff([]state.Route{gw2}, got.Routes, clustertest.CmpOpts); d != "" {
		t.Errorf("routes (-want +got):\n%s", d)
	}
}

func TestApplyStopsAtFirstFailure(t *testing.T) {
	r := newRig(t)
	vip := plantest.Addr("lo", "172.25.0.100/32", "lo:0")
	changes := []plan.Change{
		plantest.AddAddress(vip),
		plantest.DeleteRoute(plantest.HostRoute("10.9.9.9", "lo")), // not there
		plantest.SetSysctl("net.ipv4.ip_forward", "0", "1"),
	}
	results, err := r.local.Apply(context.Background(), changes)
	if err == nil {
		t.Fatal("Apply succeeded, want the failure of the route delete")
	}
	for _, want := range []string{"host web1", "route 10.9.9.9/32", "no such route", "1 of 3 changes applied"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if len(results) != 2 || results[0] != (plan.Result{Address: changes[0].Address}) ||
		results[1].Address != changes[1].Address || !strings.Contains(results[1].Error, "no such route") {
		t.Errorf("results: %+v, want the address done and the route failed", results)
	}
	got := r.read(t, r.local)
	if v, _ := got.Sysctl("net.ipv4.ip_forward"); v != "0" {
		t.Errorf("the change after the failure was applied: ip_forward = %s", v)
	}
	// The record holds exactly what was done.
	if d := cmp.Diff([]string{vip.Key()}, got.Owned.Addresses); d != "" || len(got.Owned.Routes) != 0 {
		t.Errorf("record after a failed apply: %+v", got.Owned)
	}
}

// ApplyEach tells its caller of each change made, in order, and a caller
// that cancels between two changes stops the apply there.
func TestApplyEachReportsAndStopsBetweenChanges(t *testing.T) {
	r := newRig(t)
	changes := []plan.Change{
		plantest.SetSysctl("net.ipv4.ip_forward", "0", "1"),
		plantest.AddAddress(plantest.Addr("lo", "172.25.0.100/32", "lo:0")),
		plantest.AddAddress(plantest.Addr("lo", "172.25.0.101/32", "lo:1")),
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var told []int
	results, err := r.local.ApplyEach(ctx, changes, func(n int) {
		told = append(told, n)
		if n == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || len(results) != 2 {
		t.Fatalf("ApplyEach cancelled after 2 changes: %d results, %v", len(results), err)
	}
	if d := cmp.Diff([]int{1, 2}, told); d != "" {
		t.Errorf("changes told (-want +got):\n%s", d)
	}
	got := r.read(t, r.local)
	if d := cmp.Diff([]string{"lo/172.25.0.100/32"}, got.Owned.Addresses); d != "" {
		t.Errorf("record after a stop between changes (-want +got):\n%s", d)
	}
}

func TestPermissionErrors(t *testing.T) {
	r := newRig(t)
	r.nl.Unprivileged = true
	_, err := r.local.Apply(context.Background(), []plan.Change{plantest.AddAddress(plantest.Addr("lo", "172.25.0.100/32", "lo:0"))})
	if !errors.Is(err, cluster.ErrPermission) {
		t.Fatalf("Apply without privilege: %v, want cluster.ErrPermission", err)
	}
	if !strings.Contains(err.Error(), "run as root") || !strings.Contains(err.Error(), "lvsctl plan --state FILE") {
		t.Errorf("error does not say what to do: %v", err)
	}
}

// deniedIPVS answers as the kernel's IPVS does without CAP_NET_ADMIN.
type deniedIPVS struct{ *ipvstest.Fake }

func (deniedIPVS) Services() ([]cfipvs.ServiceExtended, error) { return nil, unix.EPERM }
func (deniedIPVS) CreateService(cfipvs.Service) error          { return unix.EPERM }
func (deniedIPVS) Write(reqs []ipvs.Request) []error {
	errs := make([]error, len(reqs))
	for i := range errs {
		errs[i] = unix.EPERM
	}
	return errs
}

// TestPermissionAdviceOnce checks that a permission error says what to do
// exactly once, whichever provider refused: the providers give the errno
// and the host layer adds the advice.
func TestPermissionAdviceOnce(t *testing.T) {
	r := newRig(t)
	l, err := New(Options{
		Name: "web1", Netlink: r.local.nl, Sysctl: r.sys, RecordPath: r.record,
		IPVS: ipvs.New(deniedIPVS{ipvstest.NewFake()}),
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := plantest.Service("172.25.0.100")
	_, readErr := l.Read(context.Background(), cluster.ReadRequest{IPVS: true})
	_, ipvsErr := l.Apply(context.Background(), []plan.Change{plantest.ServiceChange(plan.Create, "http", nil, &svc, plan.OwnCreate)})
	r.nl.Unprivileged = true
	_, nlErr := l.Apply(context.Background(), []plan.Change{plantest.AddAddress(plantest.Addr("lo", "172.25.0.100/32", "lo:0"))})
	for name, err := range map[string]error{"read IPVS": readErr, "apply IPVS": ipvsErr, "apply netlink": nlErr} {
		if !errors.Is(err, cluster.ErrPermission) || !errors.Is(err, fs.ErrPermission) {
			t.Errorf("%s: %v, want cluster.ErrPermission and fs.ErrPermission", name, err)
			continue
		}
		msg := err.Error()
		for _, advice := range []string{cluster.PermissionAdvice, "as root", "CAP_NET_ADMIN"} {
			if n := strings.Count(msg, advice); n != 1 {
				t.Errorf("%s: %q appears %d times in %q, want once", name, advice, n, msg)
			}
		}
	}
}

func TestReadSysctls(t *testing.T) {
	r := newRig(t)
	// A record keeps an original for a sysctl the request does not name:
	// Read includes it so the restore can be planned.
	rec := plan.NewRecord()
	rec.Sysctls = map[string]string{"net.ipv4.ip_forward": "0"}
	if err := saveRecord(r.record, rec); err != nil {
		t.Fatal(err)
	}
	if err := r.sys.Set("net.ipv4.ip_forward", "1"); err != nil {
		t.Fatal(err)
	}
	got, err := r.local.Read(context.Background(), cluster.ReadRequest{Sysctls: []string{
		"net.ipv4.conf.lo.arp_ignore",
		"net.ipv4.conf.tunl0.rp_filter", // no tunl0 on this host: left out
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := plantest.Sysctls("net.ipv4.conf.lo.arp_ignore", "0", "net.ipv4.ip_forward", "1")
	if d := cmp.Diff(want, got.Sysctls); d != "" {
		t.Errorf("sysctls (-want +got):\n%s", d)
	}
	if got.Services != nil || got.Timeouts != nil {
		t.Errorf("IPVS read although not asked: %+v %+v", got.Services, got.Timeouts)
	}
}

func TestLazyIPVS(t *testing.T) {
	r := newRig(t)
	opened := 0
	l, err := New(Options{
		Name: "web1", Netlink: r.local.nl, Sysctl: r.sys, RecordPath: r.record,
		OpenIPVS: func() (IPVS, error) {
			opened++
			return nil, errors.New("IPVS is not available in this kernel: load it with `modprobe ip_vs`")
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	// A real server needs no IPVS.
	clustertest.Apply(t, l, plantest.RealServerChanges("172.25.0.100"))
	if _, err := l.Read(context.Background(), cluster.ReadRequest{Sysctls: rigSysctls}); err != nil || opened != 0 {
		t.Fatalf("read without IPVS: %v, IPVS opened %d times", err, opened)
	}
	_, err = l.Read(context.Background(), cluster.ReadRequest{IPVS: true})
	if err == nil || !strings.Contains(err.Error(), "read IPVS: IPVS is not available") || opened != 1 {
		t.Errorf("read with IPVS: %v (opened %d times)", err, opened)
	}
}

// TestApplyRestores applies restores in the shape the diff makes them from
// the record alone: no Before, the original as After, and OwnForget.
func TestApplyRestores(t *testing.T) {
	r := newRig(t)
	orig := state.Timeouts{TCP: 900, TCPFin: 120, UDP: 300}
	set := state.Timeouts{TCP: 60, TCPFin: 30, UDP: 30}
	defaultRoute := state.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("172.25.0.1"), Interface: "eth0"}
	ours := defaultRoute
	ours.Gateway = netip.MustParseAddr("172.25.0.2")
	// The default route was there before lvsctl.
	if err := r.local.nl.AddRoute(defaultRoute); err != nil {
		t.Fatal(err)
	}
	clustertest.Apply(t, r.local, []plan.Change{
		plantest.SetSysctl("net.ipv4.ip_forward", "0", "1"),
		{Kind: plan.KindTimeouts, Address: plan.Address(plan.KindTimeouts, ""), Action: plan.Update, Own: plan.OwnRemember,
			Before: &plan.Resource{Timeouts: &orig}, After: &plan.Resource{Timeouts: &set}},
		{Kind: plan.KindRoute, Address: plan.Address(plan.KindRoute, ours.Key()), Action: plan.Update, Own: plan.OwnRemember,
			Before: &plan.Resource{Route: &defaultRoute}, After: &plan.Resource{Route: &ours}},
	})
	mid := r.read(t, r.local)
	if d := cmp.Diff(map[string]state.Route{defaultRoute.Key(): defaultRoute}, mid.Owned.RouteOriginals, clustertest.CmpOpts); d != "" {
		t.Fatalf("route originals (-want +got):\n%s", d)
	}
	clustertest.Apply(t, r.local, []plan.Change{
		{Kind: plan.KindRoute, Address: plan.Address(plan.KindRoute, ours.Key()), Action: plan.Update, Own: plan.OwnForget,
			After: &plan.Resource{Route: &defaultRoute}},
		{Kind: plan.KindSysctl, Address: "sysctl net.ipv4.ip_forward", Action: plan.Update, Own: plan.OwnForget,
			After: &plan.Resource{Sysctl: &state.Sysctl{Name: "net.ipv4.ip_forward", Value: "0"}}},
		{Kind: plan.KindTimeouts, Address: plan.Address(plan.KindTimeouts, ""), Action: plan.Update, Own: plan.OwnForget,
			After: &plan.Resource{Timeouts: &orig}},
	})
	got := r.read(t, r.local)
	if d := cmp.Diff([]state.Route{defaultRoute}, got.Routes, clustertest.CmpOpts); d != "" {
		t.Errorf("routes after restore (-want +got):\n%s", d)
	}
	if v, _ := got.Sysctl("net.ipv4.ip_forward"); v != "0" || *got.Timeouts != orig {
		t.Errorf("after restore: ip_forward %s, timeouts %+v", v, got.Timeouts)
	}
	if d := cmp.Diff(plan.NewRecord(), got.Owned, clustertest.CmpOpts); d != "" {
		t.Errorf("record after restore (-want +got):\n%s", d)
	}
}

// loopback is an address the kernel gives lo when it comes up, of host scope.
func loopback(prefix string) state.Address {
	a := plantest.Addr("lo", prefix, "")
	a.Scope = "host"
	return a
}
