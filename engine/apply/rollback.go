package apply

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
)

// A failed apply puts the hosts back as they were before the run: the
// changes made so far are undone (plan.Inverse), each host's in reverse
// order, wave by wave backwards, so the cross-host rule holds on the way
// back too: directors stop sending to a real server before it loses what it
// was given. A wave whose undoing fails stops the earlier waves' undoing.

// journal is the changes a run made, per wave and host, in order.
type journal struct {
	mu    sync.Mutex
	waves []map[string][]plan.Change
}

func newJournal() *journal {
	return &journal{waves: make([]map[string][]plan.Change, len(Waves()))}
}

// recording wraps a host so that every change it applies is journaled.
type recording struct {
	cluster.Host
	name string
	wave int
	j    *journal
}

func (r recording) Apply(ctx context.Context, changes []plan.Change) ([]plan.Result, error) {
	results, err := r.Host.Apply(ctx, changes)
	r.j.mu.Lock()
	defer r.j.mu.Unlock()
	if r.j.waves[r.wave] == nil {
		r.j.waves[r.wave] = map[string][]plan.Change{}
	}
	for i, res := range results {
		if res.Error == "" && i < len(changes) {
			r.j.waves[r.wave][r.name] = append(r.j.waves[r.wave][r.name], changes[i])
		}
	}
	return results, err
}

// RollbackError is a failed apply after its rollback: the failure, what was
// undone, and every change that could not be undone, with why.
type RollbackError struct {
	Err error
	// Undone counts the changes put back.
	Undone int
	// Left lists the changes not put back, one line each.
	Left []string
}

func (e *RollbackError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	if len(e.Left) == 0 {
		fmt.Fprintf(&b, "\nrolled back: the %d change(s) made in this run were undone; the hosts are as they were before it", e.Undone)
		return b.String()
	}
	fmt.Fprintf(&b, "\nrollback: %d change(s) undone, %d NOT rolled back (run plan to see the hosts as they are now):\n  %s",
		e.Undone, len(e.Left), strings.Join(e.Left, "\n  "))
	return b.String()
}

func (e *RollbackError) Unwrap() error { return e.Err }

// rollback undoes the journal from wave last down to wave 0.
func rollback(ctx context.Context, j *journal, last int, hosts map[string]cluster.Host, opts Options, cause error) error {
	// Undo even when the run was cancelled (Ctrl-C): a half-applied
	// cluster is worse than a short wait.
	ctx = context.WithoutCancel(ctx)
	re := &RollbackError{Err: cause}
	var mu sync.Mutex
	stopped := false
	for w := last; w >= 0; w-- {
		names := slices.Sorted(maps.Keys(j.waves[w]))
		if stopped {
			for _, n := range names {
				for _, c := range j.waves[w][n] {
					re.Left = append(re.Left, fmt.Sprintf("%s: %s: not undone, because undoing a later step failed", n, c.Address))
				}
			}
			continue
		}
		_ = cluster.Each(ctx, len(names), opts.Parallelism, func(ctx context.Context, i int) error {
			n := names[i]
			undone, left := undoHost(ctx, hosts[n], n, j.waves[w][n])
			mu.Lock()
			defer mu.Unlock()
			re.Undone += undone
			re.Left = append(re.Left, left...)
			return nil
		})
		stopped = len(re.Left) > 0
	}
	return re
}

// undoHost undoes one host's changes of a wave, last first, one at a time,
// going on past a change that cannot be undone so that as much as possible
// is put back.
func undoHost(ctx context.Context, h cluster.Host, name string, changes []plan.Change) (int, []string) {
	undone := 0
	var left []string
	for i := len(changes) - 1; i >= 0; i-- {
		c := changes[i]
		inv, err := plan.Inverse(c)
		if err == nil {
			_, err = h.Apply(ctx, inv)
		}
		if err != nil {
			left = append(left, fmt.Sprintf("%s: %s: %v", name, c.Address, err))
			continue
		}
		undone++
	}
	return undone, left
}
