package plan_test

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// FuzzDiffConverges builds a desired state, a live state and an ownership
// record from the fuzzer's bytes, over small sets of names and addresses so
// that keys collide often, then diffs them and carries the plan out in the
// model of a host (applyChanges, held to the host code by
// TestModelMatchesHost). Whatever the host looked like, the plan must be one a
// kernel accepts, must leave nothing to do for a second plan, and must not
// touch what lvsctl does not own.
func FuzzDiffConverges(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{1, 9, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 2, 0, 1, 0, 0, 2, 0, 1})
	f.Add([]byte{5, 7, 1, 1, 1, 4, 1, 0, 0, 3, 4, 1, 0, 7, 2, 1, 1, 6, 0, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		desired, live := generate(b)
		hp := plan.Diff(desired, live)
		after := applyChanges(t, live, hp.Changes)
		assertMatches(t, desired, after)
		if again := plan.Diff(desired, after); len(again.Changes) != 0 {
			t.Fatalf("second plan is not empty:\n%s\nfirst plan:\n%s", mustJSON(t, again.Changes), mustJSON(t, hp.Changes))
		}
		for _, c := range hp.Changes {
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			if c.Action == plan.Delete && !owns(live.Owned, c, desired.OwnAllServices) {
				t.Fatalf("deletes %s, which lvsctl does not own", c.Address)
			}
		}
	})
}

// owns reports whether lvsctl may delete what c deletes: a server of a
// service it manages, or what its record says it created.
func owns(rec *state.Record, c plan.Change, allServices bool) bool {
	switch c.Kind {
	case plan.KindServer:
		return true
	case plan.KindService:
		_, ok := rec.Services[c.Before.Service.Key()]
		return ok || allServices
	case plan.KindAddress:
		return slices.Contains(rec.Addresses, c.Before.Address.Key())
	case plan.KindRoute:
		return slices.Contains(rec.Routes, c.Before.Route.Key())
	}
	return false
}

// picker draws small choices from the fuzzer's bytes.
type picker struct{ b []byte }

func (p *picker) more() bool { return len(p.b) > 0 }

func (p *picker) pick(n int) int {
	if len(p.b) == 0 {
		return 0
	}
	v := int(p.b[0]) % n
	p.b = p.b[1:]
	return v
}

func (p *picker) of(choices ...string) string { return choices[p.pick(len(choices))] }

func generate(b []byte) (desired, live state.Host) {
	p := &picker{b: b}
	rec := &state.Record{FormatVersion: state.FormatVersion}
	live.Owned = rec
	for steps := 0; p.more() && steps < 64; steps++ {
		mine := p.pick(2) == 0 // desired, or live
		switch p.pick(6) {
		case 0:
			s := state.Service{
				Name:     p.of("a", "b", ""),
				Protocol: p.of("tcp", "udp"), Address: netip.MustParseAddr(p.of("10.0.0.1", "10.0.0.2")),
				Port: uint16(80 + p.pick(2)), Family: "inet", Scheduler: state.Scheduler(p.of("wrr", "rr")),
				Persistence: uint32(50 * p.pick(2)), Netmask: 32,
			}
			for range p.pick(4) {
				d := state.Server{Address: netip.MustParseAddr(p.of("10.1.0.1", "10.1.0.2", "10.1.0.3")), Port: s.Port,
					Method: state.Method(p.of("dr", "nat", "tun")), Weight: uint32(p.pick(3))}
				if _, dup := s.Server(d.Key()); !dup {
					s.Servers = append(s.Servers, d)
				}
			}
			if mine {
				if !hasKey(desired.Services, s.Key(), state.Service.Key) && !hasName(desired.Services, s.Name) {
					desired.Services = append(desired.Services, s)
				}
			} else if !hasKey(live.Services, s.Key(), state.Service.Key) {
				if p.pick(2) == 0 {
					if rec.Services == nil {
						rec.Services = map[string]string{}
					}
					rec.Services[s.Key()] = s.Name
				}
				s.Name = ""
				live.Services = append(live.Services, s)
			}
		case 1:
			a := state.Address{Interface: p.of("lo", "eth0"), Prefix: netip.MustParsePrefix(p.of("10.0.0.1/32", "10.0.0.2/32")), Label: p.of("", ":0", ":1")}
			if a.Label != "" {
				a.Label = a.Interface + a.Label // the kernel's rule: the interface's name, then more
			}
			if mine {
				addUnique(&desired.Addresses, a, state.Address.Key)
			} else {
				if p.pick(2) == 0 {
					rec.Addresses = append(rec.Addresses, a.Key())
				}
				addUnique(&live.Addresses, a, state.Address.Key)
			}
		case 2:
			r := state.Route{Destination: netip.MustParsePrefix(p.of("0.0.0.0/0", "10.9.0.0/16")),
				Gateway: netip.MustParseAddr(p.of("10.0.0.1", "10.0.0.254")), Interface: p.of("", "eth0")}
			switch {
			case mine:
				addUnique(&desired.Routes, r, state.Route.Key)
			case p.pick(3) == 0:
				if rec.RouteOriginals == nil {
					rec.RouteOriginals = map[string]state.Route{}
				}
				rec.RouteOriginals[r.Key()] = r
			default:
				if p.pick(2) == 0 {
					rec.Routes = append(rec.Routes, r.Key())
				}
				if r.Interface == "" {
					r.Interface = "eth0" // the kernel always says
				}
				addUnique(&live.Routes, r, state.Route.Key)
			}
		case 3:
			s := state.Sysctl{Name: p.of("net.a", "net.b"), Value: p.of("0", "1", " 1\n")}
			switch {
			case mine:
				addUnique(&desired.Sysctls, s, state.Sysctl.Key)
			case p.pick(3) == 0:
				if rec.Sysctls == nil {
					rec.Sysctls = map[string]string{}
				}
				rec.Sysctls[s.Name] = s.Value
			default:
				addUnique(&live.Sysctls, s, state.Sysctl.Key)
			}
		case 4:
			t := &state.Timeouts{TCP: uint32(900 * p.pick(2)), TCPFin: 120, UDP: uint32(300 * p.pick(2))}
			switch {
			case mine:
				desired.Timeouts = t
			case p.pick(2) == 0:
				rec.Timeouts = t
			default:
				t.TCP, t.UDP = max(t.TCP, 1), max(t.UDP, 1) // the kernel has no zero timeouts
				live.Timeouts = t
			}
		case 5:
			desired.OwnAllServices = mine
		}
	}
	return desired, live
}

func hasKey[T any](list []T, key string, keyOf func(T) string) bool {
	for _, v := range list {
		if keyOf(v) == key {
			return true
		}
	}
	return false
}

func hasName(services []state.Service, name string) bool {
	for _, s := range services {
		if name != "" && s.Name == name {
			return true
		}
	}
	return false
}

func addUnique[T any](list *[]T, v T, keyOf func(T) string) {
	if !hasKey(*list, keyOf(v), keyOf) {
		*list = append(*list, v)
	}
}

// TestGenerate keeps the generator honest: it must be able to produce every
// kind of resource on both sides, or the fuzz target explores little.
func TestGenerate(t *testing.T) {
	var desired, live state.Host
	for i := range 256 {
		d, l := generate([]byte(fmt.Sprint(i*7919, i*104729, i*1299709)))
		desired.Services = append(desired.Services, d.Services...)
		live.Services = append(live.Services, l.Services...)
		desired.Routes = append(desired.Routes, d.Routes...)
		live.Routes = append(live.Routes, l.Routes...)
	}
	if len(desired.Services) == 0 || len(live.Services) == 0 || len(desired.Routes) == 0 || len(live.Routes) == 0 {
		t.Fatalf("generator is too narrow: %d/%d services, %d/%d routes",
			len(desired.Services), len(live.Services), len(desired.Routes), len(live.Routes))
	}
}
