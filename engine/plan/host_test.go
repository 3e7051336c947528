package plan_test

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"

	vnl "github.com/vishvananda/netlink"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/host"
	"github.com/lvsctl/lvsctl/providers/ipvs"
	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
	"github.com/lvsctl/lvsctl/providers/netlink"
	"github.com/lvsctl/lvsctl/providers/netlink/nltest"
	"github.com/lvsctl/lvsctl/providers/sysctl/sysctltest"
)

// fakeHost is the real host.Local over the providers' in-memory kernels
// (IPVS, rtnetlink) and a /proc/sys tree in a temporary directory
// (sysctltest), with its ownership record in a temporary file. Plans are
// carried out by the code that carries them out on a host, record keeping
// included.
type fakeHost struct {
	t     testing.TB
	local *host.Local
	// name and role are what a read reports, as engine/cluster sets them
	// from the configuration.
	name string
	role state.Role
	req  host.ReadRequest
}

// newFakeHost builds a host whose kernel holds live: its services and
// servers, addresses, routes, sysctls and IPVS timeouts, and whose record
// file holds live.Owned. Interfaces are made for every name live or
// desired uses (eth0 always), all up. Reads ask for req.
func newFakeHost(t testing.TB, desired, live state.Host, req host.ReadRequest) *fakeHost {
	t.Helper()
	dir := t.TempDir()

	nl := nltest.New() // lo, down, as a new namespace has it
	links := []string{"lo", "eth0"}
	for _, h := range []state.Host{desired, live} {
		for _, a := range h.Addresses {
			links = append(links, a.Interface)
		}
		for _, r := range h.Routes {
			links = append(links, r.Interface)
		}
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
			t.Fatalf("load route: %v", err)
		}
	}

	sysctls := map[string]string{}
	for _, s := range live.Sysctls {
		sysctls[s.Name] = s.Value
	}
	sys := sysctltest.Tree(t, sysctls)

	table := ipvs.New(ipvstest.NewFake())
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

	l, err := host.NewLocal(host.LocalOptions{
		Name: live.Name, IPVS: table, Netlink: nlp, Sysctl: sys, RecordPath: recordPath,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return &fakeHost{t: t, local: l, name: live.Name, role: live.Role, req: req}
}

// caseRequest is what a test reads of a host: what engine/cluster reads
// for desired (cluster.ReadRequest), and also whatever live shows, so a
// read before apply, after it and after teardown see the same things.
func caseRequest(desired, live state.Host) host.ReadRequest {
	req := host.ReadRequest{IPVS: len(desired.Services) > 0 || desired.OwnAllServices || desired.Timeouts != nil ||
		len(live.Services) > 0 || live.Timeouts != nil}
	for _, h := range []state.Host{desired, live} {
		for _, s := range h.Sysctls {
			req.Sysctls = append(req.Sysctls, s.Name)
		}
	}
	slices.Sort(req.Sysctls)
	req.Sysctls = slices.Compact(req.Sysctls)
	return req
}

// read returns the host's live state as engine/cluster reads it.
func (h *fakeHost) read() state.Host {
	h.t.Helper()
	live, err := h.local.Read(context.Background(), h.req)
	if err != nil {
		h.t.Fatalf("read: %v", err)
	}
	live.Name, live.Role = h.name, h.role
	live.Normalize()
	return live
}

// apply carries changes out; the host refusing one fails the test.
func (h *fakeHost) apply(changes []plan.Change) {
	h.t.Helper()
	if _, err := h.local.Apply(context.Background(), changes); err != nil {
		h.t.Fatalf("apply: %v\nchanges:\n%s", err, mustJSON(h.t, changes))
	}
}
