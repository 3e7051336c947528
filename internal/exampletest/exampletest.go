// Package exampletest loads the shipped examples (examples/*.hcl) for the
// golden tests of the views drawn from them: the configuration, its compiled
// hosts, and the plan against the example's state snapshot, made the way
// `lvsctl plan --state` makes it.
package exampletest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/compile"
	"github.com/lvsctl/lvsctl/engine/config"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Example is one loaded example.
type Example struct {
	Name    string // the file name without .hcl
	Config  *config.Config
	Targets []compile.Target
}

// Dir is the examples directory of the repository.
func Dir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("exampletest: cannot find the repository")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "examples")
}

// All loads and compiles every example; a diagnostic with an error fails t.
func All(t testing.TB) []Example {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(Dir(t), "*.hcl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples under %s (err %v)", Dir(t), err)
	}
	var out []Example
	for _, f := range files {
		cfg, diags := config.Load(f, config.Options{})
		if diags.HasErrors() {
			t.Fatalf("%s: %v", f, diags)
		}
		targets, diags := compile.Compile(cfg)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", f, diags)
		}
		out = append(out, Example{Name: strings.TrimSuffix(filepath.Base(f), ".hcl"), Config: cfg, Targets: targets})
	}
	return out
}

// Plan diffs every host of the example against its snapshot
// (examples/NAME.state.json), in the configuration's host order.
func (e Example) Plan(t testing.TB) plan.Plan {
	t.Helper()
	path := filepath.Join(Dir(t), e.Name+".state.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("example %s has no state snapshot (every example ships one, for `lvsctl plan --state`): %v", e.Name, err)
	}
	var snap state.Snapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	live := map[string]state.Host{}
	for _, h := range snap.Hosts {
		h.Normalize()
		live[h.Name] = h
	}
	p := plan.Plan{FormatVersion: plan.FormatVersion}
	for _, tg := range e.Targets {
		h, ok := live[tg.Desired.Name]
		if !ok {
			t.Fatalf("%s has no host %q", path, tg.Desired.Name)
		}
		h.Role = tg.Desired.Role
		p.Hosts = append(p.Hosts, plan.Diff(tg.Desired, h))
	}
	return p
}
