package host

import (
	"context"
	"fmt"
	"net/netip"
	"testing"

	"github.com/lvsctl/lvsctl/engine/plan"
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
		add[i], del[i] = addAddress(a), deleteAddress(a)
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

// BenchmarkAgentRead measures a read through the agent protocol (in
// process, over pipes) against one straight from the host.
func BenchmarkAgentRead(b *testing.B) {
	r := newRig(b)
	a, _ := pipeAgent(b, r.local)
	defer a.Close()
	req := ReadRequest{IPVS: true, Sysctls: rigSysctls}
	for _, h := range []struct {
		name string
		host Host
	}{{"local", r.local}, {"agent", a}} {
		b.Run(h.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := h.host.Read(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
