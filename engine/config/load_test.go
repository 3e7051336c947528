package config

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// cmpConfig compares typed config, leaving out source ranges and parse state.
var cmpConfig = []cmp.Option{
	cmpopts.IgnoreTypes(Source{}),
	cmpopts.IgnoreFields(Config{}, "Files", "Variables"),
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
}

func ptr[T any](v T) *T { return &v }

func TestLoadFull(t *testing.T) {
	cfg, diags := Load("testdata/valid/full.hcl", Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics:\n%s", renderDiags(t, cfg, diags))
	}
	a := netip.MustParseAddr
	want := &Config{
		Directors: []*Director{{
			Name: "lvs1", Netns: "lvs1", Interface: "eth0.100", Address: a("10.0.0.1"),
			VIPAlias: true, IPForward: ptr(false), OwnAllServices: true,
			Timeouts: &Timeouts{TCP: 900, TCPFin: 120, UDP: 300},
		}, {
			Name: "lvs2",
			SSH:  &SSH{Host: "192.0.2.10", Port: 2222, IdentityFile: "~/.ssh/id_ed25519"},
		}},
		RealServers: []*RealServer{{
			Name: "web1", Address: a("10.0.0.11"),
			SSH:       &SSH{Host: "10.0.0.11", User: "OPS"},
			ARPIgnore: ptr(2), ARPAnnounce: ptr(1), VIPInterface: "dummy0", VIPRoute: false,
			Routes: []*Route{
				{Destination: netip.MustParsePrefix("0.0.0.0/0"), Gateway: a("10.0.0.254"), Interface: "eth1", Metric: 10, Table: 100},
				{Destination: netip.MustParsePrefix("2001:db8:1::/48"), Gateway: a("2001:db8::1")},
			},
		}},
		VirtualServers: []*VirtualServer{{
			Name: "web", Directors: []string{"lvs1", "lvs2"}, Protocol: "tcp", VIP: a("10.0.0.100"), Port: 80,
			Family: "inet", Scheduler: "sh", Flags: []string{"sh-port", "sh-fallback"},
			Persistence: 300, PersistenceNetmask: 24, Method: "dr", Weight: 3,
			Servers: []*Server{
				{Address: a("10.0.0.11"), Port: 80, Method: "dr", Weight: 3, UpperThreshold: 100, LowerThreshold: 50},
				{Address: a("10.0.0.12"), Port: 80, Method: "dr", Weight: 3, UpperThreshold: 200, LowerThreshold: 50},
			},
		}, {
			Name: "dns", Directors: []string{"lvs1"}, Protocol: "udp", VIP: a("10.0.0.100"), Port: 53,
			Family: "inet", Scheduler: "wlc", OnePacket: true, Method: "tun", Weight: 1,
			Servers: []*Server{
				{Address: a("10.0.0.21"), Port: 53, Method: "tun", Weight: 1, TunnelType: "gue", TunnelPort: 6080, TunnelChecksum: "remcsum"},
				{Address: a("10.0.0.22"), Port: 53, Method: "tun", Weight: 0, TunnelType: "ipip"},
			},
		}, {
			Name: "marked6", Directors: []string{"lvs1"}, FWMark: 7, Family: "inet6", Scheduler: "mh",
			Flags: []string{"mh-port"}, Persistence: 60, PersistenceNetmask: 64, Method: "nat", Weight: 1,
			Servers: []*Server{
				{Address: a("2001:db8::11"), Port: 0, Method: "nat", Weight: 1},
				{Address: a("2001:db8::12"), Port: 0, Method: "nat", Weight: 1},
			},
		}},
	}
	if diff := cmp.Diff(want, cfg, cmpConfig...); diff != "" {
		t.Errorf("config mismatch (-want +got):\n%s", diff)
	}

	// Ranges are kept for later stages to point at.
	vs := cfg.VirtualServers[0]
	if r := vs.AttrRange("vip"); r.Start.Line != 56 || r.Filename != "testdata/valid/full.hcl" {
		t.Errorf("vip range = %v, want line 56 of full.hcl", r)
	}
	if r := vs.AttrRange("one_packet"); r != vs.DefRange {
		t.Errorf("range of an unset attribute = %v, want the block's %v", r, vs.DefRange)
	}
	if vs.Servers[1].DefRange.Start.Line == 0 {
		t.Error("a server from a dynamic block has no range")
	}
}

func TestVariablePrecedence(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write("main.hcl", `
variable "weight" {
  type    = number
  default = 1
}
variable "vip" {}
variable "rips" {
  type    = list(string)
  default = []
}
`)
	varFile := write("prod.vars", "weight = 3\nvip = \"10.0.0.3\"\n")
	jsonFile := write("prod.json", `{"rips": ["10.0.0.11"]}`)

	tests := []struct {
		name   string
		opts   Options
		weight int64
		vip    string
		rips   int
	}{
		{"defaults", Options{Vars: map[string]string{"vip": "10.0.0.1"}}, 1, "10.0.0.1", 0},
		{"env over default", Options{Env: []string{"PATH=/bin", "LVSCTL_VAR_weight=2", "LVSCTL_VAR_vip=10.0.0.2", "LVSCTL_VAR_other=x"}}, 2, "10.0.0.2", 0},
		{"var file over env", Options{Env: []string{"LVSCTL_VAR_weight=2"}, VarFiles: []string{varFile, jsonFile}}, 3, "10.0.0.3", 1},
		{"-var over var file", Options{VarFiles: []string{varFile}, Vars: map[string]string{"weight": "4", "rips": `["10.0.0.11", "10.0.0.12"]`}}, 4, "10.0.0.3", 2},
		{"string variables are literal", Options{Vars: map[string]string{"vip": `["not", "a", "list"]`}}, 1, `["not", "a", "list"]`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := Load(dir, tt.opts)
			if diags.HasErrors() {
				t.Fatalf("diagnostics:\n%s", renderDiags(t, cfg, diags))
			}
			w, _ := cfg.Variables["weight"].AsBigFloat().Int64()
			got := []any{w, cfg.Variables["vip"].AsString(), cfg.Variables["rips"].LengthInt()}
			if diff := cmp.Diff([]any{tt.weight, tt.vip, tt.rips}, got); diff != "" {
				t.Errorf("weight, vip, rips (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("unknowns", func(t *testing.T) {
		// Without a value and with Unknowns, a required variable is an
		// unknown of its type rather than an error; a value, when given,
		// is used as ever.
		cfg, diags := Load(dir, Options{Unknowns: true})
		if diags.HasErrors() {
			t.Fatalf("diagnostics:\n%s", renderDiags(t, cfg, diags))
		}
		if diff := cmp.Diff([]string{"vip"}, cfg.Unknown); diff != "" {
			t.Errorf("Unknown (-want +got):\n%s", diff)
		}
		if v := cfg.Variables["vip"]; v.IsKnown() {
			t.Errorf("var.vip = %#v, want unknown", v)
		}
		cfg, diags = Load(dir, Options{Unknowns: true, Vars: map[string]string{"vip": "10.0.0.1"}})
		if diags.HasErrors() || len(cfg.Unknown) != 0 || cfg.Variables["vip"].AsString() != "10.0.0.1" {
			t.Errorf("with a value: unknown %v, vip %#v, diagnostics %v", cfg.Unknown, cfg.Variables["vip"], diags)
		}
	})

	t.Run("errors", func(t *testing.T) {
		_, diags := Load(dir, Options{Vars: map[string]string{"vip": "x", "wieght": "2", "weight": "heavy"}})
		var summaries []string
		for _, d := range diags {
			summaries = append(summaries, d.Summary)
		}
		want := []string{"Invalid value for variable", "Value for undeclared variable"}
		if diff := cmp.Diff(want, summaries); diff != "" {
			t.Errorf("diagnostics (-want +got):\n%s", diff)
		}
	})
}

func TestFunctions(t *testing.T) {
	tests := []struct{ expr, want string }{
		{`cidrhost("10.0.0.0/24", 5)`, "10.0.0.5"},
		{`cidrhost("10.0.0.0/24", -2)`, "10.0.0.254"},
		{`cidrhost("2001:db8::/64", 16)`, "2001:db8::10"},
		{`cidrsubnet("10.0.0.0/16", 8, 3)`, "10.0.3.0/24"},
		{`cidrsubnet("2001:db8::/32", 16, 255)`, "2001:db8:ff::/48"},
		{`cidrnetmask("10.0.0.0/20")`, "255.255.240.0"},
		{`cidrnetmask("0.0.0.0/0")`, "0.0.0.0"},
		{`cidrnetmask("10.0.0.1/32")`, "255.255.255.255"},
		{`join(",", [for i in range(3) : format("%02d", i)])`, "00,01,02"},
		{`tostring(lookup(merge({a = 1}, {b = 2}), "b", 0))`, "2"},
		{`tostring(try(tonumber("x"), 7))`, "7"},
		{`tostring(length(split(".", "a.b.c")))`, "3"},
		{`tostring(can(cidrhost("nope", 1)))`, "false"},
		{`upper(lower("LvS"))`, "LVS"},
		{`join("-", concat(["a"], ["b"]))`, "a-b"},
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "f.hcl")
	for _, tt := range tests {
		src := "director \"d\" {\n  netns = " + tt.expr + "\n}\n"
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, diags := Load(path, Options{})
		if len(diags) > 0 {
			t.Errorf("%s: %v", tt.expr, diags)
			continue
		}
		if got := cfg.Directors[0].Netns; got != tt.want {
			t.Errorf("%s = %q, want %q", tt.expr, got, tt.want)
		}
	}
}

// TestLoadDirectory: every *.hcl of a directory, in name order, one configuration.
func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"b-services.hcl": "virtual_server \"web\" {\n  directors = [\"lvs1\"]\n  vip = var.vip\n  port = 80\n}\n",
		"a-hosts.hcl":    "director \"lvs1\" {\n  interface = \"eth0\"\n}\nvariable \"vip\" {\n  default = \"10.0.0.100\"\n}\n",
		"notes.txt":      "not configuration {",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, diags := Load(dir, Options{})
	if len(diags) > 0 {
		t.Fatalf("diagnostics:\n%s", renderDiags(t, cfg, diags))
	}
	if len(cfg.Files) != 2 || len(cfg.Directors) != 1 || len(cfg.VirtualServers) != 1 {
		t.Fatalf("got %d files, %d directors, %d services; want 2, 1, 1", len(cfg.Files), len(cfg.Directors), len(cfg.VirtualServers))
	}
	if got := cfg.VirtualServers[0].VIP.String(); got != "10.0.0.100" {
		t.Errorf("vip = %s, want the variable from the other file", got)
	}
}

func BenchmarkLoadMany(b *testing.B) {
	for b.Loop() {
		if _, diags := Load("../../examples/many.hcl", Options{}); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}
