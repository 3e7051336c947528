package state_test

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lvsctl/lvsctl/engine/state"
)

func TestParseServiceID(t *testing.T) {
	for _, s := range []struct{ key, family string }{
		{"tcp/10.0.0.1:80", "inet"},
		{"udp/[2001:db8::1]:53", "inet6"},
		{"sctp/10.0.0.1:3868", "inet"},
		{"fwmark/1/inet", "inet"},
		{"fwmark/7/inet6", "inet6"},
	} {
		svc, err := state.ParseServiceID(s.key)
		if err != nil || svc.Key() != s.key || string(svc.Family) != s.family {
			t.Errorf("ParseServiceID(%q) = %+v, %v", s.key, svc, err)
		}
	}
	for _, bad := range []string{"", "tcp", "tcp/10.0.0.1", "fwmark/0/inet", "fwmark/1/ipx", "fwmark/x/inet", "tcp/[::1]"} {
		if svc, err := state.ParseServiceID(bad); err == nil {
			t.Errorf("ParseServiceID(%q) = %+v, want an error", bad, svc)
		}
	}
}

// FuzzParseServiceID checks that what parses comes back from its key.
func FuzzParseServiceID(f *testing.F) {
	for _, s := range []string{"tcp/10.0.0.1:80", "udp/[2001:db8::1]:53", "fwmark/1/inet", "fwmark/4294967295/inet6"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		svc, err := state.ParseServiceID(key)
		if err != nil {
			return
		}
		again, err := state.ParseServiceID(svc.Key())
		if err != nil {
			t.Fatalf("key %q of parsed %q does not parse: %v", svc.Key(), key, err)
		}
		if d := cmp.Diff(svc, again, cmpopts.EquateComparable(netip.Addr{})); d != "" {
			t.Fatalf("round trip of %q (-first +second):\n%s", key, d)
		}
	})
}
