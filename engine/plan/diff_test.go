package plan_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/internal/golden"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/render"
	"github.com/lvsctl/lvsctl/engine/state"
)

// diffCase is one directory under testdata/diff: input.json holds the
// desired and the live state, the goldens the resulting host plan as JSON
// (plan.golden.json) and as the human plan (plan.golden.txt).
type diffCase struct {
	name    string
	dir     string
	desired state.Host
	live    state.Host
}

func loadCases(t testing.TB) []diffCase {
	t.Helper()
	inputs, err := filepath.Glob(filepath.Join("testdata", "diff", "*", "input.json"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no cases under testdata/diff (err %v)", err)
	}
	var cases []diffCase
	for _, in := range inputs {
		b, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Desired state.Host `json:"desired"`
			Live    state.Host `json:"live"`
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		dir := filepath.Dir(in)
		cases = append(cases, diffCase{name: filepath.Base(dir), dir: dir, desired: v.Desired, live: v.Live})
	}
	return cases
}

func TestDiffGolden(t *testing.T) {
	for _, tc := range loadCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			hp := plan.Diff(tc.desired, tc.live)
			var js bytes.Buffer
			enc := json.NewEncoder(&js)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(hp); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join(tc.dir, "plan.golden.json"), js.Bytes())

			var human bytes.Buffer
			if err := render.Human(&human, plan.Plan{FormatVersion: plan.FormatVersion, Hosts: []plan.HostPlan{hp}}, render.Options{}); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join(tc.dir, "plan.golden.txt"), human.Bytes())
		})
	}
}

// TestDiffConverges carries out each case's plan with the real host code
// (local.Host on in-memory kernels, see newFakeHost) and checks the result:
// what the desired state declares is there, a second diff is empty, and what
// was left alone is still left alone.
func TestDiffConverges(t *testing.T) {
	for _, tc := range loadCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			h := newFakeHost(t, tc.desired, tc.live, caseRequest(tc.desired, tc.live))
			checkLoaded(t, tc.live, h.read())
			hp := plan.Diff(tc.desired, tc.live)
			h.apply(hp.Changes)
			after := h.read()
			assertMatches(t, tc.desired, after)
			assertRecordTrue(t, after)
			again := plan.Diff(tc.desired, after)
			if len(again.Changes) != 0 {
				t.Fatalf("second plan is not empty:\n%s", mustJSON(t, again.Changes))
			}
			// What was left alone is still there and still left alone
			// (a route put back as it was before lvsctl joins it).
			for _, u := range hp.Unmanaged {
				if !slices.Contains(again.Unmanaged, u) {
					t.Errorf("%s was left alone but is gone after apply (unmanaged now %q)", u, again.Unmanaged)
				}
			}
		})
	}
}

// assertRecordTrue checks that a host's record names only what is on the
// host: every service, address and route it says lvsctl created, every
// route and sysctl it keeps an original of.
func assertRecordTrue(t *testing.T, h state.Host) {
	t.Helper()
	rec := h.Owned
	if rec == nil {
		return
	}
	has := func(what, key string, ok bool) {
		if !ok {
			t.Errorf("the record has %s %s, which the host does not:\n%s", what, key, mustJSON(t, rec))
		}
	}
	for key := range rec.Services {
		has("service", key, slices.ContainsFunc(h.Services, func(s state.Service) bool { return s.Key() == key }))
	}
	for _, key := range rec.Addresses {
		has("address", key, slices.ContainsFunc(h.Addresses, func(a state.Address) bool { return a.Key() == key }))
	}
	routes := slices.Concat(rec.Routes, slices.Collect(maps.Keys(rec.RouteOriginals)))
	for _, key := range routes {
		has("route", key, slices.ContainsFunc(h.Routes, func(r state.Route) bool { return r.Key() == key }))
	}
	for name := range rec.Sysctls {
		_, ok := h.Sysctl(name)
		has("sysctl", name, ok)
	}
}

// checkLoaded fails the test unless a fake host read back the live state it
// was loaded with (sysctl values are read without surrounding white space).
func checkLoaded(t *testing.T, live, read state.Host) {
	t.Helper()
	want := plan.Normalized(live)
	for i := range want.Sysctls {
		want.Sysctls[i].Value = strings.TrimSpace(want.Sysctls[i].Value)
	}
	if d := cmp.Diff(mustJSON(t, want), mustJSON(t, read)); d != "" {
		t.Fatalf("the fake host does not hold the case's live state (-case +host):\n%s", d)
	}
}

func TestDiffIsPure(t *testing.T) {
	for _, tc := range loadCases(t) {
		desired, live := mustJSON(t, tc.desired), mustJSON(t, tc.live)
		plan.Diff(tc.desired, tc.live)
		if d := cmp.Diff(desired+live, mustJSON(t, tc.desired)+mustJSON(t, tc.live)); d != "" {
			t.Errorf("%s: Diff modified its arguments:\n%s", tc.name, d)
		}
	}
}

func TestDiffOrder(t *testing.T) {
	for _, tc := range loadCases(t) {
		hp := plan.Diff(tc.desired, tc.live)
		for i := 1; i < len(hp.Changes); i++ {
			a, b := hp.Changes[i-1], hp.Changes[i]
			if a.Step() > b.Step() || a.Step() == b.Step() && plan.NaturalCompare(a.Address, b.Address) > 0 {
				t.Errorf("%s: %q (%s) before %q (%s)", tc.name, a.Address, a.Step(), b.Address, b.Step())
			}
		}
	}
}

// TestDiffTeardownRestores checks, for each case of a host lvsctl has not
// touched yet, that dropping the host from the config after applying returns
// it to exactly what it was: what lvsctl created is gone and what it changed
// is put back. Both plans are carried out by the real host code.
func TestDiffTeardownRestores(t *testing.T) {
	tested := 0
	for _, tc := range loadCases(t) {
		if tc.live.Owned != nil {
			continue
		}
		tested++
		t.Run(tc.name, func(t *testing.T) {
			h := newFakeHost(t, tc.desired, tc.live, caseRequest(tc.desired, tc.live))
			before := h.read()
			checkLoaded(t, tc.live, before)
			h.apply(plan.Diff(tc.desired, before).Changes)
			setUp := h.read()
			empty := state.Host{Name: tc.desired.Name, Role: tc.desired.Role}
			h.apply(plan.Diff(empty, setUp).Changes)
			tornDown := h.read()
			if tornDown.Owned == nil || !isEmptyRecord(*tornDown.Owned) {
				t.Errorf("record after teardown is not empty: %s", mustJSON(t, tornDown.Owned))
			}
			after := tornDown
			before.Owned, after.Owned = nil, nil
			if d := cmp.Diff(mustJSON(t, before), mustJSON(t, after)); d != "" {
				t.Errorf("after teardown the host is not as before (-before +after):\n%s", d)
			}
		})
	}
	if tested == 0 {
		t.Fatal("no case starts from a host without a record")
	}
}

func isEmptyRecord(r state.Record) bool {
	return len(r.Services) == 0 && len(r.Addresses) == 0 && len(r.Routes) == 0 &&
		len(r.RouteOriginals) == 0 && len(r.Sysctls) == 0 && r.Timeouts == nil
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestChangesIsDiffsChanges: the cheap form gives exactly Diff's changes.
func TestChangesIsDiffsChanges(t *testing.T) {
	for _, tc := range loadCases(t) {
		want := plan.Diff(tc.desired, tc.live).Changes
		got := plan.Changes(tc.desired, tc.live)
		if len(want) == 0 && len(got) == 0 {
			continue
		}
		if d := cmp.Diff(mustJSON(t, want), mustJSON(t, got)); d != "" {
			t.Errorf("%s: Changes differs from Diff(...).Changes (-diff +changes):\n%s", tc.name, d)
		}
	}
}
