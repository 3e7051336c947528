package plan_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// applyChanges carries out changes on a copy of a live state the way the
// host contract describes (providers/host), record included, so tests can
// check what a plan leads to rather than what it lists. It fails the test on
// a change a kernel would refuse: creating what exists, changing or
// deleting what does not.
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
		case plan.OwnForget:
			delete(rec.Services, c.Before.Service.Key())
		}
	case plan.KindServer:
		s := findService(h, c.Service)
		if s == nil {
			return "no such service " + c.Service
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
		if !slices.Contains(after.Addresses, want) {
			t.Fatalf("address %s (label %q) missing after apply", want.Key(), want.Label)
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
