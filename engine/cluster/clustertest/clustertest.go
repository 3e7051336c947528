// Package clustertest helps test the implementations of cluster.Host
// (providers/local, transport/agent): calls that fail the test on error,
// and how to compare states.
package clustertest

import (
	"context"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// CmpOpts compares netip values with == and treats nil and empty alike.
var CmpOpts = cmp.Options{
	cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{}),
	cmpopts.EquateEmpty(),
}

// Read reads h, failing the test on error.
func Read(t testing.TB, h cluster.Host, req cluster.ReadRequest) state.Host {
	t.Helper()
	got, err := h.Read(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// Apply applies changes to h, failing the test on error or when a change
// has no result.
func Apply(t testing.TB, h cluster.Host, changes []plan.Change) {
	t.Helper()
	results, err := h.Apply(context.Background(), changes)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(changes) {
		t.Fatalf("%d results for %d changes", len(results), len(changes))
	}
}
