package local

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs"
	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
	"github.com/lvsctl/lvsctl/providers/netlink"
	"github.com/lvsctl/lvsctl/providers/netlink/nltest"
	"github.com/lvsctl/lvsctl/providers/sysctl"
	"github.com/lvsctl/lvsctl/providers/sysctl/sysctltest"
)

// rig is a local host over fakes: an nltest namespace with lo (up) and eth0
// (172.25.0.31/24), a sysctl tree in a temporary directory, the ipvstest
// table, and a record file of its own.
type rig struct {
	local  *Host
	nl     *nltest.Fake
	sys    *sysctl.Provider
	record string
}

// rigSysctls are the sysctls of the fake tree, all 0 at first.
var rigSysctls = plantest.HostSysctls

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
	l, err := New(Options{
		Name: "web1", Netlink: nl, Sysctl: sys, RecordPath: record,
		IPVS: ipvs.New(ipvstest.NewFake()),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return &rig{local: l, nl: f, sys: sys, record: record}
}

func (r *rig) read(t *testing.T, h cluster.Host) state.Host {
	t.Helper()
	return clustertest.Read(t, h, cluster.ReadRequest{IPVS: true, Sysctls: rigSysctls})
}
