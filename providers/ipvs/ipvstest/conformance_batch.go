package ipvstest

import (
	"errors"
	"net/netip"
	"os"
	"testing"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs"
)

// Batched returns a client whose writes all go through c's batch path
// (ipvs.BatchClient), one request per batch, so that every case of the
// suite also holds the batch writer's encoding to the kernel's answers;
// the kernel client's table is then also read by the provider's own
// reader (ipvs.Reader) rather than cloudflare's. c must be a BatchClient
// and a DaemonClient, as the Fake and the kernel client are.
func Batched(t *testing.T, c cfipvs.Client) cfipvs.Client {
	t.Helper()
	b, ok := c.(ipvs.BatchClient)
	d, dok := c.(ipvs.DaemonClient)
	if !ok || !dok {
		t.Fatalf("client %T has no batch path (ipvs.BatchClient) or no sync daemons", c)
	}
	v := viaBatch{Client: c, DaemonClient: d, b: b}
	if l, ok := c.(leanReads); ok {
		v.r = l.LeanReader()
	}
	return v
}

// leanReads is a client with the provider's own reader beside it (the
// kernel's, in the VM).
type leanReads interface{ LeanReader() *ipvs.Reader }

type viaBatch struct {
	cfipvs.Client
	ipvs.DaemonClient
	b ipvs.BatchClient
	r *ipvs.Reader
}

func (v viaBatch) Services() ([]cfipvs.ServiceExtended, error) {
	if v.r != nil {
		return v.r.Services()
	}
	return v.Client.Services()
}

func (v viaBatch) Destinations(s cfipvs.Service) ([]cfipvs.DestinationExtended, error) {
	if v.r != nil {
		return v.r.Destinations(s)
	}
	return v.Client.Destinations(s)
}

func (v viaBatch) one(r ipvs.Request) error { return v.b.Write([]ipvs.Request{r})[0] }

func (v viaBatch) Write(reqs []ipvs.Request) []error { return v.b.Write(reqs) }

func (v viaBatch) CreateService(s cfipvs.Service) error {
	return v.one(ipvs.Request{Cmd: ipvs.CmdNewService, Service: s})
}

func (v viaBatch) UpdateService(s cfipvs.Service) error {
	return v.one(ipvs.Request{Cmd: ipvs.CmdSetService, Service: s})
}

func (v viaBatch) RemoveService(s cfipvs.Service) error {
	return v.one(ipvs.Request{Cmd: ipvs.CmdDelService, Service: s})
}

func (v viaBatch) CreateDestination(s cfipvs.Service, d cfipvs.Destination) error {
	return v.one(ipvs.Request{Cmd: ipvs.CmdNewDest, Service: s, Dest: d})
}

func (v viaBatch) UpdateDestination(s cfipvs.Service, d cfipvs.Destination) error {
	return v.one(ipvs.Request{Cmd: ipvs.CmdSetDest, Service: s, Dest: d})
}

func (v viaBatch) RemoveDestination(s cfipvs.Service, d cfipvs.Destination) error {
	return v.one(ipvs.Request{Cmd: ipvs.CmdDelDest, Service: s, Dest: d})
}

// batchKinds is one service of every kind the suite writes one by one:
// scheduler flags, persistence with IPv4 and IPv6 netmasks, one-packet
// UDP, SCTP, fwmarks of both families, every forwarding method and tunnel
// type with their ports and checksum flags, thresholds, servers of the
// other family.
func batchKinds() []state.Service {
	sh := svc4(20, 80, "sh")
	sh.Flags = []string{"sh-fallback", "sh-port"}
	sh.Servers = []state.Server{server(120, 80)}
	persistent := svc4(20, 81, "wlc")
	persistent.Persistence, persistent.Netmask = 300, 24
	persistent.Servers = []state.Server{server(121, 81), server(122, 8081)}
	udp := svc4(20, 53, "rr")
	udp.Protocol, udp.OnePacket = "udp", true
	udp.Servers = []state.Server{server(123, 53)}
	sctp := svc4(20, 5060, "mh")
	sctp.Protocol, sctp.Flags = "sctp", []string{"mh-port"}
	sctp.Servers = []state.Server{server(124, 5060)}
	methods := svc4(21, 80, "wrr")
	methods.Servers = []state.Server{
		{Address: netip.MustParseAddr("198.51.100.130"), Port: 8080, Method: "nat", Weight: 2},
		{Address: netip.MustParseAddr("198.51.100.131"), Port: 80, Method: "tun", TunnelType: "ipip", Weight: 3},
		{Address: netip.MustParseAddr("198.51.100.132"), Port: 80, Method: "tun", TunnelType: "gue", TunnelPort: 6080, TunnelChecksum: "csum", Weight: 1},
		{Address: netip.MustParseAddr("198.51.100.133"), Port: 80, Method: "tun", TunnelType: "gre", TunnelChecksum: "remcsum", Weight: 1},
		{Address: netip.MustParseAddr("198.51.100.134"), Port: 80, Method: "dr", Weight: 0},
		{Address: netip.MustParseAddr("198.51.100.135"), Port: 80, Method: "dr", Weight: 65535, UpperThreshold: 1000, LowerThreshold: 100},
		{Address: addr6(0x136), Port: 80, Method: "tun", TunnelType: "ipip", Weight: 1},
	}
	v6 := svc6(21, 443, "wrr")
	v6.Persistence, v6.Netmask = 60, 64
	v6.Servers = []state.Server{
		{Address: addr6(0x137), Port: 443, Method: "dr", Weight: 2},
		{Address: addr6(0x138), Port: 8443, Method: "nat", Weight: 1},
		{Address: netip.MustParseAddr("198.51.100.139"), Port: 443, Method: "tun", TunnelType: "gre", Weight: 1},
	}
	fw4 := state.Service{FWMark: fwmarkBase + 20, Family: "inet", Scheduler: "lc", Netmask: 32, Persistence: 30,
		Servers: []state.Server{server(140, 0)}}
	fw6 := state.Service{FWMark: fwmarkBase + 20, Family: "inet6", Scheduler: "rr", Netmask: 128,
		Servers: []state.Server{{Address: addr6(0x141), Method: "dr", Weight: 3}}}
	return []state.Service{sh, persistent, udp, sctp, methods, v6, fw4, fw6}
}

// creates are the writes that make services and then their servers.
func creates(svcs []state.Service) []ipvs.Write {
	var ws []ipvs.Write
	for _, s := range svcs {
		ws = append(ws, ipvs.Write{Op: ipvs.OpCreateService, Service: s})
	}
	for _, s := range svcs {
		for _, d := range s.Servers {
			ws = append(ws, ipvs.Write{Op: ipvs.OpCreateServer, Service: s, Server: d})
		}
	}
	return ws
}

// writeBatch makes a batch through the provider, removing its services
// (those of svcs) when the case ends, and returns its errors.
func (e *env) writeBatch(ws []ipvs.Write, svcs ...state.Service) []error {
	e.t.Helper()
	for _, s := range svcs {
		e.t.Cleanup(func() { e.remove(s) })
	}
	errs := e.p.WriteBatch(ws)
	if len(errs) != len(ws) {
		e.t.Fatalf("WriteBatch of %d writes returned %d results", len(ws), len(errs))
	}
	return errs
}

// noErrors fails the case on any error of a batch.
func (e *env) noErrors(ws []ipvs.Write, errs []error) {
	e.t.Helper()
	for i, err := range errs {
		if err != nil {
			e.t.Fatalf("write %d of the batch (%s %s): %v", i, opNames[ws[i].Op], ws[i].Service.Key(), err)
		}
	}
}

var opNames = map[ipvs.Op]string{
	ipvs.OpCreateService: "create service", ipvs.OpUpdateService: "update service", ipvs.OpDeleteService: "delete service",
	ipvs.OpCreateServer: "create server", ipvs.OpUpdateServer: "update server", ipvs.OpDeleteServer: "delete server",
}

// testBatchAsEach writes every kind of service and server one by one, then
// the same in one batch, and reads back the same table both times.
func testBatchAsEach(e *env) {
	kinds := batchKinds()
	for _, s := range kinds {
		e.create(s)
	}
	each, err := e.p.Services()
	if err != nil {
		e.t.Fatal(err)
	}
	for _, s := range kinds {
		e.expect(s)
		if err := e.p.DeleteService(s); err != nil {
			e.t.Fatal(err)
		}
	}
	ws := creates(kinds)
	e.noErrors(ws, e.writeBatch(ws, kinds...))
	batched, err := e.p.Services()
	if err != nil {
		e.t.Fatal(err)
	}
	if diff := cmp.Diff(each, batched, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
		e.t.Errorf("the table written in a batch differs from the one written one by one (-each +batch):\n%s", diff)
	}

	// Updates and deletes, in one batch too.
	persistent, methods := kinds[1], kinds[4]
	persistent.Scheduler, persistent.Persistence, persistent.Netmask = "rr", 0, 32
	changed := methods.Servers[0]
	changed.Weight, changed.UpperThreshold, changed.LowerThreshold = 7, 20, 10
	ws = []ipvs.Write{
		{Op: ipvs.OpUpdateService, Service: persistent},
		{Op: ipvs.OpUpdateServer, Service: methods, Server: changed},
		{Op: ipvs.OpDeleteServer, Service: methods, Server: methods.Servers[1]},
		{Op: ipvs.OpDeleteService, Service: kinds[0]},
		{Op: ipvs.OpDeleteService, Service: kinds[7]},
	}
	e.noErrors(ws, e.writeBatch(ws))
	methods.Servers = append([]state.Server{changed}, methods.Servers[2:]...)
	e.expect(persistent)
	e.expect(methods)
	e.expectGone(kinds[0].Key())
	e.expectGone(kinds[7].Key())
	e.expect(kinds[6]) // the same fwmark in the other family stays
}

// testBatchFailureInTheMiddle sends requests that fail between others: each
// gets its own error, and every other one is made.
func testBatchFailureInTheMiddle(e *env) {
	a, b, c := svc4(22, 80, "rr"), svc4(22, 81, "rr"), svc4(22, 82, "wlc")
	a.Servers = []state.Server{server(150, 80)}
	c.Servers = []state.Server{server(151, 82)}
	ws := []ipvs.Write{
		{Op: ipvs.OpCreateService, Service: a},
		{Op: ipvs.OpCreateServer, Service: b, Server: server(152, 81)}, // b does not exist
		{Op: ipvs.OpCreateService, Service: c},
		{Op: ipvs.OpCreateServer, Service: a, Server: a.Servers[0]},
		{Op: ipvs.OpCreateService, Service: a}, // exists by now
		{Op: ipvs.OpCreateServer, Service: c, Server: c.Servers[0]},
	}
	errs := e.writeBatch(ws, a, b, c)
	want := []error{nil, unix.ESRCH, nil, nil, unix.EEXIST, nil}
	for i := range ws {
		if (want[i] == nil) != (errs[i] == nil) || (want[i] != nil && !errors.Is(errs[i], want[i])) {
			e.t.Errorf("write %d (%s %s): got %v, want %v", i, opNames[ws[i].Op], ws[i].Service.Key(), errs[i], want[i])
		}
	}
	if err := errs[1]; err != nil && err.Error() != "create server "+b.Key()+" -> "+ws[1].Server.Key()+": its service does not exist (removed meanwhile? run plan again)" {
		e.t.Errorf("the error of the server of a missing service does not say so: %v", err)
	}
	e.expect(a)
	e.expect(c)
	e.expectGone(b.Key())
}

// testBatchLarge writes more requests than go in one system call, with a
// failing one in a later one: the answers are matched to their requests
// across system calls.
func testBatchLarge(e *env) {
	var svcs []state.Service
	for i := range 3 {
		s := svc4(23, 80+uint16(i), "wrr")
		for j := range 100 {
			s.Servers = append(s.Servers, server(byte(1+j), 1000+uint16(j)))
		}
		svcs = append(svcs, s)
	}
	ws := creates(svcs)
	bad := 3 + 250 // a server of the third service, written twice
	ws = append(ws[:bad+1], append([]ipvs.Write{ws[bad]}, ws[bad+1:]...)...)
	errs := e.writeBatch(ws, svcs...)
	for i, err := range errs {
		switch {
		case i == bad+1 && !errors.Is(err, unix.EEXIST):
			e.t.Errorf("write %d, a server written twice: got %v, want EEXIST", i, err)
		case i != bad+1 && err != nil:
			e.t.Errorf("write %d (%s %s): %v", i, opNames[ws[i].Op], ws[i].Service.Key(), err)
		}
	}
	for _, s := range svcs {
		e.expect(s)
	}
	if e.t.Failed() {
		e.t.Logf("%d writes in the batch", len(ws))
	}
}

// testLeanReads writes every kind of service and server, then reads the
// table with cloudflare's client and with the provider's own reader, when
// the client has one (the kernel's): both must decode the same.
func testLeanReads(e *env) {
	var (
		cf   = e.c
		lean *ipvs.Reader
	)
	if v, ok := e.c.(viaBatch); ok {
		cf, lean = v.Client, v.r
	} else if l, ok := e.c.(leanReads); ok {
		lean = l.LeanReader()
	}
	if lean == nil {
		e.t.Log("this client has no reader of its own to compare (the fake)")
		return
	}
	kinds := batchKinds()
	ws := creates(kinds)
	e.noErrors(ws, e.writeBatch(ws, kinds...))
	want, err := cf.Services()
	if err != nil {
		e.t.Fatal(err)
	}
	got, err := lean.Services()
	if err != nil {
		e.t.Fatal(err)
	}
	opts := []cmp.Option{cmpopts.EquateComparable(netip.Addr{}), cmpopts.IgnoreFields(cfipvs.ServiceExtended{}, "Stats", "Stats64"),
		cmpopts.IgnoreFields(cfipvs.DestinationExtended{}, "Stats", "Stats64", "InactiveConnections", "PersistentConnections")}
	if diff := cmp.Diff(want, got, opts...); diff != "" {
		e.t.Errorf("services read by the provider's reader differ from cloudflare's (-cloudflare +reader):\n%s", diff)
	}
	for _, s := range want {
		wd, werr := cf.Destinations(s.Service)
		gd, gerr := lean.Destinations(s.Service)
		if (werr == nil) != (gerr == nil) {
			e.t.Errorf("servers of %+v: cloudflare %v, reader %v", s.Service, werr, gerr)
		}
		if diff := cmp.Diff(wd, gd, opts...); diff != "" {
			e.t.Errorf("servers of %+v read by the provider's reader differ from cloudflare's (-cloudflare +reader):\n%s", s.Service, diff)
		}
	}
	// A service that does not exist has no servers, for both.
	missing := cfipvs.Service{Family: cfipvs.INET, Protocol: cfipvs.TCP, Address: netip.MustParseAddr("198.51.100.250"), Port: 1}
	if _, err := lean.Destinations(missing); !errors.Is(err, os.ErrNotExist) {
		e.t.Errorf("servers of a missing service: %v, want os.ErrNotExist as cloudflare's", err)
	}
}
