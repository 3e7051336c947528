package host

import (
	"context"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs"
	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
	"github.com/lvsctl/lvsctl/providers/netlink"
	"github.com/lvsctl/lvsctl/providers/netlink/nltest"
	"github.com/lvsctl/lvsctl/providers/sysctl"
	"github.com/lvsctl/lvsctl/providers/sysctl/sysctltest"
)

// cmpOpts compares netip values with == and treats nil and empty alike.
var cmpOpts = cmp.Options{
	cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{}),
	cmpopts.EquateEmpty(),
}

// rig is a Local host over fakes: an nltest namespace with lo (up) and eth0
// (172.25.0.31/24), a sysctl tree in a temporary directory, the ipvstest
// table, and a record file of its own.
type rig struct {
	local  *Local
	nl     *nltest.Fake
	sys    *sysctl.Provider
	record string
}

// rigSysctls are the sysctls of the fake tree, all 0 at first.
var rigSysctls = []string{
	"net.ipv4.ip_forward",
	"net.ipv4.conf.all.arp_ignore", "net.ipv4.conf.all.arp_announce",
	"net.ipv4.conf.lo.arp_ignore", "net.ipv4.conf.lo.arp_announce",
}

func newRig(t testing.TB) *rig {
	t.Helper()
	f := nltest.New()
	f.AddLink("eth0", true)
	if lo, err := f.LinkByName("lo"); err != nil || f.LinkSetUp(lo) != nil {
		t.Fatalf("bring lo up: %v", err)
	}
	nl := netlink.New(f)
	if err := nl.AddAddress(state.Address{Interface: "eth0", Prefix: netip.MustParsePrefix("172.25.0.31/24")}); err != nil {
		t.Fatal(err)
	}
	values := map[string]string{}
	for _, name := range rigSysctls {
		values[name] = "0"
	}
	sys := sysctltest.Tree(t, values)
	record := RecordPath(filepath.Join(t.TempDir(), "lib"), "local")
	l, err := NewLocal(LocalOptions{
		Name: "web1", Netlink: nl, Sysctl: sys, RecordPath: record,
		IPVS: ipvs.New(ipvstest.NewFake()),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return &rig{local: l, nl: f, sys: sys, record: record}
}

func (r *rig) read(t *testing.T, h Host) state.Host {
	t.Helper()
	got, err := h.Read(context.Background(), ReadRequest{IPVS: true, Sysctls: rigSysctls})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func (r *rig) apply(t *testing.T, h Host, changes []plan.Change) {
	t.Helper()
	results, err := h.Apply(context.Background(), changes)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(changes) {
		t.Fatalf("%d results for %d changes", len(results), len(changes))
	}
}

// Constructors of changes, as the diff would make them.

func addrOf(iface, prefix, label string) state.Address {
	return state.Address{Interface: iface, Prefix: netip.MustParsePrefix(prefix), Label: label}
}

func hostRoute(vip, iface string) state.Route {
	return state.Route{Destination: netip.PrefixFrom(netip.MustParseAddr(vip), 32), Interface: iface}
}

func addAddress(a state.Address) plan.Change {
	return plan.Change{Kind: plan.KindAddress, Address: "address " + a.Key(), Action: plan.Create,
		After: &plan.Resource{Address: &a}, Own: plan.OwnCreate}
}

func deleteAddress(a state.Address) plan.Change {
	return plan.Change{Kind: plan.KindAddress, Address: "address " + a.Key(), Action: plan.Delete,
		Before: &plan.Resource{Address: &a}, Own: plan.OwnForget}
}

func addRoute(r state.Route) plan.Change {
	return plan.Change{Kind: plan.KindRoute, Address: "route " + r.Key(), Action: plan.Create,
		After: &plan.Resource{Route: &r}, Own: plan.OwnCreate}
}

func deleteRoute(r state.Route) plan.Change {
	return plan.Change{Kind: plan.KindRoute, Address: "route " + r.Key(), Action: plan.Delete,
		Before: &plan.Resource{Route: &r}, Own: plan.OwnForget}
}

// setSysctl changes a sysctl from old to value and remembers old.
func setSysctl(name, old, value string) plan.Change {
	return plan.Change{Kind: plan.KindSysctl, Address: "sysctl " + name, Action: plan.Update,
		Before: &plan.Resource{Sysctl: &state.Sysctl{Name: name, Value: old}},
		After:  &plan.Resource{Sysctl: &state.Sysctl{Name: name, Value: value}}, Own: plan.OwnRemember}
}

// restoreSysctl gives a sysctl its original value back and forgets it.
func restoreSysctl(name, current, original string) plan.Change {
	c := setSysctl(name, current, original)
	c.Own = plan.OwnForget
	return c
}

// realServerChanges is the real-server role for one VIP: ARP first, then
// the VIP on lo, then its host route.
func realServerChanges(vip string) []plan.Change {
	return []plan.Change{
		setSysctl("net.ipv4.conf.all.arp_ignore", "0", "1"),
		setSysctl("net.ipv4.conf.all.arp_announce", "0", "2"),
		setSysctl("net.ipv4.conf.lo.arp_ignore", "0", "1"),
		setSysctl("net.ipv4.conf.lo.arp_announce", "0", "2"),
		addAddress(addrOf("lo", vip+"/32", "lo:0")),
		addRoute(hostRoute(vip, "lo")),
	}
}

// realServerTeardown undoes realServerChanges: route, VIP, then ARP.
func realServerTeardown(vip string) []plan.Change {
	return []plan.Change{
		deleteRoute(hostRoute(vip, "lo")),
		deleteAddress(addrOf("lo", vip+"/32", "lo:0")),
		restoreSysctl("net.ipv4.conf.lo.arp_announce", "2", "0"),
		restoreSysctl("net.ipv4.conf.lo.arp_ignore", "1", "0"),
		restoreSysctl("net.ipv4.conf.all.arp_announce", "2", "0"),
		restoreSysctl("net.ipv4.conf.all.arp_ignore", "1", "0"),
	}
}
