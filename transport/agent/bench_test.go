package agent

import (
	"context"
	"testing"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
)

// BenchmarkAgentRead measures a read through the agent protocol (in
// process, over pipes) against one straight from the host.
func BenchmarkAgentRead(b *testing.B) {
	r := newRig(b)
	a, _ := pipeAgent(b, r.local)
	defer a.Close()
	req := cluster.ReadRequest{IPVS: true, Sysctls: rigSysctls}
	for _, h := range []struct {
		name string
		host cluster.Host
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

// BenchmarkAgentApply measures an apply of 500 VIPs through the agent
// protocol (in process, over pipes: a progress line and an ack per change),
// through it without progress (a host that does not report each change,
// as protocol 2 answered: once, at the end), and straight on the host;
// each iteration adds them and removes them again.
func BenchmarkAgentApply(b *testing.B) {
	add := addressChanges(500)
	del := make([]plan.Change, len(add))
	for i, c := range add {
		del[len(del)-1-i] = plantest.DeleteAddress(*c.After.Address)
	}
	for _, via := range []string{"local", "agent", "agent-no-progress"} {
		b.Run(via, func(b *testing.B) {
			r := newRig(b)
			var h cluster.Host = r.local
			switch via {
			case "agent":
				a, _ := pipeAgent(b, r.local)
				defer a.Close()
				h = a
			case "agent-no-progress":
				// As protocol 2 did: one answer at the end.
				a, _ := pipeAgent(b, struct{ cluster.Host }{r.local})
				defer a.Close()
				h = a
			}
			for b.Loop() {
				for _, cs := range [][]plan.Change{add, del} {
					if _, err := h.Apply(context.Background(), cs); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
