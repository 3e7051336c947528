package local

import (
	"context"
	"fmt"
	"net/netip"
	"testing"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
)

// BenchmarkApplyAddresses measures applying address changes on fakes, where
// the cost is the ownership record written (and fsynced) after each one.
func BenchmarkApplyAddresses(b *testing.B) {
	r := newRig(b)
	const n = 50
	add, del := make([]plan.Change, n), make([]plan.Change, n)
	for i := range n {
		a := state.Address{Interface: "lo", Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, 0, byte(i)}), 32), Label: fmt.Sprintf("lo:%d", i)}
		add[i], del[i] = plantest.AddAddress(a), plantest.DeleteAddress(a)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := r.local.Apply(ctx, add); err != nil {
			b.Fatal(err)
		}
		if _, err := r.local.Apply(ctx, del); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*2*n), "ns/change")
}
