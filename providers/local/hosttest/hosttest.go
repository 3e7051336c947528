// Package hosttest builds real local.Host hosts over the providers'
// in-memory kernels (ipvstest, nltest, sysctltest) for engine tests: plans
// are carried out by the code that carries them out on a host, ownership
// record included, without root or IPVS.
package hosttest

import (
	"encoding/json"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vnl "github.com/vishvananda/netlink"

	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs"
	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
	"github.com/lvsctl/lvsctl/providers/local"
	"github.com/lvsctl/lvsctl/providers/netlink"
	"github.com/lvsctl/lvsctl/providers/netlink/nltest"
	"github.com/lvsctl/lvsctl/providers/sysctl/sysctltest"
)

// New returns a host whose kernel holds live — its services and servers,
// addresses, routes, sysctls and IPVS timeouts — and whose record file
// holds live.Owned. Interfaces lo and eth0, every interface live names, and
// links are made, all up. The host is closed when the test ends.
func New(t testing.TB, live state.Host, links ...string) *local.Host {
	t.Helper()
	l, _ := NewWithNetlink(t, live, links...)
	return l
}

// NewWithNetlink is New that also returns the host's in-memory rtnetlink,
// for tests that change it behind the host's back (say, take privilege
// away with Unprivileged).
func NewWithNetlink(t testing.TB, live state.Host, links ...string) (*local.Host, *nltest.Fake) {
	t.Helper()
	l, nl, _ := newHost(t, live, links)
	return l, nl
}

// NewWithIPVS is New that also returns the host's in-memory IPVS, for tests
// that play traffic on it (ipvstest.Fake.SetActiveConnections).
func NewWithIPVS(t testing.TB, live state.Host, links ...string) (*local.Host, *ipvstest.Fake) {
	t.Helper()
	l, _, f := newHost(t, live, links)
	return l, f.Fake
}

// NewCounting is New that also returns the host's in-memory IPVS, which
// counts the read requests it answers.
func NewCounting(t testing.TB, live state.Host, links ...string) (*local.Host, *ipvstest.Counting) {
	t.Helper()
	l, _, f := newHost(t, live, links)
	return l, f
}

// Options is what New opens its host with: the in-memory kernels holding
// live, and the record file. For code that opens hosts itself, as an agent
// does for the cluster its client names (the record of a named cluster is
// beside RecordPath).
func Options(t testing.TB, live state.Host, links ...string) local.Options {
	t.Helper()
	o, _, _ := newOptions(t, live, links)
	return o
}

func newHost(t testing.TB, live state.Host, links []string) (*local.Host, *nltest.Fake, *ipvstest.Counting) {
	t.Helper()
	o, nl, fake := newOptions(t, live, links)
	l, err := local.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l, nl, fake
}

func newOptions(t testing.TB, live state.Host, links []string) (local.Options, *nltest.Fake, *ipvstest.Counting) {
	t.Helper()
	dir := t.TempDir()

	nl := nltest.New() // lo, down, as a new namespace has it
	links = append([]string{"lo", "eth0"}, links...)
	for _, a := range live.Addresses {
		links = append(links, a.Interface)
	}
	for _, r := range live.Routes {
		links = append(links, r.Interface)
	}
	for _, name := range links {
		if name == "" {
			continue
		}
		if _, err := nl.LinkByName(name); err != nil {
			nl.AddLink(name, true)
		}
	}
	// Addresses go to the fake directly, with lo still down: the provider
	// would bring lo up first, and the kernel would give it 127.0.0.1/8 and
	// ::1 ahead of the live state's own.
	for _, a := range live.Addresses {
		l, err := nl.LinkByName(a.Interface)
		if err != nil {
			t.Fatal(err)
		}
		ipnet := &net.IPNet{IP: net.IP(a.Prefix.Addr().AsSlice()), Mask: net.CIDRMask(a.Prefix.Bits(), a.Prefix.Addr().BitLen())}
		if err := nl.AddrAdd(l, &vnl.Addr{IPNet: ipnet, Label: a.Label}); err != nil {
			t.Fatalf("load address %s: %v", a.Key(), err)
		}
	}
	lo, err := nl.LinkByName("lo")
	if err != nil {
		t.Fatal(err)
	}
	if err := nl.LinkSetUp(lo); err != nil {
		t.Fatal(err)
	}
	nlp := netlink.New(nl)
	for _, r := range live.Routes {
		if err := nlp.AddRoute(r); err != nil {
			t.Fatalf("load route %s: %v", r.Key(), err)
		}
	}

	sysctls := map[string]string{}
	for _, s := range live.Sysctls {
		sysctls[s.Name] = s.Value
	}
	sys := sysctltest.Tree(t, sysctls)

	fake := ipvstest.NewCounting()
	// A sync daemon may use any interface the host has.
	daemonIfaces := []string{"lo"}
	for _, a := range live.Addresses {
		daemonIfaces = append(daemonIfaces, a.Interface)
	}
	for _, d := range live.SyncDaemons {
		daemonIfaces = append(daemonIfaces, d.Interface)
	}
	fake.SetInterfaces(daemonIfaces...)
	table := ipvs.New(fake)
	for _, d := range live.SyncDaemons {
		if err := table.StartSyncDaemon(d); err != nil {
			t.Fatalf("load sync daemon %s: %v", d.Key(), err)
		}
	}
	if live.Timeouts != nil {
		if err := table.SetTimeouts(*live.Timeouts); err != nil {
			t.Fatalf("load timeouts: %v", err)
		}
	}
	for _, s := range live.Services {
		if err := table.CreateService(s); err != nil {
			t.Fatalf("load service %s: %v", s.Key(), err)
		}
		for _, d := range s.Servers {
			if err := table.CreateServer(s, d); err != nil {
				t.Fatalf("load server %s of %s: %v", d.Key(), s.Key(), err)
			}
		}
	}

	recordPath := filepath.Join(dir, "record.json")
	if live.Owned != nil {
		b, err := json.MarshalIndent(live.Owned, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(recordPath, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	for name, u := range live.Shared {
		keepShared(t, local.BootStatePath(local.ClusterRecordPath(dir, "record", name)), u)
	}
	return local.Options{Name: live.Name, IPVS: table, Netlink: nlp, Sysctl: sys, RecordPath: recordPath}, nl, fake
}

// keepShared writes the state another cluster on the host keeps, declaring
// what u lists, as its apply would have.
func keepShared(t testing.TB, path string, u state.Uses) {
	t.Helper()
	var h state.Host
	for _, k := range u.Addresses {
		iface, prefix, _ := strings.Cut(k, "/")
		h.Addresses = append(h.Addresses, state.Address{Interface: iface, Prefix: netip.MustParsePrefix(prefix)})
	}
	for _, k := range u.Routes {
		h.Routes = append(h.Routes, state.Route{Destination: netip.MustParsePrefix(k)})
	}
	for _, k := range u.Sysctls {
		h.Sysctls = append(h.Sysctls, state.Sysctl{Name: k})
	}
	b, err := json.Marshal(local.BootState{FormatVersion: state.FormatVersion, Desired: h})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
