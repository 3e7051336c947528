package apply

import (
	"context"
	"fmt"
	"time"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// DrainStatus is the progress of the drain of one host's leaving servers.
type DrainStatus struct {
	Host string
	// Servers still have Active connections open between them.
	Servers int
	Active  uint64
	// Left is the time until the last of them is removed anyway.
	Left time.Duration
	// Done is the last status of the drain; TimedOut lists the servers
	// removed with connections still open.
	Done     bool
	TimedOut []string
}

// defaultPollInterval is how often a drain reads the connection counts.
const defaultPollInterval = time.Second

// runBatch applies one host's changes of a wave. When some of them remove
// servers to be drained, it first applies the changes before them, then sets
// the weight of every leaving server to 0, waits until their connections are
// closed (or their drain timeouts pass), and only then applies the rest.
func runBatch(ctx context.Context, h cluster.Host, b batch, opts Options) ([]plan.Result, error) {
	first := -1
	var draining []plan.Draining
	deadline := map[string]time.Duration{}
	if !opts.NoDrain {
		for i, c := range b.changes {
			ds := c.Draining()
			if len(ds) == 0 {
				continue
			}
			if first < 0 {
				first = i
			}
			for _, d := range ds {
				draining = append(draining, d)
				deadline[d.Address] = c.Drain.Duration()
			}
		}
	}
	if first < 0 {
		return h.Apply(ctx, b.changes)
	}
	results, err := h.Apply(ctx, b.changes[:first])
	if err != nil {
		return results, err
	}
	if err := startDrain(ctx, h, b.host, draining); err != nil {
		return results, err
	}
	if err := waitDrain(ctx, h, b.host, draining, deadline, opts); err != nil {
		return results, err
	}
	rest, err := h.Apply(ctx, b.changes[first:])
	return append(results, rest...), err
}

// startDrain sets the weight of the leaving servers to 0, so the director
// sends them no new connections while established ones go on. The record
// does not change: the servers are still there, and a failed run leaves
// them at weight 0 for the next plan to remove or put back.
func startDrain(ctx context.Context, h cluster.Host, host string, ds []plan.Draining) error {
	var changes []plan.Change
	for _, d := range ds {
		if d.Server.Weight == 0 {
			continue
		}
		after := d.Server
		after.Weight = 0
		before := d.Server
		changes = append(changes, plan.Change{
			Kind: plan.KindServer, Action: plan.Update, Address: d.Address, Service: &d.Service,
			Before: &plan.Resource{Server: &before}, After: &plan.Resource{Server: &after},
			Reason: "drain: weight 0 before removal",
		})
	}
	if len(changes) == 0 {
		return nil
	}
	if _, err := h.Apply(ctx, changes); err != nil {
		return fmt.Errorf("host %s: drain (weight 0) before removing servers: %w", host, err)
	}
	return nil
}

// waitDrain polls the host's connection counts until every leaving server
// has none left or its timeout has passed.
func waitDrain(ctx context.Context, h cluster.Host, host string, ds []plan.Draining, timeouts map[string]time.Duration, opts Options) error {
	now, sleep, poll := opts.clock()
	start := now()
	for {
		live, err := h.Read(ctx, cluster.ReadRequest{IPVS: true, Connections: true})
		if err != nil {
			return fmt.Errorf("host %s: read active connections while draining (the leaving servers stay at weight 0; run apply again): %w", host, err)
		}
		conns := activeConnections(live)
		elapsed := now().Sub(start)
		st := DrainStatus{Host: host}
		for _, d := range ds {
			n := conns[d.Address]
			if n == 0 {
				continue
			}
			left := timeouts[d.Address] - elapsed
			if left <= 0 {
				st.TimedOut = append(st.TimedOut, fmt.Sprintf("%s (%d connections)", d.Address, n))
				continue
			}
			st.Servers++
			st.Active += uint64(n)
			st.Left = max(st.Left, left)
		}
		st.Done = st.Servers == 0
		if opts.Drain != nil {
			opts.Drain(st)
		}
		if st.Done {
			return nil
		}
		if err := sleep(ctx, poll); err != nil {
			return fmt.Errorf("host %s: stopped while draining; the leaving servers stay at weight 0: %w", host, err)
		}
	}
}

// activeConnections maps each server's plan address to its active
// connections.
func activeConnections(h state.Host) map[string]uint32 {
	out := map[string]uint32{}
	for _, s := range h.Services {
		for _, srv := range s.Servers {
			if srv.ActiveConnections > 0 {
				out[plan.Address(plan.KindServer, s.Key()+" -> "+srv.Key())] = srv.ActiveConnections
			}
		}
	}
	return out
}

// clock returns the time source, the sleep and the poll interval of a drain.
func (o Options) clock() (func() time.Time, func(context.Context, time.Duration) error, time.Duration) {
	now, sleep, poll := o.Now, o.Sleep, o.PollInterval
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	if poll <= 0 {
		poll = defaultPollInterval
	}
	return now, sleep, poll
}
