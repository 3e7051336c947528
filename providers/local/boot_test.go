package local

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/servicecodec"
)

// TestBootStateServicesCompact: a boot state keeps its services in the
// compact form, not as JSON objects (which cost most of an apply of one
// weight on the host), under a format an older lvsctl refuses; what loads
// is the desired state whole, and compact services that are damaged, or
// services in both places, are refused with the file's path.
func TestBootStateServicesCompact(t *testing.T) {
	desired := directorWants(3)
	desired.Routes = nil
	data, err := encodeBootState(BootState{Record: "local@.json", Desired: desired})
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		FormatVersion string         `json:"format_version"`
		Desired       map[string]any `json:"desired"`
		Services      []byte         `json:"services"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if f.FormatVersion != bootFormat || f.Desired["services"] != nil || len(f.Services) == 0 {
		t.Fatalf("format %q, desired services %v, compact services %d bytes; want %q, none, some", f.FormatVersion, f.Desired["services"], len(f.Services), bootFormat)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "local@.json")
	load := func(b []byte) (BootState, error) {
		t.Helper()
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return loadBootState(path)
	}
	got, err := load(data)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(desired, got.Desired, clustertest.CmpOpts); d != "" {
		t.Errorf("loaded (-kept +loaded):\n%s", d)
	}

	reencode := func(edit func(m map[string]any)) []byte {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cut := f.Services[:len(f.Services)-1]
	both, err := json.Marshal(desired)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"services cut short": reencode(func(m map[string]any) { m["services"] = cut }),
		"services twice": reencode(func(m map[string]any) {
			var d map[string]any
			_ = json.Unmarshal(both, &d)
			m["desired"] = d
		}),
		"compact services in the old format": reencode(func(m map[string]any) { m["format_version"] = state.FormatVersion }),
	} {
		if _, err := load(b); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v; want an error naming %s", name, err, path)
		}
	}
	_, err = load(reencode(func(m map[string]any) { m["format_version"] = "9" }))
	if !errors.Is(err, errBootFormat) {
		t.Errorf("format 9: %v; want %v", err, errBootFormat)
	}
}

// FuzzDecodeBootState: any input is a boot state or an error, never a
// panic; one that loads encodes back to a state that loads the same.
func FuzzDecodeBootState(f *testing.F) {
	desired := directorWants(2)
	good, err := encodeBootState(BootState{Record: "local@.json", Desired: desired})
	if err != nil {
		f.Fatal(err)
	}
	old, err := json.Marshal(BootState{FormatVersion: state.FormatVersion, Desired: desired})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(old)
	f.Add([]byte(`{"format_version":"` + bootFormat + `","services":"` + string(bytes.Repeat([]byte("A"), 8)) + `"}`))
	f.Add(servicecodec.Append(nil, desired.Services))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeBootState(b)
		if err != nil {
			return
		}
		again, err := encodeBootState(s)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := decodeBootState(again)
		if err != nil {
			t.Fatalf("re-encoded state does not load: %v", err)
		}
		if d := cmp.Diff(s.Desired, s2.Desired, clustertest.CmpOpts); d != "" {
			t.Errorf("(-first +again):\n%s", d)
		}
	})
}
