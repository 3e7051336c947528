package agent

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lvsctl/lvsctl/engine/apply"
	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local"
)

// BenchmarkAgentWeight is the VM benchmark's "one weight changed" over the
// fakes, through the agent protocol: a no-op plan of a director of 1,000
// (and 5,000) services x 10 servers (read it, diff it), against what `lvsctl apply`
// does when one weight differs: the same plan, the change, verify, the
// cluster's membership and the state kept for boot. The target is a
// weight change within 1.1 no-op plans. from-empty is the whole apply of
// the director on an empty table.
func BenchmarkAgentWeight(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchWeight(b, n) })
	}
}

func benchWeight(b *testing.B, n int) {
	desired := bigDesiredN(n)
	r := newRig(b)
	// As lvsctl apply's agent does: the host locked for the session.
	if err := r.local.Lock(context.Background(), local.LockOptions{Command: "bench"}); err != nil {
		b.Fatal(err)
	}
	a, _ := pipeAgent(b, r.local)
	defer a.Close()
	hosts := map[string]cluster.Host{desired.Name: a}
	ctx := context.Background()
	planOf := func(d state.Host) plan.Plan {
		p, _, err := cluster.Plan(ctx, []cluster.Member{{Desired: d, Host: a}}, cluster.Options{Parallelism: 1})
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	boot := apply.BootOptions{Root: b.TempDir()} // never the machine's own /etc
	applyAll := func(p plan.Plan) {
		// No drain: the fakes have no connections to wait for, and a
		// destroy would poll them.
		if err := apply.Apply(ctx, p, hosts, apply.Options{Parallelism: 1, NoDrain: true}); err != nil {
			b.Fatal(err)
		}
		if err := apply.Verify(ctx, p, hosts, 1); err != nil {
			b.Fatal(err)
		}
		// As lvsctl apply does: one request for both.
		if peersErr, bootErr := apply.RecordPeersAndBoot(ctx, p, hosts, 1, boot); peersErr != nil || bootErr != nil {
			b.Fatal(peersErr, bootErr)
		}
	}
	applyAll(planOf(desired))
	b.Run("plan-noop", func(b *testing.B) {
		reportCPU(b, func() {
			if p := planOf(desired); p.HasChanges() {
				b.Fatal("the no-op plan has changes")
			}
		})
	})
	// From empty, as apply from empty: plan, apply, verify, bookkeeping;
	// the destroy before each is not counted in cpu-ms/op.
	b.Run("from-empty", func(b *testing.B) {
		empty := state.Host{Name: desired.Name, Role: desired.Role}
		var spent time.Duration
		n := 0
		for b.Loop() {
			applyAll(planOf(empty))
			start := cpuTime()
			applyAll(planOf(desired))
			spent += cpuTime() - start
			n++
		}
		b.ReportMetric(float64(spent)/float64(n)/1e6, "cpu-ms/op")
	})
	b.Run("weight", func(b *testing.B) {
		reportCPU(b, func() {
			w := &desired.Services[len(desired.Services)-1].Servers[0].Weight
			*w = 3 - *w // 1 and 2 in turn: one change each time
			p := planOf(desired)
			if n := len(p.Hosts[0].Changes); n != 1 {
				b.Fatalf("%d changes, want 1", n)
			}
			applyAll(p)
		})
	})
}
