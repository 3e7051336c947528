package local

import (
	"net"
	"net/netip"
	"slices"
	"testing"

	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
)

func (r *rig) linkUp(t *testing.T, name string) bool {
	t.Helper()
	l, err := r.nl.LinkByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return l.Attrs().Flags&net.FlagUp != 0
}

// A TUN real server's tunl0 comes down when ipip loads; lvsctl's VIP brings
// it up, and when the last VIP lvsctl made there goes, it is put back down.
// An interface that was up stays up.
func TestLinkStateRestored(t *testing.T) {
	for _, wasUp := range []bool{false, true} {
		r := newRig(t)
		r.nl.AddLink("tunl0", wasUp)
		vip := func(a string) *plan.Resource {
			return &plan.Resource{Address: &state.Address{Interface: "tunl0", Prefix: netip.MustParsePrefix(a + "/32"), Label: "tunl0:0"}}
		}
		add := func(a string) plan.Change {
			return plan.Change{Kind: plan.KindAddress, Action: plan.Create, Address: "address tunl0/" + a + "/32", After: vip(a), Own: plan.OwnCreate}
		}
		del := func(a string) plan.Change {
			return plan.Change{Kind: plan.KindAddress, Action: plan.Delete, Address: "address tunl0/" + a + "/32", Before: vip(a), Own: plan.OwnForget}
		}
		clustertest.Apply(t, r.local, []plan.Change{add("172.25.0.100"), add("172.25.0.101")})
		if !r.linkUp(t, "tunl0") {
			t.Fatal("tunl0 is down with lvsctl's VIPs on it")
		}
		rec := r.read(t, r.local).Owned
		if got := slices.Contains(rec.LinksUp, "tunl0"); got == wasUp {
			t.Errorf("tunl0 up before: %v; record's links_up = %q", wasUp, rec.LinksUp)
		}
		clustertest.Apply(t, r.local, []plan.Change{del("172.25.0.100")})
		if !r.linkUp(t, "tunl0") {
			t.Error("tunl0 went down while one of lvsctl's VIPs is still on it")
		}
		clustertest.Apply(t, r.local, []plan.Change{del("172.25.0.101")})
		if got := r.linkUp(t, "tunl0"); got != wasUp {
			t.Errorf("tunl0 up after the last VIP went: %v, want %v (as before lvsctl)", got, wasUp)
		}
		if rec := r.read(t, r.local).Owned; len(rec.LinksUp) != 0 {
			t.Errorf("the record still lists links_up %q", rec.LinksUp)
		}
	}
}

// lo is never put down: it is down only in a new namespace, and may be in
// use by the time lvsctl's VIP goes.
func TestLoopbackStaysUp(t *testing.T) {
	r := newRig(t)
	lo, err := r.nl.LinkByName("lo")
	if err != nil || r.nl.LinkSetDown(lo) != nil {
		t.Fatal("put lo down", err)
	}
	changes := plantest.RealServerChanges("172.25.0.100")
	clustertest.Apply(t, r.local, changes)
	if !r.linkUp(t, "lo") {
		t.Fatal("lo is down with the VIP on it")
	}
	if rec := r.read(t, r.local).Owned; len(rec.LinksUp) != 0 {
		t.Errorf("links_up = %q", rec.LinksUp)
	}
	var undo []plan.Change
	for _, c := range backward(changes) {
		inv, err := plan.Inverse(c)
		if err != nil {
			t.Fatal(err)
		}
		undo = append(undo, inv...)
	}
	clustertest.Apply(t, r.local, undo)
	if !r.linkUp(t, "lo") {
		t.Error("lo was put down when the VIP went")
	}
}

func backward(cs []plan.Change) []plan.Change {
	out := slices.Clone(cs)
	slices.Reverse(out)
	return out
}
