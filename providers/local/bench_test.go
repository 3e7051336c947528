package local

import (
	"context"
	"fmt"
	"net/netip"
	"testing"

	"github.com/lvsctl/lvsctl/engine/cluster"
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

// BenchmarkApplyDirector applies a director of 1,000 services x 10 servers
// from empty on the fakes, and destroys it: the record is written per
// step, not per change, so the cost per change stays flat as N grows.
func BenchmarkApplyDirector(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprint(n, "x10"), func(b *testing.B) {
			r := newRig(b)
			desired := state.Host{Name: "web1", Role: state.RoleDirector}
			for i := range n {
				svc := plantest.Service(fmt.Sprintf("10.%d.%d.%d", 1+i/62500, i/250%250, 1+i%250))
				for j := range 10 {
					svc.Servers = append(svc.Servers, plantest.Server(fmt.Sprintf("172.16.0.%d", j+1), 1))
				}
				desired.Services = append(desired.Services, svc)
			}
			empty := state.Host{Name: "web1", Role: state.RoleDirector}
			ctx := context.Background()
			var changes int
			for b.Loop() {
				for _, want := range []state.Host{desired, empty} {
					live, err := r.local.Read(ctx, cluster.ReadRequestFor(desired))
					if err != nil {
						b.Fatal(err)
					}
					cs := plan.Diff(want, live).Changes
					changes += len(cs)
					if _, err := r.local.Apply(ctx, cs); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(changes), "ns/change")
		})
	}
}
