package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/netlink"
)

// directorWants is a director with n services of two servers each, their
// VIPs on eth0, and ip_forward on.
func directorWants(n int) state.Host {
	h := state.Host{Name: "web1", Role: state.RoleDirector, Sysctls: plantest.Sysctls("net.ipv4.ip_forward", "1")}
	for i := range n {
		vip := fmt.Sprintf("172.25.1.%d", i+1)
		svc := plantest.Service(vip)
		svc.Name = fmt.Sprintf("s%d", i)
		svc.Servers = []state.Server{plantest.Server("172.25.0.31", 1), plantest.Server("172.25.0.32", 1)}
		h.Services = append(h.Services, svc)
		h.Addresses = append(h.Addresses, plantest.Addr("eth0", vip+"/32", ""))
	}
	return h
}

// reopen is a second run on the rig's host: the same kernel (fakes) and
// record, the host's lock held as apply holds it.
func (r *rig) reopen(t *testing.T) *Host {
	t.Helper()
	h, err := New(Options{Name: "web1", Netlink: netlink.New(r.nl), Sysctl: r.sys, IPVS: r.local.ipvs, RecordPath: r.record})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Lock(context.Background(), LockOptions{Command: "test"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	return h
}

func plannedChanges(t *testing.T, h cluster.Host, desired state.Host) []plan.Change {
	t.Helper()
	live := clustertest.Read(t, h, cluster.ReadRequestFor(desired))
	return plan.Diff(desired, live).Changes
}

// TestKilledApplyIsFinishedByTheNext kills an apply (in effect) after its
// intents are on disk and after k of its kernel writes, before it could
// commit: the next run settles the intents against the kernel, finishes
// the job, and a destroy then leaves the host as it was.
func TestKilledApplyIsFinishedByTheNext(t *testing.T) {
	desired := directorWants(5)
	for _, k := range []int{0, 1, 3, 8, 14, 100} {
		t.Run(fmt.Sprint("after ", k, " writes"), func(t *testing.T) {
			r := newRig(t)
			pristine := r.read(t, r.local)
			changes := plannedChanges(t, r.local, desired)
			in, err := intend(nil, changes)
			if err != nil {
				t.Fatal(err)
			}
			if err := saveRecordFile(r.record, &recordFile{Record: *plan.NewRecord(), Intents: in}); err != nil {
				t.Fatal(err)
			}
			for _, c := range changes[:min(k, len(changes))] {
				if err := r.local.applyChange(c); err != nil {
					t.Fatal(err)
				}
			}

			// A plan (no lock) sees the settled record and leaves the file.
			onDisk, _ := os.ReadFile(r.record)
			live := r.read(t, r.local)
			for key := range live.Owned.Services {
				if !hasService(live, key) {
					t.Errorf("settled record owns %s, which is not in the kernel", key)
				}
			}
			for i := range live.Services {
				if _, owned := live.Owned.Services[live.Services[i].Key()]; !owned {
					t.Errorf("%s was created by the killed run but is not owned", live.Services[i].Key())
				}
			}
			if now, _ := os.ReadFile(r.record); string(now) != string(onDisk) {
				t.Error("a read without the lock rewrote the record")
			}

			// The next apply finishes the job; the one after has nothing to do.
			next := r.reopen(t)
			clustertest.Apply(t, next, plannedChanges(t, next, desired))
			if left := plannedChanges(t, next, desired); len(left) != 0 {
				t.Errorf("second plan not empty: %v", addresses(left))
			}
			if f, err := loadRecordFile(r.record); err != nil || f.Intents != nil {
				t.Errorf("record after a finished apply: intents %+v, %v; want none", f.Intents, err)
			}

			// destroy leaves the host as before the first run.
			empty := state.Host{Name: "web1", Role: state.RoleDirector}
			clustertest.Apply(t, next, plannedChanges(t, next, empty))
			after := r.read(t, next)
			pristine.Owned, after.Owned = nil, nil
			if d := cmp.Diff(pristine, after, clustertest.CmpOpts); d != "" {
				t.Errorf("destroy did not leave the host as it was (-before +after):\n%s", d)
			}
		})
	}
}

func hasService(h state.Host, key string) bool {
	for i := range h.Services {
		if h.Services[i].Key() == key {
			return true
		}
	}
	return false
}

func addresses(cs []plan.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, string(c.Action)+" "+c.Address)
	}
	return out
}

// cancelAfter cancels a context after n services are created: Ctrl-C in
// the middle of an apply.
type cancelAfter struct {
	IPVS
	n      int
	cancel func()
}

func (c *cancelAfter) CreateService(s state.Service) error {
	if err := c.IPVS.CreateService(s); err != nil {
		return err
	}
	c.n--
	if c.n == 0 {
		c.cancel()
	}
	return nil
}

func TestInterruptedApplyCommitsWhatItDid(t *testing.T) {
	r := newRig(t)
	desired := directorWants(6)
	changes := plannedChanges(t, r.local, desired)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r.local.ipvs = &cancelAfter{IPVS: r.local.ipvs, n: 2, cancel: cancel}
	results, err := r.local.Apply(ctx, changes)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "recorded") {
		t.Fatalf("interrupted apply: %v; want it stopped by the context, saying what it recorded", err)
	}
	if len(results) == 0 || len(results) >= len(changes) {
		t.Fatalf("%d results of %d changes; want it stopped between", len(results), len(changes))
	}
	f, err := loadRecordFile(r.record)
	if err != nil || f.Intents != nil {
		t.Fatalf("record after the interrupt: intents %+v, %v; want it committed", f.Intents, err)
	}
	live := r.read(t, r.local)
	if len(live.Services) != 2 || len(f.Services) != 2 {
		t.Errorf("%d services in the kernel, %d in the record; want the 2 made, both owned", len(live.Services), len(f.Services))
	}
	for i := range live.Services {
		if _, owned := f.Services[live.Services[i].Key()]; !owned {
			t.Errorf("%s made before the interrupt is not owned", live.Services[i].Key())
		}
	}
}

// TestReconcile settles each kind of intent against a live state.
func TestReconcile(t *testing.T) {
	live := state.Host{
		Services:  []state.Service{plantest.Service("10.0.0.1")},
		Addresses: []state.Address{plantest.Addr("lo", "10.0.0.1/32", "")},
		Routes:    []state.Route{plantest.HostRoute("10.0.0.1", "lo")},
	}
	rec := &state.Record{
		FormatVersion: state.FormatVersion,
		Services:      map[string]string{"tcp/10.0.0.9:80": "gone", "tcp/10.0.0.8:80": "kept"},
		Addresses:     []string{"lo/10.0.0.9/32"},
		Sysctls:       map[string]string{"net.ipv4.ip_forward": "0"},
	}
	in := &Intents{
		Create: &state.Record{
			Services:  map[string]string{"tcp/10.0.0.1:80": "made", "tcp/10.0.0.2:80": "not made"},
			Addresses: []string{"lo/10.0.0.1/32", "lo/10.0.0.2/32"},
			Routes:    []string{"10.0.0.1/32"},
			Sysctls:   map[string]string{"net.ipv4.ip_forward": "1", "net.ipv4.conf.lo.arp_ignore": "0"},
			Timeouts:  &state.Timeouts{TCP: 900},
		},
		Remove: &Removals{
			Services:  []string{"tcp/10.0.0.9:80", "tcp/10.0.0.1:80"},
			Addresses: []string{"lo/10.0.0.9/32"},
		},
	}
	if !reconcile(rec, in, &live) {
		t.Fatal("reconcile reported no change")
	}
	want := &state.Record{
		FormatVersion: state.FormatVersion,
		// 10.0.0.9 was to be removed and is gone; 10.0.0.8 was not touched;
		// 10.0.0.1 is live: intended both ways, what exists is owned.
		Services:  map[string]string{"tcp/10.0.0.8:80": "kept", "tcp/10.0.0.1:80": "made"},
		Addresses: []string{"lo/10.0.0.1/32"},
		Routes:    []string{"10.0.0.1/32"},
		// The original kept first stays; a new one is kept.
		Sysctls:  map[string]string{"net.ipv4.ip_forward": "0", "net.ipv4.conf.lo.arp_ignore": "0"},
		Timeouts: &state.Timeouts{TCP: 900},
	}
	if d := cmp.Diff(want, rec, clustertest.CmpOpts); d != "" {
		t.Errorf("settled record (-want +got):\n%s", d)
	}
	if reconcile(rec, in, &live) {
		t.Error("settling the same intents twice changed the record again")
	}
}

func TestApplyWritesTheRecordPerBatch(t *testing.T) {
	r := newRig(t)
	changes := plannedChanges(t, r.local, directorWants(50))
	steps := map[plan.Step]bool{}
	for _, c := range changes {
		steps[c.Step()] = true
	}
	clustertest.Apply(t, r.local, changes)
	// The intents, one commit per step but the last, the final commit.
	if max := len(steps) + 1; r.local.recordWrites > max {
		t.Errorf("%d record writes for %d changes in %d steps; want at most %d", r.local.recordWrites, len(changes), len(steps), max)
	}
	f, err := loadRecordFile(r.record)
	if err != nil || len(f.Services) != 50 || f.Intents != nil {
		t.Fatalf("record after apply: %d services, intents %+v, %v", len(f.Services), f.Intents, err)
	}
}

// countingIPVS counts the writes to the IPVS table.
type countingIPVS struct {
	IPVS
	writes int
}

func (c *countingIPVS) CreateService(s state.Service) error {
	c.writes++
	return c.IPVS.CreateService(s)
}
func (c *countingIPVS) UpdateService(s state.Service) error {
	c.writes++
	return c.IPVS.UpdateService(s)
}
func (c *countingIPVS) DeleteService(s state.Service) error {
	c.writes++
	return c.IPVS.DeleteService(s)
}
func (c *countingIPVS) CreateServer(svc state.Service, s state.Server) error {
	c.writes++
	return c.IPVS.CreateServer(svc, s)
}
func (c *countingIPVS) UpdateServer(svc state.Service, s state.Server) error {
	c.writes++
	return c.IPVS.UpdateServer(svc, s)
}
func (c *countingIPVS) DeleteServer(svc state.Service, s state.Server) error {
	c.writes++
	return c.IPVS.DeleteServer(svc, s)
}

// A service made by hand exactly as declared is adopted with no kernel
// write, recorded as it was; destroy then leaves it exactly as before
// lvsctl (it puts back what lvsctl adopted rather than deleting it).
func TestAdoptedServiceIsRestoredByDestroy(t *testing.T) {
	r := newRig(t)
	desired := directorWants(1)
	desired.Addresses, desired.Sysctls = nil, nil
	svc := desired.Services[0]
	if err := r.local.ipvs.CreateService(svc); err != nil {
		t.Fatal(err)
	}
	for _, s := range svc.Servers {
		if err := r.local.ipvs.CreateServer(svc, s); err != nil {
			t.Fatal(err)
		}
	}
	counter := &countingIPVS{IPVS: r.local.ipvs}
	r.local.ipvs = counter
	clustertest.Apply(t, r.local, plannedChanges(t, r.local, desired))
	if counter.writes != 0 {
		t.Errorf("adopting a service as declared made %d kernel writes, want 0", counter.writes)
	}
	if rec, _ := LoadRecord(r.record); rec == nil || rec.ServiceOriginals[svc.Key()].Key() != svc.Key() {
		t.Fatalf("record after adoption: %+v; want %s kept as it was", rec, svc.Key())
	}
	before := r.read(t, r.local).Services
	clustertest.Apply(t, r.local, plannedChanges(t, r.local, state.Host{Name: "web1", Role: state.RoleDirector}))
	after := r.read(t, r.local)
	if diff := cmp.Diff(before, after.Services, clustertest.CmpOpts...); diff != "" {
		t.Errorf("after destroy the adopted service is not as it was (-before +after):\n%s", diff)
	}
	if rec, _ := LoadRecord(r.record); rec != nil && len(rec.ServiceOriginals)+len(rec.Services) > 0 {
		t.Errorf("after destroy the record still holds %+v", rec)
	}
}
