package ipvstest

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs"
)

// The suite only ever touches services in the documentation ranges
// 198.51.100.0/24 and 2001:db8::/32 and fwmarks from fwmarkBase up, so it can
// run against the IPVS table of a real machine: it never flushes the table
// and removes what it creates.
const fwmarkBase = 0x1000

// RunConformance checks that a client behaves as the kernel's IPVS does,
// through the provider and through raw client calls for the error cases.
// newClient is called once per case; the fake passes as does, in a VM, the
// kernel, which is what keeps the fake honest.
//
// A case that fails because the kernel lacks a scheduler module fails with
// the provider's message naming the module to load; it is not skipped, so a
// kernel without it cannot pass.
//
// Every case runs twice: with the client's own writes, and ("Batched/...")
// with every write sent through its batch path (see Batched), so both
// writers are held to the same answers.
func RunConformance(t *testing.T, newClient func(t *testing.T) cfipvs.Client) {
	cases := []struct {
		name string
		run  func(*env)
	}{
		{"Schedulers", testSchedulers},
		{"SchedulerFlags", testSchedulerFlags},
		{"PersistenceNetmask", testPersistence},
		{"OnePacket", testOnePacket},
		{"FWMark", testFWMark},
		{"Protocols", testProtocols},
		{"IPv6Service", testIPv6Service},
		{"ServerMethods", testServerMethods},
		{"MixedFamilyTunnel", testMixedFamily},
		{"UpdateServiceInPlace", testUpdateService},
		{"UpdateServerInPlace", testUpdateServer},
		{"Timeouts", testTimeouts},
		{"ServiceErrors", testServiceErrors},
		{"ServerErrors", testServerErrors},
		{"ProviderErrors", testProviderErrors},
		{"ReadBackFlags", testReadBackFlags},
		{"CrossFamilyNetmask", testCrossFamilyNetmask},
		{"SyncDaemons", testSyncDaemons},
		{"BatchAsEach", testBatchAsEach},
		{"BatchFailureInTheMiddle", testBatchFailureInTheMiddle},
		{"BatchLarge", testBatchLarge},
		{"LeanReads", testLeanReads},
	}
	for _, batched := range []bool{false, true} {
		for _, tc := range cases {
			name := tc.name
			if batched {
				name = "Batched/" + name
			}
			t.Run(name, func(t *testing.T) {
				c := newClient(t)
				if batched {
					c = Batched(t, c)
				}
				e := &env{t: t, c: c, p: ipvs.New(c)}
				e.checkLeftovers()
				tc.run(e)
			})
		}
	}
}

// env is one case's view of the client under test.
type env struct {
	t *testing.T
	c cfipvs.Client
	p *ipvs.Provider
}

// ours reports whether a service is in the suite's reserved space.
func ours(s state.Service) bool {
	if s.FWMark != 0 {
		return s.FWMark >= fwmarkBase
	}
	return netip.MustParsePrefix("198.51.100.0/24").Contains(s.Address) ||
		netip.MustParsePrefix("2001:db8::/32").Contains(s.Address)
}

// ourKeys lists the keys of the services in the reserved space.
func (e *env) ourKeys() []string {
	e.t.Helper()
	all, err := e.p.Services()
	if err != nil {
		e.t.Fatalf("reading the table: %v", err)
	}
	var keys []string
	for _, s := range all {
		if ours(s) {
			keys = append(keys, s.Key())
		}
	}
	return keys
}

// checkLeftovers makes the case fail if it leaves a service behind in the
// reserved space. Registered first, it runs after every other cleanup.
func (e *env) checkLeftovers() {
	before := e.ourKeys()
	e.t.Cleanup(func() {
		if after := e.ourKeys(); !slices.Equal(before, after) {
			e.t.Errorf("the case left the table changed: services in the test ranges before %v, after %v", before, after)
		}
	})
}

// create creates a service and its servers through the provider and removes
// the service when the case ends.
func (e *env) create(s state.Service) {
	e.t.Helper()
	if err := e.p.CreateService(s); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { e.remove(s) })
	for _, d := range s.Servers {
		if err := e.p.CreateServer(s, d); err != nil {
			e.t.Fatal(err)
		}
	}
}

// remove deletes a service unless it is already gone.
func (e *env) remove(s state.Service) {
	if err := e.p.DeleteService(s); err != nil && !errors.Is(err, unix.ESRCH) {
		e.t.Errorf("cleanup: %v", err)
	}
}

// rawCreate creates a service with a raw client call and removes it when
// the case ends.
func (e *env) rawCreate(s cfipvs.Service) {
	e.t.Helper()
	if err := e.c.CreateService(s); err != nil {
		e.t.Fatalf("CreateService(%+v): %v", s, err)
	}
	e.t.Cleanup(func() {
		if err := e.c.RemoveService(s); err != nil && !errors.Is(err, unix.ESRCH) {
			e.t.Errorf("cleanup: RemoveService(%+v): %v", s, err)
		}
	})
}

// read returns the service with the given key as the provider reads it.
func (e *env) read(key string) (state.Service, bool) {
	e.t.Helper()
	all, err := e.p.Services()
	if err != nil {
		e.t.Fatalf("reading the table: %v", err)
	}
	for _, s := range all {
		if s.Key() == key {
			return s, true
		}
	}
	return state.Service{}, false
}

// expect checks that the table holds want exactly, servers included.
func (e *env) expect(want state.Service) {
	e.t.Helper()
	got, ok := e.read(want.Key())
	if !ok {
		e.t.Errorf("service %s is not in the table", want.Key())
		return
	}
	want = normalized(want)
	if diff := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
		e.t.Errorf("service %s read back differs (-want +got):\n%s", want.Key(), diff)
	}
}

// expectGone checks that the table has no service with the key.
func (e *env) expectGone(key string) {
	e.t.Helper()
	if _, ok := e.read(key); ok {
		e.t.Errorf("service %s is still in the table", key)
	}
}

// wantErrno checks that err is the given kernel errno.
func (e *env) wantErrno(what string, err error, want unix.Errno) {
	e.t.Helper()
	if !errors.Is(err, want) {
		e.t.Errorf("%s: got error %v, want %s (%s)", what, err, unix.ErrnoName(want), want)
	}
}

// normalized sorts what the provider returns sorted, and drops the name,
// which the kernel does not keep.
func normalized(s state.Service) state.Service {
	s.Name = ""
	s.Flags = slices.Sorted(slices.Values(s.Flags))
	s.Servers = slices.Clone(s.Servers)
	slices.SortFunc(s.Servers, func(a, b state.Server) int { return strings.Compare(a.Key(), b.Key()) })
	return s
}

// svc4 is a plain IPv4 TCP service at 198.51.100.host:port.
func svc4(host byte, port uint16, scheduler state.Scheduler) state.Service {
	return state.Service{
		Protocol:  "tcp",
		Address:   netip.AddrFrom4([4]byte{198, 51, 100, host}),
		Port:      port,
		Family:    "inet",
		Scheduler: scheduler,
		Netmask:   32,
	}
}

// svc6 is a plain IPv6 TCP service at [2001:db8::host]:port.
func svc6(host uint16, port uint16, scheduler state.Scheduler) state.Service {
	return state.Service{
		Protocol:  "tcp",
		Address:   addr6(host),
		Port:      port,
		Family:    "inet6",
		Scheduler: scheduler,
		Netmask:   128,
	}
}

func addr6(host uint16) netip.Addr {
	return netip.MustParseAddr(fmt.Sprintf("2001:db8::%x", host))
}

// server is a direct-routing server at 198.51.100.host:port.
func server(host byte, port uint16) state.Server {
	return state.Server{Address: netip.AddrFrom4([4]byte{198, 51, 100, host}), Port: port, Method: "dr", Weight: 1}
}

func testSchedulers(e *env) {
	for i, sched := range state.Schedulers() {
		s := svc4(1, 10000+uint16(i), sched)
		s.Servers = []state.Server{server(101, 10000+uint16(i))}
		if err := e.p.CreateService(s); err != nil {
			e.t.Errorf("scheduler %s: %v", sched, err)
			continue
		}
		e.t.Cleanup(func() { e.remove(s) })
		if err := e.p.CreateServer(s, s.Servers[0]); err != nil {
			e.t.Errorf("scheduler %s: %v", sched, err)
			continue
		}
		e.expect(s)
		if err := e.p.DeleteService(s); err != nil {
			e.t.Errorf("scheduler %s: %v", sched, err)
		}
		e.expectGone(s.Key())
	}
}

func testSchedulerFlags(e *env) {
	for i, tc := range []struct {
		sched state.Scheduler
		flags []string
	}{
		{"sh", []string{"sh-fallback"}},
		{"sh", []string{"sh-port"}},
		{"sh", []string{"sh-port", "sh-fallback"}},
		{"mh", []string{"mh-fallback"}},
		{"mh", []string{"mh-port"}},
		{"mh", []string{"mh-fallback", "mh-port"}},
	} {
		s := svc4(2, 10000+uint16(i), tc.sched)
		s.Flags = tc.flags
		e.create(s)
		e.expect(s)
	}
}

func testPersistence(e *env) {
	for i, tc := range []struct {
		s           state.Service
		persistence uint32
		netmask     int
	}{
		{svc4(3, 80, "wlc"), 300, 24},
		{svc4(3, 81, "rr"), 50, 32},
		{svc4(3, 82, "rr"), 1, 0},
		{svc4(3, 83, "rr"), 0, 16}, // a netmask without persistence is kept
		{svc6(3, 80, "wlc"), 60, 64},
		{svc6(3, 81, "wlc"), 3600, 128},
	} {
		s := tc.s
		s.Persistence, s.Netmask = tc.persistence, tc.netmask
		s.Servers = []state.Server{server(103, 80+uint16(i))}
		if s.Family == "inet6" {
			s.Servers[0].Address = addr6(0x103)
		}
		e.create(s)
		e.expect(s)
	}
}

func testOnePacket(e *env) {
	s := svc4(4, 53, "rr")
	s.Protocol = "udp"
	s.OnePacket = true
	e.create(s)
	e.expect(s)
}

func testFWMark(e *env) {
	v4 := state.Service{FWMark: fwmarkBase, Family: "inet", Scheduler: "wrr", Netmask: 32,
		Servers: []state.Server{server(105, 0)}}
	v6 := state.Service{FWMark: fwmarkBase + 1, Family: "inet6", Scheduler: "rr", Netmask: 128,
		Servers: []state.Server{{Address: addr6(0x105), Method: "dr", Weight: 3}}}
	// The same mark in both families is two services.
	sameMark4 := state.Service{FWMark: fwmarkBase + 2, Family: "inet", Scheduler: "lc", Netmask: 32, Persistence: 30}
	sameMark6 := state.Service{FWMark: fwmarkBase + 2, Family: "inet6", Scheduler: "lc", Netmask: 64, Persistence: 30}
	for _, s := range []state.Service{v4, v6, sameMark4, sameMark6} {
		e.create(s)
	}
	for _, s := range []state.Service{v4, v6, sameMark4, sameMark6} {
		e.expect(s)
	}
	if err := e.p.DeleteService(sameMark4); err != nil {
		e.t.Fatal(err)
	}
	e.expectGone(sameMark4.Key())
	e.expect(sameMark6)
}

func testProtocols(e *env) {
	// One address and port, three protocols: three services.
	var all []state.Service
	for _, proto := range []string{"tcp", "udp", "sctp"} {
		s := svc4(6, 5060, "rr")
		s.Protocol = proto
		s.Servers = []state.Server{server(106, 5060)}
		e.create(s)
		all = append(all, s)
	}
	for _, s := range all {
		e.expect(s)
	}
}

func testIPv6Service(e *env) {
	s := svc6(7, 443, "wrr")
	s.Servers = []state.Server{
		{Address: addr6(0x107), Port: 443, Method: "dr", Weight: 2},
		{Address: addr6(0x108), Port: 8443, Method: "nat", Weight: 1},
		{Address: addr6(0x109), Port: 443, Method: "tun", TunnelType: "ipip", Weight: 1},
	}
	e.create(s)
	e.expect(s)
}
