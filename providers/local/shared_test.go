package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/netlink"
)

// Two clusters on one director need the same VIP and ip_forward: the one
// that made them lets go first, and they stay, handed over to the other,
// whose destroy then removes the VIP and puts ip_forward back as it was
// before either.
func TestSharedResourcesAreHandedOver(t *testing.T) {
	r := newRig(t)
	dir := filepath.Dir(r.record)
	open := func(cluster string) *Host {
		h, err := New(Options{Name: "web1", Netlink: netlink.New(r.nl), Sysctl: r.sys, IPVS: r.local.ipvs,
			RecordPath: ClusterRecordPath(dir, "local", cluster)})
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Lock(context.Background(), LockOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = h.Close() })
		return h
	}
	// What an apply keeps for boot, and what hand-overs are decided from.
	keep := func(cluster string, desired *state.Host) {
		path := BootStatePath(ClusterRecordPath(dir, "local", cluster))
		if desired == nil {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			return
		}
		b, err := json.Marshal(BootState{FormatVersion: state.FormatVersion, Desired: *desired})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const vip, forward = "eth0/172.25.1.1/32", "net.ipv4.ip_forward"
	wantB := directorWants(1)
	wantA := directorWants(1)
	wantA.Services[0].Port = 443 // its own service on the same VIP
	empty := state.Host{Name: "web1", Role: state.RoleDirector}

	hb := open("b")
	clustertest.Apply(t, hb, plannedChanges(t, hb, wantB))
	keep("b", &wantB)
	_ = hb.Close()
	ha := open("a")
	clustertest.Apply(t, ha, plannedChanges(t, ha, wantA))
	keep("a", &wantA)
	if rec := ha.recordOf(t); slices.Contains(rec.Addresses, vip) {
		t.Fatalf("a found the VIP made by b and recorded it as its own: %+v", rec)
	}
	_ = ha.Close()

	// b lets go: the VIP and ip_forward are handed over, not taken away.
	hb = open("b")
	changes := plannedChanges(t, hb, empty)
	var handed []string
	for _, c := range changes {
		if c.HandOver != nil {
			if c.HandOver.Cluster != "a" || c.Action != plan.NoOp {
				t.Errorf("%s: hand-over %+v, action %v", c.Address, c.HandOver, c.Action)
			}
			handed = append(handed, c.Address)
		}
	}
	slices.Sort(handed)
	if want := []string{"address " + vip, "sysctl " + forward}; !slices.Equal(handed, want) {
		t.Errorf("handed over %q, want %q", handed, want)
	}
	clustertest.Apply(t, hb, changes)
	keep("b", nil)
	_ = hb.Close()
	live := r.read(t, r.local)
	if !slices.ContainsFunc(live.Addresses, func(a state.Address) bool { return a.Key() == vip }) {
		t.Errorf("b's destroy took the VIP a needs: %v", live.Addresses)
	}
	if v, _ := live.Sysctl(forward); v != "1" {
		t.Errorf("b's destroy put ip_forward back to %q under a", v)
	}

	// a owns them now: its plan is empty, and its destroy removes both.
	ha = open("a")
	if rec := ha.recordOf(t); !slices.Contains(rec.Addresses, vip) || rec.Sysctls[forward] != "0" {
		t.Errorf("a's record after the hand-over: addresses %v, sysctls %v", rec.Addresses, rec.Sysctls)
	}
	if left := plannedChanges(t, ha, wantA); len(left) != 0 {
		t.Errorf("a's plan after the hand-over: %v", addresses(left))
	}
	clustertest.Apply(t, ha, plannedChanges(t, ha, empty))
	keep("a", nil)
	live = r.read(t, r.local)
	if slices.ContainsFunc(live.Addresses, func(a state.Address) bool { return a.Key() == vip }) {
		t.Errorf("the VIP outlived both clusters: %v", live.Addresses)
	}
	if v, _ := live.Sysctl(forward); v != "0" {
		t.Errorf("ip_forward after both clusters left: %q, want 0 as before them", v)
	}
}

// recordOf reads the host's committed record.
func (l *Host) recordOf(t *testing.T) state.Record {
	t.Helper()
	rec, err := LoadRecord(l.recordPath)
	if err != nil || rec == nil {
		t.Fatalf("record %s: %v", l.recordPath, err)
	}
	return *rec
}

// TestBootUsesMatchesTheWholeState is the differential check of the
// partial read of other clusters' boot states: what readShared takes from
// a kept state (its uses, its cluster) is what the whole state gives, for
// the compact files this lvsctl writes and the indented ones of earlier
// versions; a damaged file, one of another format and a missing one fail
// as they do read whole.
func TestBootUsesMatchesTheWholeState(t *testing.T) {
	dir := t.TempDir()
	desired := directorWants(4)
	desired.Routes = []state.Route{plantest.HostRoute("172.25.1.1", "eth0")}
	desired.Sysctls = append(desired.Sysctls, state.Sysctl{Name: "net.ipv4.vs.conntrack", Value: "1"})
	s := BootState{FormatVersion: state.FormatVersion, Record: "local@b.json", Desired: desired}
	compact, err := encodeBootState(s)
	if err != nil {
		t.Fatal(err)
	}
	indented, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"compact": compact, "indented": indented,
		"damaged":        compact[:len(compact)/2],
		"another format": bytes.Replace(compact, []byte(`"format_version":"`+bootFormat+`"`), []byte(`"format_version":"0"`), 1),
		"missing":        nil,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, BootDirName, "local@b.json")
			_ = os.Remove(path)
			if data != nil {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			whole, wholeErr := loadBootState(path)
			part, partErr := loadBootUses(path)
			if (wholeErr == nil) != (partErr == nil) || errors.Is(wholeErr, fs.ErrNotExist) != errors.Is(partErr, fs.ErrNotExist) {
				t.Fatalf("whole: %v; partial: %v; want both to fail or neither, alike", wholeErr, partErr)
			}
			if wholeErr != nil {
				return
			}
			if part.Cluster() != whole.Cluster() || part.Cluster() != "b" {
				t.Errorf("cluster %q, whole %q; want b", part.Cluster(), whole.Cluster())
			}
			if d := cmp.Diff(state.UsesOf(whole.Desired), state.UsesOf(part.Desired)); d != "" {
				t.Errorf("uses (-whole +partial):\n%s", d)
			}
			if len(state.UsesOf(part.Desired).Addresses) != 4 || len(state.UsesOf(part.Desired).Routes) != 1 {
				t.Errorf("uses %+v: want the 4 addresses and the route", state.UsesOf(part.Desired))
			}
		})
	}
}
