// Package cluster reads the live state of many hosts at once and turns it,
// with their desired states, into a plan. It is the read half of plan and
// apply; engine/apply is the write half.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// DefaultParallelism bounds how many hosts are read or changed at once.
const DefaultParallelism = 10

// Member is one host of the cluster: what it should be and how to reach it.
type Member struct {
	Desired    state.Host
	Host       Host
	Connection state.Connection
	// Removed: the host's block is gone from the configuration; a peer's
	// record remembered it, and its desired state is empty.
	Removed bool
}

// Options tune Plan.
type Options struct {
	// Parallelism bounds how many hosts are read at once.
	Parallelism int
	// Configured is every host of the configuration, targeted or not, as
	// records remember them.
	Configured map[string]state.Peer
	// Open reaches a host that records remember but the configuration no
	// longer has. Nil leaves such hosts alone.
	Open func(ctx context.Context, name string, conn state.Connection) (Host, error)
}

// ReadRequestFor is what must be read from a host to plan its desired state:
// the IPVS table only where the desired state has something there (a real
// server, or a director that only carries VIPs, need not load ip_vs; the
// host itself adds IPVS when its record says lvsctl left something there),
// and the sysctls the desired state sets (the host adds those its record
// remembers originals of).
func ReadRequestFor(desired state.Host) ReadRequest {
	req := ReadRequest{IPVS: len(desired.Services) > 0 || desired.OwnAllServices || desired.Timeouts != nil || len(desired.SyncDaemons) > 0}
	for _, s := range desired.Sysctls {
		req.Sysctls = append(req.Sysctls, s.Name)
	}
	return req
}

// ReadAll reads every member's live state, at most parallelism at a time.
// Errors name the host; all hosts are attempted so one run shows every
// unreachable host at once.
func ReadAll(ctx context.Context, members []Member, parallelism int) ([]state.Host, error) {
	return ReadAllWith(ctx, members, parallelism, ReadRequestFor)
}

// ReadAllWith is ReadAll asking each host what request(its desired state)
// says, for a reader that wants more than the plan does (import).
func ReadAllWith(ctx context.Context, members []Member, parallelism int, request func(state.Host) ReadRequest) ([]state.Host, error) {
	live := make([]state.Host, len(members))
	err := Each(ctx, len(members), parallelism, func(ctx context.Context, i int) error {
		m := members[i]
		h, err := m.Host.Read(ctx, request(m.Desired))
		if err != nil {
			return fmt.Errorf("read host %s: %w", m.Desired.Name, err)
		}
		h.Name = m.Desired.Name
		h.Role = m.Desired.Role // hosts return normalized states (Host)
		live[i] = h
		return nil
	})
	return live, err
}

// Plan reads every member and diffs it against its desired state. It also
// looks in the members' ownership records for hosts the cluster had at its
// last apply that the configuration no longer has, and plans the removal of
// what lvsctl made on them. Those are returned as extra members (the caller
// closes their hosts and applies to them). With some hosts targeted, such
// hosts are left for an untargeted run, and stay remembered.
func Plan(ctx context.Context, members []Member, opts Options) (plan.Plan, []Member, error) {
	live, err := ReadAll(ctx, members, opts.Parallelism)
	if err != nil {
		return plan.Plan{}, nil, err
	}
	p := plan.Plan{FormatVersion: plan.FormatVersion, Peers: maps.Clone(opts.Configured)}
	known := maps.Clone(opts.Configured)
	if known == nil {
		known = map[string]state.Peer{}
	}
	for _, m := range members {
		known[m.Desired.Name] = state.Peer{Role: m.Desired.Role, Connection: m.Connection}
	}
	remembered := rememberedPeers(live, known)
	renamed := renames(remembered, known)
	var removed []Member
	if len(members) < len(opts.Configured) {
		// Targeted run: keep remembering the removed hosts.
		for name, peer := range remembered {
			p.Peers[name] = peer
		}
	} else {
		removed, p.Warnings = openRemoved(ctx, remembered, opts.Open)
		p.Warnings = append(p.Warnings, renameHints(remembered, known, live)...)
		more, err := ReadAll(ctx, removed, opts.Parallelism)
		if err != nil {
			for _, m := range removed {
				_ = m.Host.Close()
			}
			return plan.Plan{}, nil, fmt.Errorf("%w (the host is no longer in the configuration but the cluster remembers it: bring it back, or put its block back and use -target to leave it out)", err)
		}
		members = append(slices.Clone(members), removed...)
		live = append(live, more...)
	}
	var lockouts []error
	for i, m := range members {
		hp := plan.Diff(m.Desired, live[i])
		hp.Removed = m.Removed
		for _, old := range slices.Sorted(maps.Keys(renamed)) {
			if renamed[old] == m.Desired.Name {
				hp.RenamedFrom = append(hp.RenamedFrom, old)
			}
		}
		p.Hosts = append(p.Hosts, hp)
		if sh, ok := m.Host.(SessionHost); ok {
			var s plan.Session
			s.Local, s.Peer = sh.Session()
			if l := plan.Lockouts(hp, live[i], s); len(l) > 0 {
				lockouts = append(lockouts, plan.LockoutError(m.Desired.Name, s, l))
			}
		}
	}
	if len(lockouts) > 0 {
		return p, removed, errors.Join(lockouts...)
	}
	return p, removed, nil
}

// rememberedPeers are the hosts the live records remember that the
// configuration no longer has. Where records disagree on how to reach a
// host, the record of the host first by name wins, so plans are stable.
func rememberedPeers(live []state.Host, known map[string]state.Peer) map[string]state.Peer {
	byName := slices.SortedFunc(slices.Values(live), func(a, b state.Host) int { return strings.Compare(a.Name, b.Name) })
	out := map[string]state.Peer{}
	for _, h := range byName {
		if h.Owned == nil {
			continue
		}
		for name, peer := range h.Owned.Peers {
			if _, ok := known[name]; ok {
				continue
			}
			if _, ok := out[name]; !ok {
				out[name] = peer
			}
		}
	}
	return out
}

// openRemoved reaches the remembered hosts. One that cannot be reached is
// not fatal: the plan warns that what lvsctl made there stays, and the
// cluster forgets it once the plan is applied.
func openRemoved(ctx context.Context, peers map[string]state.Peer, open func(context.Context, string, state.Connection) (Host, error)) ([]Member, []plan.Warning) {
	var out []Member
	var warnings []plan.Warning
	for _, name := range slices.Sorted(maps.Keys(peers)) {
		peer := peers[name]
		if open == nil {
			continue
		}
		h, err := open(ctx, name, peer.Connection)
		if err != nil {
			warnings = append(warnings, plan.Warning{Host: name, Summary: "Removed host cannot be reached", Detail: fmt.Sprintf(
				"%s %q is no longer in the configuration and cannot be reached (%v); what lvsctl made there stays. Applying this plan forgets it; to clean it up first, put its block back and run `lvsctl destroy -target %s`.",
				peer.Role, name, err, name)})
			continue
		}
		out = append(out, Member{
			Desired:    state.Host{Name: name, Role: peer.Role},
			Host:       h,
			Connection: peer.Connection,
			Removed:    true,
		})
	}
	return out, warnings
}

// Each runs fn for 0..n-1 with at most parallelism running at once and
// returns the errors of all that failed, joined.
func Each(ctx context.Context, n, parallelism int, fn func(ctx context.Context, i int) error) error {
	if parallelism < 1 {
		parallelism = DefaultParallelism
	}
	sem := make(chan struct{}, parallelism)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = fn(ctx, i)
		}()
	}
	wg.Wait()
	return joinErrors(errs)
}
