package config

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/render"
	"github.com/lvsctl/lvsctl/internal/golden"

	"github.com/hashicorp/hcl/v2"
)

// renderDiags draws diagnostics the way `lvsctl validate` does, without colour.
func renderDiags(t *testing.T, cfg *Config, diags hcl.Diagnostics) string {
	t.Helper()
	var buf bytes.Buffer
	if err := render.Diagnostics(&buf, cfg.Files, diags, 100, false); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestInvalid loads each file of testdata/invalid, one class of mistakes per
// file, and compares the rendered diagnostics with its golden file.
func TestInvalid(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.hcl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".hcl")
		t.Run(name, func(t *testing.T) {
			cfg, diags := Load(path, Options{})
			if len(diags) == 0 {
				t.Fatal("no diagnostics for a file of mistakes")
			}
			for _, d := range diags {
				if d.Subject == nil {
					t.Errorf("diagnostic %q has no source range", d.Summary)
				}
			}
			golden.Check(t, strings.TrimSuffix(path, ".hcl")+".golden", []byte(renderDiags(t, cfg, diags)))
		})
	}
}

// TestValidFixturesHaveNoDiagnostics: every valid fixture and example loads cleanly.
func TestValidFixturesHaveNoDiagnostics(t *testing.T) {
	files, _ := filepath.Glob("testdata/valid/*.hcl")
	examples, _ := filepath.Glob("../../examples/*.hcl")
	for _, path := range append(files, examples...) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			cfg, diags := Load(path, Options{})
			if len(diags) > 0 {
				t.Fatalf("unexpected diagnostics:\n%s", renderDiags(t, cfg, diags))
			}
		})
	}
}

// TestCompileInvariants: what compile copies without a guard. A fwmark
// service has no protocol, and a server that is not tun no tunnel settings,
// even when the service sets tunnel_type for its tun servers.
func TestCompileInvariants(t *testing.T) {
	files, _ := filepath.Glob("testdata/valid/*.hcl")
	examples, _ := filepath.Glob("../../examples/*.hcl")
	for _, path := range append(files, examples...) {
		cfg, diags := Load(path, Options{})
		if diags.HasErrors() {
			t.Fatalf("%s: %v", path, diags)
		}
		for _, vs := range cfg.VirtualServers {
			if vs.FWMark != 0 && vs.Protocol != "" {
				t.Errorf("%s: fwmark service %q has protocol %q", path, vs.Name, vs.Protocol)
			}
			for _, s := range vs.Servers {
				if s.Method != "tun" && (s.TunnelType != "" || s.TunnelPort != 0 || s.TunnelChecksum != "") {
					t.Errorf("%s: %s server %s of %q has tunnel settings %q %d %q", path, s.Method, s.Key(), vs.Name, s.TunnelType, s.TunnelPort, s.TunnelChecksum)
				}
			}
		}
	}
}

func TestLoadMissingPath(t *testing.T) {
	_, diags := Load(filepath.Join(t.TempDir(), "nope.hcl"), Options{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "nope.hcl") {
		t.Fatalf("want an error naming the file, got %v", diags)
	}
	_, diags = Load(t.TempDir(), Options{})
	if !diags.HasErrors() || diags[0].Summary != "No configuration files" {
		t.Fatalf("want No configuration files, got %v", diags)
	}
}
