package ipvs_test

import (
	"errors"
	"io/fs"
	"net/netip"
	"strings"
	"testing"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/google/go-cmp/cmp"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs"
	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
)

func TestServicesSortedWhateverTheKernelOrder(t *testing.T) {
	p := ipvs.New(ipvstest.NewFake())
	svc := func(addr string, port uint16) state.Service {
		a := netip.MustParseAddr(addr)
		s := state.Service{Protocol: "tcp", Address: a, Port: port, Family: "inet", Scheduler: "rr", Netmask: 32}
		if a.Is6() {
			s.Family, s.Netmask = "inet6", 128
		}
		return s
	}
	srv := func(addr string) state.Server {
		return state.Server{Address: netip.MustParseAddr(addr), Port: 80, Method: "dr", Weight: 1}
	}
	// Created in an order that is neither sorted nor its reverse.
	b := svc("10.0.0.2", 80)
	a := svc("10.0.0.1", 443)
	c := svc("2001:db8::1", 80)
	fw := state.Service{FWMark: 3, Family: "inet", Scheduler: "wlc", Netmask: 32}
	for _, s := range []state.Service{b, a, c, fw} {
		if err := p.CreateService(s); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []state.Server{srv("10.0.1.2"), srv("10.0.1.10"), srv("10.0.1.1")} {
		if err := p.CreateServer(b, d); err != nil {
			t.Fatal(err)
		}
	}
	// By key as a string, as state.Host.Normalize sorts: "10.0.1.10:80" < "10.0.1.1:80".
	b.Servers = []state.Server{srv("10.0.1.10"), srv("10.0.1.1"), srv("10.0.1.2")}

	got, err := p.Services()
	if err != nil {
		t.Fatal(err)
	}
	want := []state.Service{fw, a, b, c} // "fwmark/…" < "tcp/10.0.0.1…" < "tcp/10.0.0.2…" < "tcp/[2001…"
	if diff := cmp.Diff(want, got, wireOpts()); diff != "" {
		t.Errorf("Services (-want +got):\n%s", diff)
	}
}

func TestServicesOfAnEmptyTable(t *testing.T) {
	got, err := ipvs.New(ipvstest.NewFake()).Services()
	if err != nil || len(got) != 0 {
		t.Errorf("Services of an empty table = %v, %v; want none and no error", got, err)
	}
}

func TestConversionErrorsNameTheResourceAndChangeNothing(t *testing.T) {
	p := ipvs.New(ipvstest.NewFake())
	s := state.Service{Protocol: "tcp", Address: netip.MustParseAddr("10.0.0.1"), Port: 80, Scheduler: "rr", Flags: []string{"sh-port"}, Netmask: 32}
	err := p.CreateService(s)
	want := `create service tcp/10.0.0.1:80: flag "sh-port" does not apply to scheduler "rr"`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %v, want an error starting %q", err, want)
	}
	s.Flags = nil
	if err := p.CreateService(s); err != nil {
		t.Fatal(err)
	}
	d := state.Server{Address: netip.MustParseAddr("10.0.0.2"), Port: 80, Method: "dr", TunnelType: "gue"}
	err = p.CreateServer(s, d)
	want = "create server tcp/10.0.0.1:80 -> 10.0.0.2:80: tunnel settings need method tun"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %v, want an error starting %q", err, want)
	}
	got, err := p.Services()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Servers) != 0 {
		t.Errorf("table after failed calls: %+v, want the one service without servers", got)
	}
}

func TestDeleteServerReadWithAnUnknownMethod(t *testing.T) {
	// What the kernel holds must be removable even when lvsctl has no name
	// for its method: only the identity goes to the kernel on a delete.
	fake := ipvstest.NewFake()
	p := ipvs.New(fake)
	s := state.Service{Protocol: "tcp", Address: netip.MustParseAddr("10.0.0.1"), Port: 80, Family: "inet", Scheduler: "rr", Netmask: 32}
	if err := p.CreateService(s); err != nil {
		t.Fatal(err)
	}
	w, _ := ipvs.ServiceIdentityToWire(s)
	if err := fake.CreateDestination(w, cfipvs.Destination{Address: netip.MustParseAddr("10.0.0.2"), Port: 80, Family: cfipvs.INET, FwdMethod: 6, Weight: 1}); err != nil {
		t.Fatal(err)
	}
	live, err := p.Services()
	if err != nil {
		t.Fatal(err)
	}
	d := live[0].Servers[0]
	if d.Method != "fwd(6)" {
		t.Fatalf("method read as %q, want fwd(6)", d.Method)
	}
	if err := p.DeleteServer(live[0], d); err != nil {
		t.Fatal(err)
	}
	if live, _ := p.Services(); len(live[0].Servers) != 0 {
		t.Errorf("server still there: %+v", live[0].Servers)
	}
}

// deniedClient answers every command as the kernel does without CAP_NET_ADMIN.
type deniedClient struct{ *ipvstest.Fake }

func denied() error { return &netlink.OpError{Op: "receive", Err: unix.EPERM} }

func (deniedClient) Services() ([]cfipvs.ServiceExtended, error)                { return nil, denied() }
func (deniedClient) Config() (cfipvs.Config, error)                             { return cfipvs.Config{}, denied() }
func (deniedClient) SetConfig(cfipvs.Config) error                              { return denied() }
func (deniedClient) CreateService(cfipvs.Service) error                         { return denied() }
func (deniedClient) CreateDestination(cfipvs.Service, cfipvs.Destination) error { return denied() }

func TestPermissionErrors(t *testing.T) {
	p := ipvs.New(deniedClient{ipvstest.NewFake()})
	s := state.Service{Protocol: "tcp", Address: netip.MustParseAddr("10.0.0.1"), Port: 80, Scheduler: "rr", Netmask: 32}
	_, errList := p.Services()
	_, errTimeouts := p.Timeouts()
	for name, err := range map[string]error{
		"Services":      errList,
		"Timeouts":      errTimeouts,
		"SetTimeouts":   p.SetTimeouts(state.Timeouts{TCP: 1}),
		"CreateService": p.CreateService(s),
		"CreateServer":  p.CreateServer(s, state.Server{Address: netip.MustParseAddr("10.0.0.2"), Method: "dr"}),
	} {
		// The advice (run as root, or plan against a snapshot) is the host
		// layer's to add, once: providers/local TestPermissionAdviceOnce.
		if !errors.Is(err, fs.ErrPermission) || !strings.HasSuffix(fmtErr(err), ": permission denied") {
			t.Errorf("%s: got %v, want a permission error ending \": permission denied\"", name, err)
		}
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     error
		is     error
		prefix string
	}{
		{"module not loaded", &netlink.OpError{Op: "receive", Err: unix.ENOENT}, ipvs.ErrUnavailable,
			"open IPVS: IPVS is not available in this kernel: load it with `modprobe ip_vs`"},
		{"not root", &netlink.OpError{Op: "receive", Err: unix.EPERM}, fs.ErrPermission,
			"open IPVS: permission denied"},
		{"other", unix.EMFILE, unix.EMFILE, "open IPVS: too many open files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ipvs.OpenError(tt.in)
			if !errors.Is(err, tt.is) || !strings.HasPrefix(err.Error(), tt.prefix) {
				t.Errorf("got %q, want one matching %v and starting %q", err, tt.is, tt.prefix)
			}
		})
	}
}

func TestCloseWithoutSocket(t *testing.T) {
	if err := ipvs.New(ipvstest.NewFake()).Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestOpen(t *testing.T) {
	// Read-only: Open only asks the kernel for IPVS's version. Without IPVS
	// or privileges it must say which; with both it must work.
	p, err := ipvs.Open()
	if err != nil {
		if !errors.Is(err, ipvs.ErrUnavailable) && !errors.Is(err, fs.ErrPermission) {
			t.Errorf("Open: %v; want an error matching ErrUnavailable or fs.ErrPermission", err)
		}
		return
	}
	if err := p.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// BenchmarkServices reads a table of 1,000 services with 20 servers each
// through the fake: the cost of the conversions and sorting on top of the
// client.
func BenchmarkServices(b *testing.B) {
	fake := ipvstest.NewFake()
	p := ipvs.New(fake)
	for i := range 1000 {
		s := state.Service{Protocol: "tcp", Address: netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), Port: 80, Scheduler: "wrr", Netmask: 32}
		if err := p.CreateService(s); err != nil {
			b.Fatal(err)
		}
		for j := range 20 {
			d := state.Server{Address: netip.AddrFrom4([4]byte{10, 2, byte(i >> 8), byte(j)}), Port: 80, Method: "dr", Weight: 1}
			if err := p.CreateServer(s, d); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Services(); err != nil {
			b.Fatal(err)
		}
	}
}
