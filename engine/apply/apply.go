// Package apply carries out a plan across hosts in a safe order, then reads
// the hosts back and checks they match the desired state.
//
// The order across hosts is what keeps traffic flowing while a cluster
// changes. Real servers first get what new traffic needs (ARP suppression,
// then the VIP); then the directors change their tables (new servers before
// old ones leave, leaving servers drained to weight 0 first); only then do
// real servers drop what the directors no longer send them. A wave that fails
// stops the later ones, so a real server never loses its VIP while a
// director may still send to it.
package apply

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Options tune Apply.
type Options struct {
	// Parallelism bounds how many hosts change at once within a wave.
	Parallelism int
	// Progress, if set, is told about each host's results as its batch ends.
	// It may be called from several goroutines at once.
	Progress func(host string, results []plan.Result, err error)
	// NoRollback leaves what a failed apply did so far; by default it is
	// undone (see RollbackError).
	NoRollback bool
	// NoDrain removes servers without waiting for their connections to
	// close (they still go to weight 0 first).
	NoDrain bool
	// Drain, if set, is told how each host's drain goes, at every poll.
	Drain func(DrainStatus)
	// PollInterval, Now and Sleep pace a drain; zero values mean every
	// second, the real clock and a real sleep (tests pass their own).
	PollInterval time.Duration
	Now          func() time.Time
	Sleep        func(context.Context, time.Duration) error
}

// Waves name the steps of the cross-host order, in the order they run.
func Waves() []string {
	return []string{"prepare real servers", "change directors", "clean up real servers"}
}

// Wave returns the index in Waves() of the wave that carries out c on a host
// of role: a real server's setup first, then every change on directors,
// then a real server's teardown. A change whose kind has no place in a
// host's order (plan.StepUnknown) has none in the cluster's either.
func Wave(role state.Role, c plan.Change) (int, error) {
	if c.Step() == plan.StepUnknown {
		return 0, fmt.Errorf("change %q: a %s change has no place in the apply order", c.Address, c.Kind)
	}
	switch {
	case role != state.RoleRealServer:
		return 1, nil
	case c.IsTeardown():
		return 2, nil
	}
	return 0, nil
}

// byWave splits each host's changes into the waves, keeping their order.
func byWave(p plan.Plan) ([][]batch, error) {
	out := make([][]batch, len(Waves()))
	for _, hp := range p.Hosts {
		// Two passes: each wave's slice made at its size once, not grown
		// by copying (growing them was 7 % of the CLI's CPU in the VM
		// profile of an apply of 11,000 changes).
		waveOf := make([]int, len(hp.Changes))
		sizes := make([]int, len(Waves()))
		for i, c := range hp.Changes {
			w, err := Wave(hp.Role, c)
			if err != nil {
				return nil, fmt.Errorf("host %s: %w: the plan was made by another lvsctl version; make it again", hp.Host, err)
			}
			waveOf[i] = w
			sizes[w]++
		}
		per := make([][]plan.Change, len(Waves()))
		for w, n := range sizes {
			if n > 0 {
				per[w] = make([]plan.Change, 0, n)
			}
		}
		for i, c := range hp.Changes {
			per[waveOf[i]] = append(per[waveOf[i]], c)
		}
		for w, cs := range per {
			if len(cs) > 0 {
				out[w] = append(out[w], batch{hp.Host, cs})
			}
		}
	}
	return out, nil
}

// batch is the changes one host makes in one wave.
type batch struct {
	host    string
	changes []plan.Change
}

// Apply carries out p. hosts maps each host name in the plan to its Host.
func Apply(ctx context.Context, p plan.Plan, hosts map[string]cluster.Host, opts Options) error {
	waves, err := byWave(p)
	if err != nil {
		return err
	}
	j := newJournal()
	for w, batches := range waves {
		err := cluster.Each(ctx, len(batches), opts.Parallelism, func(ctx context.Context, i int) error {
			b := batches[i]
			h, ok := hosts[b.host]
			if !ok {
				return fmt.Errorf("host %s: no connection to apply with (internal error)", b.host)
			}
			results, err := runBatch(ctx, recording{h, b.host, w, j}, b, opts)
			if opts.Progress != nil {
				opts.Progress(b.host, results, err)
			}
			return err // hosts name themselves in their errors
		})
		if err != nil {
			err = fmt.Errorf("apply stopped during %q; later steps were not run so no real server lost a VIP a director may still use: %w", Waves()[w], err)
			if opts.NoRollback {
				return err
			}
			return rollback(ctx, j, w, hosts, opts, err)
		}
	}
	return nil
}

// RecordPeers writes the plan's cluster membership into every host's
// ownership record (a removed host is made to forget it), so that a later
// plan can find hosts whose blocks were deleted. It runs after a successful
// apply, and also when the plan had nothing to change: it is bookkeeping, a
// record write where the membership differs, and nothing in the kernel.
func RecordPeers(ctx context.Context, p plan.Plan, hosts map[string]cluster.Host, parallelism int) error {
	if p.Peers == nil {
		return nil
	}
	return cluster.Each(ctx, len(p.Hosts), parallelism, func(ctx context.Context, i int) error {
		hp := p.Hosts[i]
		h, ok := hosts[hp.Host]
		if !ok {
			return fmt.Errorf("host %s: no connection to record the cluster with (internal error)", hp.Host)
		}
		_, err := h.Apply(ctx, []plan.Change{peersChange(p, hp)})
		return err
	})
}

// peersChange is the change that records the plan's membership on host hp
// (p.Peers is set).
func peersChange(p plan.Plan, hp plan.HostPlan) plan.Change {
	peers := &plan.Peers{Hosts: p.Peers}
	if hp.Removed {
		peers = &plan.Peers{}
	}
	return plan.Change{
		Kind: plan.KindPeers, Action: plan.Update, Address: "record of the cluster's hosts",
		After: &plan.Resource{Peers: peers},
	}
}

// members rebuilds cluster members from a plan, for reading the same hosts
// the same way the plan did.
func members(p plan.Plan, hosts map[string]cluster.Host) ([]cluster.Member, error) {
	ms := make([]cluster.Member, 0, len(p.Hosts))
	for _, hp := range p.Hosts {
		h, ok := hosts[hp.Host]
		if !ok {
			return nil, fmt.Errorf("host %s is in the plan but not in the configuration: make the plan again", hp.Host)
		}
		d := hp.Desired
		d.Name, d.Role = hp.Host, hp.Role
		ms = append(ms, cluster.Member{Desired: d, Host: h})
	}
	return ms, nil
}

// CheckFresh refuses a plan made from a live state that has changed since:
// applying it could undo someone else's change or act on stale assumptions.
func CheckFresh(ctx context.Context, p plan.Plan, hosts map[string]cluster.Host, parallelism int) error {
	ms, err := members(p, hosts)
	if err != nil {
		return err
	}
	live, err := cluster.ReadAll(ctx, ms, parallelism)
	if err != nil {
		return err
	}
	var stale []string
	for i, hp := range p.Hosts {
		if plan.Digest(live[i]) != hp.LiveDigest {
			stale = append(stale, hp.Host)
		}
	}
	if len(stale) > 0 {
		return fmt.Errorf("the plan is stale: the live state of %s changed since it was made; run `lvsctl plan` again and review the new plan",
			strings.Join(stale, ", "))
	}
	return nil
}
