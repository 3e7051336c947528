package config

import (
	"net/netip"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestParseServerLabel(t *testing.T) {
	tests := []struct {
		label   string
		want    string // AddrPort, port 0 when none
		hasPort bool
		bad     bool
	}{
		{label: "10.0.0.1", want: "10.0.0.1:0"},
		{label: "10.0.0.1:80", want: "10.0.0.1:80", hasPort: true},
		{label: "10.0.0.1:0", want: "10.0.0.1:0", hasPort: true},
		{label: "[2001:db8::1]:443", want: "[2001:db8::1]:443", hasPort: true},
		{label: "[2001:db8::1]", want: "[2001:db8::1]:0"},
		{label: "2001:db8::1", want: "[2001:db8::1]:0"},
		{label: "::ffff:10.0.0.1", want: "10.0.0.1:0"},
		{label: "[10.0.0.1]", bad: true},
		{label: "[2001:db8::1", bad: true},
		{label: "10.0.0.1:65536", bad: true},
		{label: "10.0.0.1:http", bad: true},
		{label: "[fe80::1%eth0]:80", bad: true},
		{label: "host.example:80", bad: true},
		{label: "", bad: true},
	}
	for _, tt := range tests {
		addr, port, hasPort, err := parseServerLabel(tt.label)
		if (err != nil) != tt.bad {
			t.Errorf("%q: err = %v, want error %v", tt.label, err, tt.bad)
			continue
		}
		if tt.bad {
			continue
		}
		if got := netip.AddrPortFrom(addr, port).String(); got != tt.want || hasPort != tt.hasPort {
			t.Errorf("%q = %s (port given %v), want %s (%v)", tt.label, got, hasPort, tt.want, tt.hasPort)
		}
	}
}

// FuzzParseServerLabel: what parses, prints back as a label that parses to
// the same server.
func FuzzParseServerLabel(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "10.0.0.1:80", "[2001:db8::1]:443", "2001:db8::1", "[::1]", "1.2.3.4:0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, label string) {
		addr, port, hasPort, err := parseServerLabel(label)
		if err != nil {
			return
		}
		again := addr.String()
		if hasPort {
			again = netip.AddrPortFrom(addr, port).String()
		}
		a2, p2, h2, err := parseServerLabel(again)
		if err != nil || a2 != addr || p2 != port || h2 != hasPort {
			t.Fatalf("%q parsed to %s %d %v, but its form %q to %s %d %v (%v)", label, addr, port, hasPort, again, a2, p2, h2, err)
		}
	})
}

func TestParseNetmask(t *testing.T) {
	tests := []struct {
		v       cty.Value
		maxBits int
		want    int // 0: an error
	}{
		{cty.StringVal("255.255.255.0"), 32, 24},
		{cty.StringVal("255.255.255.255"), 32, 32},
		{cty.StringVal("128.0.0.0"), 32, 1},
		{cty.StringVal("0.0.0.0"), 32, 0},
		{cty.StringVal("255.0.255.0"), 32, 0},
		{cty.StringVal("0.255.255.255"), 32, 0},
		{cty.StringVal("255.255.255.0"), 128, 0},
		{cty.StringVal("24"), 32, 24},
		{cty.NumberIntVal(24), 32, 24},
		{cty.NumberIntVal(64), 128, 64},
		{cty.NumberIntVal(33), 32, 0},
		{cty.NumberIntVal(0), 32, 0},
		{cty.NumberFloatVal(24.5), 32, 0},
		{cty.True, 32, 0},
	}
	for _, tt := range tests {
		got, err := parseNetmask(tt.v, tt.maxBits)
		if tt.want == 0 {
			if err == nil {
				t.Errorf("%#v: got %d, want an error", tt.v, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%#v: got %d, %v; want %d", tt.v, got, err, tt.want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	names := []string{"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "sh", "mh"}
	for in, want := range map[string]string{
		"wrrr":       ` Did you mean "wrr"?`,
		"lblcrr":     ` Did you mean "lblcr"?`,
		"roundrobin": "",
		"":           "",
	} {
		if got := didYouMean(in, names); got != want {
			t.Errorf("didYouMean(%q) = %q, want %q", in, got, want)
		}
	}
}
