package local

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs"
)

// Apply carries out the changes in order, keeping the ownership record
// true whatever happens to the process:
//
//   - before the first kernel write, what the batch creates and removes is
//     written into the record as intents, flushed to disk;
//   - the changes are made, the record updated in memory as each one's Own
//     says, and committed (written, intents kept) at the end of each step of
//     the apply order, so a long batch keeps its progress;
//   - at the end, or at the first failure, or when ctx is done (checked
//     between two changes), the record is committed and the intents cleared.
//
// A process killed in between leaves the intents; the next Read settles
// them against the kernel. The record is written a few times per batch, not
// once per change. Apply returns the results so far, the failed one
// included.
func (l *Host) Apply(ctx context.Context, changes []plan.Change) ([]plan.Result, error) {
	return l.ApplyEach(ctx, changes, nil)
}

// ApplyEach is Apply that calls done, if set, each time a change has been
// made and recorded in memory, with the number of changes made so far, so
// an agent can tell its client as it goes. done runs between two changes:
// it may wait (the next change waits with it), and when ctx is done by
// then, the apply stops there.
func (l *Host) ApplyEach(ctx context.Context, changes []plan.Change, done func(n int)) ([]plan.Result, error) {
	file, err := l.loadRecord()
	if err != nil {
		return nil, fmt.Errorf("host %s: %w", l.name, err)
	}
	if file == nil {
		file = &recordFile{Record: *plan.NewRecord()}
	}
	earlier := file.Intents
	intents, err := intend(earlier, changes)
	if err != nil {
		return nil, fmt.Errorf("host %s: %w", l.name, err)
	}
	if !intents.empty() {
		file.Intents = intents
		if err := l.saveRecord(file); err != nil {
			return nil, fmt.Errorf("host %s: nothing was changed: %w", l.name, err)
		}
	}
	rec := &file.Record
	results := make([]plan.Result, 0, len(changes))
	dirty := false
	// unsure: a batch lost the kernel's answers, so some of its changes
	// may be made without being recorded. The intents stay in the record
	// then, as after a killed run, and the next read settles them against
	// the kernel.
	unsure := false
	commit := func(final bool) error {
		if final && !unsure {
			file.Intents = earlier
		}
		if !dirty && !(final && !intents.empty()) {
			return nil
		}
		if err := l.saveRecord(file); err != nil {
			return fmt.Errorf("%w (the kernel was changed; the intents kept in the record let the next run settle it)", err)
		}
		dirty = false
		return nil
	}
	// record keeps in the record what a change made.
	record := func(c plan.Change, down string) error {
		changed, err := plan.RecordChange(rec, c)
		if err != nil {
			return fmt.Errorf("the change was made but cannot be recorded: %w", err)
		}
		dirty = dirty || changed
		changed, err = l.restoreLinks(rec, c, down)
		dirty = dirty || changed
		return err
	}
	for i := 0; i < len(changes); {
		c := changes[i]
		if err := ctx.Err(); err != nil {
			stop := fmt.Errorf("host %s: stopped before %s (%d of %d changes applied, recorded): %w", l.name, c.Address, i, len(changes), err)
			if cerr := commit(true); cerr != nil {
				stop = fmt.Errorf("host %s: stopped before %s (%d of %d changes applied): %w; and %w", l.name, c.Address, i, len(changes), err, cerr)
			}
			return results, stop
		}
		// A run of service and server changes goes to the kernel in one
		// batch; every change of it the kernel made is recorded, also
		// those after one that failed.
		run, errs := l.writeRun(changes, i)
		if run > 0 {
			for k := range run {
				if errors.Is(errs[k], ipvs.ErrOutcomeUnknown) {
					unsure = true
				}
				if errs[k] == nil {
					errs[k] = record(changes[i+k], "")
				}
			}
		} else {
			down, err := l.downBefore(c)
			if err == nil {
				err = l.applyChange(c)
			}
			if err == nil && c.HandOver != nil {
				err = l.handOver(rec, c)
			}
			if err == nil {
				err = record(c, down)
			}
			run, errs = 1, []error{err}
		}
		for k := range run {
			j := i + k
			c := changes[j]
			err := errs[k]
			if err == nil && j+1 < len(changes) && changes[j+1].Step() != c.Step() {
				err = commit(false)
			}
			if err != nil {
				err = checkPermission(err)
				results = append(results, plan.Result{Address: c.Address, Error: err.Error()})
				// The rest of the batch was sent with it: its results say
				// what the kernel made, but progress stops here.
				after := 0
				for m := k + 1; m < run; m++ {
					r := plan.Result{Address: changes[i+m].Address}
					if errs[m] != nil {
						r.Error = checkPermission(errs[m]).Error()
					} else {
						after++
					}
					results = append(results, r)
				}
				if cerr := commit(true); cerr != nil {
					err = fmt.Errorf("%w; and %w", err, cerr)
				}
				applied := fmt.Sprintf("%d of %d changes applied", j, len(changes))
				if after > 0 {
					applied += fmt.Sprintf(" before it and %d after it, sent to the kernel in the same batch", after)
				}
				if unsure {
					applied += "; the changes whose answer was lost stay in the record as intended, and the next run settles them against the kernel"
				}
				return results, fmt.Errorf("host %s: %s: %w (%s; run plan again to see what is left)",
					l.name, c.Address, err, applied)
			}
			results = append(results, plan.Result{Address: c.Address})
			if done != nil {
				done(len(results))
			}
		}
		i += run
	}
	if err := commit(true); err != nil {
		return results, fmt.Errorf("host %s: all %d changes applied, but %w", l.name, len(changes), err)
	}
	return results, nil
}

// saveRecord writes the record file, counting the writes (for tests), and
// keeps what it wrote in the cache.
func (l *Host) saveRecord(file *recordFile) error {
	l.recordWrites++
	l.cache = nil // whatever happens, the file may no longer be the one cached
	data, err := writeRecordFile(l.recordPath, file)
	if err != nil {
		return err
	}
	l.cacheWritten(data)
	return nil
}

// applyChange makes one change in the kernel.
func (l *Host) applyChange(c plan.Change) error {
	before, after := c.Before.Value(), c.After.Value()
	if c.Action == plan.NoOp {
		return nil
	}
	if c.Action == plan.Update && c.Before != nil && reflect.DeepEqual(before, after) {
		return nil // the record only (an adoption): nothing to write
	}
	switch c.Kind {
	case plan.KindPeers:
		return nil // the record only: plan.RecordChange writes it
	case plan.KindBoot:
		return l.applyBoot(c, after.Boot)
	case plan.KindService, plan.KindServer:
		ws, err := ipvsWrites(c)
		if err != nil || len(ws) == 0 {
			return err
		}
		t, err := l.ipvsTable()
		if err != nil {
			return err
		}
		return writeEach(t, ws)
	case plan.KindAddress:
		return l.applyAddress(c.Action, before.Address, after.Address)
	case plan.KindRoute:
		return l.applyRoute(c.Action, before.Route, after.Route)
	case plan.KindSysctl:
		// A sysctl cannot be removed; giving one back is an update to the
		// value remembered, so a delete changes only the record.
		if c.Action == plan.Delete {
			return nil
		}
		if after.Sysctl == nil {
			return missing(c, "after")
		}
		return l.sys.Set(after.Sysctl.Name, after.Sysctl.Value)
	case plan.KindTimeouts:
		// Likewise, IPVS always has timeouts; a delete only forgets them.
		if c.Action == plan.Delete {
			return nil
		}
		if after.Timeouts == nil {
			return missing(c, "after")
		}
		t, err := l.ipvsTable()
		if err != nil {
			return err
		}
		return t.SetTimeouts(*after.Timeouts)
	case plan.KindSyncDaemon:
		return l.applySyncDaemon(c, before.SyncDaemon, after.SyncDaemon)
	}
	return fmt.Errorf("unknown kind of change %q: the plan was made by another lvsctl version", c.Kind)
}

func missing(c plan.Change, which string) error {
	return fmt.Errorf("%s change %s has no %s value: the plan is damaged, make it again", c.Action.Verbs()[0], c.Address, which)
}

// replace carries out a replacement. When the old and the new value share
// a key the kernel holds only one of them, so the old goes first; otherwise
// the new comes first, so the host is never without either.
func replace(sameKey bool, create, remove func() error) error {
	first, second := create, remove
	if sameKey {
		first, second = remove, create
	}
	if err := first(); err != nil {
		return err
	}
	return second()
}

// pair checks that a change has the values its action needs.
func pair[T any](action plan.Action, before, after *T) error {
	if (action == plan.Replace || action == plan.Delete) && before == nil {
		return fmt.Errorf("a %s needs the value before", action.Verbs()[0])
	}
	if action != plan.Delete && after == nil {
		return fmt.Errorf("a %s needs the value after", action.Verbs()[0])
	}
	return nil
}

func (l *Host) applyAddress(action plan.Action, before, after *state.Address) error {
	if err := pair(action, before, after); err != nil {
		return err
	}
	switch action {
	case plan.Create:
		return l.nl.AddAddress(*after)
	case plan.Delete:
		return l.nl.DeleteAddress(*before)
	}
	// An address has nothing to update in place: an update is a relabel.
	if before == nil {
		return fmt.Errorf("an update of an address needs the address before")
	}
	return l.nl.ReplaceAddress(*before, *after)
}

func (l *Host) applyRoute(action plan.Action, before, after *state.Route) error {
	if err := pair(action, before, after); err != nil {
		return err
	}
	switch action {
	case plan.Create:
		return l.nl.AddRoute(*after)
	case plan.Delete:
		return l.nl.DeleteRoute(*before)
	}
	if action == plan.Update || before.Key() == after.Key() {
		// Same destination, table and metric: the kernel swaps it in one step.
		return l.nl.ReplaceRoute(*after)
	}
	return replace(false,
		func() error { return l.nl.AddRoute(*after) },
		func() error { return l.nl.DeleteRoute(*before) })
}

// applySyncDaemon starts or stops a sync daemon; a replacement stops the
// old one first, as the kernel runs one of each state.
func (l *Host) applySyncDaemon(c plan.Change, before, after *state.SyncDaemon) error {
	t, err := l.ipvsTable()
	if err != nil {
		return err
	}
	if c.Action == plan.Delete || c.Action == plan.Replace {
		if before == nil {
			return missing(c, "before")
		}
		if err := t.StopSyncDaemon(*before); err != nil {
			return err
		}
	}
	if c.Action == plan.Delete {
		return nil
	}
	if after == nil {
		return missing(c, "after")
	}
	return t.StartSyncDaemon(*after)
}
