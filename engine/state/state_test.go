package state

import (
	"encoding/json"
	"net/netip"
	"testing"
)

func host() Host {
	return Host{
		Name: "lvs",
		Services: []Service{
			{Protocol: "tcp", Address: netip.MustParseAddr("10.0.0.2"), Port: 80, Flags: []string{"sh-port", "sh-fallback"},
				Servers: []Server{{Address: netip.MustParseAddr("10.0.1.3"), Port: 80}, {Address: netip.MustParseAddr("10.0.1.2"), Port: 80}}},
			{Protocol: "tcp", Address: netip.MustParseAddr("10.0.0.1"), Port: 80},
		},
		Addresses: []Address{{Interface: "lo", Prefix: netip.MustParsePrefix("10.0.0.2/32")}, {Interface: "eth0", Prefix: netip.MustParsePrefix("10.0.0.9/24")}},
		Sysctls:   []Sysctl{{Name: "net.ipv4.ip_forward", Value: "1"}, {Name: "net.ipv4.conf.lo.arp_ignore", Value: "1"}},
		Owned: &Record{Addresses: []string{"lo/b", "lo/a"}, Sysctls: map[string]string{"x": "0"},
			Peers: map[string]Peer{"lvs": {Role: RoleDirector}}},
	}
}

func TestNormalizeSortsByKey(t *testing.T) {
	h := host()
	h.Normalize()
	got := []string{
		h.Services[0].Key(), h.Services[1].Key(),
		h.Services[1].Flags[0], h.Services[1].Servers[0].Key(),
		h.Addresses[0].Key(), h.Sysctls[0].Name, h.Owned.Addresses[0],
	}
	want := []string{
		"tcp/10.0.0.1:80", "tcp/10.0.0.2:80",
		"sh-fallback", "10.0.1.2:80",
		"eth0/10.0.0.9/24", "net.ipv4.conf.lo.arp_ignore", "lo/a",
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("position %d: got %q, want %q", i, got[i], want[i])
		}
	}
}

func TestCloneIsDeep(t *testing.T) {
	h := host()
	before, _ := json.Marshal(h)
	c := h.Clone()
	c.Normalize()
	c.Services[1].Servers[0].Weight = 9 // sorted: the service with servers is second
	c.Services[1].Flags[0] = "changed"
	c.Owned.Sysctls["x"] = "changed"
	c.Owned.Peers["new"] = Peer{}
	if after, _ := json.Marshal(h); string(after) != string(before) {
		t.Fatalf("changing the clone changed the original:\nbefore %s\nafter  %s", before, after)
	}
}
