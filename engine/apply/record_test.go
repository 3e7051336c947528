package apply_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/lvsctl/lvsctl/engine/apply"
	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local"
)

// countingHost counts the apply requests a host gets, and fails the first
// change of kind fail (after making those before it), as a host does.
type countingHost struct {
	cluster.Host
	applies int
	fail    plan.Kind
}

func (c *countingHost) Apply(ctx context.Context, changes []plan.Change) ([]plan.Result, error) {
	c.applies++
	for i, ch := range changes {
		if ch.Kind == c.fail {
			results, err := c.Host.Apply(ctx, changes[:i])
			if err != nil {
				return results, err
			}
			return append(results, plan.Result{Address: ch.Address, Error: "injected"}), errors.New("injected failure of " + ch.Address)
		}
	}
	return c.Host.Apply(ctx, changes)
}

// planned is the plan of desired on h, with the cluster's membership, as
// apply makes it.
func planned(t *testing.T, h cluster.Host, desired state.Host) plan.Plan {
	t.Helper()
	p, _, err := cluster.Plan(context.Background(), []cluster.Member{{Desired: desired, Host: h}}, cluster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p.Peers = map[string]state.Peer{desired.Name: {Role: desired.Role}}
	return p
}

// TestRecordPeersAndBootMatchesBoth is the differential check of the
// merged bookkeeping: one machine records its membership and boot state
// with RecordPeers then RecordBoot (two requests), another with
// RecordPeersAndBoot (one request); the record and the boot state they
// leave are byte for byte the same.
func TestRecordPeersAndBootMatchesBoth(t *testing.T) {
	ctx := context.Background()
	desired := realServerState()
	var records, boots [2][]byte
	for i := range 2 {
		dir, root := t.TempDir(), t.TempDir()
		h, _ := bootMachine(t, dir)
		ch := &countingHost{Host: h}
		hosts := map[string]cluster.Host{desired.Name: ch}
		p := planned(t, h, desired)
		if err := apply.Apply(ctx, p, hosts, apply.Options{}); err != nil {
			t.Fatal(err)
		}
		ch.applies = 0
		opts := apply.BootOptions{Root: root}
		if i == 0 {
			if err := apply.RecordPeers(ctx, p, hosts, 1); err != nil {
				t.Fatal(err)
			}
			if err := apply.RecordBoot(ctx, p, hosts, 1, opts); err != nil {
				t.Fatal(err)
			}
		} else {
			peersErr, bootErr := apply.RecordPeersAndBoot(ctx, p, hosts, 1, opts)
			if peersErr != nil || bootErr != nil {
				t.Fatal(peersErr, bootErr)
			}
			if ch.applies != 1 {
				t.Errorf("RecordPeersAndBoot made %d requests to the host, want 1", ch.applies)
			}
		}
		record := local.ClusterRecordPath(dir, "local", "web")
		var err error
		if records[i], err = os.ReadFile(record); err != nil {
			t.Fatal(err)
		}
		if boots[i], err = os.ReadFile(local.BootStatePath(record)); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(records[0], records[1]) {
		t.Errorf("the records differ:\nin two requests:\n%s\nin one:\n%s", records[0], records[1])
	}
	if !bytes.Contains(records[1], []byte(`"peers"`)) {
		t.Errorf("the record has no membership:\n%s", records[1])
	}
	if !bytes.Equal(boots[0], boots[1]) {
		t.Errorf("the boot states differ:\nin two requests:\n%s\nin one:\n%s", boots[0], boots[1])
	}
}

// TestRecordPeersAndBootSaysWhichFailed: a failed boot state is reported
// as the boot state's failure, the membership recorded; a failed
// membership as the membership's, and the host then keeps no boot state
// (as RecordBoot never ran after a failed RecordPeers).
func TestRecordPeersAndBootSaysWhichFailed(t *testing.T) {
	ctx := context.Background()
	desired := realServerState()
	for _, fail := range []plan.Kind{plan.KindBoot, plan.KindPeers} {
		t.Run(string(fail), func(t *testing.T) {
			dir := t.TempDir()
			h, _ := bootMachine(t, dir)
			hosts := map[string]cluster.Host{desired.Name: &countingHost{Host: h, fail: fail}}
			p := planned(t, h, desired)
			if err := apply.Apply(ctx, p, hosts, apply.Options{}); err != nil {
				t.Fatal(err)
			}
			peersErr, bootErr := apply.RecordPeersAndBoot(ctx, p, hosts, 1, apply.BootOptions{Root: t.TempDir()})
			record := local.ClusterRecordPath(dir, "local", "web")
			rec, err := local.LoadRecord(record)
			if err != nil {
				t.Fatal(err)
			}
			_, statErr := os.Stat(local.BootStatePath(record))
			switch fail {
			case plan.KindBoot:
				if peersErr != nil || bootErr == nil {
					t.Errorf("boot failed: peers error %v, boot error %v; want only the boot's", peersErr, bootErr)
				}
				if len(rec.Peers) != 1 {
					t.Errorf("the membership was not recorded before the boot state failed: %v", rec.Peers)
				}
			case plan.KindPeers:
				if peersErr == nil || bootErr != nil {
					t.Errorf("membership failed: peers error %v, boot error %v; want only the membership's", peersErr, bootErr)
				}
				if statErr == nil {
					t.Errorf("a boot state was kept after the membership failed: %s", filepath.Base(local.BootStatePath(record)))
				}
			}
		})
	}
}
