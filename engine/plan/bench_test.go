package plan_test

import (
	"net/netip"
	"testing"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// bigDirector is a director with 1,000 services of 20 servers each, with
// the record of lvsctl having created them all.
func bigDirector(weight uint32, scheduler state.Scheduler) state.Host {
	h := state.Host{Name: "lvs1", Role: state.RoleDirector}
	rec := &state.Record{FormatVersion: state.FormatVersion, Services: map[string]string{}}
	for i := range 1000 {
		vip := netip.AddrFrom4([4]byte{10, 1, byte(i / 250), byte(i%250 + 1)})
		s := state.Service{Name: "svc", Protocol: "tcp", Address: vip, Port: 80, Family: "inet", Scheduler: scheduler, Netmask: 32}
		for j := range 20 {
			s.Servers = append(s.Servers, state.Server{
				Address: netip.AddrFrom4([4]byte{10, 2, byte(j), byte(i%250 + 1)}), Port: 80, Method: "dr", Weight: weight,
			})
		}
		h.Services = append(h.Services, s)
		rec.Services[s.Key()] = "svc"
	}
	h.Owned = rec
	return h
}

// BenchmarkDiff diffs a director of 1,000 services × 20 servers against a
// live state that matches it, that differs in every service and server,
// and that is empty.
func BenchmarkDiff(b *testing.B) {
	desired := bigDirector(1, "wrr")
	desired.Owned = nil
	for _, bc := range []struct {
		name string
		live state.Host
		want int
	}{
		{"no-change", bigDirector(1, "wrr"), 0},
		{"all-change", bigDirector(2, "rr"), 1000 * 21},
		{"fresh", state.Host{Name: "lvs1"}, 1000 * 21},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if hp := plan.Diff(desired, bc.live); len(hp.Changes) != bc.want {
					b.Fatalf("%d changes, want %d", len(hp.Changes), bc.want)
				}
			}
		})
	}
}
