package plan_test

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/plan"
)

// addrsEqual lets cmp compare netip values, which have unexported fields.
var addrsEqual = cmp.Options{
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
}

// allCasesPlan is one plan made of every golden case, so the round trip
// sees every kind of change, action and ownership.
func allCasesPlan(t testing.TB) plan.Plan {
	p := plan.Plan{FormatVersion: plan.FormatVersion}
	for _, tc := range loadCases(t) {
		p.Hosts = append(p.Hosts, plan.Diff(tc.desired, tc.live))
	}
	return p
}

func TestPlanRoundTrip(t *testing.T) {
	p := allCasesPlan(t)
	var first bytes.Buffer
	if err := plan.WritePlan(&first, p); err != nil {
		t.Fatal(err)
	}
	got, err := plan.ReadPlan(bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(p, got, addrsEqual); d != "" {
		t.Fatalf("plan changed in a JSON round trip (-wrote +read):\n%s", d)
	}
	var second bytes.Buffer
	if err := plan.WritePlan(&second, got); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(first.String(), second.String()); d != "" {
		t.Fatalf("plan JSON is not stable (-first +second):\n%s", d)
	}
}

func TestChangeActionsJSON(t *testing.T) {
	for _, a := range []plan.Action{plan.NoOp, plan.Create, plan.Update, plan.Delete, plan.Replace} {
		b, err := json.Marshal(plan.Change{Kind: plan.KindService, Address: "service tcp/10.0.0.1:80", Action: a})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(a.Verbs())
		if !bytes.Contains(b, append([]byte(`"actions":`), want...)) {
			t.Errorf("%s: %s has no \"actions\": %s", a, b, want)
		}
		var c plan.Change
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if c.Action != a {
			t.Errorf("%s read back as %q, want %q", b, c.Action, a)
		}
	}
}

func TestReadPlanErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", "", "the file is empty"},
		{"not json", "Plan: 1 to add", "not a plan saved by `lvsctl plan -out`"},
		{"no version", `{"hosts": []}`, "no format_version"},
		{"newer major", `{"format_version": "2.0", "hosts": []}`, "format version 2.0 is not supported by this lvsctl (it reads 1.x)"},
		{"unknown actions", `{"format_version": "1.0", "hosts": [{"host": "a", "changes": [{"actions": ["move"], "address": "x"}]}]}`, `change "x": unknown actions`},
		{"unknown kind", `{"format_version": "1.0", "hosts": [{"host": "a", "changes": [{"actions": ["create"], "kind": "vlan", "address": "x"}]}]}`, `host a: change "x": unknown kind "vlan"`},
		{"create without after", `{"format_version": "1.0", "hosts": [{"host": "a", "changes": [{"actions": ["create"], "kind": "route", "address": "x"}]}]}`, `change "x": create needs its "after" route`},
		{"replace without before", `{"format_version": "1.0", "hosts": [{"host": "a", "changes": [{"actions": ["create", "delete"], "kind": "address", "address": "x", "after": {"address": {"interface": "lo", "prefix": "10.0.0.1/32"}}}]}]}`, `create and delete needs its "before" address`},
		{"wrong resource", `{"format_version": "1.0", "hosts": [{"host": "a", "changes": [{"actions": ["delete"], "kind": "route", "address": "x", "before": {"sysctl": {"name": "n", "value": "1"}}}]}]}`, `the "before" value is not just a route`},
		{"server without service", `{"format_version": "1.0", "hosts": [{"host": "a", "changes": [{"actions": ["delete"], "kind": "server", "address": "x", "before": {"server": {"address": "10.0.0.2", "port": 80, "method": "dr", "weight": 1}}}]}]}`, "names no service"},
		{"two documents", `{"format_version": "1.0", "hosts": []} {}`, "unexpected data after the plan"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan.ReadPlan(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ReadPlan error = %v, want it to say %q", err, tc.want)
			}
		})
	}
}

func TestReadPlanAcceptsNewerMinor(t *testing.T) {
	p, err := plan.ReadPlan(strings.NewReader(`{"format_version": "1.7", "hosts": [{"host": "lvs1", "changes": [], "later_field": true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Hosts) != 1 || p.Hosts[0].Host != "lvs1" {
		t.Fatalf("read %+v", p)
	}
}

// FuzzReadPlan feeds ReadPlan arbitrary input: it must not panic, and what
// it accepts must survive a write and a second read unchanged.
func FuzzReadPlan(f *testing.F) {
	// Seed with a small real plan: the fuzzer slows to a crawl on the
	// plan of every case.
	var small plan.Plan
	for _, h := range allCasesPlan(f).Hosts {
		if h.Host == "lvs1" && len(h.Warnings) > 0 || h.Host == "web1" && len(h.Changes) > 4 {
			small.Hosts = append(small.Hosts, h)
		}
	}
	var b bytes.Buffer
	if err := plan.WritePlan(&b, small); err != nil {
		f.Fatal(err)
	}
	f.Add(b.String())
	f.Add(`{"format_version": "1.0", "hosts": [{"host": "a", "changes": [{"actions": ["create", "delete"], "kind": "service", "service": "s", "before": {"service": {"family": "inet"}}, "after": {"service": {"family": "inet"}}}]}]}`)
	f.Add(`{"format_version": "1"}`)
	f.Add(`{"format_version": "9.9", "hosts": null}`)
	f.Fuzz(func(t *testing.T, in string) {
		p, err := plan.ReadPlan(strings.NewReader(in))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := plan.WritePlan(&out, p); err != nil {
			t.Fatalf("a plan that was read does not write: %v", err)
		}
		again, err := plan.ReadPlan(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("a plan written from a read plan does not read: %v\n%s", err, out.String())
		}
		var out2 bytes.Buffer
		if err := plan.WritePlan(&out2, again); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), out2.Bytes()) {
			t.Fatalf("plan changed in a round trip:\n%s\nthen\n%s", out.String(), out2.String())
		}
	})
}
