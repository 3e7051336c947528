package compile

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/internal/golden"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/lvsctl/lvsctl/engine/config"
	"github.com/lvsctl/lvsctl/engine/state"
)

// compiled is what a golden file holds: the targets and the diagnostics of
// compiling, each diagnostic as "Severity: summary (file:line): detail".
type compiled struct {
	Targets     []Target `json:"targets"`
	Diagnostics []string `json:"diagnostics,omitempty"`
}

// load loads a fixture that must be valid configuration and compiles it.
func load(t *testing.T, path string) compiled {
	t.Helper()
	cfg, diags := config.Load(path, config.Options{})
	if len(diags) > 0 {
		t.Fatalf("config diagnostics: %v", diags)
	}
	targets, diags := Compile(cfg)
	out := compiled{Targets: targets}
	for _, d := range diags {
		sev := "Error"
		if d.Severity == hcl.DiagWarning {
			sev = "Warning"
		}
		out.Diagnostics = append(out.Diagnostics, fmt.Sprintf("%s: %s (%s:%d): %s", sev, d.Summary, filepath.Base(d.Subject.Filename), d.Subject.Start.Line, d.Detail))
	}
	return out
}

func checkGolden(t *testing.T, path string, got compiled) {
	t.Helper()
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, path, append(data, '\n'))
}

// TestGolden compiles each testdata/*.hcl, one derivation rule per file, and
// compares the targets and diagnostics with testdata/NAME.json.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.hcl")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			checkGolden(t, strings.TrimSuffix(path, ".hcl")+".json", load(t, path))
		})
	}
}

// TestExamples: every example compiles without a diagnostic; its targets are
// kept as golden files so a change to derivation shows in review.
func TestExamples(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.hcl")
	if len(files) < 5 {
		t.Fatalf("found %d examples, want at least 5", len(files))
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".hcl")
		t.Run(name, func(t *testing.T) {
			got := load(t, path)
			if len(got.Diagnostics) > 0 {
				t.Errorf("diagnostics:\n%s", strings.Join(got.Diagnostics, "\n"))
			}
			checkGolden(t, filepath.Join("testdata", "examples", name+".json"), got)
		})
	}
}

// TestDerivationRules checks the rules of README.md (Configuration reference) "Derivation" directly
// on the compiled state, so that a wrong golden file cannot hide them.
func TestDerivationRules(t *testing.T) {
	type check struct {
		fixture, host string
		ok            func(h state.Host) string // "" when the rule holds
	}
	hasAddr := func(key, label string) func(state.Host) string {
		return func(h state.Host) string {
			for _, a := range h.Addresses {
				if a.Key() == key && a.Label == label {
					return ""
				}
			}
			return fmt.Sprintf("no address %s label %q in %v", key, label, h.Addresses)
		}
	}
	hasSysctl := func(name, value string) func(state.Host) string {
		return func(h state.Host) string {
			if v, ok := h.Sysctl(name); !ok || v != value {
				return fmt.Sprintf("sysctl %s = %q (set %v), want %q", name, v, ok, value)
			}
			return ""
		}
	}
	noSysctl := func(name string) func(state.Host) string {
		return func(h state.Host) string {
			if v, ok := h.Sysctl(name); ok {
				return fmt.Sprintf("sysctl %s = %q, want it left alone", name, v)
			}
			return ""
		}
	}
	hasRoute := func(dest, gw, dev string) func(state.Host) string {
		return func(h state.Host) string {
			for _, r := range h.Routes {
				if r.Destination.String() == dest && (gw == "" || r.Gateway.String() == gw) && r.Interface == dev {
					return ""
				}
			}
			return fmt.Sprintf("no route %s via %q dev %q in %v", dest, gw, dev, h.Routes)
		}
	}
	counts := func(addrs, routes, sysctls int) func(state.Host) string {
		return func(h state.Host) string {
			if len(h.Addresses) != addrs || len(h.Routes) != routes || len(h.Sysctls) != sysctls {
				return fmt.Sprintf("%d addresses, %d routes, %d sysctls; want %d, %d, %d", len(h.Addresses), len(h.Routes), len(h.Sysctls), addrs, routes, sysctls)
			}
			return ""
		}
	}
	checks := []check{
		{"dr", "lvs1", hasAddr("eth0/10.0.0.100/32", "eth0:0")},
		{"dr", "lvs1", hasAddr("eth0/10.0.0.101/32", "eth0:1")},
		{"dr", "lvs1", counts(2, 0, 0)}, // one alias per VIP, ip_forward left alone
		{"dr", "web1", hasAddr("lo/10.0.0.100/32", "lo:0")},
		{"dr", "web1", hasAddr("lo/10.0.0.101/32", "lo:1")},
		{"dr", "web1", hasSysctl("net.ipv4.conf.all.arp_ignore", "1")},
		{"dr", "web1", hasSysctl("net.ipv4.conf.lo.arp_ignore", "1")},
		{"dr", "web1", hasSysctl("net.ipv4.conf.all.arp_announce", "2")},
		{"dr", "web1", hasSysctl("net.ipv4.conf.lo.arp_announce", "2")},
		{"dr", "web1", hasRoute("10.0.0.100/32", "", "lo")},
		{"dr", "web2", counts(2, 2, 4)},
		{"dr-overrides", "web1", hasAddr("dummy0.5/10.0.0.100/32", "dummy0.5:0")},
		{"dr-overrides", "web1", hasSysctl("net.ipv4.conf.dummy0/5.arp_ignore", "2")},
		{"dr-overrides", "web1", hasSysctl("net.ipv4.conf.all.arp_announce", "1")},
		{"dr-overrides", "web1", counts(1, 1, 4)}, // the declared route only
		{"tun", "remote1", hasAddr("tunl0/10.0.0.100/32", "tunl0:0")},
		{"tun", "remote1", hasSysctl("net.ipv4.conf.all.rp_filter", "0")},
		{"tun", "remote1", hasSysctl("net.ipv4.conf.tunl0.rp_filter", "0")},
		{"tun", "remote1", hasSysctl("net.ipv4.conf.tunl0.arp_ignore", "1")},
		{"tun", "remote1", counts(1, 0, 6)},
		{"tun6", "remote1", hasAddr("ip6tnl0/2001:db8::100/128", "")},
		{"tun6", "remote1", counts(1, 0, 0)},
		{"nat", "lvs1", hasSysctl("net.ipv4.ip_forward", "1")},
		{"nat", "lvs1", counts(2, 0, 1)},
		{"nat", "web1", hasRoute("0.0.0.0/0", "10.0.0.1", "")},
		{"nat", "web1", counts(0, 1, 0)},
		{"nat", "web2", hasRoute("0.0.0.0/0", "10.0.0.254", "")},
		{"nat", "web2", counts(0, 1, 0)},
		{"nat", "web3", hasRoute("0.0.0.0/0", "10.0.0.2", "")},
		{"nat", "web4", counts(0, 0, 0)},
		{"ipv6", "lvs1", hasAddr("eth0/2001:db8::100/128", "")},
		{"ipv6", "lvs1", hasSysctl("net.ipv6.conf.all.forwarding", "1")},
		{"ipv6", "lvs1", noSysctl("net.ipv4.ip_forward")},
		{"ipv6", "web1", hasAddr("lo/2001:db8::100/128", "")},
		{"ipv6", "web1", hasRoute("2001:db8::100/128", "", "lo")},
		{"ipv6", "web1", counts(1, 1, 0)},
		{"ipv6", "web2", hasRoute("::/0", "2001:db8::1", "")},
		{"director-options", "lvs1", hasSysctl("net.ipv4.ip_forward", "0")},
		{"director-options", "lvs2", counts(0, 0, 0)},
		{"director-options", "lvs3", hasAddr("eth0/192.0.2.101/32", "eth0:0")},
		{"director-options", "lvs3", counts(1, 0, 0)}, // no alias for the fwmark service
		{"director-options", "marked", hasAddr("lo/192.0.2.101/32", "lo:0")},
		{"host-overrides", "lvs1", hasAddr("eth1/10.0.0.100/24", "eth1:vip")},
		{"host-overrides", "lvs1", hasAddr("eth0/10.0.0.101/32", "eth0:0")},
		{"host-overrides", "lvs1", hasRoute("224.0.0.0/4", "", "eth1")},
		{"host-overrides", "lvs1", hasSysctl("net.ipv4.conf.eth0.send_redirects", "0")},
		{"host-overrides", "lvs1", counts(3, 2, 3)},
		{"host-overrides", "lvs2", counts(1, 0, 0)}, // ip_forward unmanaged despite NAT
		{"host-overrides", "web1", hasAddr("lo/10.0.0.100/32", "lovip")},
		{"host-overrides", "web1", hasSysctl("net.ipv4.conf.all.arp_ignore", "3")},
		{"host-overrides", "web1", hasSysctl("net.ipv4.conf.eth0.arp_ignore", "1")},
		{"host-overrides", "remote1", hasAddr("tunl0/10.0.0.102/32", "")},
		{"host-overrides", "remote1", hasSysctl("net.ipv4.conf.tunl0.rp_filter", "2")},
		{"host-overrides", "remote1", hasRoute("10.0.0.102/32", "", "tunl0")},
	}
	hosts := make(map[string]map[string]state.Host)
	for _, c := range checks {
		if hosts[c.fixture] == nil {
			hosts[c.fixture] = make(map[string]state.Host)
			for _, tg := range load(t, filepath.Join("testdata", c.fixture+".hcl")).Targets {
				hosts[c.fixture][tg.Desired.Name] = tg.Desired
			}
		}
		h, ok := hosts[c.fixture][c.host]
		if !ok {
			t.Errorf("%s: no target %s", c.fixture, c.host)
			continue
		}
		if msg := c.ok(h); msg != "" {
			t.Errorf("%s/%s: %s", c.fixture, c.host, msg)
		}
	}
}

func TestServiceDefaults(t *testing.T) {
	got := load(t, "testdata/director-options.hcl").Targets
	var lvs3 state.Host
	for _, tg := range got {
		if tg.Desired.Name == "lvs3" {
			lvs3 = tg.Desired
		}
	}
	want := []state.Service{{
		Name: "marked", FWMark: 1, Family: "inet", Scheduler: "rr", Netmask: 32,
		Servers: []state.Server{{Address: mustAddr("10.0.0.21"), Port: 0, Method: "dr", Weight: 1}},
	}, {
		Name: "sticky", Protocol: "tcp", Address: mustAddr("192.0.2.101"), Port: 443, Family: "inet",
		Scheduler: "sh", Flags: []string{"sh-port"}, Persistence: 300, Netmask: 24,
		Servers: []state.Server{{Address: mustAddr("10.0.0.21"), Port: 443, Method: "dr", Weight: 1}},
	}}
	if diff := cmp.Diff(want, lvs3.Services, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

func BenchmarkCompileMany(b *testing.B) {
	cfg, diags := config.Load("../../examples/many.hcl", config.Options{})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	for b.Loop() {
		if _, diags := Compile(cfg); len(diags) > 0 {
			b.Fatal(diags)
		}
	}
}
