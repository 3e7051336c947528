// Package cluster reads the live state of many hosts at once and turns it,
// with their desired states, into a plan. It is the read half of plan and
// apply; engine/apply is the write half.
package cluster

import (
	"context"
	"fmt"
	"sync"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/host"
)

// DefaultParallelism bounds how many hosts are read or changed at once.
const DefaultParallelism = 10

// Member is one host of the cluster: what it should be and how to reach it.
type Member struct {
	Desired  state.Host
	Host     host.Host
	Warnings []string
}

// ReadRequest is what must be read from a host to plan its desired state:
// the IPVS table only where the desired state has something there (a real
// server, or a director that only carries VIPs, need not load ip_vs; the
// host itself adds IPVS when its record says lvsctl left something there),
// and the sysctls the desired state sets (the host adds those its record
// remembers originals of).
func ReadRequest(desired state.Host) host.ReadRequest {
	req := host.ReadRequest{IPVS: len(desired.Services) > 0 || desired.OwnAllServices || desired.Timeouts != nil}
	for _, s := range desired.Sysctls {
		req.Sysctls = append(req.Sysctls, s.Name)
	}
	return req
}

// ReadAll reads every member's live state, at most parallelism at a time.
// Errors name the host; all hosts are attempted so one run shows every
// unreachable host at once.
func ReadAll(ctx context.Context, members []Member, parallelism int) ([]state.Host, error) {
	live := make([]state.Host, len(members))
	err := Each(ctx, len(members), parallelism, func(ctx context.Context, i int) error {
		m := members[i]
		h, err := m.Host.Read(ctx, ReadRequest(m.Desired))
		if err != nil {
			return fmt.Errorf("read host %s: %w", m.Desired.Name, err)
		}
		h.Name = m.Desired.Name
		h.Role = m.Desired.Role
		h.Normalize()
		live[i] = h
		return nil
	})
	return live, err
}

// Plan reads every member and diffs it against its desired state.
func Plan(ctx context.Context, members []Member, parallelism int) (plan.Plan, error) {
	live, err := ReadAll(ctx, members, parallelism)
	if err != nil {
		return plan.Plan{}, err
	}
	p := plan.Plan{FormatVersion: plan.FormatVersion}
	for i, m := range members {
		hp := plan.Diff(m.Desired, live[i])
		hp.Warnings = append(hp.Warnings, m.Warnings...)
		p.Hosts = append(p.Hosts, hp)
	}
	return p, nil
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
