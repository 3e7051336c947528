package plan_test

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// applyChanges is a model of a host carrying out changes (providers/local
// with its kernel), record included: it applies them to a copy of a live
// state. It fails the test on a change a kernel would refuse: creating what
// exists, changing or deleting what does not. It is here for speed, for
// FuzzDiffConverges; tests of the golden cases use the host code itself
// (newFakeHost), and TestModelMatchesHost keeps the model in step with it.
func applyChanges(t *testing.T, live state.Host, changes []plan.Change) state.Host {
	t.Helper()
	h := plan.Normalized(live)
	if h.Owned == nil {
		h.Owned = &state.Record{FormatVersion: state.FormatVersion}
	}
	for _, c := range changes {
		if err := applyChange(&h, c); err != "" {
			t.Fatalf("apply %s %s: %s", c.Action.Verbs(), c.Address, err)
		}
	}
	h.Normalize()
	return h
}

func applyChange(h *state.Host, c plan.Change) string {
	rec := h.Owned
	switch c.Kind {
	case plan.KindService:
		if c.Action == plan.Delete || c.Action == plan.Replace {
			i := slices.IndexFunc(h.Services, func(s state.Service) bool { return s.Key() == c.Before.Service.Key() })
			if i < 0 {
				return "no such service"
			}
			if c.Action == plan.Delete {
				h.Services = slices.Delete(h.Services, i, i+1)
			}
		}
		if c.Action == plan.Create || c.Action == plan.Replace {
			if slices.ContainsFunc(h.Services, func(s state.Service) bool { return s.Key() == c.After.Service.Key() }) {
				return "service exists"
			}
			h.Services = append(h.Services, *c.After.Service)
		}
		if c.Action == plan.Replace {
			h.Services = slices.DeleteFunc(h.Services, func(s state.Service) bool { return s.Key() == c.Before.Service.Key() })
		}
		if c.Action == plan.Update {
			s := findService(h, c.After.Service.Key())
			if s == nil {
				return "no such service"
			}
			servers := s.Servers
			*s = *c.After.Service
			s.Servers = servers
		}
		switch c.Own {
		case plan.OwnCreate:
			if c.Before != nil {
				delete(rec.Services, c.Before.Service.Key())
			}
			if rec.Services == nil {
				rec.Services = map[string]string{}
			}
			rec.Services[c.After.Service.Key()] = c.Name
		case plan.OwnRemember:
			key := c.Original.Key()
			if _, kept := rec.ServiceOriginals[key]; !kept {
				if rec.ServiceOriginals == nil {
					rec.ServiceOriginals = map[string]state.Service{}
				}
				rec.ServiceOriginals[key] = *c.Original
			}
		case plan.OwnForget:
			delete(rec.Services, c.Before.Service.Key())
			delete(rec.ServiceOriginals, c.Before.Service.Key())
		}
	case plan.KindServer:
		s := findService(h, c.Service.Key())
		if s == nil {
			return "no such service " + c.Service.Key()
		}
		r := c.After
		if c.Action == plan.Delete {
			r = c.Before
		}
		i := slices.IndexFunc(s.Servers, func(d state.Server) bool { return d.Key() == r.Server.Key() })
		switch {
		case c.Action == plan.Create && i >= 0:
			return "server exists"
		case c.Action == plan.Create:
			s.Servers = append(s.Servers, *r.Server)
		case i < 0:
			return "no such server"
		case c.Action == plan.Update:
			s.Servers[i] = *r.Server
		case c.Action == plan.Delete:
			s.Servers = slices.Delete(s.Servers, i, i+1)
		}
	case plan.KindAddress:
		key := resourceKey(c)
		i := slices.IndexFunc(h.Addresses, func(a state.Address) bool { return a.Key() == key })
		switch {
		case c.Action == plan.Create && i >= 0:
			return "address exists"
		case c.Action == plan.Create:
			h.Addresses = append(h.Addresses, *c.After.Address)
		case i < 0:
			return "no such address"
		case c.Action == plan.Replace:
			h.Addresses[i] = *c.After.Address
		case c.Action == plan.Delete:
			h.Addresses = slices.Delete(h.Addresses, i, i+1)
		}
		rec.Addresses = own(rec.Addresses, key, c.Own)
	case plan.KindRoute:
		key := resourceKey(c)
		i := slices.IndexFunc(h.Routes, func(r state.Route) bool { return r.Key() == key })
		switch {
		case c.Action == plan.Create && i >= 0:
			return "route exists"
		case c.Action == plan.Create:
			h.Routes = append(h.Routes, *c.After.Route)
		case i < 0:
			return "no such route"
		case c.Action == plan.Update:
			h.Routes[i] = *c.After.Route
		case c.Action == plan.Delete:
			h.Routes = slices.Delete(h.Routes, i, i+1)
		}
		rec.Routes = own(rec.Routes, key, c.Own)
		switch c.Own {
		case plan.OwnRemember:
			if rec.RouteOriginals == nil {
				rec.RouteOriginals = map[string]state.Route{}
			}
			rec.RouteOriginals[key] = *c.Before.Route
		case plan.OwnForget:
			delete(rec.RouteOriginals, key)
		}
	case plan.KindSysctl:
		s := *c.After.Sysctl
		i := slices.IndexFunc(h.Sysctls, func(v state.Sysctl) bool { return v.Name == s.Name })
		if i < 0 {
			h.Sysctls = append(h.Sysctls, s)
		} else {
			h.Sysctls[i] = s
		}
		switch c.Own {
		case plan.OwnRemember:
			if rec.Sysctls == nil {
				rec.Sysctls = map[string]string{}
			}
			rec.Sysctls[s.Name] = c.Before.Sysctl.Value
		case plan.OwnForget:
			delete(rec.Sysctls, s.Name)
		}
	case plan.KindTimeouts:
		t := *c.After.Timeouts
		if h.Timeouts != nil { // as ipvsadm --set: a zero leaves a value alone
			t.TCP = cmp.Or(t.TCP, h.Timeouts.TCP)
			t.TCPFin = cmp.Or(t.TCPFin, h.Timeouts.TCPFin)
			t.UDP = cmp.Or(t.UDP, h.Timeouts.UDP)
		}
		h.Timeouts = &t
		switch c.Own {
		case plan.OwnRemember:
			o := *c.Before.Timeouts
			rec.Timeouts = &o
		case plan.OwnForget:
			rec.Timeouts = nil
		}
	default:
		return "unknown kind"
	}
	return ""
}

func findService(h *state.Host, key string) *state.Service {
	for i := range h.Services {
		if h.Services[i].Key() == key {
			return &h.Services[i]
		}
	}
	return nil
}

// resourceKey is the key of the address or route a change acts on.
func resourceKey(c plan.Change) string {
	r := c.After
	if r == nil {
		r = c.Before
	}
	if r.Address != nil {
		return r.Address.Key()
	}
	return r.Route.Key()
}

// own updates a list of owned keys as the ownership says.
func own(keys []string, key string, o plan.Ownership) []string {
	switch o {
	case plan.OwnCreate:
		if !slices.Contains(keys, key) {
			keys = append(keys, key)
		}
	case plan.OwnForget:
		keys = slices.DeleteFunc(keys, func(k string) bool { return k == key })
	}
	return keys
}

// assertMatches checks, independently of the diff's own comparisons, that
// a host after apply has everything the desired state declares.
func assertMatches(t *testing.T, desired, after state.Host) {
	t.Helper()
	for _, want := range desired.Services {
		have := findService(&after, want.Key())
		if have == nil {
			t.Fatalf("service %s missing after apply", want.Key())
		}
		netmask := func(s *state.Service) int {
			if s.Netmask == 0 {
				return 32 // the generators and cases use IPv4 only
			}
			return s.Netmask
		}
		if have.Scheduler != want.Scheduler || have.Persistence != want.Persistence || netmask(have) != netmask(&want) ||
			have.OnePacket != want.OnePacket || len(have.Servers) != len(want.Servers) {
			t.Fatalf("service %s after apply:\n%s\nwant\n%s", want.Key(), mustJSON(t, have), mustJSON(t, want))
		}
		for _, w := range want.Servers {
			if h, ok := have.Server(w.Key()); !ok || h != w {
				t.Fatalf("server %s of %s after apply: %+v, want %+v", w.Key(), want.Key(), h, w)
			}
		}
	}
	for _, want := range desired.Addresses {
		i := slices.IndexFunc(after.Addresses, func(a state.Address) bool { return a.Key() == want.Key() })
		if i < 0 {
			t.Fatalf("address %s missing after apply", want.Key())
		}
		got := after.Addresses[i]
		// Another label only where the wanted one was taken; and never one
		// another address of the interface has.
		if got.Label != want.Label && !labelHeld(after.Addresses, want.Label, want.Key()) {
			t.Errorf("address %s has label %q after apply, want %q (which nothing else holds)", want.Key(), got.Label, want.Label)
		}
		if got.Label != "" && labelHeld(after.Addresses, got.Label, got.Key()) {
			t.Errorf("address %s shares its label %q with another address", got.Key(), got.Label)
		}
	}
	for _, want := range desired.Routes {
		i := slices.IndexFunc(after.Routes, func(r state.Route) bool { return r.Key() == want.Key() })
		if i < 0 || after.Routes[i].Gateway != want.Gateway || want.Interface != "" && after.Routes[i].Interface != want.Interface {
			t.Fatalf("route %s missing or different after apply", want.Key())
		}
	}
	for _, want := range desired.Sysctls {
		if v, ok := after.Sysctl(want.Name); !ok || strings.TrimSpace(v) != strings.TrimSpace(want.Value) {
			t.Fatalf("sysctl %s = %q after apply, want %q", want.Name, v, want.Value)
		}
	}
	if w := desired.Timeouts; w != nil {
		h := after.Timeouts
		if h == nil || w.TCP != 0 && h.TCP != w.TCP || w.TCPFin != 0 && h.TCPFin != w.TCPFin || w.UDP != 0 && h.UDP != w.UDP {
			t.Fatalf("timeouts %+v after apply, want %+v", h, w)
		}
	}
}

// TestModelMatchesHost holds applyChanges, which FuzzDiffConverges uses for
// speed, to the host code it stands in for: it carries the plans of a sample
// of generated cases out both in the model and with local.Host on in-memory
// kernels (newFakeHost), then tears each host down the same two ways, and
// requires the same state and the same ownership record every time.
func TestModelMatchesHost(t *testing.T) {
	samples := [][]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 9, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 2, 0, 1, 0, 0, 2, 0, 1},
		{5, 7, 1, 1, 1, 4, 1, 0, 0, 3, 4, 1, 0, 7, 2, 1, 1, 6, 0, 2},
	}
	for i := range 300 {
		samples = append(samples, []byte(fmt.Sprint(i*7919, i*104729, i*1299709)))
	}
	changed := map[plan.Ownership]int{}
	for i, b := range samples {
		desired, live := onKernel(generate(b))
		h := newFakeHost(t, desired, live, cluster.ReadRequest{IPVS: true, Sysctls: sysctlNames(desired, live)})
		start := h.read()
		empty := state.Host{Name: desired.Name, Role: desired.Role}
		for _, step := range []struct {
			name    string
			desired state.Host
		}{{"apply", desired}, {"teardown", empty}} {
			changes := plan.Diff(step.desired, start).Changes
			for _, c := range changes {
				changed[c.Own]++
			}
			model := applyChanges(t, start, changes)
			h.apply(changes)
			got := h.read()
			if d := gocmp.Diff(mustJSON(t, asHostReads(model)), mustJSON(t, asHostReads(got))); d != "" {
				t.Fatalf("sample %d (%v), %s: the model and the host differ (-model +host):\n%s\nchanges:\n%s",
					i, b, step.name, d, mustJSON(t, changes))
			}
			assertRecordTrue(t, got)
			start = got
		}
	}
	// The sample must exercise every kind of record keeping.
	for _, o := range []plan.Ownership{plan.OwnCreate, plan.OwnRemember, plan.OwnForget} {
		if changed[o] == 0 {
			t.Errorf("no sampled change has ownership %q", o)
		}
	}
}

// onKernel makes a generated case one a kernel takes: every sysctl named
// exists, and the gateways of the routes (10.0.0.1, 10.0.0.254) are on the
// connected network of an address of eth0, added first so the kernel finds
// the gateways there rather than on lo.
func onKernel(desired, live state.Host) (state.Host, state.Host) {
	for _, name := range sysctlNames(desired, live) {
		if _, ok := live.Sysctl(name); !ok {
			live.Sysctls = append(live.Sysctls, state.Sysctl{Name: name, Value: "0"})
		}
	}
	base := state.Address{Interface: "eth0", Prefix: netip.MustParsePrefix("10.0.0.100/24")}
	live.Addresses = append([]state.Address{base}, live.Addresses...)
	return desired, live
}

// sysctlNames are the sysctls a case names anywhere, record included.
func sysctlNames(desired, live state.Host) []string {
	var names []string
	for _, h := range []state.Host{desired, live} {
		for _, s := range h.Sysctls {
			names = append(names, s.Name)
		}
	}
	if live.Owned != nil {
		names = append(names, slices.Collect(maps.Keys(live.Owned.Sysctls))...)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// asHostReads is what a host reads back of a state the model holds: no
// service names (the kernel keeps none), tunnel type ipip for a tun server
// that names none (the kernel's default), sysctl values without surrounding
// white space, a route's interface filled in (onKernel puts every gateway
// on eth0), and an empty record where there is none.
func asHostReads(h state.Host) state.Host {
	h = plan.Normalized(h)
	for i := range h.Services {
		h.Services[i].Name = ""
		for j, d := range h.Services[i].Servers {
			if d.Method == "tun" && d.TunnelType == "" {
				h.Services[i].Servers[j].TunnelType = "ipip"
			}
		}
	}
	for i := range h.Sysctls {
		h.Sysctls[i].Value = strings.TrimSpace(h.Sysctls[i].Value)
	}
	for i := range h.Routes {
		if h.Routes[i].Interface == "" {
			h.Routes[i].Interface = "eth0"
		}
	}
	if h.Owned == nil {
		h.Owned = &state.Record{FormatVersion: state.FormatVersion}
	}
	return h
}

// labelHeld reports whether an address other than key has label.
func labelHeld(addrs []state.Address, label, key string) bool {
	return slices.ContainsFunc(addrs, func(a state.Address) bool { return a.Label == label && a.Key() != key })
}

// TestInverseRestoresEveryCase is what rollback relies on: for every diff
// case, applying the plan and then the inverse of each change in reverse
// order gives back the live state the case started from, ownership record
// included.
func TestInverseRestoresEveryCase(t *testing.T) {
	for _, tc := range loadCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			h := newFakeHost(t, tc.desired, tc.live, caseRequest(tc.desired, tc.live))
			before := h.read()
			hp := plan.Diff(tc.desired, tc.live)
			h.apply(hp.Changes)
			var undo []plan.Change
			for i := len(hp.Changes) - 1; i >= 0; i-- {
				inv, err := plan.Inverse(hp.Changes[i])
				if err != nil {
					t.Skipf("not reversible (the case has a value that could not be read): %v", err)
				}
				undo = append(undo, inv...)
			}
			h.apply(undo)
			after := h.read()
			if before.Owned == nil && after.Owned != nil && reflect.DeepEqual(*after.Owned, *plan.NewRecord()) {
				after.Owned = nil // an empty record is no record
			}
			if d := gocmp.Diff(before, after, cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{}), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("after the plan and its inverse the host differs from before (-before +after):\n%s", d)
			}
		})
	}
}
