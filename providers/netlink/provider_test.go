package netlink_test

import (
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/netlink"
	"github.com/lvsctl/lvsctl/providers/netlink/nltest"
	vnl "github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// The tests here run twice: against the nltest fake and, as root, against
// the kernel in a network namespace of their own (TestX/netns), so the
// fake cannot drift from what the kernel does. Run the kernel half (root) with
//
//	sudo go test ./providers/netlink -run /netns -v

// netipEqual compares netip values with ==, as they are meant to be.
var netipEqual = cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})

// backend is a namespace to test in: lo (down) and eth0 (up).
type backend struct {
	name string
	open func(t *testing.T) netlink.Handle
}

var backends = []backend{
	{"fake", func(t *testing.T) netlink.Handle {
		f := nltest.New()
		f.AddLink("eth0", true)
		return f
	}},
	{"netns", func(t *testing.T) netlink.Handle {
		return nltest.NetnsHandle(t, nltest.Netns(t))
	}},
}

// forEach runs test against every backend, with eth0 holding
// 172.25.0.31/24 and 2001:db8::31/64.
func forEach(t *testing.T, test func(t *testing.T, p *netlink.Provider, h netlink.Handle)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			h := b.open(t)
			p := netlink.New(h)
			for _, a := range []state.Address{addr("eth0", "172.25.0.31/24", ""), addr("eth0", "2001:db8::31/64", "")} {
				if err := p.AddAddress(a); err != nil {
					t.Fatal(err)
				}
			}
			test(t, p, h)
		})
	}
}

func addr(iface, prefix, label string) state.Address {
	return state.Address{Interface: iface, Prefix: netip.MustParsePrefix(prefix), Label: label}
}

func addresses(t *testing.T, p *netlink.Provider) []state.Address {
	t.Helper()
	got, _, err := p.AddressesAndRoutes()
	if err != nil {
		t.Fatal(err)
	}
	h := state.Host{Addresses: got}
	h.Normalize()
	return h.Addresses
}

// eth0Addresses are what forEach leaves on eth0.
var eth0Addresses = []state.Address{addr("eth0", "172.25.0.31/24", ""), addr("eth0", "2001:db8::31/64", "")}

func TestAddAddressRealServerVIP(t *testing.T) {
	forEach(t, func(t *testing.T, p *netlink.Provider, h netlink.Handle) {
		vip := addr("lo", "172.25.0.100/32", "lo:0")
		if err := p.AddAddress(vip); err != nil {
			t.Fatal(err)
		}
		lo, err := h.LinkByName("lo")
		if err != nil || lo.Attrs().Flags&net.FlagUp == 0 {
			t.Fatalf("lo after adding an address to it: %v, %v; want it up", lo, err)
		}
		// lo coming up brings 127.0.0.1/8 and ::1 with it.
		loopback4, loopback6 := addr("lo", "127.0.0.1/8", ""), addr("lo", "::1/128", "")
		loopback4.Scope, loopback6.Scope = "host", "host"
		want := append(eth0Addresses, loopback4, vip, loopback6)
		if d := cmp.Diff(want, addresses(t, p), netipEqual); d != "" {
			t.Errorf("addresses (-want +got):\n%s", d)
		}
		// ifconfig lo:0 VIP netmask 255.255.255.255 leaves no peer and no broadcast.
		list, _ := h.AddrList(lo, vnl.FAMILY_V4)
		for _, a := range list {
			if a.IP.Equal(net.ParseIP("172.25.0.100")) && (a.Peer != nil || a.Broadcast != nil) {
				t.Errorf("the VIP has peer %v and broadcast %v, want neither", a.Peer, a.Broadcast)
			}
		}
	})
}

func TestAddressErrors(t *testing.T) {
	forEach(t, func(t *testing.T, p *netlink.Provider, _ netlink.Handle) {
		for _, tc := range []struct {
			name string
			a    state.Address
			want string
		}{
			{"label of another interface", addr("lo", "10.0.0.1/32", "eth0:0"), `label "eth0:0" must start with the interface name, e.g. lo:0`},
			{"label too long", addr("lo", "10.0.0.1/32", "lo:0123456789abc"), "longer than 15 bytes"},
			{"no tunl0", addr("tunl0", "10.0.0.1/32", ""), "interface tunl0 does not exist: load the ipip module (modprobe ipip)"},
			{"no such interface", addr("ens99", "10.0.0.1/32", ""), "interface ens99 does not exist: check the name against `ip link`"},
			{"already there", addr("eth0", "172.25.0.31/24", ""), "already there"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := p.AddAddress(tc.a)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("AddAddress(%v) = %v, want an error containing %q", tc.a, err, tc.want)
				}
			})
		}
		err := p.DeleteAddress(addr("eth0", "172.25.0.99/24", ""))
		if !errors.Is(err, unix.EADDRNOTAVAIL) || !strings.Contains(err.Error(), "it is not there") {
			t.Errorf("DeleteAddress of a missing address: %v", err)
		}
	})
}

// TestVIPBlockAddress: what a vip block can choose (a /24, any label that
// starts with the interface name, no label, a scope) is added and read back
// as it was given, and a scope change is a replacement.
func TestVIPBlockAddress(t *testing.T) {
	forEach(t, func(t *testing.T, p *netlink.Provider, _ netlink.Handle) {
		wide := addr("eth0", "192.0.2.100/24", "eth0vip") // own subnet: a secondary must share its primary's scope
		wide.Scope = "host"
		bare := addr("eth0", "172.25.0.101/32", "")
		bare.Scope = "link"
		for _, a := range []state.Address{wide, bare} {
			if err := p.AddAddress(a); err != nil {
				t.Fatal(err)
			}
		}
		want := []state.Address{bare, eth0Addresses[0], wide, eth0Addresses[1]} // by key
		if d := cmp.Diff(want, addresses(t, p), netipEqual); d != "" {
			t.Errorf("after adding (-want +got):\n%s", d)
		}
		global := wide
		global.Scope = ""
		if err := p.ReplaceAddress(wide, global); err != nil {
			t.Fatal(err)
		}
		want[2] = global
		if d := cmp.Diff(want, addresses(t, p), netipEqual); d != "" {
			t.Errorf("after the scope change (-want +got):\n%s", d)
		}
		for _, a := range []state.Address{global, bare} {
			if err := p.DeleteAddress(a); err != nil {
				t.Fatal(err)
			}
		}
		if d := cmp.Diff(eth0Addresses, addresses(t, p), netipEqual); d != "" {
			t.Errorf("after delete (-want +got):\n%s", d)
		}
	})
}

func TestReplaceAndDeleteAddress(t *testing.T) {
	forEach(t, func(t *testing.T, p *netlink.Provider, _ netlink.Handle) {
		a0 := addr("eth0", "172.25.0.100/32", "eth0:0")
		if err := p.AddAddress(a0); err != nil {
			t.Fatal(err)
		}
		// Same address, new label.
		a1 := addr("eth0", "172.25.0.100/32", "eth0:1")
		if err := p.ReplaceAddress(a0, a1); err != nil {
			t.Fatal(err)
		}
		// Another address altogether.
		a2 := addr("eth0", "172.25.0.101/32", "eth0:1")
		if err := p.ReplaceAddress(a1, a2); err != nil {
			t.Fatal(err)
		}
		want := append([]state.Address{a2}, eth0Addresses...)
		if d := cmp.Diff(want, addresses(t, p), netipEqual); d != "" {
			t.Errorf("after replaces (-want +got):\n%s", d)
		}
		if err := p.DeleteAddress(a2); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(eth0Addresses, addresses(t, p), netipEqual); d != "" {
			t.Errorf("after delete (-want +got):\n%s", d)
		}
	})
}

func route(dst, gw, iface string, table, metric int) state.Route {
	r := state.Route{Destination: netip.MustParsePrefix(dst), Interface: iface, Table: table, Metric: metric}
	if gw != "" {
		r.Gateway = netip.MustParseAddr(gw)
	}
	return r
}

func routes(t *testing.T, p *netlink.Provider) []state.Route {
	t.Helper()
	_, got, err := p.AddressesAndRoutes()
	if err != nil {
		t.Fatal(err)
	}
	h := state.Host{Routes: got}
	h.Normalize()
	return h.Routes
}

func TestRoutes(t *testing.T) {
	forEach(t, func(t *testing.T, p *netlink.Provider, _ netlink.Handle) {
		// The connected networks of eth0 are proto kernel: not reported.
		if got := routes(t, p); len(got) != 0 {
			t.Fatalf("routes of a fresh host: %v, want none", got)
		}
		add := []state.Route{
			route("172.25.0.100/32", "", "eth0", 0, 0),
			route("0.0.0.0/0", "172.25.0.1", "eth0", 0, 0),
			route("10.9.0.0/16", "172.25.0.2", "", 100, 5),
			route("2001:db8:1::/48", "2001:db8::1", "eth0", 0, 0),
		}
		for _, r := range add {
			if err := p.AddRoute(r); err != nil {
				t.Fatalf("AddRoute(%s): %v", r.Key(), err)
			}
		}
		want := []state.Route{
			route("0.0.0.0/0", "172.25.0.1", "eth0", 0, 0),
			route("10.9.0.0/16", "172.25.0.2", "eth0", 100, 5), // the kernel resolves the interface
			route("172.25.0.100/32", "", "eth0", 0, 0),
			route("2001:db8:1::/48", "2001:db8::1", "eth0", 0, 0), // metric 1024 reads as 0
		}
		if d := cmp.Diff(want, routes(t, p), netipEqual); d != "" {
			t.Errorf("routes (-want +got):\n%s", d)
		}

		if err := p.ReplaceRoute(route("0.0.0.0/0", "172.25.0.254", "eth0", 0, 0)); err != nil {
			t.Fatal(err)
		}
		for _, r := range want[1:] {
			if err := p.DeleteRoute(r); err != nil {
				t.Fatalf("DeleteRoute(%s): %v", r.Key(), err)
			}
		}
		if d := cmp.Diff([]state.Route{route("0.0.0.0/0", "172.25.0.254", "eth0", 0, 0)}, routes(t, p), netipEqual); d != "" {
			t.Errorf("after replace and deletes (-want +got):\n%s", d)
		}
	})
}

func TestRouteErrors(t *testing.T) {
	forEach(t, func(t *testing.T, p *netlink.Provider, _ netlink.Handle) {
		if err := p.AddRoute(route("172.25.0.100/32", "", "eth0", 0, 0)); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			op   func(state.Route) error
			r    state.Route
			want string
		}{
			{"exists", p.AddRoute, route("172.25.0.100/32", "", "eth0", 0, 0), "already there"},
			{"unreachable gateway", p.AddRoute, route("0.0.0.0/0", "10.1.1.1", "", 0, 0), "gateway 10.1.1.1 is not on any connected network"},
			{"missing", p.DeleteRoute, route("10.0.0.0/8", "", "eth0", 0, 0), "no such route"},
			{"mixed families", p.AddRoute, route("10.0.0.0/8", "2001:db8::1", "", 0, 0), "not of the same IP family"},
			{"no gateway nor interface", p.AddRoute, route("10.0.0.0/8", "", "", 0, 0), "needs a gateway or an interface"},
			{"missing interface", p.AddRoute, route("10.0.0.0/8", "", "tunl0", 0, 0), "modprobe ipip"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if err := tc.op(tc.r); err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("got %v, want an error containing %q", err, tc.want)
				}
			})
		}
	})
}

func TestUnprivileged(t *testing.T) {
	f := nltest.New()
	f.AddLink("eth0", true)
	p := netlink.New(f)
	if err := p.AddAddress(addr("eth0", "172.25.0.31/24", "")); err != nil {
		t.Fatal(err)
	}
	f.Unprivileged = true
	if _, _, err := p.AddressesAndRoutes(); err != nil {
		t.Errorf("reading needs no privilege: %v", err)
	}
	if err := p.AddAddress(addr("eth0", "172.25.0.100/32", "eth0:0")); !errors.Is(err, unix.EPERM) {
		t.Errorf("AddAddress without privilege: %v, want EPERM", err)
	}
	if err := p.AddRoute(route("10.0.0.0/8", "172.25.0.1", "", 0, 0)); !errors.Is(err, unix.EPERM) {
		t.Errorf("AddRoute without privilege: %v, want EPERM", err)
	}
}
