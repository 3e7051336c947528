package ipvs_test

import (
	"net/netip"
	"strings"
	"testing"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/cloudflare/ipvs/netmask"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs"
)

// wireOpts compare wire and state values with netip and netmask by value.
func wireOpts() cmp.Option {
	return cmpopts.EquateComparable(netip.Addr{}, netmask.Mask{})
}

var (
	vip4 = netip.MustParseAddr("10.0.0.1")
	vip6 = netip.MustParseAddr("2001:db8::1")
	rip4 = netip.MustParseAddr("10.0.0.2")
	rip6 = netip.MustParseAddr("2001:db8::2")
)

func TestServiceToWire(t *testing.T) {
	tests := []struct {
		name string
		in   state.Service
		want cfipvs.Service
	}{
		{
			"plain tcp",
			state.Service{Protocol: "tcp", Address: vip4, Port: 80, Family: "inet", Scheduler: "wlc", Netmask: 32},
			cfipvs.Service{Protocol: cfipvs.TCP, Address: vip4, Port: 80, Family: cfipvs.INET, Scheduler: "wlc", Netmask: netmask.MaskFrom(32, 32)},
		},
		{
			"family derived from the address",
			state.Service{Protocol: "udp", Address: vip6, Port: 53, Scheduler: "rr", Netmask: 128},
			cfipvs.Service{Protocol: cfipvs.UDP, Address: vip6, Port: 53, Family: cfipvs.INET6, Scheduler: "rr", Netmask: netmask.MaskFrom(128, 128)},
		},
		{
			"persistent with netmask",
			state.Service{Protocol: "tcp", Address: vip4, Port: 443, Scheduler: "rr", Persistence: 300, Netmask: 24},
			cfipvs.Service{Protocol: cfipvs.TCP, Address: vip4, Port: 443, Family: cfipvs.INET, Scheduler: "rr",
				Flags: cfipvs.ServicePersistent, Timeout: 300, Netmask: netmask.MaskFrom4([4]byte{255, 255, 255, 0})},
		},
		{
			"sh flags are scheduler options 1 and 2",
			state.Service{Protocol: "tcp", Address: vip4, Port: 80, Scheduler: "sh", Flags: []string{"sh-port", "sh-fallback"}, Netmask: 32},
			cfipvs.Service{Protocol: cfipvs.TCP, Address: vip4, Port: 80, Family: cfipvs.INET, Scheduler: "sh",
				Flags: cfipvs.ServiceSchedulerOpt1 | cfipvs.ServiceSchedulerOpt2, Netmask: netmask.MaskFrom(32, 32)},
		},
		{
			"mh port with one-packet",
			state.Service{Protocol: "udp", Address: vip4, Port: 53, Scheduler: "mh", Flags: []string{"mh-port"}, OnePacket: true, Netmask: 32},
			cfipvs.Service{Protocol: cfipvs.UDP, Address: vip4, Port: 53, Family: cfipvs.INET, Scheduler: "mh",
				Flags: cfipvs.ServiceSchedulerOpt2 | cfipvs.ServiceOnePacket, Netmask: netmask.MaskFrom(32, 32)},
		},
		{
			"fwmark defaults to inet",
			state.Service{FWMark: 7, Scheduler: "wrr", Netmask: 0},
			cfipvs.Service{FWMark: 7, Family: cfipvs.INET, Scheduler: "wrr", Netmask: netmask.MaskFrom(0, 32)},
		},
		{
			"fwmark inet6",
			state.Service{FWMark: 7, Family: "inet6", Scheduler: "wrr", Netmask: 64},
			cfipvs.Service{FWMark: 7, Family: cfipvs.INET6, Scheduler: "wrr", Netmask: netmask.MaskFrom(64, 128)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ipvs.ServiceToWire(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, wireOpts()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestServiceToWireErrors(t *testing.T) {
	ok := state.Service{Protocol: "tcp", Address: vip4, Port: 80, Scheduler: "rr", Netmask: 32}
	tests := []struct {
		name   string
		change func(*state.Service)
		want   string
	}{
		{"unknown protocol", func(s *state.Service) { s.Protocol = "icmp" }, `unknown protocol "icmp"`},
		{"no address", func(s *state.Service) { s.Address = netip.Addr{} }, "neither an address nor a fwmark"},
		{"family mismatch", func(s *state.Service) { s.Family = "inet6" }, `family "inet6" does not match address 10.0.0.1`},
		{"fwmark with protocol", func(s *state.Service) { s.FWMark = 1 }, "fwmark service has no protocol"},
		{"fwmark with bad family", func(s *state.Service) { *s = state.Service{FWMark: 1, Family: "ipx", Scheduler: "rr"} }, `unknown family "ipx"`},
		{"no scheduler", func(s *state.Service) { s.Scheduler = "" }, "no scheduler"},
		{"flag of another scheduler", func(s *state.Service) { s.Scheduler, s.Flags = "mh", []string{"sh-port"} }, `flag "sh-port" does not apply to scheduler "mh"`},
		{"flag on rr", func(s *state.Service) { s.Flags = []string{"sh-fallback"} }, `does not apply to scheduler "rr"`},
		{"netmask too long", func(s *state.Service) { s.Netmask = 33 }, "netmask /33 is out of range for inet (0..32)"},
		{"negative netmask", func(s *state.Service) { s.Netmask = -1 }, "netmask /-1 is out of range"},
		{"IPv6 netmask 0", func(s *state.Service) { s.Address, s.Netmask = vip6, 0 }, "netmask /0 is out of range for inet6 (1..128)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok
			tt.change(&s)
			_, err := ipvs.ServiceToWire(s)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestServiceRoundTrip(t *testing.T) {
	for _, s := range []state.Service{
		{Protocol: "tcp", Address: vip4, Port: 80, Family: "inet", Scheduler: "wlc", Netmask: 32},
		{Protocol: "sctp", Address: vip6, Port: 9, Family: "inet6", Scheduler: "lblcr", Netmask: 48, Persistence: 1},
		{Protocol: "udp", Address: vip4, Port: 53, Family: "inet", Scheduler: "sh", Flags: []string{"sh-fallback", "sh-port"}, Netmask: 0, Persistence: 60, OnePacket: true},
		{Protocol: "tcp", Address: vip4, Port: 0, Family: "inet", Scheduler: "mh", Flags: []string{"mh-fallback"}, Netmask: 20, Persistence: 1 << 20},
		{FWMark: 1 << 31, Family: "inet6", Scheduler: "fo", Netmask: 1},
		{FWMark: 1, Family: "inet", Scheduler: "ovf", Netmask: 32},
		{Protocol: "tcp", Address: vip4, Port: 80, Family: "inet", Scheduler: "rr", Flags: []string{"flag-3"}, Netmask: 32},
	} {
		t.Run(s.Key(), func(t *testing.T) {
			w, err := ipvs.ServiceToWire(s)
			if err != nil {
				t.Fatal(err)
			}
			// The kernel adds the hashed flag to what it reports.
			w.Flags |= cfipvs.ServiceHashed
			if diff := cmp.Diff(s, ipvs.ServiceFromWire(w), wireOpts()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestServiceFromWireUnknownValues(t *testing.T) {
	w := cfipvs.Service{
		Protocol:  99,
		Address:   vip4,
		Port:      80,
		Family:    7,
		Scheduler: "rr",
		Flags:     cfipvs.ServiceSchedulerOpt1 | cfipvs.ServiceSchedulerOpt3 | 0x40 | 0x80000000 | cfipvs.ServiceHashed,
		Timeout:   30, // without the persistent flag it means nothing
		Netmask:   netmask.MaskFrom4([4]byte{255, 0, 255, 0}),
	}
	want := state.Service{
		Protocol:  "proto(99)",
		Address:   vip4,
		Port:      80,
		Family:    "af(7)",
		Scheduler: "rr",
		Flags:     []string{"0x80000040", "flag-1", "flag-3"},
		Netmask:   -1,
	}
	if diff := cmp.Diff(want, ipvs.ServiceFromWire(w), wireOpts()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestServerToWire(t *testing.T) {
	tests := []struct {
		name string
		in   state.Server
		want cfipvs.Destination
	}{
		{"dr", state.Server{Address: rip4, Port: 80, Method: "dr", Weight: 1},
			cfipvs.Destination{Address: rip4, Port: 80, Family: cfipvs.INET, FwdMethod: cfipvs.DirectRoute, Weight: 1}},
		{"nat with thresholds", state.Server{Address: rip6, Port: 8080, Method: "nat", Weight: 3, UpperThreshold: 100, LowerThreshold: 10},
			cfipvs.Destination{Address: rip6, Port: 8080, Family: cfipvs.INET6, FwdMethod: cfipvs.Masquerade, Weight: 3, UpperThreshold: 100, LowerThreshold: 10}},
		{"tun defaults to ipip", state.Server{Address: rip4, Port: 80, Method: "tun"},
			cfipvs.Destination{Address: rip4, Port: 80, Family: cfipvs.INET, FwdMethod: cfipvs.Tunnel, TunnelType: cfipvs.IPIP}},
		{"tun gue", state.Server{Address: rip4, Port: 80, Method: "tun", TunnelType: "gue", TunnelPort: 6080, TunnelChecksum: "remcsum"},
			cfipvs.Destination{Address: rip4, Port: 80, Family: cfipvs.INET, FwdMethod: cfipvs.Tunnel, TunnelType: cfipvs.GUE, TunnelPort: 6080, TunnelFlags: cfipvs.TunnelEncapRemoteChecksum}},
		{"tun gre", state.Server{Address: rip4, Port: 80, Method: "tun", TunnelType: "gre", TunnelChecksum: "csum"},
			cfipvs.Destination{Address: rip4, Port: 80, Family: cfipvs.INET, FwdMethod: cfipvs.Tunnel, TunnelType: cfipvs.GRE, TunnelFlags: cfipvs.TunnelEncapChecksum}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ipvs.ServerToWire(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, wireOpts()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestServerToWireErrors(t *testing.T) {
	tests := []struct {
		name string
		in   state.Server
		want string
	}{
		{"no address", state.Server{Port: 80, Method: "dr"}, "server has no address"},
		{"unknown method", state.Server{Address: rip4, Method: "gre"}, `unknown method "gre"`},
		{"tunnel type on dr", state.Server{Address: rip4, Method: "dr", TunnelType: "gue"}, "tunnel settings need method tun, not dr"},
		{"tunnel port on nat", state.Server{Address: rip4, Method: "nat", TunnelPort: 1}, "need method tun"},
		{"unknown tunnel type", state.Server{Address: rip4, Method: "tun", TunnelType: "vxlan"}, `unknown tunnel type "vxlan"`},
		{"unknown checksum", state.Server{Address: rip4, Method: "tun", TunnelChecksum: "crc"}, `unknown tunnel checksum "crc"`},
		{"gue without port", state.Server{Address: rip4, Method: "tun", TunnelType: "gue"}, "gue needs a tunnel port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ipvs.ServerToWire(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestServerRoundTrip(t *testing.T) {
	for _, s := range []state.Server{
		{Address: rip4, Port: 80, Method: "dr", Weight: 1},
		{Address: rip6, Port: 0, Method: "nat", Weight: 65535, UpperThreshold: 9, LowerThreshold: 9},
		{Address: rip4, Port: 80, Method: "tun", TunnelType: "ipip", Weight: 0},
		{Address: rip6, Port: 80, Method: "tun", TunnelType: "gue", TunnelPort: 1, TunnelChecksum: "csum", Weight: 2},
		{Address: rip4, Port: 80, Method: "tun", TunnelType: "gre", TunnelChecksum: "remcsum", Weight: 2},
		{Address: rip4, Port: 80, Method: "local", Weight: 1},
		{Address: rip4, Port: 80, Method: "bypass", Weight: 1},
	} {
		t.Run(s.Key()+" "+string(s.Method), func(t *testing.T) {
			w, err := ipvs.ServerToWire(s)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(s, ipvs.ServerFromWire(w), wireOpts()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestServerFromWire(t *testing.T) {
	tests := []struct {
		name string
		in   cfipvs.Destination
		want state.Server
	}{
		{"tunnel settings of a dr server are ignored",
			cfipvs.Destination{Address: rip4, Port: 80, FwdMethod: cfipvs.DirectRoute, TunnelType: cfipvs.GUE, TunnelPort: 9, TunnelFlags: 1, Weight: 1},
			state.Server{Address: rip4, Port: 80, Method: "dr", Weight: 1}},
		{"unknown method",
			cfipvs.Destination{Address: rip4, Port: 80, FwdMethod: 6},
			state.Server{Address: rip4, Port: 80, Method: "fwd(6)"}},
		{"unknown tunnel type and flags",
			cfipvs.Destination{Address: rip4, Port: 80, FwdMethod: cfipvs.Tunnel, TunnelType: 9, TunnelFlags: 4},
			state.Server{Address: rip4, Port: 80, Method: "tun", TunnelType: "type(9)", TunnelChecksum: "flags(0x4)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ipvs.ServerFromWire(tt.in), wireOpts()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTimeoutsRoundTrip(t *testing.T) {
	in := state.Timeouts{TCP: 900, TCPFin: 120, UDP: 300}
	w := ipvs.TimeoutsToWire(in)
	if w != (cfipvs.Config{TCPTimeout: 900, TCPFinTimeout: 120, UDPTimeout: 300}) {
		t.Errorf("TimeoutsToWire(%+v) = %+v", in, w)
	}
	if got := ipvs.TimeoutsFromWire(w); got != in {
		t.Errorf("round trip: got %+v, want %+v", got, in)
	}
}
