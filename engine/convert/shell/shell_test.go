package shell

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lvsctl/lvsctl/engine/convert"
)

func run(t *testing.T, src string, opts Options) (*convert.Host, error) {
	t.Helper()
	h := convert.NewHost("h")
	err := Run(context.Background(), h, "test.sh", []byte(src), opts)
	return h, err
}

func TestEndlessLoopIsStopped(t *testing.T) {
	for name, src := range map[string]string{
		"commands":    "while :; do sleep 1; done",
		"no commands": "while [[ 1 ]]; do x=1; done",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := run(t, src, Options{MaxSteps: 1000, Timeout: 500 * time.Millisecond})
			if !errors.Is(err, ErrUnfinished) {
				t.Fatalf("got %v, want ErrUnfinished", err)
			}
			if !strings.Contains(err.Error(), "test.sh: the script did not finish") {
				t.Errorf("error does not say which script: %v", err)
			}
		})
	}
}

func TestBranches(t *testing.T) {
	src := `case "$1" in
start) ipvsadm -A -t 10.0.0.1:80 -s rr ;;
stop) ipvsadm -A -t 10.0.0.2:80 -s rr ;;
esac`
	for _, tt := range []struct {
		opts Options
		want string
	}{
		{Options{}, "tcp/10.0.0.1:80"},
		{Options{Args: []string{"stop"}}, "tcp/10.0.0.2:80"},
		{Options{Branch: "stop"}, "tcp/10.0.0.2:80"},
	} {
		h, err := run(t, src, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.State.Services) != 1 || h.State.Services[0].Key() != tt.want {
			t.Errorf("%+v: services %+v, want %s", tt.opts, h.State.Services, tt.want)
		}
	}
}

func TestSelectMenuAnswered(t *testing.T) {
	src := "select a in stop start; do case $a in start) ipvsadm -A -t 10.0.0.1:80 ;; esac; break; done\n"
	h, err := run(t, src, Options{Branch: "start"})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.State.Services) != 1 {
		t.Fatalf("select menu not answered: %+v", h.State)
	}
}

func TestNothingRunsOnThisMachine(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	src := "touch " + marker + "\necho x > " + marker + "\n/bin/sh -c 'echo x > " + marker + "'\n"
	if _, err := run(t, src, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the script touched this machine: %v", err)
	}
}

func TestSysctlAndPositions(t *testing.T) {
	src := "#!/bin/sh\n# comment\nV=1\necho $V > /proc/sys/net/ipv4/ip_forward\nsysctl -w net.ipv4.conf.all.arp_ignore=1\necho 2 | tee /proc/sys/net/ipv4/conf/all/arp_announce\n"
	h, err := run(t, src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"net.ipv4.ip_forward": "1", "net.ipv4.conf.all.arp_ignore": "1", "net.ipv4.conf.all.arp_announce": "2"} {
		if v, _ := h.State.Sysctl(name); v != want {
			t.Errorf("%s = %q, want %q", name, v, want)
		}
	}
	if p, _ := h.Origin("sysctl:net.ipv4.ip_forward"); p.Line != 4 {
		t.Errorf("ip_forward from line %d, want 4", p.Line)
	}
}

func TestFailedCommandExitsNonZero(t *testing.T) {
	// A script that stops when ipvsadm fails must stop here too.
	src := "ipvsadm -A -t 10.0.0.1:80 -s nosuch || exit 1\nipvsadm -A -t 10.0.0.2:80\n"
	h, err := run(t, src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.State.Services) != 0 {
		t.Errorf("the script went on after the failure: %+v", h.State.Services)
	}
}

func FuzzShell(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "convert", "in", "*.sh"))
	for _, name := range files {
		if src, err := os.ReadFile(name); err == nil {
			f.Add(string(src))
		}
	}
	f.Add("while :; do :; done")
	f.Add("f() { f; }; f")
	f.Fuzz(func(t *testing.T, src string) {
		h := convert.NewHost("h")
		if Run(context.Background(), h, "fuzz.sh", []byte(src), Options{MaxSteps: 2000, Timeout: time.Second}) != nil {
			return
		}
		// Whatever the script does, the output must validate.
		if _, err := convert.Convert([]*convert.Host{h}, convert.Options{}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestConvertOddSettings: what validation would refuse in the newer
// constructs (a label of another interface, a sysctl out of range, a route
// with host bits, a sync daemon on a bad interface) is reported, and the
// output still validates.
func TestConvertOddSettings(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"label", "ip addr add 10.0.0.1/32 dev eth0 label web\nipvsadm -A -t 10.0.0.1:80\n", "lvsctl labels it eth0:0"},
		{"sysctl", "ifconfig eth0:0 10.0.0.1 up\nipvsadm -A -t 10.0.0.1:80\necho 7 > /proc/sys/net/ipv4/conf/all/arp_announce\n", "validation would refuse it in sysctls"},
		{"route", "ipvsadm -A -t 10.0.0.1:80\nip route add 10.9.0.1/16 dev eth0\n", "its destination has host bits set"},
		{"daemon", "ipvsadm -A -t 10.0.0.1:80\nipvsadm --start-daemon master --mcast-interface eth0/1\n", "not an interface name the kernel takes"},
		{"rs-sysctl", "ifconfig lo:0 10.0.0.1/32 up\necho 9 > /proc/sys/net/ipv4/conf/lo/arp_ignore\n", "validation would refuse the input's value in sysctls: net.ipv4.conf.lo.arp_ignore is 0..8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := convert.NewHost("h")
			h.Address = netip.MustParseAddr("10.0.0.11")
			if err := Run(context.Background(), h, "odd.sh", []byte(tt.src), Options{}); err != nil {
				t.Fatal(err)
			}
			res, err := convert.Convert([]*convert.Host{h}, convert.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for _, n := range res.Notes {
				all = append(all, n.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), tt.want) {
				t.Errorf("no note says %q:\n%s\n%s", tt.want, strings.Join(all, "\n"), res.HCL)
			}
		})
	}
}
