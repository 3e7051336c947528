package ipvs_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs"
	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
)

// TestServicesOfReadsOnlyThose: reading some services of a big table costs
// two requests per service asked for (one per service not there), and
// gives what the full dump gives of them.
func TestServicesOfReadsOnlyThose(t *testing.T) {
	c := ipvstest.NewCounting()
	p := ipvs.New(c)
	var all []state.Service
	for i := range 300 {
		s := state.Service{Protocol: "tcp", Address: netip.MustParseAddr(fmt.Sprintf("10.0.%d.%d", i/250, 1+i%250)), Port: 80,
			Family: "inet", Scheduler: "wrr", Netmask: 32}
		if err := p.CreateService(s); err != nil {
			t.Fatal(err)
		}
		for j := range 3 {
			d := state.Server{Address: netip.MustParseAddr(fmt.Sprintf("172.16.0.%d", 1+j)), Port: 80, Method: "nat", Weight: uint32(1 + j)}
			if err := p.CreateServer(s, d); err != nil {
				t.Fatal(err)
			}
			s.Servers = append(s.Servers, d)
		}
		all = append(all, s)
	}
	full, err := p.Services()
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]state.Service{}
	for _, s := range full {
		byKey[s.Key()] = s
	}
	gone := state.ServiceID{Protocol: "udp", Address: netip.MustParseAddr("10.9.9.9"), Port: 53, Family: "inet"}
	fw := state.ServiceID{FWMark: 7, Family: "inet"}
	ids := []state.ServiceID{all[250].ID(), gone, all[3].ID(), fw}

	c.Reset()
	got, err := p.ServicesOf(ids)
	if err != nil {
		t.Fatal(err)
	}
	want := []state.Service{byKey[all[3].Key()], byKey[all[250].Key()]} // sorted by key, absent ones left out
	if diff := cmp.Diff(want, got, wireOpts()); diff != "" {
		t.Errorf("ServicesOf (-want +got):\n%s", diff)
	}
	if d, g, s := c.ServiceDumps.Load(), c.ServiceGets.Load(), c.ServerDumps.Load(); d != 0 || g != 4 || s != 2 {
		t.Errorf("ServicesOf of 4 services (2 there) in 300: %d service dumps, %d lookups, %d server dumps; want 0, 4, 2", d, g, s)
	}
	if got, err := p.ServicesOf(nil); err != nil || len(got) != 0 {
		t.Errorf("ServicesOf(nil) = %v, %v; want nothing", got, err)
	}
}

// TestServicesOfRefusesBadIdentity: an identity the kernel cannot be asked
// about is an error naming it, not a service taken as absent.
func TestServicesOfRefusesBadIdentity(t *testing.T) {
	p := ipvs.New(ipvstest.NewFake())
	_, err := p.ServicesOf([]state.ServiceID{{Protocol: "sctp6", Address: netip.MustParseAddr("10.0.0.1"), Port: 1}})
	if err == nil {
		t.Fatal("ServicesOf of a service with an unknown protocol: no error")
	}
	t.Log(err)
}

// TestServicesOfListedMatchesOneByOne: from ipvs.ListFrom services on,
// ServicesOf lists the table instead of looking each service up; both ways
// give the same services (those there, sorted, with their servers, an
// empty service and an fwmark one included), and the listed one makes one
// service dump and no lookup.
func TestServicesOfListedMatchesOneByOne(t *testing.T) {
	c := ipvstest.NewCounting()
	p := ipvs.New(c)
	var ids []state.ServiceID
	for i := range ipvs.ListFrom + 80 {
		s := state.Service{Protocol: "tcp", Address: netip.MustParseAddr(fmt.Sprintf("10.1.%d.%d", i/250, 1+i%250)), Port: 80,
			Family: "inet", Scheduler: "wrr", Netmask: 32}
		if i%7 == 0 {
			s = state.Service{FWMark: uint32(1 + i), Family: "inet", Scheduler: "rr", Netmask: 32}
		}
		if err := p.CreateService(s); err != nil {
			t.Fatal(err)
		}
		for j := range i % 4 { // some without servers
			d := state.Server{Address: netip.MustParseAddr(fmt.Sprintf("172.16.1.%d", 1+j)), Port: 80, Method: "nat", Weight: uint32(1 + j)}
			if err := p.CreateServer(s, d); err != nil {
				t.Fatal(err)
			}
		}
		if i%5 != 0 { // some of the table not asked for
			ids = append(ids, s.ID())
		}
	}
	// Asked for, but not there.
	ids = append(ids, state.ServiceID{Protocol: "udp", Address: netip.MustParseAddr("10.9.9.9"), Port: 53, Family: "inet"})
	if len(ids) < ipvs.ListFrom {
		t.Fatalf("%d services asked for: the test needs %d", len(ids), ipvs.ListFrom)
	}
	want, err := p.ServicesOneByOne(ids)
	if err != nil {
		t.Fatal(err)
	}
	c.Reset()
	got, err := p.ServicesOf(ids)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, wireOpts()); diff != "" {
		t.Errorf("ServicesOf listed (-one by one +listed):\n%s", diff)
	}
	if len(got) != len(ids)-1 {
		t.Errorf("%d services read, want %d", len(got), len(ids)-1)
	}
	if d, g := c.ServiceDumps.Load(), c.ServiceGets.Load(); d != 1 || g != 0 {
		t.Errorf("ServicesOf of %d services: %d service dumps, %d lookups; want 1, 0", len(ids), d, g)
	}
	// A few services, of the same table: looked up one by one still.
	c.Reset()
	few, err := p.ServicesOf(ids[:3])
	if err != nil {
		t.Fatal(err)
	}
	wantFew := []state.Service{}
	for _, s := range want {
		if s.Key() == ids[0].Key() || s.Key() == ids[1].Key() || s.Key() == ids[2].Key() {
			wantFew = append(wantFew, s)
		}
	}
	if diff := cmp.Diff(wantFew, few, wireOpts()); diff != "" {
		t.Errorf("ServicesOf of 3 (-want +got):\n%s", diff)
	}
	if d, g := c.ServiceDumps.Load(), c.ServiceGets.Load(); d != 0 || g != 3 {
		t.Errorf("ServicesOf of 3 services: %d service dumps, %d lookups; want 0, 3", d, g)
	}
	// An empty table, listed.
	empty := ipvs.New(ipvstest.NewFake())
	if got, err := empty.ServicesListed(ids); err != nil || len(got) != 0 {
		t.Errorf("ServicesListed of an empty table = %v, %v; want nothing", got, err)
	}
}
