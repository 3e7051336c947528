package plan_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

func digestHost() state.Host {
	return state.Host{
		Name: "lvs1",
		Services: []state.Service{
			{Protocol: "tcp", Address: netip.MustParseAddr("10.0.0.1"), Port: 80, Family: "inet", Scheduler: "wrr", Netmask: 32,
				Servers: []state.Server{
					{Address: netip.MustParseAddr("10.0.0.3"), Port: 80, Method: "dr", Weight: 1},
					{Address: netip.MustParseAddr("10.0.0.2"), Port: 80, Method: "dr", Weight: 1},
				}},
			{Protocol: "udp", Address: netip.MustParseAddr("10.0.0.1"), Port: 53, Family: "inet", Scheduler: "rr", Netmask: 32},
		},
		Addresses: []state.Address{
			{Interface: "lo", Prefix: netip.MustParsePrefix("127.0.0.1/8")},
			{Interface: "eth0", Prefix: netip.MustParsePrefix("10.0.0.1/32"), Label: "eth0:0"},
		},
		Owned: &state.Record{FormatVersion: "1", Addresses: []string{"lo/10.0.0.9/32", "eth0/10.0.0.1/32"}},
	}
}

func TestDigestIgnoresOrder(t *testing.T) {
	a := digestHost()
	b := digestHost()
	slices.Reverse(b.Services)
	slices.Reverse(b.Services[1].Servers)
	slices.Reverse(b.Addresses)
	slices.Reverse(b.Owned.Addresses)
	if plan.Digest(a) != plan.Digest(b) {
		t.Fatal("the digest depends on the order the host listed things in")
	}
	if got := plan.Digest(a); len(got) != 64 {
		t.Fatalf("digest %q is not sha256 hex", got)
	}
	// Digest must not sort the caller's slices.
	if b.Services[0].Protocol != "udp" || b.Owned.Addresses[0] != "eth0/10.0.0.1/32" {
		t.Fatal("Digest modified its argument")
	}
}

func TestDigestSeesChanges(t *testing.T) {
	base := plan.Digest(digestHost())
	for name, change := range map[string]func(*state.Host){
		"weight":  func(h *state.Host) { h.Services[0].Servers[0].Weight = 2 },
		"label":   func(h *state.Host) { h.Addresses[1].Label = "eth0:1" },
		"record":  func(h *state.Host) { h.Owned.Addresses = h.Owned.Addresses[:1] },
		"no rec":  func(h *state.Host) { h.Owned = nil },
		"sysctl":  func(h *state.Host) { h.Sysctls = []state.Sysctl{{Name: "net.ipv4.ip_forward", Value: "1"}} },
		"timeout": func(h *state.Host) { h.Timeouts = &state.Timeouts{TCP: 900} },
	} {
		h := digestHost()
		change(&h)
		if plan.Digest(h) == base {
			t.Errorf("%s: changing the state keeps the digest", name)
		}
	}
}

// TestNormalizedCopies: Normalized sorts a copy and leaves its argument as
// it was, for every golden case and a shuffled host (the sort order itself
// is state's, tested there).
func TestNormalizedCopies(t *testing.T) {
	hosts := []state.Host{digestHost()}
	for _, tc := range loadCases(t) {
		hosts = append(hosts, tc.desired, tc.live)
	}
	for _, h := range hosts {
		slices.Reverse(h.Services)
		slices.Reverse(h.Addresses)
		before := mustJSON(t, h)
		plan.Normalized(h)
		if after := mustJSON(t, h); after != before {
			t.Errorf("%s: Normalized changed its argument", h.Name)
		}
	}
}
