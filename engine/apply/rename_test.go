package apply_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/apply"
)

// TestRenamedBlocksAreTheSameHosts: renaming a director and a real server
// block, each still reached at the same namespace, changes nothing on the
// hosts: the plan shows the renames only, and after the apply the records
// know the new names and the next plan is empty.
func TestRenamedBlocksAreTheSameHosts(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3")
	src := drConfig("192.0.2.31", "192.0.2.32")
	c.apply(src)
	// The new names reach the same fake kernels, as the same netns would.
	c.hosts["lb"], c.hosts["web2"] = c.hosts["lvs"], c.hosts["rs2"]
	renamed := strings.NewReplacer(`director "lvs"`, `director "lb"`, `directors = ["lvs"]`, `directors = ["lb"]`,
		`real_server "rs2"`, `real_server "web2"`).Replace(src)

	p := c.plan(renamed)
	if !p.HasChanges() {
		t.Fatal("a plan with renames has nothing to apply: the records would keep the old names")
	}
	from := map[string][]string{}
	for _, hp := range p.Hosts {
		if len(hp.Changes) > 0 || hp.Removed {
			t.Errorf("host %s: the rename plans changes (removed %v): %+v", hp.Host, hp.Removed, hp.Changes)
		}
		from[hp.Host] = hp.RenamedFrom
	}
	if !slices.Equal(from["lb"], []string{"lvs"}) || !slices.Equal(from["web2"], []string{"rs2"}) || len(from) != 4 {
		t.Fatalf("renames in the plan: %v, want lb from lvs and web2 from rs2 among 4 hosts", from)
	}
	if err := apply.Apply(context.Background(), p, c.hostMap(), apply.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := apply.RecordPeers(context.Background(), p, c.hostMap(), 4); err != nil {
		t.Fatal(err)
	}
	if !ready(c.live("rs2")) || len(c.live("lvs").Services[0].Servers) != 2 {
		t.Fatal("the rename took something from the hosts")
	}
	peers := c.live("rs1").Owned.Peers
	if _, old := peers["rs2"]; old || peers["web2"].Connection.Netns != "rs2" || peers["lb"].Connection.Netns != "lvs" {
		t.Errorf("the records did not follow the renames: %+v", peers)
	}
	if again := c.plan(renamed); again.HasChanges() {
		t.Errorf("the plan after the rename is not empty: %+v", again.Hosts)
	}
}

// TestRenameReachedElsewhereIsAHint: a block renamed and pointed at another
// namespace cannot be told from a removed host and a new one: the old one is
// cleaned up, and the plan says how to keep it as a rename instead.
func TestRenameReachedElsewhereIsAHint(t *testing.T) {
	c := newFakeCluster(t, "lvs", "rs1", "rs2", "rs3", "web2")
	src := drConfig("192.0.2.31", "192.0.2.32")
	c.apply(src)
	p := c.plan(strings.Replace(src, `real_server "rs2" {
  netns   = "rs2"`, `real_server "web2" {
  netns   = "web2"`, 1))
	var hint string
	for _, w := range p.Warnings {
		if w.Summary == "Removed host or renamed host?" {
			hint = w.Detail
		}
	}
	if !strings.Contains(hint, `"rs2" is no longer in the configuration and "web2" is new`) || !strings.Contains(hint, "give it the connection") {
		t.Errorf("no rename hint for rs2 -> web2 in another namespace: %+v", p.Warnings)
	}
}
