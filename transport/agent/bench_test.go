package agent

import (
	"context"
	"testing"

	"github.com/lvsctl/lvsctl/engine/cluster"
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
