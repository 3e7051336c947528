package agent

// Integration tests on the running kernel, in network namespaces of their
// own. They need root and iproute2; without them they skip, unless
// LVSCTL_REQUIRE_NETNS=1 (CI) makes them fail. Run them with
//
//	sudo go test ./transport/agent -run Netns -v
//
// Each test creates lvsctl-t-PID-TESTNAME with `ip netns add`, runs the test
// binary inside it as the agent (`ip netns exec NS env LVSCTL_TEST_AGENT=1
// TESTBINARY`, see TestMain), applies hand-built plans through that agent,
// checks the result with `ip -j` and /proc/sys inside the namespace, and
// deletes the namespace at the end. Nothing outside it is touched.

import (
	"context"
	"encoding/json"
	"maps"
	"net/netip"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local"
	"github.com/lvsctl/lvsctl/providers/netlink/nltest"
)

// netnsHost is a namespace set up as a host on a LAN: lo up, eth0 holding
// 172.25.0.31/24, and an address added by hand (10.99.0.9/32 on lo:9)
// that lvsctl must leave alone.
type netnsHost struct {
	ns     string
	agent  *Client
	record string
}

func newNetnsHost(t *testing.T) *netnsHost {
	t.Helper()
	ns := nltest.Netns(t)
	nltest.IP(t, "-n", ns, "link", "set", "lo", "up")
	nltest.IP(t, "-n", ns, "addr", "add", "172.25.0.31/24", "dev", "eth0")
	nltest.IP(t, "-n", ns, "addr", "add", "10.99.0.9/32", "dev", "lo", "label", "lo:9")
	record := local.RecordPath(t.TempDir(), "netns-"+ns)
	a, err := Netns(context.Background(), "web1", ns, testAgentCommand("web1", record))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("close agent: %v", err)
		}
	})
	return &netnsHost{ns: ns, agent: a, record: record}
}

// kernelView is what the namespace holds, as iproute2 and /proc/sys show
// it, independently of lvsctl's own reading.
type kernelView struct {
	Addrs   []ipLink
	Routes  []map[string]any
	Sysctls map[string]string
}

type ipLink struct {
	IfName   string   `json:"ifname"`
	AddrInfo []ipAddr `json:"addr_info"`
}

type ipAddr struct {
	Family    string `json:"family"`
	Local     string `json:"local"`
	PrefixLen int    `json:"prefixlen"`
	Scope     string `json:"scope"`
	Label     string `json:"label"`
	Broadcast string `json:"broadcast"`
	Peer      string `json:"address"`
}

func (h *netnsHost) view(t *testing.T, sysctls []string) kernelView {
	t.Helper()
	var v kernelView
	if err := json.Unmarshal(nltest.IP(t, "-n", h.ns, "-j", "addr"), &v.Addrs); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(nltest.IP(t, "-n", h.ns, "-j", "route", "show", "table", "all"), &v.Routes); err != nil {
		t.Fatal(err)
	}
	v.Sysctls = map[string]string{}
	for _, name := range sysctls {
		path := "/proc/sys/" + strings.ReplaceAll(name, ".", "/")
		out, err := exec.Command("ip", "netns", "exec", h.ns, "cat", path).Output()
		if err != nil {
			t.Fatalf("read %s in %s: %v", path, h.ns, err)
		}
		v.Sysctls[name] = strings.TrimSpace(string(out))
	}
	return v
}

// addr returns what iproute2 shows for ip on iface, if it is there.
func (v kernelView) addr(iface, ip string) (ipAddr, bool) {
	for _, l := range v.Addrs {
		for _, a := range l.AddrInfo {
			if l.IfName == iface && a.Local == ip {
				return a, true
			}
		}
	}
	return ipAddr{}, false
}

// route returns what iproute2 shows for the route to dst in table main.
func (v kernelView) route(dst string) (map[string]any, bool) {
	for _, r := range v.Routes {
		if r["dst"] == dst && (r["table"] == nil || r["table"] == "main") {
			return r, true
		}
	}
	return nil, false
}

// sysctlChanges sets each sysctl to its value, remembering the live one.
func sysctlChanges(live state.Host, want map[string]string) []plan.Change {
	var out []plan.Change
	for _, name := range slices.Sorted(maps.Keys(want)) {
		old, _ := live.Sysctl(name)
		out = append(out, plantest.SetSysctl(name, old, want[name]))
	}
	return out
}

// restores gives back every sysctl the record keeps an original of.
func restores(live state.Host) []plan.Change {
	var out []plan.Change
	for _, name := range slices.Sorted(maps.Keys(live.Owned.Sysctls)) {
		cur, _ := live.Sysctl(name)
		out = append(out, plantest.RestoreSysctl(name, cur, live.Owned.Sysctls[name]))
	}
	return out
}

func (h *netnsHost) read(t *testing.T, sysctls []string) state.Host {
	t.Helper()
	got, err := h.agent.Read(context.Background(), cluster.ReadRequest{Sysctls: sysctls})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

var arpSysctls = []string{
	"net.ipv4.conf.all.arp_announce", "net.ipv4.conf.all.arp_ignore",
	"net.ipv4.conf.lo.arp_announce", "net.ipv4.conf.lo.arp_ignore",
}

func TestNetnsRealServer(t *testing.T) {
	h := newNetnsHost(t)
	before := h.view(t, arpSysctls)
	live := h.read(t, arpSysctls)
	if !containsAddress(live.Addresses, plantest.Addr("lo", "10.99.0.9/32", "lo:9")) || live.Owned != nil {
		t.Fatalf("first read: addresses %v, record %+v; want the hand-made lo:9 and no record", live.Addresses, live.Owned)
	}

	// ARP first, then the VIPs on lo, then their host routes; and a
	// default route through the director, as for a NAT real server.
	vip4, vip6 := plantest.Addr("lo", "172.25.0.100/32", "lo:0"), plantest.Addr("lo", "2001:db8::100/128", "")
	route4 := plantest.HostRoute("172.25.0.100", "lo")
	route6 := state.Route{Destination: vip6.Prefix, Interface: "lo"}
	gw := state.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("172.25.0.1"), Interface: "eth0"}
	changes := sysctlChanges(live, map[string]string{
		"net.ipv4.conf.all.arp_ignore": "1", "net.ipv4.conf.all.arp_announce": "2",
		"net.ipv4.conf.lo.arp_ignore": "1", "net.ipv4.conf.lo.arp_announce": "2",
	})
	changes = append(changes, plantest.AddAddress(vip4), plantest.AddAddress(vip6), plantest.AddRoute(route4), plantest.AddRoute(route6), plantest.AddRoute(gw))
	if _, err := h.agent.Apply(context.Background(), changes); err != nil {
		t.Fatal(err)
	}

	// What iproute2 and /proc/sys see.
	v := h.view(t, arpSysctls)
	if a, ok := v.addr("lo", "172.25.0.100"); !ok || a != (ipAddr{Family: "inet", Local: "172.25.0.100", PrefixLen: 32, Scope: "global", Label: "lo:0"}) {
		t.Errorf("ip addr shows the VIP as %+v (found %v), want a /32 labelled lo:0 with no broadcast", a, ok)
	}
	if a, ok := v.addr("lo", "2001:db8::100"); !ok || a.PrefixLen != 128 {
		t.Errorf("ip addr shows the IPv6 VIP as %+v (found %v), want a /128", a, ok)
	}
	if r, ok := v.route("172.25.0.100"); !ok || r["dev"] != "lo" || r["scope"] != "link" {
		t.Errorf("ip route shows the VIP route as %v (found %v), want dev lo scope link", r, ok)
	}
	if r, ok := v.route("default"); !ok || r["gateway"] != "172.25.0.1" || r["dev"] != "eth0" {
		t.Errorf("ip route shows the default route as %v (found %v), want via 172.25.0.1 dev eth0", r, ok)
	}
	for _, name := range arpSysctls {
		want := map[bool]string{true: "1", false: "2"}[strings.HasSuffix(name, "arp_ignore")]
		if v.Sysctls[name] != want {
			t.Errorf("/proc/sys says %s = %s, want %s", name, v.Sysctls[name], want)
		}
	}

	// A second read is the desired state, the record included.
	desired := live
	desired.Addresses = append(slices.Clone(live.Addresses), vip4, vip6)
	desired.Routes = append(slices.Clone(live.Routes), gw, route4, route6)
	desired.Sysctls = plantest.Sysctls("net.ipv4.conf.all.arp_announce", "2", "net.ipv4.conf.all.arp_ignore", "1",
		"net.ipv4.conf.lo.arp_announce", "2", "net.ipv4.conf.lo.arp_ignore", "1")
	desired.Owned = &state.Record{
		FormatVersion: state.FormatVersion,
		Addresses:     []string{vip4.Key(), vip6.Key()},
		Routes:        []string{gw.Key(), route4.Key(), route6.Key()},
		Sysctls: maps.Collect(func(yield func(string, string) bool) {
			for _, s := range live.Sysctls {
				if !yield(s.Name, s.Value) {
					return
				}
			}
		}),
	}
	desired.Normalize()
	applied := h.read(t, arpSysctls)
	if d := cmp.Diff(desired, applied, clustertest.CmpOpts); d != "" {
		t.Errorf("second read is not the desired state (-desired +read):\n%s", d)
	}

	// Tear down in the safe order: routes, VIPs, then ARP back as it was.
	teardown := []plan.Change{plantest.DeleteRoute(gw), plantest.DeleteRoute(route6), plantest.DeleteRoute(route4), plantest.DeleteAddress(vip6), plantest.DeleteAddress(vip4)}
	teardown = append(teardown, restores(applied)...)
	if _, err := h.agent.Apply(context.Background(), teardown); err != nil {
		t.Fatal(err)
	}
	h.checkRestored(t, before, arpSysctls)
}

func TestNetnsDirector(t *testing.T) {
	h := newNetnsHost(t)
	names := []string{"net.ipv4.ip_forward"}
	before := h.view(t, names)
	live := h.read(t, names)

	// The VIP as an alias on the LAN interface, ifconfig eth0:0 style, and
	// forwarding on; then the alias renumbered, as a reordered config would.
	alias0, alias1 := plantest.Addr("eth0", "172.25.0.100/32", "eth0:0"), plantest.Addr("eth0", "172.25.0.100/32", "eth0:1")
	changes := append(sysctlChanges(live, map[string]string{"net.ipv4.ip_forward": "1"}), plantest.AddAddress(alias0))
	if _, err := h.agent.Apply(context.Background(), changes); err != nil {
		t.Fatal(err)
	}
	v := h.view(t, names)
	if a, ok := v.addr("eth0", "172.25.0.100"); !ok || a.Label != "eth0:0" || a.PrefixLen != 32 || a.Broadcast != "" {
		t.Errorf("ip addr shows the alias as %+v (found %v), want 172.25.0.100/32 label eth0:0", a, ok)
	}
	if v.Sysctls["net.ipv4.ip_forward"] != "1" {
		t.Errorf("/proc/sys says ip_forward = %s, want 1", v.Sysctls["net.ipv4.ip_forward"])
	}
	relabel := plantest.AddAddress(alias1)
	relabel.Action, relabel.Before = plan.Update, &plan.Resource{Address: &alias0}
	if _, err := h.agent.Apply(context.Background(), []plan.Change{relabel}); err != nil {
		t.Fatal(err)
	}
	if a, _ := h.view(t, nil).addr("eth0", "172.25.0.100"); a.Label != "eth0:1" {
		t.Errorf("after the relabel ip addr shows %+v, want label eth0:1", a)
	}

	applied := h.read(t, names)
	desired := live
	desired.Addresses = append(slices.Clone(live.Addresses), alias1)
	desired.Sysctls = plantest.Sysctls("net.ipv4.ip_forward", "1")
	desired.Owned = &state.Record{
		FormatVersion: state.FormatVersion,
		Addresses:     []string{alias1.Key()},
		Sysctls:       map[string]string{"net.ipv4.ip_forward": "0"},
	}
	desired.Normalize()
	if d := cmp.Diff(desired, applied, clustertest.CmpOpts); d != "" {
		t.Errorf("read after apply is not the desired state (-desired +read):\n%s", d)
	}

	if _, err := h.agent.Apply(context.Background(), append([]plan.Change{plantest.DeleteAddress(alias1)}, restores(applied)...)); err != nil {
		t.Fatal(err)
	}
	h.checkRestored(t, before, names)
}

// checkRestored checks the namespace is exactly as before (addresses,
// routes, sysctls), the hand-made address included, and the record empty.
func (h *netnsHost) checkRestored(t *testing.T, before kernelView, sysctls []string) {
	t.Helper()
	after := h.view(t, sysctls)
	if d := cmp.Diff(before, after); d != "" {
		t.Errorf("teardown did not restore the namespace (-before +after):\n%s", d)
	}
	if _, ok := after.addr("lo", "10.99.0.9"); !ok {
		t.Error("the address added by hand is gone")
	}
	rec, err := local.LoadRecord(h.record)
	if err != nil || rec == nil || len(rec.Addresses)+len(rec.Routes)+len(rec.Sysctls)+len(rec.Services) != 0 {
		t.Errorf("record after teardown: %+v, %v; want an empty one", rec, err)
	}
	if filepath.Base(h.record) != "netns-"+h.ns+".json" {
		t.Errorf("record of namespace %s is %s", h.ns, h.record)
	}
}
