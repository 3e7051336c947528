package local

import (
	"bytes"
	"context"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// TestRecordCacheWritesWhatTheFileWouldGive is the differential check of
// the record kept in memory under the lock: two hosts over the same kind of
// fakes make the same applies (create, shrink, adopt back, destroy), one
// holding its lock (the record cached between phases), one not (read from
// the file each time, as before the cache); after every step their record
// files are byte for byte the same, and what the locked host holds in
// memory is what decoding its file gives.
func TestRecordCacheWritesWhatTheFileWouldGive(t *testing.T) {
	cached, plain := newRig(t), newRig(t)
	if err := cached.local.Lock(context.Background(), LockOptions{Command: "test"}); err != nil {
		t.Fatal(err)
	}
	steps := []state.Host{directorWants(5), directorWants(3), directorWants(6), {Name: "web1", Role: state.RoleDirector}}
	for i, desired := range steps {
		for _, r := range []*rig{cached, plain} {
			clustertest.Apply(t, r.local, plannedChanges(t, r.local, desired))
			// The phases after the changes: verify's read, membership.
			r.read(t, r.local)
			clustertest.Apply(t, r.local, []plan.Change{{Kind: plan.KindPeers, Action: plan.Update, Address: "peers",
				After: &plan.Resource{Peers: &plan.Peers{Hosts: map[string]state.Peer{"web1": {Role: state.RoleDirector}}}}}})
		}
		a, errA := os.ReadFile(cached.record)
		b, errB := os.ReadFile(plain.record)
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Fatalf("step %d: the record files differ (%v, %v):\ncached:\n%s\nread each time:\n%s", i, errA, errB, a, b)
		}
		onDisk, err := loadRecordFile(cached.record)
		if err != nil {
			t.Fatal(err)
		}
		if c := cached.local.cache; c == nil {
			t.Errorf("step %d: nothing cached under the lock", i)
		} else if d := cmp.Diff(onDisk, c.file, clustertest.CmpOpts); d != "" {
			t.Errorf("step %d: the cache is not what the file decodes to (-file +cache):\n%s", i, d)
		}
		if plain.local.cache != nil {
			t.Errorf("step %d: a host without its lock cached the record", i)
		}
	}
}

// TestRecordCacheSparesDecoding: under the lock, the phases of an apply
// read the record from memory, not from the file.
func TestRecordCacheSparesDecoding(t *testing.T) {
	r := newRig(t)
	desired := directorWants(4)
	clustertest.Apply(t, r.local, plannedChanges(t, r.local, desired))
	h := r.reopen(t)
	r.read(t, h) // the first read decodes the file
	before := recordDecodes.Load()
	for range 3 {
		r.read(t, h)
		clustertest.Apply(t, h, plannedChanges(t, h, desired)) // nothing to change
	}
	if n := recordDecodes.Load() - before; n != 0 {
		t.Errorf("%d decodes of the record under the lock after the first read; want 0", n)
	}
	// Without the lock (plan), every read decodes the file.
	before = recordDecodes.Load()
	r.read(t, r.local)
	r.read(t, r.local)
	if n := recordDecodes.Load() - before; n != 2 {
		t.Errorf("%d decodes for 2 reads without the lock; want 2", n)
	}
}

// TestRecordCacheSeesOtherWrites: the cache never hides the file. Under
// the lock, a record another writer put in place is read (a new file by
// rename, or the same file rewritten in place), and a damaged one refuses
// as it does without the cache; what a caller changes in what it read is
// not kept.
func TestRecordCacheSeesOtherWrites(t *testing.T) {
	r := newRig(t)
	clustertest.Apply(t, r.local, plannedChanges(t, r.local, directorWants(3)))
	h := r.reopen(t)
	live := r.read(t, h)
	if len(live.Owned.Services) != 3 {
		t.Fatalf("owned %d services, want 3", len(live.Owned.Services))
	}
	// What a read hands out is a copy.
	for k := range live.Owned.Services {
		delete(live.Owned.Services, k)
	}
	if again := r.read(t, h); len(again.Owned.Services) != 3 {
		t.Fatalf("a change to what Read returned reached the next read: %d services owned", len(again.Owned.Services))
	}

	// Another writer replaces the file (rename): its record is read.
	rec, err := LoadRecord(r.record)
	if err != nil {
		t.Fatal(err)
	}
	for k := range rec.Services {
		delete(rec.Services, k)
		break
	}
	if err := saveRecord(r.record, rec); err != nil {
		t.Fatal(err)
	}
	if got := r.read(t, h); len(got.Owned.Services) != 2 {
		t.Errorf("after another writer's rename: %d services owned, want 2", len(got.Owned.Services))
	}

	// The same file damaged in place: refused.
	if err := os.WriteFile(r.record, []byte(`{"format_version": "1", "services": {"tcp/172.25`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = h.Read(context.Background(), cluster.ReadRequestFor(directorWants(3)))
	if err == nil || !strings.Contains(err.Error(), "is damaged") {
		t.Errorf("read of a damaged record under the lock: %v; want it refused as damaged", err)
	}
	if _, err := h.Apply(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "is damaged") {
		t.Errorf("apply with a damaged record under the lock: %v; want it refused as damaged", err)
	}
}

// TestCloneRecordFileIsDeep: every field of a record, filled, is copied
// so that changing the copy leaves the original; a field added to
// state.Record must be added to deepCloneRecord (the count below fails
// until it is looked at).
func TestCloneRecordFileIsDeep(t *testing.T) {
	if n := reflect.TypeFor[state.Record]().NumField(); n != 11 {
		t.Fatalf("state.Record has %d fields, deepCloneRecord knows 11: copy the new ones deeply, then change this count", n)
	}
	// filled is a record file with every field set; two of them share
	// nothing.
	filled := func() *recordFile {
		drain := uint32(5)
		fill := func(r *state.Record) {
			r.Services = map[string]string{"tcp/10.0.0.1:80": "a"}
			r.Addresses = []string{"eth0/10.0.0.1/32"}
			r.Routes = []string{"r"}
			r.RouteOriginals = map[string]state.Route{"r": {Interface: "eth0"}}
			r.Sysctls = map[string]string{"x": "0"}
			r.SyncDaemons = []string{"master"}
			r.ServiceOriginals = map[string]state.Service{"s": {Flags: []string{"f"}, DrainTimeout: &drain, Servers: []state.Server{{Weight: 1}}}}
			r.Timeouts = &state.Timeouts{TCP: 1}
			r.Peers = map[string]state.Peer{"web1": {Connection: state.Connection{SSH: &state.SSH{Host: "h"}}}}
			r.LinksUp = []string{"tunl0"}
		}
		f := &recordFile{Record: *plan.NewRecord(), Intents: &Intents{Create: plan.NewRecord(), Remove: &Removals{Services: []string{"a"}}}}
		fill(&f.Record)
		fill(f.Intents.Create)
		return f
	}
	f, want := filled(), filled()
	c := cloneRecordFile(f)
	for _, r := range []*state.Record{&c.Record, c.Intents.Create} {
		r.Services["tcp/10.0.0.1:80"] = "changed"
		r.Addresses[0], r.Routes[0], r.SyncDaemons[0], r.LinksUp[0] = "changed", "changed", "changed", "changed"
		r.RouteOriginals["r"] = state.Route{}
		r.Sysctls["x"] = "changed"
		r.ServiceOriginals["s"].Flags[0] = "changed"
		*r.ServiceOriginals["s"].DrainTimeout = 9
		r.ServiceOriginals["s"].Servers[0].Weight = 9
		r.Timeouts.TCP = 9
		r.Peers["web1"].Connection.SSH.Host = "changed"
	}
	c.Intents.Remove.Services[0] = "changed"
	if d := cmp.Diff(want, f, clustertest.CmpOpts); d != "" {
		t.Errorf("a change to the copy reached the original (-want +got):\n%s", d)
	}
}

// TestRecordCacheSeesRewriteInSameTick: a record rewritten in place (same
// inode, same size) in the clock tick of the write the cache was stamped
// after has the stamp the cache holds (a file's times have the kernel's
// coarse clock, or whole seconds on some filesystems; since Linux 6.13 a
// stat makes the next change's time fine, hence the coarser clock
// here): the read must still see the new content.
func TestRecordCacheSeesRewriteInSameTick(t *testing.T) {
	statFile = func(p string, st *syscall.Stat_t) error {
		err := syscall.Stat(p, st)
		st.Mtim.Nsec, st.Ctim.Nsec = 0, 0
		return err
	}
	t.Cleanup(func() { statFile = syscall.Stat })
	r := newRig(t)
	h := r.reopen(t)
	for i := range 200 {
		clustertest.Apply(t, h, plannedChanges(t, h, directorWants(3+i%2)))
		c := h.cache
		if c == nil {
			t.Fatal("nothing cached after a write under the lock")
		}
		data, err := os.ReadFile(r.record)
		if err != nil {
			t.Fatal(err)
		}
		// The owned services made UDP: same size.
		changed := bytes.ReplaceAll(data, []byte(`"tcp/`), []byte(`"udp/`))
		if bytes.Equal(changed, data) {
			t.Fatalf("no TCP service to change in %s", data)
		}
		f, err := os.OpenFile(r.record, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.WriteAt(changed, 0)
		if st, _, _ := recordStamp(r.record); st != c.stamp {
			// Another tick: any cache sees it. Put the record back and
			// try again.
			_, err = f.WriteAt(data, 0)
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(mustRead(t, r.record), changed) {
			continue
		}
		got := r.read(t, h)
		if keys := slices.Sorted(maps.Keys(got.Owned.Services)); !strings.HasPrefix(keys[0], "udp/") {
			t.Fatalf("after a rewrite in place in the same tick, the read owns %v: the cache served the old record", keys)
		}
		return
	}
	t.Skip("no rewrite landed in the tick of the write before it")
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
