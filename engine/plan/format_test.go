package plan_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/golden"
)

// formatPlan is a small plan with every part of the format set: a director
// and a real server planned from scratch, a removed host, peers and
// warnings.
func formatPlan(t *testing.T) plan.Plan {
	t.Helper()
	p := plan.Plan{FormatVersion: plan.FormatVersion,
		Peers:    map[string]state.Peer{"lvs1": {Role: state.RoleDirector}, "web1": {Role: state.RoleRealServer, Connection: state.Connection{Netns: "web1"}}},
		Warnings: []plan.Warning{{Summary: "Plan warning", Detail: `real_server "old" is no longer in the configuration and cannot be reached`}},
	}
	for _, tc := range loadCases(t) {
		if tc.name == "fresh-director" || tc.name == "fresh-dr-real-server" {
			p.Hosts = append(p.Hosts, plan.Diff(tc.desired, tc.live))
		}
	}
	if len(p.Hosts) != 2 {
		t.Fatalf("testdata/diff lacks fresh-director or fresh-dr-real-server")
	}
	p.Hosts[1].Warnings = []plan.Warning{{Summary: "Plan warning", Detail: "a host warning"}}
	p.Hosts = append(p.Hosts, plan.HostPlan{Host: "old", Role: state.RoleRealServer, Removed: true})
	return p
}

// TestFormatGolden pins the two plan formats, each under its own version:
// the public JSON plan (`plan -json`) in testdata/format/plan-FORMATVERSION.json
// and the saved plan (`plan -out`) in testdata/format/saved-SAVEDFORMATVERSION.json.
// A change to either that does not bump its version fails here; a bump
// needs a new golden (-update), which a reviewer sees as a new file.
func TestFormatGolden(t *testing.T) {
	p := formatPlan(t)

	var public bytes.Buffer
	if err := plan.WritePlan(&public, p); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "format", "plan-"+plan.FormatVersion+".json"), public.Bytes())
	got, err := plan.ReadPlan(bytes.NewReader(public.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(p, got, addrsEqual); d != "" {
		t.Errorf("public plan round trip (-wrote +read):\n%s", d)
	}

	saved := plan.Saved{Plan: p, LvsctlVersion: "v0.0.0-golden", Cluster: "web", Connections: map[string]state.Connection{
		"lvs1": {}, "web1": {Netns: "web1"},
	}}
	var file bytes.Buffer
	if err := plan.WriteSaved(&file, saved); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "format", "saved-"+plan.SavedFormatVersion+".json"), file.Bytes())
	back, err := plan.ReadSaved(bytes.NewReader(file.Bytes()))
	saved.SavedFormatVersion = plan.SavedFormatVersion
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(saved, back, addrsEqual); d != "" {
		t.Errorf("saved plan round trip (-wrote +read):\n%s", d)
	}
	// The saved plan is the public plan with more keys: what reads the
	// public plan reads a saved one.
	if _, err := plan.ReadPlan(bytes.NewReader(file.Bytes())); err != nil {
		t.Errorf("ReadPlan of a saved plan: %v", err)
	}
}

func TestReadSavedRefuses(t *testing.T) {
	var public bytes.Buffer
	if err := plan.WritePlan(&public, formatPlan(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := plan.ReadSaved(bytes.NewReader(public.Bytes())); err != plan.ErrNotSaved {
		t.Errorf("ReadSaved of a public plan: %v, want ErrNotSaved", err)
	}
	other := `{"format_version": "1.0", "hosts": [], "connections": {}, "saved_format_version": "9", "lvsctl_version": "v9.0.0"}`
	_, err := plan.ReadSaved(bytes.NewReader([]byte(other)))
	for _, want := range []string{"saved-plan format 9", "lvsctl v9.0.0", "make the plan again"} {
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(want)) {
			t.Errorf("ReadSaved of format 9: %v, want it to say %q", err, want)
		}
	}
}
