package plan

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/state"
)

func TestLockouts(t *testing.T) {
	pf, ad := netip.MustParsePrefix, netip.MustParseAddr
	eth0 := state.Address{Interface: "eth0", Prefix: pf("198.18.1.2/24")}
	extra := state.Address{Interface: "eth0", Prefix: pf("198.18.1.9/24")}
	vip := state.Address{Interface: "lo", Prefix: pf("172.25.0.100/32"), Label: "lo:0"}
	dflt := state.Route{Destination: pf("0.0.0.0/0"), Gateway: ad("198.18.1.1"), Interface: "eth0"}
	live := state.Host{Addresses: []state.Address{eth0, extra, vip}, Routes: []state.Route{dflt}}
	onLink := Session{Local: ad("198.18.1.2"), Peer: ad("198.18.1.1")}
	routed := Session{Local: ad("198.18.1.2"), Peer: ad("203.0.113.7")}

	delAddr := func(a state.Address) Change {
		return Change{Kind: KindAddress, Address: Address(KindAddress, a.Key()), Action: Delete, Before: &Resource{Address: &a}}
	}
	route := func(act Action, before, after *state.Route) Change {
		c := Change{Kind: KindRoute, Action: act, Before: &Resource{Route: before}, After: &Resource{Route: after}}
		if before != nil {
			c.Address = Address(KindRoute, before.Key())
		} else {
			c.Address = Address(KindRoute, after.Key())
		}
		return c
	}
	host := func(r state.Route) *state.Route { return &r }

	for _, tc := range []struct {
		name   string
		s      Session
		change Change
		want   string // part of the refusal; "" = allowed
	}{
		{"delete the session's address", onLink, delAddr(eth0), "arrives at 198.18.1.2"},
		{"delete another address of its subnet", onLink, delAddr(extra), ""},
		{"delete a VIP", onLink, delAddr(vip), ""},
		{"delete the route replies take", routed, route(Delete, &dflt, nil), "leave by this route"},
		{"change the route replies take", routed, route(Update, &dflt, host(state.Route{Destination: dflt.Destination, Gateway: ad("198.18.1.254")})), "leave by this route"},
		{"delete the default route when the peer is on-link", onLink, route(Delete, &dflt, nil), ""},
		{"a host route to the peer elsewhere", routed, route(Create, nil, host(state.Route{Destination: pf("203.0.113.0/24"), Gateway: ad("198.18.1.254")})), "instead of route 0.0.0.0/0"},
		{"a route that goes the same way", routed, route(Create, nil, host(state.Route{Destination: pf("203.0.113.0/24"), Gateway: ad("198.18.1.1"), Interface: "eth0"})), ""},
		{"a route to elsewhere", routed, route(Create, nil, host(state.Route{Destination: pf("10.0.0.0/8"), Gateway: ad("198.18.1.254")})), ""},
		{"a route in another table", routed, route(Create, nil, host(state.Route{Destination: pf("203.0.113.0/24"), Gateway: ad("198.18.1.254"), Table: 100})), ""},
		{"no session", Session{}, delAddr(eth0), ""},
	} {
		got := Lockouts(HostPlan{Changes: []Change{tc.change}}, live, tc.s)
		switch {
		case tc.want == "" && len(got) > 0:
			t.Errorf("%s: refused: %v", tc.name, got)
		case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want) || !strings.HasPrefix(got[0], tc.change.Address+": ")):
			t.Errorf("%s: got %q, want one refusal of %s saying %q", tc.name, got, tc.change.Address, tc.want)
		}
	}
	err := LockoutError("web1", onLink, Lockouts(HostPlan{Changes: []Change{delAddr(eth0)}}, live, onLink))
	if !strings.Contains(err.Error(), "host web1") || !strings.Contains(err.Error(), "198.18.1.1 → 198.18.1.2") || !strings.Contains(err.Error(), "another address") {
		t.Errorf("LockoutError = %v", err)
	}
}
