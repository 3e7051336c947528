package ipvstest

import (
	"net/netip"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/engine/state"
)

// testSyncDaemons: a master and a backup run side by side on lo (which has
// a global address in the kernel's namespace: a master sends from one),
// read back with the kernel's defaults filled in; a second daemon of a
// state, an unknown interface, stopping one that does not run, and any
// server of the other family are refused.
func testSyncDaemons(e *env) {
	if ds, err := e.p.SyncDaemons(); err != nil || len(ds) > 0 {
		e.t.Fatalf("before: sync daemons %v, %v; want none (this case needs a table of its own)", ds, err)
	}
	master := state.SyncDaemon{State: state.SyncMaster, Interface: "lo", SyncID: 7}
	backup := state.SyncDaemon{State: state.SyncBackup, Interface: "lo", SyncID: 7,
		Group: netip.MustParseAddr("224.0.0.82"), Port: 8850, TTL: 2, MaxLen: 1400}
	for _, d := range []state.SyncDaemon{master, backup} {
		if err := e.p.StartSyncDaemon(d); err != nil {
			e.t.Fatal(err)
		}
		e.t.Cleanup(func() { _ = e.p.StopSyncDaemon(d) })
	}
	got, err := e.p.SyncDaemons()
	if err != nil {
		e.t.Fatal(err)
	}
	master.Group, master.Port, master.TTL, master.MaxLen = netip.MustParseAddr("224.0.0.81"), 8848, 1, 1500-20-8
	if d := cmp.Diff([]state.SyncDaemon{master, backup}, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); d != "" {
		e.t.Errorf("sync daemons (-want +got):\n%s", d)
	}

	e.wantErrno("a second master", e.p.StartSyncDaemon(master), unix.EEXIST)
	if err := e.p.StopSyncDaemon(master); err != nil {
		e.t.Fatal(err)
	}
	e.wantErrno("stopping a master that does not run", e.p.StopSyncDaemon(master), unix.ESRCH)
	e.wantErrno("a master on a missing interface",
		e.p.StartSyncDaemon(state.SyncDaemon{State: state.SyncMaster, Interface: "nosuch0", SyncID: 1}), unix.ENODEV)

	// The sync protocol has no room for a server of the other family: no
	// such server while a daemon runs, and no daemon beside one.
	s := svc4(20, 80, "rr")
	e.create(s)
	mixed := state.Server{Address: addr6(0x120), Port: 80, Method: "tun", TunnelType: "ipip", Weight: 1}
	e.wantErrno("a mixed-family tunnel server while a backup runs", e.p.CreateServer(s, mixed), unix.EINVAL)
	if err := e.p.StopSyncDaemon(backup); err != nil {
		e.t.Fatal(err)
	}
	if err := e.p.CreateServer(s, mixed); err != nil {
		e.t.Fatal(err)
	}
	e.wantErrno("a master beside a mixed-family tunnel server", e.p.StartSyncDaemon(master), unix.EINVAL)
	if err := e.p.DeleteServer(s, mixed); err != nil {
		e.t.Fatal(err)
	}
}
