package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
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

// BenchmarkAgentBig reads a director of 1,000 services x 10 servers, and
// applies it from empty, in process and through the agent protocol: what
// the protocol's encoding costs on top at scale.
func BenchmarkAgentBig(b *testing.B) {
	desired := bigDesired()
	req := cluster.ReadRequestFor(desired)
	for _, via := range []string{"local", "agent"} {
		r := newRig(b)
		var h cluster.Host = r.local
		if via == "agent" {
			a, _ := pipeAgent(b, r.local)
			defer a.Close()
			h = a
		}
		ctx := context.Background()
		live, err := h.Read(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.Apply(ctx, plan.Diff(desired, live).Changes); err != nil {
			b.Fatal(err)
		}
		b.Run("read/"+via, func(b *testing.B) {
			reportCPU(b, func() {
				if _, err := h.Read(ctx, req); err != nil {
					b.Fatal(err)
				}
			})
		})
		// Apply: destroy it all, then make it again from empty.
		empty := state.Host{Name: "web1", Role: state.RoleDirector}
		b.Run("apply/"+via, func(b *testing.B) {
			reportCPU(b, func() {
				for _, want := range []state.Host{empty, desired} {
					live, err := h.Read(ctx, req)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := h.Apply(ctx, plan.Diff(want, live).Changes); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// benchServices is the size of BenchmarkAgentBig's director.
var benchServices = 1000

// cpuTime is the CPU time this process has used (user and system), for
// benchmarks that report it beside the wall time: on a shared machine the
// wall time counts the others' work too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU runs the benchmark loop body and reports its CPU time per
// iteration as cpu-ms/op.
func reportCPU(b *testing.B, body func()) {
	start := cpuTime()
	n := 0
	for b.Loop() {
		body()
		n++
	}
	if n > 0 {
		b.ReportMetric(float64(cpuTime()-start)/float64(n)/1e6, "cpu-ms/op")
	}
}

// bigDesired is a director of benchServices services x 10 servers.
func bigDesired() state.Host { return bigDesiredN(benchServices) }

// bigDesiredN is a director of n services x 10 servers.
func bigDesiredN(n int) state.Host {
	desired := state.Host{Name: "web1", Role: state.RoleDirector}
	for i := range n {
		svc := plantest.Service(fmt.Sprintf("10.%d.%d.%d", 1+i/62500, i/250%250, 1+i%250))
		for j := range 10 {
			svc.Servers = append(svc.Servers, plantest.Server(fmt.Sprintf("172.16.0.%d", j+1), 1))
		}
		desired.Services = append(desired.Services, svc)
	}
	return desired
}

// BenchmarkAgentApplyWire measures what the wire costs an apply from empty
// of BenchmarkAgentBig's director (1,000 services x 10: 11,000 changes),
// both sides, without the kernel: the request encoded and decoded, and
// the answer. "json" is protocol 4's form (a JSON object per change and
// per result), "compact" protocol 5's.
func BenchmarkAgentApplyWire(b *testing.B) {
	changes := plan.Diff(bigDesired(), state.Host{Name: "web1", Role: state.RoleDirector}).Changes
	results := make([]plan.Result, len(changes))
	for i, c := range changes {
		results[i] = plan.Result{Address: c.Address}
	}
	roundTrip := func(b *testing.B, req request, resp response) (request, response) {
		rb, err := json.Marshal(req)
		if err != nil {
			b.Fatal(err)
		}
		var gotReq request
		if err := json.Unmarshal(rb, &gotReq); err != nil {
			b.Fatal(err)
		}
		ab, err := json.Marshal(resp)
		if err != nil {
			b.Fatal(err)
		}
		var gotResp response
		if err := json.Unmarshal(ab, &gotResp); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(rb)+len(ab)), "wire-B/op")
		return gotReq, gotResp
	}
	b.Run("json", func(b *testing.B) {
		reportCPU(b, func() {
			req, _ := roundTrip(b, request{ID: 2, Op: opApply, Changes: toWire(changes)}, response{ID: 2, Results: results})
			if _, err := fromWire(req.Changes); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("compact", func(b *testing.B) {
		reportCPU(b, func() {
			compact, rest := splitChanges(changes)
			made, failed, _ := compactResults(changes, results)
			req, resp := roundTrip(b, request{ID: 2, Op: opApply, Compact: compact, Changes: rest}, response{ID: 2, Made: made, Failed: failed})
			if _, err := joinChanges(req.Compact, req.Changes); err != nil {
				b.Fatal(err)
			}
			if _, err := expandResults(changes, resp.Made, resp.Failed); err != nil {
				b.Fatal(err)
			}
		})
	})
}
