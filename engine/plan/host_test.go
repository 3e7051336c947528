package plan_test

import (
	"context"
	"slices"
	"testing"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local"
	"github.com/lvsctl/lvsctl/providers/local/hosttest"
)

// fakeHost is the real local.Host over the providers' in-memory kernels
// (IPVS, rtnetlink) and a /proc/sys tree in a temporary directory
// (sysctltest), with its ownership record in a temporary file. Plans are
// carried out by the code that carries them out on a host, record keeping
// included.
type fakeHost struct {
	t     testing.TB
	local *local.Host
	// name and role are what a read reports, as engine/cluster sets them
	// from the configuration.
	name string
	role state.Role
	req  cluster.ReadRequest
}

// newFakeHost builds a host whose kernel holds live (hosttest.New), with
// the interfaces desired uses as well. Reads ask for req.
func newFakeHost(t testing.TB, desired, live state.Host, req cluster.ReadRequest) *fakeHost {
	t.Helper()
	var links []string
	for _, a := range desired.Addresses {
		links = append(links, a.Interface)
	}
	for _, r := range desired.Routes {
		links = append(links, r.Interface)
	}
	l := hosttest.New(t, live, links...)
	return &fakeHost{t: t, local: l, name: live.Name, role: live.Role, req: req}
}

// caseRequest is what a test reads of a host: what engine/cluster reads
// for desired (cluster.ReadRequestFor), and also whatever live shows, so a
// read before apply, after it and after teardown see the same things.
func caseRequest(desired, live state.Host) cluster.ReadRequest {
	req := cluster.ReadRequest{IPVS: len(desired.Services) > 0 || desired.OwnAllServices || desired.Timeouts != nil ||
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
