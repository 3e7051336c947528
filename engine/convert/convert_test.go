package convert

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lvsctl/lvsctl/engine/state"
)

func TestDetect(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"ipvsadm", "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 1\n", KindIPVSSave},
		{"rules", "# saved\n-C\n-A -u 10.0.0.1:53 -s rr\n", KindIPVSSave},
		{"sysctl.conf", "net.ipv4.ip_forward = 1\n# c\nnet.ipv4.conf.all.arp_ignore=1\n", KindSysctl},
		{"keepalived.conf", "global_defs {\n}\n", KindKeepalived},
		{"ifcfg-lo:0", "DEVICE=lo:0\nIPADDR=10.0.0.1\n", KindIfcfg},
		{"lvs", "#!/bin/sh\nipvsadm -A -t 10.0.0.1:80\n", KindScript},
		{"lvs", "VIP=10.0.0.1\nipvsadm -A -t $VIP:80\n", KindScript},
	} {
		if got := Detect(tt.name, []byte(tt.src)); got != tt.want {
			t.Errorf("Detect(%s) = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestSharedServiceAndVariables(t *testing.T) {
	var hosts []*Host
	for _, name := range []string{"lvs1", "lvs2"} {
		h := NewHost(name)
		h.Files = []string{name}
		for _, args := range []string{"-A -t 10.0.0.1:80 -s rr", "-a -t 10.0.0.1:80 -r 10.0.0.11", "-A -t 10.0.0.1:443 -s rr", "-a -t 10.0.0.1:443 -r 10.0.0.11"} {
			h.IPVS(Pos{File: name, Line: 1}, args, strings.Fields(args))
		}
		hosts = append(hosts, h)
	}
	res, err := Convert(hosts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := string(res.HCL)
	if strings.Count(out, "virtual_server ") != 2 || strings.Count(out, `directors = ["lvs1", "lvs2"]`) != 2 {
		t.Errorf("the two directors' identical services are not shared:\n%s", out)
	}
	if !strings.Contains(out, `vip       = var.vip`) || !strings.Contains(out, `default = "10.0.0.1"`) {
		t.Errorf("a VIP used twice is not a variable:\n%s", out)
	}
}

func FuzzConvertSave(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "convert", "in", "*save*"))
	for _, name := range files {
		if src, err := os.ReadFile(name); err == nil {
			f.Add(string(src))
		}
	}
	f.Add("-A -t 10.0.0.1:80 -s sh -b sh-port\n-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -x 5 -y 9\n--set 1 0 3\n")
	f.Fuzz(func(t *testing.T, src string) {
		h := NewHost("h")
		if err := FromIPVSSave(h, "fuzz", strings.NewReader(src)); err != nil {
			return // an unreadable file (a line over the scanner's limit)
		}
		// Whatever ipvsadm -R would take, the output must validate.
		if _, err := Convert([]*Host{h}, Options{}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestResolveFromHosts(t *testing.T) {
	hosts := ParseHosts([]byte("# comment\n10.0.0.80 www.example.com www # the VIP\n2001:db8::1 www.example.com\n10.0.0.11\tWeb1\nbad line\n"))
	r := &Resolver{Lookup: hosts, Via: "the hosts file h"}
	h := NewHost("lvs")
	h.Files = []string{"save"}
	h.Resolver = r
	for i, line := range []string{"-A -t www:http -s rr", "-a -t www.example.com:80 -r web1:80 -g", "-a -t www:80 -r nosuch.example.com:80 -g"} {
		h.IPVS(Pos{File: "save", Line: i + 1}, line, strings.Fields(line))
	}
	if len(h.State.Services) != 1 || len(h.State.Services[0].Servers) != 1 {
		t.Fatalf("services = %+v, want one with one server", h.State.Services)
	}
	s := h.State.Services[0]
	if s.Address.String() != "10.0.0.80" || s.Port != 80 || s.Servers[0].Address.String() != "10.0.0.11" {
		t.Errorf("resolved service = %+v", s)
	}
	var got []string
	for _, n := range h.Notes {
		got = append(got, n.String())
	}
	want := []string{
		"save:1: note: www: resolved to 10.0.0.80 through the hosts file h, as ipvsadm would (its first IPv4 address)",
		"save:2: note: www.example.com: resolved to 10.0.0.80 through the hosts file h, as ipvsadm would (its first IPv4 address)",
		"save:2: note: web1: resolved to 10.0.0.11 through the hosts file h, as ipvsadm would (its first IPv4 address)",
		"save:3: left out: -a -t www:80 -r nosuch.example.com:80 -g: nosuch.example.com does not resolve through the hosts file h (not in the hosts file), so ipvsadm would refuse the line here; write the address",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestResolveTimeout(t *testing.T) {
	r := &Resolver{Lookup: blockingLookup{}, Via: "a resolver that never answers", Timeout: time.Millisecond}
	h := NewHost("lvs")
	h.Resolver = r
	h.IPVS(Pos{File: "save", Line: 1}, "-A -t www:80", []string{"-A", "-t", "www:80"})
	if len(h.State.Services) != 0 || len(h.Notes) != 1 || !strings.Contains(h.Notes[0].Why, "context deadline exceeded") {
		t.Errorf("a lookup that never answers: services %v, notes %v", h.State.Services, h.Notes)
	}
}

// blockingLookup answers only when the context ends, as a dead DNS server.
type blockingLookup struct{}

func (blockingLookup) LookupNetIP(ctx context.Context, _, _ string) ([]netip.Addr, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestVIPLabelsFollowCompile: only the VIPs whose labels differ from the
// IFACE:N lvsctl hands out in order get a vip block, and the others keep
// their numbers (a label of its own takes no number).
func TestVIPLabelsFollowCompile(t *testing.T) {
	h := NewHost("lvs")
	h.Files = []string{"lvs.sh"}
	for i, a := range []struct{ vip, label string }{{"10.0.0.1", "eth0:1"}, {"10.0.0.2", "eth0:0"}, {"10.0.0.3", "eth0:web"}, {"10.0.0.4", "eth0:1"}} {
		p := Pos{File: "lvs.sh", Line: i + 1}
		h.AddAddress(p, "", state.Address{Interface: "eth0", Label: a.label, Prefix: netip.MustParsePrefix(a.vip + "/32")})
		args := "-A -t " + a.vip + ":80 -s rr"
		h.IPVS(p, args, strings.Fields(args))
	}
	res, err := Convert([]*Host{h}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := string(res.HCL)
	for _, want := range []string{`vip "10.0.0.1"`, `label     = "eth0:1"`, `vip "10.0.0.3"`, `label     = "eth0:web"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, `vip "10.0.0.2"`) || strings.Contains(out, `vip "10.0.0.4"`) {
		t.Errorf("a VIP with the label lvsctl derives got a vip block:\n%s", out)
	}
	if len(res.Notes) != 0 {
		t.Errorf("notes: %v", res.Notes)
	}
}
