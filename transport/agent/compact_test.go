package agent

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
)

// TestCompactChangeFields: the compact form carries these fields of a
// plan.Change (TestCompactChangesMatchJSON sets each of them). A field
// added to plan.Change fails here until compactTag and the codec know it.
func TestCompactChangeFields(t *testing.T) {
	for _, c := range []struct {
		v     any
		known []string
	}{
		{plan.Change{}, []string{"Kind", "Address", "Service", "Name", "Action", "Before", "After", "ForcesReplacement",
			"Reason", "Own", "Drain", "Original", "HandOver"}},
		// The drain and hand over a change carries, field by field.
		{plan.Drain{}, []string{"Timeout", "Servers"}},
		{plan.HandOver{}, []string{"Cluster"}},
	} {
		typ := reflect.TypeOf(c.v)
		for i := range typ.NumField() {
			if f := typ.Field(i).Name; !slices.Contains(c.known, f) {
				t.Errorf("%s.%s: teach compact.go about it (carry it, or send changes having it as JSON)", typ, f)
			}
		}
	}
}

// viaJSON is changes across the wire as JSON alone (protocol 4's way).
func viaJSON(t testing.TB, changes []plan.Change) ([]plan.Change, error) {
	t.Helper()
	b, err := json.Marshal(request{Op: opApply, Changes: toWire(changes)})
	if err != nil {
		t.Fatal(err)
	}
	var got request
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	return fromWire(got.Changes)
}

// viaCompact is changes across the wire as an apply request carries them
// now, the JSON line included; rest is how many went as JSON.
func viaCompact(t testing.TB, changes []plan.Change) (got []plan.Change, rest int, err error) {
	t.Helper()
	compact, others := splitChanges(changes)
	b, err := json.Marshal(request{Op: opApply, Changes: others, Compact: compact})
	if err != nil {
		t.Fatal(err)
	}
	var req request
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatal(err)
	}
	got, err = joinChanges(req.Compact, req.Changes)
	return got, len(others), err
}

// filled is a value of type T with every field set (fill).
func filled[T any](t testing.TB, n *int) *T {
	var v T
	fill(t, reflect.ValueOf(&v).Elem(), n)
	return &v
}

// TestCompactChangesMatchJSON: service and server changes of every action,
// with every field of what they carry set, and other changes between
// them, arrive in order as the JSON form brings them; only what the
// compact form cannot carry goes as JSON.
func TestCompactChangesMatchJSON(t *testing.T) {
	n := 0
	svc := plantest.Service("10.0.0.1")
	srv, srv2 := plantest.Server("10.0.0.2", 3), plantest.Server("10.0.0.3", 0)
	full, fullSrv := filled[state.Service](t, &n), filled[state.Server](t, &n)
	id := svc.ID() // one its key, the JSON form, reads back
	v6 := plantest.Service("10.0.0.9")
	v6.Address, v6.Family = netip.MustParseAddr("2001:db8::1"), "inet6"
	zoned := state.Server{Address: netip.MustParseAddr("fe80::1%eth0"), Method: "dr"}
	vip := plantest.Addr("lo", "10.0.0.1/32", "lo:0")

	changes := []plan.Change{
		plantest.AddAddress(vip),
		plantest.ServiceChange(plan.Create, "web", nil, &svc, plan.OwnCreate),
		plantest.ServerChange(plan.Create, svc, nil, &srv),
		plantest.ServerChange(plan.Update, svc, &srv, &srv2),
		plantest.ServerChange(plan.Delete, v6, &zoned, nil),
		plantest.ServiceChange(plan.Replace, "full", full, &v6, plan.OwnForget),
		{Kind: plan.KindService, Action: plan.Update, Address: "service x", Name: "n", Service: &id,
			Before: &plan.Resource{}, After: &plan.Resource{Service: full}, ForcesReplacement: []string{"port", "scheduler"},
			Reason: "why", Own: plan.OwnRemember, Original: full},
		{Kind: plan.KindServer, Action: plan.NoOp, Address: "server y", Service: &id, After: &plan.Resource{Server: fullSrv}},
		{Kind: plan.KindServer, Action: plan.Delete, Address: "server z", Service: &id, Before: &plan.Resource{Server: &srv},
			Drain: &plan.Drain{Timeout: 5}},
		{Kind: plan.KindService, Action: plan.Delete, Address: "service h", Before: &plan.Resource{Service: &svc},
			HandOver: &plan.HandOver{Cluster: "other"}, Drain: &plan.Drain{Servers: []state.Server{srv, *fullSrv}}},
		// As JSON: a resource of another kind.
		{Kind: plan.KindService, Action: plan.Create, Address: "service odd", After: &plan.Resource{Service: &svc, Server: &srv}},
		plantest.DeleteAddress(vip),
	}
	want, err := viaJSON(t, changes)
	if err != nil {
		t.Fatal(err)
	}
	got, rest, err := viaCompact(t, changes)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got, clustertest.CmpOpts); d != "" {
		t.Errorf("changes across the compact form (-JSON +compact):\n%s", d)
	}
	if d := cmp.Diff(changes, got, clustertest.CmpOpts); d != "" {
		t.Errorf("changes across the compact form (-sent +received):\n%s", d)
	}
	if rest != 3 {
		t.Errorf("%d changes went as JSON; want the 3 the compact form does not carry", rest)
	}
	// The least a change takes, which bounds what decoding allocates.
	if least, _ := splitChanges([]plan.Change{{Kind: plan.KindServer}}); len(least) != 1+minCompactChange {
		t.Errorf("an empty server change takes %d bytes after the count; minCompactChange says %d", len(least)-1, minCompactChange)
	}
	// Without a service or server change, the request is as protocol 4's.
	if compact, _ := splitChanges(changes[:1]); compact != nil {
		t.Errorf("an apply of an address has compact changes: %q", compact)
	}
}

// TestCompactChangesRefuseDamage: input cut short, with bytes left over,
// naming JSON changes not sent (or not naming those sent), or with an
// unknown action or form, is an error saying to use one version, never
// changes.
func TestCompactChangesRefuseDamage(t *testing.T) {
	svc := plantest.Service("10.0.0.1")
	srv := plantest.Server("10.0.0.2", 3)
	good, rest := splitChanges([]plan.Change{
		plantest.AddAddress(plantest.Addr("lo", "10.0.0.1/32", "")),
		plantest.ServerChange(plan.Create, svc, nil, &srv),
	})
	if len(rest) != 1 {
		t.Fatalf("%d JSON changes; want 1", len(rest))
	}
	server := good[2:] // after the count and the address's tag
	for name, tc := range map[string]struct {
		b    []byte
		rest []wireChange
	}{
		"cut short":          {good[:len(good)-1], rest},
		"left over":          {append(slices.Clone(good), 0), rest},
		"JSON not sent":      {good, nil},
		"JSON not named":     {append([]byte{1}, server...), rest},
		"unknown form":       {[]byte{1, 3}, nil},
		"big count":          {[]byte{0xff, 0xff, 0xff, 0xff, 0x0f}, nil},
		"unknown action '?'": {append([]byte{1, changeServer, '?'}, server[2:]...), nil},
	} {
		got, err := joinChanges(tc.b, tc.rest)
		if err == nil || !strings.Contains(err.Error(), "use the same lvsctl version on both sides") {
			t.Errorf("%s: %d changes, %v; want an error", name, len(got), err)
		}
	}
}

// jsonFaithful says whether the JSON form carries changes as they are:
// its strings valid UTF-8 (encoding/json replaces other bytes) and its
// service identities such as their key reads back (the JSON form).
func jsonFaithful(changes []plan.Change) bool {
	for _, c := range changes {
		if c.Service != nil {
			var id state.ServiceID
			if id.UnmarshalText([]byte(c.Service.Key())) != nil || id != *c.Service {
				return false
			}
		}
	}
	return validStrings(reflect.ValueOf(changes))
}

func validStrings(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return utf8.ValidString(v.String())
	case reflect.Pointer:
		return v.IsNil() || validStrings(v.Elem())
	case reflect.Slice:
		for i := range v.Len() {
			if !validStrings(v.Index(i)) {
				return false
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && !validStrings(v.Field(i)) {
				return false
			}
		}
	}
	return true
}

// FuzzJoinChanges: whatever the input, decoding compact changes neither
// panics nor allocates beyond it; what it accepts crosses the compact form
// again unchanged, all of it compact, and arrives as the JSON form brings
// it wherever that form carries it faithfully.
func FuzzJoinChanges(f *testing.F) {
	n := 0
	svc, srv := filled[state.Service](f, &n), filled[state.Server](f, &n)
	id := plantest.Service("10.0.0.1").ID()
	seed, _ := splitChanges([]plan.Change{
		plantest.ServiceChange(plan.Replace, "web", svc, svc, plan.OwnCreate),
		plantest.ServerChange(plan.Delete, *svc, srv, nil),
		{Kind: plan.KindService, Action: plan.Delete, Address: "d", Before: &plan.Resource{Service: svc},
			Drain: &plan.Drain{Timeout: 3, Servers: []state.Server{*srv}}, HandOver: &plan.HandOver{Cluster: "c"}},
		{Kind: plan.KindServer, Action: plan.Update, Address: "s", Service: &id, Before: &plan.Resource{},
			After: &plan.Resource{Server: srv}, ForcesReplacement: []string{"a"}, Reason: "r", Own: plan.OwnRemember, Original: svc},
	})
	f.Add(seed)
	f.Add([]byte{0})
	f.Add([]byte{1, 2, 43, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := joinChanges(b, nil)
		if err != nil {
			return
		}
		again, rest, err := viaCompact(t, got)
		if err != nil {
			t.Fatalf("what was decoded does not decode again: %v", err)
		}
		if rest != 0 {
			t.Fatalf("%d of the changes decoded go as JSON", rest)
		}
		if d := cmp.Diff(got, again, clustertest.CmpOpts); d != "" {
			t.Fatalf("round trip (-first +second):\n%s", d)
		}
		if !jsonFaithful(got) {
			return
		}
		viaJ, err := viaJSON(t, got)
		if err != nil {
			t.Fatalf("the JSON form refuses what the compact form took: %v", err)
		}
		if d := cmp.Diff(viaJ, again, clustertest.CmpOpts); d != "" {
			t.Fatalf("JSON and compact forms differ (-JSON +compact):\n%s", d)
		}
	})
}

// TestCompactResults: an apply's answer says how many changes were made
// and which failed; the client rebuilds the results from its changes, and
// refuses an answer that does not fit them.
func TestCompactResults(t *testing.T) {
	changes := []plan.Change{{Address: "a"}, {Address: "b"}, {Address: "c"}}
	results := []plan.Result{{Address: "a"}, {Address: "b", Error: "no"}}
	made, failed, ok := compactResults(changes, results)
	if !ok || made != 2 || len(failed) != 1 || failed[0] != (failure{Index: 1, Error: "no"}) {
		t.Fatalf("compact results: %d, %+v, %v", made, failed, ok)
	}
	got, err := expandResults(changes, made, failed)
	if err != nil || !slices.Equal(got, results) {
		t.Errorf("results rebuilt: %+v, %v; want %+v", got, err, results)
	}
	if _, _, ok := compactResults(changes, []plan.Result{{Address: "b"}}); ok {
		t.Error("a result for another change was compacted")
	}
	for _, bad := range []struct {
		made   int
		failed []failure
	}{{4, nil}, {2, []failure{{Index: 2}}}, {3, []failure{{Index: 1}, {Index: 1}}}, {3, []failure{{Index: -1}}}} {
		if got, err := expandResults(changes, bad.made, bad.failed); err == nil {
			t.Errorf("made %d, failed %+v: %+v; want an error", bad.made, bad.failed, got)
		}
	}
}
