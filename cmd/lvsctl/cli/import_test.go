package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/google/go-cmp/cmp"
	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/compile"
	"github.com/lvsctl/lvsctl/engine/config"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/exampletest"
)

// TestImportPlansNoChanges adopts each example cluster as it runs after an
// apply: its snapshot is every host's desired state plus what a real host
// also has (its own address, 127.0.0.1, a default route, the default
// timeouts). The imported configuration must plan no change against it.
func TestImportPlansNoChanges(t *testing.T) {
	for _, ex := range exampletest.All(t) {
		t.Run(ex.Name, func(t *testing.T) {
			snap := appliedSnapshot(ex)
			dir := t.TempDir()
			snapPath := filepath.Join(dir, "live.json")
			b, err := json.Marshal(snap)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(snapPath, b, 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "adopted.hcl")
			var stdout, stderr bytes.Buffer
			code := Run(context.Background(), []string{"import", "-o", out, snapPath}, IO{In: strings.NewReader(""), Out: &stdout, Err: &stderr})
			if code != 0 {
				t.Fatalf("import exited %d:\n%s", code, stderr.String())
			}
			targets := compileFile(t, out)
			live := map[string]state.Host{}
			for _, h := range snap.Hosts {
				live[h.Name] = h
			}
			if len(targets) != len(snap.Hosts) {
				t.Errorf("%d hosts imported, the snapshot has %d", len(targets), len(snap.Hosts))
			}
			for _, tg := range targets {
				var kernel []plan.Change
				for _, c := range plan.Changes(tg.Desired, live[tg.Desired.Name]) {
					// Adopting what is there changes only the record.
					if !(c.Action == plan.Update && c.Own == plan.OwnRemember && cmp.Equal(c.Before, c.After, clustertest.CmpOpts...)) {
						kernel = append(kernel, c)
					}
				}
				if len(kernel) > 0 {
					src, _ := os.ReadFile(out)
					t.Errorf("host %s: %d change(s) beyond adoption, want none; first: %+v\n%s", tg.Desired.Name, len(kernel), kernel[0], src)
				}
			}
		})
	}
}

func compileFile(t *testing.T, path string) []compile.Target {
	t.Helper()
	cfg, diags := config.Load(path, config.Options{})
	if diags.HasErrors() {
		t.Fatalf("%s: %v", path, diags)
	}
	targets, more := compile.Compile(cfg)
	if more.HasErrors() {
		t.Fatalf("%s: %v", path, more)
	}
	return targets
}

// appliedSnapshot is the snapshot of an example after `lvsctl apply`.
func appliedSnapshot(ex exampletest.Example) state.Snapshot {
	own := map[string]netip.Addr{}
	for _, d := range ex.Config.Directors {
		own[d.Name] = d.Address
	}
	for _, r := range ex.Config.RealServers {
		own[r.Name] = r.Address
	}
	snap := state.Snapshot{FormatVersion: state.FormatVersion}
	for _, tg := range ex.Targets {
		h := tg.Desired.Clone()
		h.Addresses = append(h.Addresses, state.Address{Interface: "lo", Prefix: netip.MustParsePrefix("127.0.0.1/8")})
		if a := own[h.Name]; a.IsValid() {
			h.Addresses = append(h.Addresses, state.Address{Interface: "eth9", Prefix: netip.PrefixFrom(a, 24), Label: "eth9"})
			if !hasDefaultRoute(h) {
				h.Routes = append(h.Routes, state.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.PrefixFrom(a, 24).Masked().Addr().Next(), Interface: "eth9"})
			}
		}
		if h.Role == state.RoleDirector && h.Timeouts == nil {
			h.Timeouts = &state.Timeouts{TCP: 900, TCPFin: 120, UDP: 300}
		}
		h.Normalize()
		snap.Hosts = append(snap.Hosts, h)
	}
	return snap
}

func hasDefaultRoute(h state.Host) bool {
	for _, r := range h.Routes {
		if r.Destination.Bits() == 0 && r.Destination.Addr().Is4() {
			return true
		}
	}
	return false
}
