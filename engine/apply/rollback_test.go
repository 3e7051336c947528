package apply_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lvsctl/lvsctl/engine/apply"
	"github.com/lvsctl/lvsctl/engine/state"
)

var hostNames = []string{"lvs", "rs1", "rs2", "rs3"}

func (c *fakeCluster) snapshot() map[string]state.Host {
	out := map[string]state.Host{}
	for _, n := range hostNames {
		out[n] = c.live(n)
	}
	return out
}

func stateOpts() cmp.Option {
	return cmp.Options{cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{}), cmpopts.EquateEmpty()}
}

// TestFailedApplyRollsBack: a kernel error in the middle of the director's
// changes undoes everything the run did, on the director and on the real
// server prepared for it, records included.
func TestFailedApplyRollsBack(t *testing.T) {
	c := newFakeCluster(t, hostNames...)
	c.apply(drConfig("192.0.2.31", "192.0.2.32"))
	before := c.snapshot()

	// rs3 joins and rs2 leaves: rs3 is prepared, the director adds it,
	// drains rs2 and fails to delete it.
	c.hosts["lvs"].failAt = leaving
	p := c.plan(drConfig("192.0.2.31", "192.0.2.33"))
	err := apply.Apply(context.Background(), p, c.hostMap(), apply.Options{})
	var re *apply.RollbackError
	if !errors.As(err, &re) || len(re.Left) != 0 || re.Undone == 0 || !strings.Contains(err.Error(), "injected failure") {
		t.Fatalf("apply error = %v, want the failure and a complete rollback", err)
	}
	if re.Undone < 7 { // rs3: 4 sysctls, VIP, route; lvs: server added, rs2 weight 0
		t.Errorf("only %d changes were undone", re.Undone)
	}
	after := c.snapshot()
	if d := cmp.Diff(before, after, stateOpts()); d != "" {
		t.Errorf("after the rollback the cluster differs from before the run (-before +after):\n%s", d)
	}
}

// TestFailedRollbackIsReported: when undoing fails too, every change left
// is named, and the real servers keep what a director may still use.
func TestFailedRollbackIsReported(t *testing.T) {
	c := newFakeCluster(t, hostNames...)
	c.apply(drConfig("192.0.2.31", "192.0.2.32"))
	lvs := c.hosts["lvs"]
	lvs.failAt = leaving
	lvs.afterFail = func() { lvs.fail = true } // the director refuses the undo too
	p := c.plan(drConfig("192.0.2.31", "192.0.2.33"))
	err := apply.Apply(context.Background(), p, c.hostMap(), apply.Options{})
	var re *apply.RollbackError
	if !errors.As(err, &re) || len(re.Left) == 0 {
		t.Fatalf("apply error = %v, want a rollback that reports what it left", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"NOT rolled back",
		"lvs: server tcp/192.0.2.100:80 -> 192.0.2.33:80:",
		"rs3: address lo/192.0.2.100/32: not undone, because undoing a later step failed",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the rollback report does not say %q:\n%s", want, msg)
		}
	}
	if !ready(c.live("rs3")) {
		t.Error("rs3 lost its VIP although the director, not rolled back, sends to it")
	}
}

// TestNoRollback leaves what a failed apply made.
func TestNoRollback(t *testing.T) {
	c := newFakeCluster(t, hostNames...)
	c.apply(drConfig("192.0.2.31", "192.0.2.32"))
	c.hosts["lvs"].failAt = leaving
	err := apply.Apply(context.Background(), c.plan(drConfig("192.0.2.31", "192.0.2.33")), c.hostMap(), apply.Options{NoRollback: true})
	var re *apply.RollbackError
	if err == nil || errors.As(err, &re) {
		t.Fatalf("apply error = %v, want the failure without a rollback", err)
	}
	if _, ok := c.server("192.0.2.33"); !ok || !ready(c.live("rs3")) {
		t.Error("with NoRollback, what the run made before failing was undone")
	}
}
