package local

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/netlink"
)

func TestClusterRecordPaths(t *testing.T) {
	if got := ClusterRecordPath("/d", "local", ""); got != "/d/local.json" {
		t.Errorf("unnamed cluster: %s", got)
	}
	web := ClusterRecordPath("/d", "netns-lvs1", "web")
	if web != "/d/netns-lvs1@web.json" {
		t.Errorf("cluster web: %s", web)
	}
	// An agent given the unnamed cluster's record (or any cluster's) finds
	// the one a client names beside it, on the same host.
	for _, from := range []string{RecordPath("/d", "netns-lvs1"), ClusterRecordPath("/d", "netns-lvs1", "other")} {
		if got := ClusterRecordOf(from, "web"); got != web {
			t.Errorf("ClusterRecordOf(%s, web) = %s, want %s", from, got, web)
		}
		if got := ClusterRecordOf(from, ""); got != "/d/netns-lvs1.json" {
			t.Errorf("ClusterRecordOf(%s, \"\") = %s", from, got)
		}
	}
	// One lock per host, whichever cluster's record.
	if LockPath(web) != LockPath(RecordPath("/d", "netns-lvs1")) || LockPath(web) == LockPath(RecordPath("/d", "local")) {
		t.Errorf("lock paths: %s, %s", LockPath(web), LockPath(RecordPath("/d", "netns-lvs1")))
	}
}

// Two configurations share a director: each applies, plans and destroys
// its own services; neither plan touches the other's, not even with
// own_all_services.
func TestClustersShareADirector(t *testing.T) {
	r := newRig(t)
	dir := filepath.Dir(r.record)
	open := func(cluster string) *Host {
		h, err := New(Options{Name: "web1", Netlink: netlink.New(r.nl), Sysctl: r.sys, IPVS: r.local.ipvs,
			RecordPath: ClusterRecordPath(dir, "local", cluster)})
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Lock(context.Background(), LockOptions{}); err != nil {
			t.Fatal(err)
		}
		return h
	}
	a := directorWants(2)
	b := directorWants(4)
	b.Services, b.Addresses = b.Services[2:], b.Addresses[2:]

	ha := open("a")
	clustertest.Apply(t, ha, plannedChanges(t, ha, a))
	_ = ha.Close()
	hb := open("b")
	b.OwnAllServices = true
	clustertest.Apply(t, hb, plannedChanges(t, hb, b))
	if left := plannedChanges(t, hb, b); len(left) != 0 {
		t.Errorf("b's second plan: %v", addresses(left))
	}
	// b's destroy removes b's services only.
	clustertest.Apply(t, hb, plannedChanges(t, hb, state.Host{Name: "web1", Role: state.RoleDirector, OwnAllServices: true}))
	_ = hb.Close()
	ha = open("a")
	defer ha.Close()
	if left := plannedChanges(t, ha, a); len(left) != 0 {
		t.Errorf("a's plan after b came and went: %v", addresses(left))
	}
	// The unnamed cluster's view hides both; the kernel has a's.
	if live := r.read(t, r.local); len(live.Services) != 0 {
		t.Errorf("the unnamed cluster sees %d services of the others", len(live.Services))
	}
	if kernel, err := r.local.ipvs.Services(); err != nil || len(kernel) != 2 {
		t.Errorf("%d services in the kernel after b's destroy (%v), want a's 2", len(kernel), err)
	}
}
