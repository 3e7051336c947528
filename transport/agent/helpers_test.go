package agent

import (
	"net/netip"
	"testing"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local"
	"github.com/lvsctl/lvsctl/providers/local/hosttest"
	"github.com/lvsctl/lvsctl/providers/netlink/nltest"
)

// rig is what the agent serves in tests: a local host over the in-memory
// kernels (hosttest) with eth0 holding 172.25.0.31/24 and rigSysctls at 0,
// and its rtnetlink.
type rig struct {
	local *local.Host
	nl    *nltest.Fake
}

// rigSysctls are the sysctls of the fake tree, all 0 at first.
var rigSysctls = plantest.HostSysctls

func newRig(t testing.TB) *rig {
	t.Helper()
	l, nl := hosttest.NewWithNetlink(t, rigLive())
	return &rig{local: l, nl: nl}
}

// rigOptions open a host like the rig's, for an agent that opens its host
// itself (LocalHosts): a named cluster's record goes beside the rig's.
func rigOptions(t testing.TB) local.Options {
	t.Helper()
	return hosttest.Options(t, rigLive())
}

// narrowWindow lets the agent run at most n changes ahead of its client's
// acknowledgements, for the rest of the test.
func narrowWindow(t testing.TB, n int) {
	saved := progressWindow
	progressWindow = n
	t.Cleanup(func() { progressWindow = saved })
}

func rigLive() state.Host {
	live := state.Host{Name: "web1", Addresses: []state.Address{
		{Interface: "eth0", Prefix: netip.MustParsePrefix("172.25.0.31/24")},
	}}
	for _, name := range rigSysctls {
		live.Sysctls = append(live.Sysctls, state.Sysctl{Name: name, Value: "0"})
	}
	return live
}

func (r *rig) read(t *testing.T, h cluster.Host) state.Host {
	t.Helper()
	return clustertest.Read(t, h, cluster.ReadRequest{IPVS: true, Sysctls: rigSysctls})
}
