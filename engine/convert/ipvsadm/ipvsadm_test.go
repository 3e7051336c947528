package ipvsadm

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParse(t *testing.T) {
	v4 := netip.MustParseAddr("172.25.0.100")
	rip := netip.MustParseAddr("172.25.0.31")
	v6 := netip.MustParseAddr("2001:db8::100")
	tests := []struct {
		args string
		want Command
	}{
		{"-A -t 172.25.0.100:80 -s wrr", Command{Op: AddService, Service: Service{Protocol: "tcp", Addr: v4, Port: 80, Family: "inet"}, Scheduler: "wrr", Method: "dr", Weight: 1}},
		{"-At 172.25.0.100:http -p", Command{Op: AddService, Service: Service{Protocol: "tcp", Addr: v4, Port: 80, Family: "inet"}, Scheduler: "wlc", Persistence: 360, Method: "dr", Weight: 1}},
		{"-A -u 172.25.0.100:53 -s rr -p 60 -M 255.255.255.0 -o", Command{Op: AddService, Service: Service{Protocol: "udp", Addr: v4, Port: 53, Family: "inet"}, Scheduler: "rr", Persistence: 60, Netmask: 24, OnePacket: true, Method: "dr", Weight: 1}},
		{"--add-service --tcp-service=[2001:db8::100]:443 --scheduler sh --sched-flags flag-1,sh-port", Command{Op: AddService, Service: Service{Protocol: "tcp", Addr: v6, Port: 443, Family: "inet6"}, Scheduler: "sh", Flags: []string{"sh-fallback", "sh-port"}, NamedFlags: []string{"sh-port"}, Method: "dr", Weight: 1}},
		{"-A -f 1 -6 -s rr", Command{Op: AddService, Service: Service{FWMark: 1, Family: "inet6"}, Scheduler: "rr", Method: "dr", Weight: 1}},
		{"-a -t 172.25.0.100:80 -r 172.25.0.31 -g -w 1", Command{Op: AddServer, Service: Service{Protocol: "tcp", Addr: v4, Port: 80, Family: "inet"}, Scheduler: "wlc", Server: rip, ServerPort: 80, Method: "dr", Weight: 1}},
		{"-at 172.25.0.100:80 -r 172.25.0.31:8080 -m -w2 -x 100 -y 10", Command{Op: AddServer, Service: Service{Protocol: "tcp", Addr: v4, Port: 80, Family: "inet"}, Scheduler: "wlc", Server: rip, ServerPort: 8080, Method: "nat", Weight: 2, Upper: 100, Lower: 10}},
		{"-a -t 172.25.0.100:80 -r 172.25.0.31:8080 -g", Command{Op: AddServer, Service: Service{Protocol: "tcp", Addr: v4, Port: 80, Family: "inet"}, Scheduler: "wlc", Server: rip, ServerPort: 80, DroppedPort: 8080, Method: "dr", Weight: 1}},
		{"-a -t 172.25.0.100:80 -r 172.25.0.31 -i --tun-type gue --tun-port 6080 --tun-csum", Command{Op: AddServer, Service: Service{Protocol: "tcp", Addr: v4, Port: 80, Family: "inet"}, Scheduler: "wlc", Server: rip, ServerPort: 80, Method: "tun", Weight: 1, TunType: "gue", TunPort: 6080, TunCsum: "csum"}},
		{"--set 900 120 300", Command{Op: SetTimeouts, Scheduler: "wlc", Method: "dr", Weight: 1, Timeouts: [3]uint32{900, 120, 300}}},
		{"-Ln", Command{Op: List, Scheduler: "wlc", Method: "dr", Weight: 1}},
		{"-C", Command{Op: Clear, Scheduler: "wlc", Method: "dr", Weight: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			got, err := Parse(strings.Fields(tt.args))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, *got, cmpopts.IgnoreFields(Command{}, "Given"), cmpopts.EquateEmpty(), cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	for _, args := range []string{
		"-A -t 172.25.0.100 -s rr",        // zero port without persistence
		"-a -t 172.25.0.100:80 -r",        // missing value
		"-a -t 172.25.0.100:80",           // no real server
		"-A -t 1.2.3.4:80 -w 70000",       // weight range
		"-A -t 1.2.3.4:80 -D",             // two commands
		"-A -t 1.2.3.4:80 --bogus",        // unknown option
		"-A -t 1.2.3.4:80 -M 255.0.255.0", // not contiguous
		"-A",                              // no service
		"-A -t 1.2.3.4:nosuchport",        // unknown port name
		"--set 1 2",                       // too few timeouts
	} {
		_, err := Parse(strings.Fields(args))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: got %v, want an *Error", args, err)
		}
	}
}

func TestParseSave(t *testing.T) {
	in := "-A -t 192.168.4.5:80 -s rr\r\n-a -t 192.168.4.5:80 -r 192.168.2.100:80 -g -w 1\n\n# c\n-a -t web.example.com:http -r rs1.example.com:http -m -w 1\n-X\n"
	lines, err := ParseSave(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 4 || lines[0].Cmd.Op != AddService || lines[1].Line != 2 {
		t.Fatalf("got %+v", lines)
	}
	if c := lines[2].Cmd; c.Service.Host != "web.example.com" || c.ServerHost != "rs1.example.com" || c.Service.Port != 80 {
		t.Errorf("host names: %+v", c)
	}
	if lines[3].Err == nil {
		t.Error("-X alone should be rejected")
	}
}

func FuzzIpvsadmArgs(f *testing.F) {
	for _, s := range []string{
		"-A -t 172.25.0.100:80 -s wrr", "-a -t 172.25.0.100:80 -r 172.25.0.31 -g -w 1",
		"-At [2001:db8::1]:443 -p 60 -M 64", "--set 900 120 300", "-A -f 1 -6", "-Ln",
		"--start-daemon master --mcast-interface eth0", "-a -t 1.2.3.4:80 -r 5.6.7.8 -i --tun-type gue --tun-port 6080",
	} {
		f.Add(s)
	}
	// Every ipvsadm line of the convert corpus, scripts and save files.
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "convert", "in", "*"))
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(src), "\n") {
			if _, args, ok := strings.Cut(line, "ipvsadm "); ok {
				f.Add(args)
			} else if strings.HasPrefix(line, "-") {
				f.Add(line)
			}
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(strings.Fields(s))
		if err == nil && c == nil {
			t.Fatal("nil command without error")
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error of type %T", err)
			}
		}
		_, _ = ParseSave(strings.NewReader(s))
	})
}

func TestParseSyncDaemon(t *testing.T) {
	c, err := Parse(strings.Fields("--start-daemon backup --mcast-interface eth1 --syncid 7 --mcast-group 224.0.0.90 --mcast-port 8850 --mcast-ttl 2 --sync-maxlen 1400"))
	if err != nil {
		t.Fatal(err)
	}
	want := SyncOptions{Interface: "eth1", SyncID: 7, Group: netip.MustParseAddr("224.0.0.90"), Port: 8850, TTL: 2, MaxLen: 1400}
	if c.Op != StartDaemon || c.Daemon != "backup" || c.Sync != want {
		t.Errorf("got %v %q %+v, want --start-daemon backup %+v", c.Op, c.Daemon, c.Sync, want)
	}
	for _, bad := range []string{"--syncid 256", "--mcast-group 10.0.0.1", "--mcast-port 0", "--mcast-ttl x"} {
		if _, err := Parse(strings.Fields("--start-daemon master " + bad)); err == nil {
			t.Errorf("--start-daemon master %s: no error", bad)
		}
	}
}
