package config

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/lvsctl/lvsctl/engine/config/configtest"
)

// sameLoad loads path piece by piece and whole, and fails unless the
// piecewise load either gave up or found exactly what the whole one did:
// the same configuration, diagnostics and navigation for rendering them.
// It reports whether the piecewise load was used.
func sameLoad(t *testing.T, path string, opts Options, size int) bool {
	t.Helper()
	l := newLoader(opts)
	l.pieceSize = size
	got, gd, ok := l.loadStreaming(path)
	if !ok {
		return false
	}
	want, wd := newLoader(opts).loadWhole(path)
	if g, w := fmt.Sprint(gd), fmt.Sprint(wd); g != w {
		t.Fatalf("%s: diagnostics differ:\npieces: %s\nwhole:  %s", path, g, w)
	}
	gf, wf := got.Files, want.Files
	got.Files, want.Files = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: the configurations differ", path)
	}
	if len(gf) != len(wf) {
		t.Fatalf("%s: %d files, want %d", path, len(gf), len(wf))
	}
	type nav interface {
		ContextString(int) string
		ContextDefRange(int) hcl.Range
	}
	for name, w := range wf {
		g := gf[name]
		if g == nil || string(g.Bytes) != string(w.Bytes) {
			t.Fatalf("%s: file %s not kept whole", path, name)
		}
		gn, gok := g.Nav.(nav)
		wn, wok := w.Nav.(nav)
		if gok != wok {
			t.Fatalf("%s: file %s: navigation %v, want %v", path, name, gok, wok)
		}
		if !gok {
			continue
		}
		for off := 0; off <= len(w.Bytes); off += 1 + len(w.Bytes)/2000 {
			if gn.ContextString(off) != wn.ContextString(off) || gn.ContextDefRange(off) != wn.ContextDefRange(off) {
				t.Fatalf("%s: file %s: context at offset %d differs", path, name, off)
			}
		}
	}
	return true
}

// dynamics are the dynamic blocks of servers bigConfig writes: a plain
// one (expanded by expandPlain), one with a template label, one over a
// map's keys, and one with content (expanded by dynblock).
var dynamics = []string{
	"  dynamic \"server\" {\n    for_each = local.rips\n    labels = [server.value]\n    content {}\n  }\n",
	"  dynamic \"server\" {\n    for_each = local.hosts\n    labels = [\"${server.value}:8080\"]\n    content {}\n  }\n",
	"  dynamic \"server\" {\n    for_each = local.byname\n    labels = [server.key]\n    content {}\n  }\n",
	"  dynamic \"server\" {\n    for_each = local.rips\n    labels = [server.value]\n    content { weight = var.w }\n  }\n",
}

// bigConfig writes n services of m servers, with extra (variables,
// locals, a cluster name, comments) placed where at says: "start", "middle"
// or "end" of the file. Dynamic services take their servers from a dynamic
// block of dynamics in turn.
func bigConfig(n, m int, dynamic bool, extra, at string) string {
	var sb strings.Builder
	if at == "start" {
		sb.WriteString(extra)
	}
	sb.WriteString("director \"lvs\" {\n  netns = \"lvs\"\n  interface = \"eth0\"\n}\n\n")
	for i := range n {
		if i == n/2 && at == "middle" {
			sb.WriteString(extra)
		}
		fmt.Fprintf(&sb, "virtual_server \"s%d\" {\n  directors = [\"lvs\"]\n  vip = \"10.1.%d.%d\"\n  port = 80\n  method = \"nat\"\n", i, i/250, 1+i%250)
		if dynamic {
			sb.WriteString(dynamics[i%len(dynamics)] + "}\n\n")
			continue
		}
		for j := range m {
			fmt.Fprintf(&sb, "  server \"172.16.0.%d:80\" { weight = %d }\n", 1+j, j)
		}
		sb.WriteString("}\n# a comment {\n\n")
	}
	if at == "end" {
		sb.WriteString(extra)
	}
	return sb.String()
}

// benchConfig is what bench/validate.sh generates (configtest.Scale).
func benchConfig(n, m int, dynamic bool) string { return configtest.Scale(n, m, dynamic) }

func TestLoadStreamingSameAsWhole(t *testing.T) {
	var paths []string
	for _, glob := range []string{"testdata/valid/*.hcl", "testdata/invalid/*.hcl", "../compile/testdata/*.hcl", "../../examples/*.hcl"} {
		files, _ := filepath.Glob(glob)
		paths = append(paths, files...)
	}
	dir := t.TempDir()
	const extra = "variable \"w\" {\n  default = 3\n}\n\nlocals {\n  rips = [for j in range(4) : \"172.16.1.${j + 1}:80\"]\n  hosts = [\"172.16.2.1\", \"172.16.2.2\"]\n  byname = { \"172.16.3.1:80\" = 1, \"172.16.3.2:80\" = 2 }\n}\n\ncluster = \"big\"\n\n"
	for _, dynamic := range []bool{false, true} {
		for _, at := range []string{"start", "middle", "end"} {
			path := filepath.Join(dir, fmt.Sprintf("big-%v-%s.hcl", dynamic, at))
			if err := os.WriteFile(path, []byte(bigConfig(400, 4, dynamic, extra, at)), 0o644); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, path)
		}
	}
	// bench/validate.sh's files, and services setting every kind of
	// plain value scanPlainBody reads.
	for i, src := range []string{benchConfig(300, 10, false), benchConfig(300, 10, true), richConfig(200)} {
		path := filepath.Join(dir, fmt.Sprintf("plain-%d.hcl", i))
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	// Duplicated VIPs: validation's messages, rendered with the navigation.
	path := filepath.Join(dir, "dup.hcl")
	src := strings.ReplaceAll(bigConfig(400, 2, false, "", ""), "10.1.1.", "10.1.0.")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	paths = append(paths, path)

	used := 0
	for _, p := range paths {
		for _, size := range []int{0, 1, 300} {
			if sameLoad(t, p, Options{}, size) {
				used++
			}
		}
	}
	// The big ones, and the valid examples, must not fall back.
	if used < 33 {
		t.Fatalf("only %d of %d configurations were loaded piece by piece", used, len(paths))
	}
}

// FuzzLoadStreaming: whatever the input, loading piece by piece either
// gives up (and the whole load is used) or finds what the whole load does.
func FuzzLoadStreaming(f *testing.F) {
	f.Add(bigConfig(3, 2, false, "locals {\n  a = 1\n}\n", "middle"), 40)
	f.Add(bigConfig(3, 2, true, "variable \"w\" {\n  default = 1\n}\nlocals {\n  rips = [\"10.0.0.1\"]\n}\n", "end"), 1)
	f.Add(bigConfig(2, 1, false, "cluster = \"x\"\ncluster = \"y\"\n", "start"), 10)
	f.Add(benchConfig(3, 3, false), 100)
	f.Add(benchConfig(3, 3, true), 0)
	f.Add(richConfig(1), 200)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src string, size int) {
		if size < 0 || size > len(src)+1 {
			return
		}
		path := filepath.Join(dir, "fuzz.hcl")
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		sameLoad(t, path, Options{}, size)
	})
}

// richConfig is n services of plain values of every kind (strings, whole
// numbers, booleans, lists, nested blocks), all valid.
func richConfig(n int) string {
	var sb strings.Builder
	sb.WriteString(`cluster = "rich"

variable "port" {
  type    = number
  default = 53
}

locals {
  method = "nat"
  dirs   = ["lvs"]
}

director "lvs" {
  interface = "eth0"
  address   = "10.9.0.1"
  vip_alias = false
  ssh {
    host = "lvs.example"
    user = "root"
    port = 2222
  }
  timeouts {
    tcp    = 900
    tcpfin = 120
    udp    = 300
  }
}

real_server "rs1" {
  address        = "172.16.0.1"
  netns          = "rs1"
  arp_interfaces = ["eth1", "eth2",]
}

`)
	for i := range n {
		fmt.Fprintf(&sb, `virtual_server "s%d" {
  directors = local.dirs
  protocol  = "udp"
  vip       = "10.2.%d.%d"
  port      = var.port
  scheduler = "sh"
  flags     = ["sh-port"]
  persistence = 300
  persistence_netmask = 24
  one_packet = true
  method    = local.method
  weight    = 5
  drain_timeout = 30
  server "172.16.0.1" {}
  server "172.16.0.2:5353" {
    weight          = 7
    upper_threshold = 100
    lower_threshold = 10
  }
}

virtual_server "f%d" {
  directors = ["lvs"]
  fwmark    = %d
  family    = "inet6"
  method    = "tun"
  server "[2001:db8::1]" {
    tunnel_type = "gue"
    tunnel_port = 6080
  }
}

`, i, i/250, 1+i%250, i, 1+i)
	}
	return sb.String()
}

func TestRichConfigIsValidAndPlain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rich.hcl")
	if err := os.WriteFile(path, []byte(richConfig(3)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, diags := newLoader(Options{}).loadWhole(path); len(diags) > 0 {
		t.Fatal(diags)
	}
	src := []byte(richConfig(3))
	for _, p := range splitPieces(src, 0, 300) {
		if _, ok := scanPlainBody(src[p.start.Byte:p.end], p.start, path); !ok {
			t.Errorf("piece at %v left to hcl:\n%s", p.start, src[p.start.Byte:p.end])
		}
	}
}
