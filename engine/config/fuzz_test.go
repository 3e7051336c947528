package config_test

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/lvsctl/lvsctl/engine/compile"
	"github.com/lvsctl/lvsctl/engine/config"
	"github.com/lvsctl/lvsctl/engine/render"
)

// wholeFile are the diagnostics about the configuration as a whole, which
// have no place in it to point at.
var wholeFile = []string{"Cannot read configuration", "Cannot read configuration directory", "No configuration files"}

// FuzzLoad: arbitrary input never panics. Every error points into the
// source (or is about the file as a whole) and renders as `lvsctl validate`
// draws it; input without errors compiles, and what compiling finds points
// into the source too. An external test package, as compile imports config.
func FuzzLoad(f *testing.F) {
	for _, glob := range []string{"testdata/valid/*.hcl", "testdata/invalid/*.hcl", "../compile/testdata/*.hcl", "../../examples/*.hcl"} {
		files, _ := filepath.Glob(glob)
		for _, path := range files {
			src, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src []byte) {
		path := filepath.Join(dir, "fuzz.hcl")
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, diags := config.Load(path, config.Options{})
		checkDiagnostics(t, "Load", cfg, diags)
		if diags.HasErrors() {
			return
		}
		_, more := compile.Compile(cfg)
		checkDiagnostics(t, "Compile", cfg, more)
	})
}

func checkDiagnostics(t *testing.T, stage string, cfg *config.Config, diags hcl.Diagnostics) {
	t.Helper()
	for _, d := range diags {
		if d.Subject == nil && (d.Severity != hcl.DiagError || !slices.Contains(wholeFile, d.Summary)) {
			t.Errorf("%s: diagnostic %q (%s) has no source range", stage, d.Summary, d.Detail)
		}
	}
	if err := render.Diagnostics(io.Discard, cfg.Files, diags, 100, false); err != nil {
		t.Errorf("%s: rendering the diagnostics: %v", stage, err)
	}
}
