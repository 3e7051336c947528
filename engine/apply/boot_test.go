package apply_test

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vnl "github.com/vishvananda/netlink"

	"github.com/lvsctl/lvsctl/engine/apply"
	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs"
	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
	"github.com/lvsctl/lvsctl/providers/local"
	"github.com/lvsctl/lvsctl/providers/netlink"
	"github.com/lvsctl/lvsctl/providers/netlink/nltest"
	"github.com/lvsctl/lvsctl/providers/sysctl"
	"github.com/lvsctl/lvsctl/providers/sysctl/sysctltest"
)

// arpWatch is a fake rtnetlink that, whenever an address is added, notes
// the ARP settings the (fake) /proc/sys holds at that moment: what a real
// server would answer ARP with while its VIP appears.
type arpWatch struct {
	*nltest.Fake
	sys *sysctl.Provider
	// atVIP maps each address added to the ARP settings of that moment.
	atVIP map[string]map[string]string
}

var arpSettings = []string{"net.ipv4.conf.all.arp_ignore", "net.ipv4.conf.all.arp_announce", "net.ipv4.conf.lo.arp_ignore", "net.ipv4.conf.lo.arp_announce"}

func (w *arpWatch) AddrAdd(l vnl.Link, a *vnl.Addr) error {
	now := map[string]string{}
	for _, name := range arpSettings {
		now[name], _ = w.sys.Get(name)
	}
	w.atVIP[a.IPNet.String()] = now
	return w.Fake.AddrAdd(l, a)
}

// bootMachine is one machine's kernel, fresh as after a reboot, with the
// record directory (its disk) that survives reboots.
func bootMachine(t *testing.T, dir string) (*local.Host, *arpWatch) {
	t.Helper()
	nl := nltest.New()
	nl.AddLink("eth0", true)
	sys := sysctltest.Tree(t, map[string]string{
		"net.ipv4.conf.all.arp_ignore": "0", "net.ipv4.conf.all.arp_announce": "0",
		"net.ipv4.conf.lo.arp_ignore": "0", "net.ipv4.conf.lo.arp_announce": "0",
	})
	w := &arpWatch{Fake: nl, sys: sys, atVIP: map[string]map[string]string{}}
	bin := filepath.Join(t.TempDir(), "lvsctl")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	h, err := local.New(local.Options{
		Name: "rs1", Netlink: netlink.New(w), Sysctl: sys, IPVS: ipvs.New(ipvstest.NewFake()),
		RecordPath: local.ClusterRecordPath(dir, "local", "web"), Executable: bin,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	return h, w
}

func realServerState() state.Host {
	vip := netip.MustParsePrefix("192.0.2.100/32")
	return state.Host{Name: "rs1", Role: state.RoleRealServer,
		Addresses: []state.Address{{Interface: "lo", Prefix: vip, Label: "lo:0"}},
		Routes:    []state.Route{{Destination: vip, Interface: "lo"}},
		Sysctls: []state.Sysctl{
			{Name: "net.ipv4.conf.all.arp_announce", Value: "2"}, {Name: "net.ipv4.conf.all.arp_ignore", Value: "1"},
			{Name: "net.ipv4.conf.lo.arp_announce", Value: "2"}, {Name: "net.ipv4.conf.lo.arp_ignore", Value: "1"},
		},
	}
}

// applyAndKeep plans desired on h, applies it and keeps it for boot, as
// `lvsctl apply` does.
func applyAndKeep(t *testing.T, h cluster.Host, desired state.Host, root string) {
	t.Helper()
	ctx := context.Background()
	p, _, err := cluster.Plan(ctx, []cluster.Member{{Desired: desired, Host: h}}, cluster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hosts := map[string]cluster.Host{desired.Name: h}
	if err := apply.Apply(ctx, p, hosts, apply.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := apply.RecordBoot(ctx, p, hosts, 1, apply.BootOptions{Root: root}); err != nil {
		t.Fatal(err)
	}
}

// TestBootRestoresARPBeforeVIP: after a reboot (a fresh kernel, the same
// disk), the kept state comes back whole, and when the VIP appears ARP is
// already suppressed.
func TestBootRestoresARPBeforeVIP(t *testing.T) {
	dir, root := t.TempDir(), t.TempDir()
	h, _ := bootMachine(t, dir)
	desired := realServerState()
	applyAndKeep(t, h, desired, root)
	if _, err := os.Stat(filepath.Join(root, local.InitScriptPath)); err != nil {
		t.Fatalf("no boot script after apply: %v", err)
	}

	// Reboot: the kernel forgets everything; the disk keeps the record,
	// the kept state and the unit.
	_ = h.Close()
	h, w := bootMachine(t, dir)
	kept, err := local.LoadBootStates(dir)
	if err != nil || len(kept) != 1 {
		t.Fatalf("kept states = %d, %v; want 1", len(kept), err)
	}
	if kept[0].Cluster() != "web" || kept[0].HostID() != "local" || kept[0].Netns() != "" {
		t.Errorf("kept state of %s: cluster %q, host %q, netns %q", kept[0].Record, kept[0].Cluster(), kept[0].HostID(), kept[0].Netns())
	}
	r, err := apply.Restore(context.Background(), h, kept[0].Desired)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changes) != 6 || len(r.Results) != 6 {
		t.Errorf("restore made %d of %d changes, want 6", len(r.Results), len(r.Changes))
	}
	at, ok := w.atVIP["192.0.2.100/32"]
	if !ok {
		t.Fatal("the VIP was not added back")
	}
	want := map[string]string{"net.ipv4.conf.all.arp_ignore": "1", "net.ipv4.conf.all.arp_announce": "2", "net.ipv4.conf.lo.arp_ignore": "1", "net.ipv4.conf.lo.arp_announce": "2"}
	for name, v := range want {
		if at[name] != v {
			t.Errorf("when the VIP appeared, %s = %q, want %q (ARP before VIP)", name, at[name], v)
		}
	}
	// The record still says what was there before lvsctl: destroy after
	// the reboot puts the kernel's defaults back.
	rec, err := local.LoadRecord(local.ClusterRecordPath(dir, "local", "web"))
	if err != nil || rec.Sysctls["net.ipv4.conf.all.arp_ignore"] != "0" {
		t.Errorf("record after boot: %+v, %v", rec, err)
	}

	// A second boot has nothing to do.
	if r, err := apply.Restore(context.Background(), h, kept[0].Desired); err != nil || len(r.Changes) != 0 {
		t.Errorf("second restore: %d changes, %v", len(r.Changes), err)
	}
}

// TestDestroyRemovesBootState: destroy forgets the kept state; the unit
// stays while another cluster on the machine keeps one, and goes with the
// last.
func TestDestroyRemovesBootState(t *testing.T) {
	dir, root := t.TempDir(), t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "run/systemd/system"), 0o755); err != nil {
		t.Fatal(err)
	}
	web, _ := bootMachine(t, dir)
	desired := realServerState()
	applyAndKeep(t, web, desired, root)

	// Another cluster on the same machine, with a record of its own.
	bin := filepath.Join(t.TempDir(), "lvsctl")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	nl := nltest.New()
	other, err := local.New(local.Options{Name: "rs1", Netlink: netlink.New(nl), Sysctl: sysctltest.Tree(t, nil),
		IPVS: ipvs.New(ipvstest.NewFake()), RecordPath: local.ClusterRecordPath(dir, "local", "db"), Executable: bin})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	vip := netip.MustParsePrefix("192.0.2.200/32")
	applyAndKeep(t, other, state.Host{Name: "rs1", Role: state.RoleRealServer,
		Addresses: []state.Address{{Interface: "lo", Prefix: vip, Label: "lo:1"}}}, root)

	unit := filepath.Join(root, local.UnitPath)
	wants := filepath.Join(root, local.UnitWantsPath)
	for _, p := range []string{unit, wants, filepath.Join(dir, "bin", "lvsctl")} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("after apply: %v", err)
		}
	}
	if b, _ := os.ReadFile(unit); !strings.Contains(string(b), "\nExecStart="+filepath.Join(dir, "bin", "lvsctl")+" boot\n") {
		t.Errorf("the unit does not run the kept lvsctl:\n%s", b)
	}

	applyAndKeep(t, web, state.Host{Name: "rs1", Role: state.RoleRealServer}, root) // destroy
	if _, err := os.Stat(local.BootStatePath(local.ClusterRecordPath(dir, "local", "web"))); !os.IsNotExist(err) {
		t.Errorf("the destroyed cluster's kept state is still there: %v", err)
	}
	if _, err := os.Stat(unit); err != nil {
		t.Errorf("the unit went while cluster db still keeps a state: %v", err)
	}
	applyAndKeep(t, other, state.Host{Name: "rs1", Role: state.RoleRealServer}, root)
	for _, p := range []string{unit, wants, filepath.Join(dir, "bin", "lvsctl"), filepath.Join(dir, local.BootDirName)} {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there after the last cluster's destroy: %v", p, err)
		}
	}
	if kept, err := local.LoadBootStates(dir); err != nil || len(kept) != 0 {
		t.Errorf("kept states after destroy: %d, %v", len(kept), err)
	}
}
