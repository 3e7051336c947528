package convert

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
