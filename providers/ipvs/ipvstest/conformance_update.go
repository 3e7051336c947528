package ipvstest

import (
	"net/netip"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/engine/state"
)

// Cases on servers, updates in place and timeouts.

func testServerMethods(e *env) {
	s := svc4(8, 80, "wlc")
	s.Servers = []state.Server{
		server(108, 80),
		{Address: netip.MustParseAddr("198.51.100.109"), Port: 8080, Method: "nat", Weight: 2},
		{Address: netip.MustParseAddr("198.51.100.110"), Port: 80, Method: "tun", TunnelType: "ipip", Weight: 3},
		{Address: netip.MustParseAddr("198.51.100.111"), Port: 80, Method: "tun", TunnelType: "gue", TunnelPort: 6080, TunnelChecksum: "csum", Weight: 1},
		{Address: netip.MustParseAddr("198.51.100.112"), Port: 80, Method: "tun", TunnelType: "gre", TunnelChecksum: "remcsum", Weight: 1},
		{Address: netip.MustParseAddr("198.51.100.113"), Port: 80, Method: "tun", TunnelType: "gue", TunnelPort: 6081, TunnelChecksum: "remcsum", Weight: 1},
		{Address: netip.MustParseAddr("198.51.100.114"), Port: 80, Method: "dr", Weight: 0},
		{Address: netip.MustParseAddr("198.51.100.115"), Port: 80, Method: "dr", Weight: 65535, UpperThreshold: 1000, LowerThreshold: 100},
		{Address: netip.MustParseAddr("198.51.100.116"), Port: 80, Method: "nat", Weight: 1, UpperThreshold: 50},
	}
	e.create(s)
	e.expect(s)

	// A tun server without a tunnel type is ipip, and reads back as such.
	plain := state.Server{Address: netip.MustParseAddr("198.51.100.117"), Port: 80, Method: "tun", Weight: 1}
	if err := e.p.CreateServer(s, plain); err != nil {
		e.t.Fatal(err)
	}
	plain.TunnelType = "ipip"
	s.Servers = append(s.Servers, plain)
	e.expect(s)

	// Deleting one server leaves the others.
	if err := e.p.DeleteServer(s, s.Servers[0]); err != nil {
		e.t.Fatal(err)
	}
	s.Servers = s.Servers[1:]
	e.expect(s)
}

func testMixedFamily(e *env) {
	// IPVS tunnels between families (an IPv6 server behind an IPv4 VIP and
	// the reverse); the other methods cannot.
	s4 := svc4(9, 80, "rr")
	s4.Servers = []state.Server{{Address: addr6(0x109), Port: 80, Method: "tun", TunnelType: "ipip", Weight: 1}}
	s6 := svc6(9, 80, "rr")
	s6.Servers = []state.Server{{Address: netip.MustParseAddr("198.51.100.109"), Port: 80, Method: "tun", TunnelType: "gre", Weight: 1}}
	e.create(s4)
	e.create(s6)
	e.expect(s4)
	e.expect(s6)

	dr := state.Server{Address: addr6(0x110), Port: 80, Method: "dr", Weight: 1}
	err := e.p.CreateServer(s4, dr)
	e.wantErrno("IPv6 dr server in an IPv4 service", err, unix.EINVAL)
	if err != nil && !strings.Contains(err.Error(), "other address family needs method tun") {
		e.t.Errorf("the error does not explain the cause: %v", err)
	}
	e.expect(s4)
}

func testUpdateService(e *env) {
	s := svc4(10, 80, "rr")
	s.Servers = []state.Server{server(110, 80), server(111, 80)}
	e.create(s)

	steps := []func(*state.Service){
		func(s *state.Service) { s.Scheduler, s.Persistence, s.Netmask = "wrr", 120, 24 },
		func(s *state.Service) {
			s.Scheduler, s.Flags, s.Persistence, s.Netmask = "sh", []string{"sh-port"}, 0, 32
		},
		func(s *state.Service) { s.Flags = []string{"sh-fallback", "sh-port"} },
		func(s *state.Service) { s.Scheduler, s.Flags, s.OnePacket = "mh", []string{"mh-fallback"}, true },
		func(s *state.Service) { s.Scheduler, s.Flags, s.OnePacket, s.Persistence = "rr", nil, false, 600 },
		func(s *state.Service) { s.Persistence = 0 },
	}
	for _, step := range steps {
		step(&s)
		if err := e.p.UpdateService(s); err != nil {
			e.t.Fatal(err)
		}
		// The servers survive: the service was changed, not replaced.
		e.expect(s)
	}

	v6 := svc6(10, 80, "wlc")
	v6.Persistence, v6.Netmask = 30, 64
	e.create(v6)
	v6.Netmask, v6.Scheduler = 48, "lc"
	if err := e.p.UpdateService(v6); err != nil {
		e.t.Fatal(err)
	}
	e.expect(v6)

	fw := state.Service{FWMark: fwmarkBase + 10, Family: "inet", Scheduler: "rr", Netmask: 32, Servers: []state.Server{server(112, 0)}}
	e.create(fw)
	fw.Scheduler, fw.Persistence, fw.Netmask = "sh", 10, 28
	if err := e.p.UpdateService(fw); err != nil {
		e.t.Fatal(err)
	}
	e.expect(fw)
}

func testUpdateServer(e *env) {
	s := svc4(11, 80, "wrr")
	s.Servers = []state.Server{server(113, 80), server(114, 80)}
	e.create(s)

	steps := []func(*state.Server){
		func(d *state.Server) { d.Weight = 5 },
		func(d *state.Server) { d.Method = "nat" },
		func(d *state.Server) {
			d.Method, d.TunnelType, d.TunnelPort, d.TunnelChecksum = "tun", "gue", 6080, "csum"
		},
		func(d *state.Server) { d.TunnelType, d.TunnelPort, d.TunnelChecksum = "gre", 0, "" },
		func(d *state.Server) { d.UpperThreshold, d.LowerThreshold = 100, 10 },
		func(d *state.Server) { d.UpperThreshold, d.LowerThreshold = 0, 0 },
		func(d *state.Server) { d.Method, d.TunnelType, d.Weight = "dr", "", 0 },
	}
	for _, step := range steps {
		step(&s.Servers[0])
		if err := e.p.UpdateServer(s, s.Servers[0]); err != nil {
			e.t.Fatal(err)
		}
		e.expect(s)
	}
}

func testTimeouts(e *env) {
	orig, err := e.p.Timeouts()
	if err != nil {
		e.t.Fatal(err)
	}
	if orig.TCP == 0 || orig.TCPFin == 0 || orig.UDP == 0 {
		e.t.Fatalf("timeouts %+v: the kernel never reports a zero timeout", orig)
	}
	e.t.Cleanup(func() {
		if err := e.p.SetTimeouts(orig); err != nil {
			e.t.Errorf("cleanup: restoring timeouts %+v: %v", orig, err)
		}
	})

	expect := func(want state.Timeouts) {
		e.t.Helper()
		got, err := e.p.Timeouts()
		if err != nil {
			e.t.Fatal(err)
		}
		if got != want {
			e.t.Errorf("timeouts: got %+v, want %+v", got, want)
		}
	}
	set := state.Timeouts{TCP: 1000, TCPFin: 130, UDP: 310}
	if err := e.p.SetTimeouts(set); err != nil {
		e.t.Fatal(err)
	}
	expect(set)

	// Zero leaves a timeout as it is.
	if err := e.p.SetTimeouts(state.Timeouts{TCPFin: 140}); err != nil {
		e.t.Fatal(err)
	}
	set.TCPFin = 140
	expect(set)
	if err := e.p.SetTimeouts(state.Timeouts{}); err != nil {
		e.t.Fatal(err)
	}
	expect(set)

	// Out of range (the kernel's timeout is an int of jiffies): nothing
	// changes, not even the valid values sent along.
	err = e.p.SetTimeouts(state.Timeouts{TCP: 1 << 31, UDP: 320})
	e.wantErrno("timeout 1<<31", err, unix.EINVAL)
	expect(set)
	if err != nil && !strings.Contains(err.Error(), "out of range") {
		e.t.Errorf("the error does not explain the cause: %v", err)
	}
}
