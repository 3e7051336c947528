package local

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/providers/ipvs"
	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
)

// batchRig is a rig whose IPVS fake the test keeps, to see its batches.
func batchRig(t *testing.T) (*rig, *ipvstest.Fake) {
	t.Helper()
	r := newRig(t)
	f := ipvstest.NewFake()
	r.local.ipvs = ipvs.New(f)
	return r, f
}

// TestApplySendsServicesAndServersInBatches: an apply from empty sends its
// services and servers as batches of at most BatchMax, one request per
// service and server, and the kernel ends up as desired.
func TestApplySendsServicesAndServersInBatches(t *testing.T) {
	r, f := batchRig(t)
	const n = 100
	desired := directorWants(n)
	clustertest.Apply(t, r.local, plannedChanges(t, r.local, desired))
	batches := f.Batches()
	// Services (100) and their servers (200), each step in batches of
	// BatchMax (32).
	want := []int{32, 32, 32, 4, 32, 32, 32, 32, 32, 32, 8}
	if !slices.Equal(batches, want) {
		t.Errorf("batches of %v requests, want %v", batches, want)
	}
	if again := plannedChanges(t, r.local, desired); len(again) != 0 {
		t.Errorf("after apply, %d changes are still planned, first %s", len(again), again[0].Address)
	}
}

// TestBatchFailureInTheMiddle: a service that exists already (made by hand
// after the plan) fails in the middle of its batch. The changes before it
// are made and recorded; those after it in the same batch were made by the
// kernel too, and are recorded and reported as made, in order; progress
// counts only those before the failure; nothing after the batch is tried.
func TestBatchFailureInTheMiddle(t *testing.T) {
	r, f := batchRig(t)
	desired := directorWants(6)
	changes := plannedChanges(t, r.local, desired)
	bad := slices.IndexFunc(changes, func(c plan.Change) bool { return c.Kind == plan.KindService && c.Name == "s2" })
	if bad < 0 {
		t.Fatal("no change creates service s2")
	}
	if err := r.local.ipvs.CreateService(*changes[bad].After.Service); err != nil {
		t.Fatal(err)
	}
	var progress []int
	results, err := r.local.ApplyEach(context.Background(), changes, func(n int) { progress = append(progress, n) })
	if !errors.Is(err, unix.EEXIST) || !strings.Contains(err.Error(), "and 3 after it, sent to the kernel in the same batch") {
		t.Fatalf("apply: %v; want the EEXIST of s2, saying 3 changes after it were made", err)
	}
	// Results: everything up to the end of the services' batch, in order.
	lastService := bad + 3
	if len(results) != lastService+1 {
		t.Fatalf("%d results, want %d (up to the end of the services' batch)", len(results), lastService+1)
	}
	for i, res := range results {
		if res.Address != changes[i].Address {
			t.Errorf("result %d is of %s, want %s (the order of the changes)", i, res.Address, changes[i].Address)
		}
		if failed := res.Error != ""; failed != (i == bad) {
			t.Errorf("result %d (%s): error %q", i, res.Address, res.Error)
		}
	}
	if want := bad; len(progress) == 0 || progress[len(progress)-1] != want {
		t.Errorf("progress %v, want it to end at %d (the changes before the failure)", progress, want)
	}
	// The record owns exactly the services the kernel made for this apply.
	file, err := loadRecordFile(r.record)
	if err != nil || file.Intents != nil {
		t.Fatalf("record after the failure: intents %+v, %v; want it committed", file.Intents, err)
	}
	var owned []string
	for _, name := range file.Services {
		owned = append(owned, name)
	}
	slices.Sort(owned)
	if want := []string{"s0", "s1", "s3", "s4", "s5"}; !slices.Equal(owned, want) {
		t.Errorf("services owned %v, want %v (not s2, made by hand)", owned, want)
	}
	// No server was tried: the servers' step comes after the failed batch.
	live := r.read(t, r.local)
	for _, s := range live.Services {
		if len(s.Servers) != 0 {
			t.Errorf("service %s has %d servers; the apply should have stopped before the servers", s.Key(), len(s.Servers))
		}
	}
	if len(live.Services) != 6 {
		t.Errorf("%d services in the kernel, want 6", len(live.Services))
	}
	if got := f.Batches(); len(got) != 1 || got[0] != 6 {
		t.Errorf("batches %v, want one of the 6 services", got)
	}
}

// TestChangesOfTwoWritesGoAlone: a server removed with a weight is drained
// and then deleted, one write after the other, never in a batch where the
// delete would follow a failed drain.
func TestChangesOfTwoWritesGoAlone(t *testing.T) {
	r, f := batchRig(t)
	clustertest.Apply(t, r.local, plannedChanges(t, r.local, directorWants(3)))
	before := len(f.Batches())
	fewer := directorWants(3)
	for i := range fewer.Services {
		fewer.Services[i].Servers = fewer.Services[i].Servers[:1]
	}
	changes := plannedChanges(t, r.local, fewer)
	for _, c := range changes {
		if ws, ok := batchable(c); ok {
			t.Errorf("change %s (%d writes) is batchable", c.Address, len(ws))
		}
	}
	clustertest.Apply(t, r.local, changes)
	if got := f.Batches()[before:]; len(got) != 0 {
		t.Errorf("removing servers with a weight sent batches %v, want none", got)
	}
	for _, s := range r.read(t, r.local).Services {
		if len(s.Servers) != 1 {
			t.Errorf("service %s has %d servers, want 1", s.Key(), len(s.Servers))
		}
	}
}

// TestBatchAnswersLost: the kernel makes every service of a batch but the
// answers of the last four are lost (ENOBUFS). The apply fails saying so,
// the record keeps the intents instead of forgetting them, and the next
// read settles them: lvsctl owns all six services, so destroy would remove
// them all.
func TestBatchAnswersLost(t *testing.T) {
	r, f := batchRig(t)
	desired := directorWants(6)
	changes := plannedChanges(t, r.local, desired)
	f.LoseAnswers(2)
	_, err := r.local.ApplyEach(context.Background(), changes, nil)
	if !errors.Is(err, ipvs.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "stay in the record as intended") {
		t.Fatalf("apply: %v; want the lost answers reported, the intents kept", err)
	}
	file, err := loadRecordFile(r.record)
	if err != nil || file.Intents == nil {
		t.Fatalf("record after the lost answers: intents %+v, %v; want them kept", file.Intents, err)
	}
	// The next read (a plan, without the lock) settles them in what it
	// returns: every service the kernel has is owned.
	live := r.read(t, r.local)
	if len(live.Services) != 6 || live.Owned == nil {
		t.Fatalf("%d services in the kernel, owned %+v; want 6, all owned", len(live.Services), live.Owned)
	}
	for _, s := range live.Services {
		if _, owned := live.Owned.Services[s.Key()]; !owned {
			t.Errorf("service %s is in the kernel, made by this apply, but not owned after the read", s.Key())
		}
	}
}
