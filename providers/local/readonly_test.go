package local

import (
	"testing"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
)

// TestReadOnlySomeServices: a read limited to some services gives those
// that are there, with their servers, and everything else a read gives
// (addresses, sysctls, timeouts); with no IPVS asked for, the services
// the record owns are still read, limited the same way.
func TestReadOnlySomeServices(t *testing.T) {
	r := newRig(t)
	var changes []plan.Change
	var svcs []state.Service
	for _, vip := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"} {
		s := plantest.Service(vip)
		srv := plantest.Server("172.25.0.40", 2)
		changes = append(changes, plantest.ServiceChange(plan.Create, "", nil, &s, plan.OwnCreate),
			plantest.ServerChange(plan.Create, s, nil, &srv))
		s.Servers = []state.Server{srv}
		svcs = append(svcs, s)
	}
	if _, err := r.local.Apply(t.Context(), changes); err != nil {
		t.Fatal(err)
	}
	absent := plantest.Service("10.9.9.9").ID()
	only := &cluster.Subset{Services: []state.ServiceID{svcs[2].ID(), absent}}
	for _, ipvs := range []bool{true, false} {
		got, err := r.local.Read(t.Context(), cluster.ReadRequest{IPVS: ipvs, Sysctls: rigSysctls, Only: only})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Services) != 1 || got.Services[0].Key() != svcs[2].Key() || len(got.Services[0].Servers) != 1 || got.Services[0].Servers[0].Weight != 2 {
			t.Errorf("read of %s and an absent service (ipvs %v): %+v", svcs[2].Key(), ipvs, got.Services)
		}
		if got.Timeouts == nil || len(got.Addresses) == 0 || len(got.Sysctls) != len(rigSysctls) || got.Owned == nil || len(got.Owned.Services) != 3 {
			t.Errorf("read of some services (ipvs %v) lacks the rest of the state: %+v", ipvs, got)
		}
	}
	got, err := r.local.Read(t.Context(), cluster.ReadRequest{IPVS: true, Only: &cluster.Subset{}})
	if err != nil || len(got.Services) != 0 || got.Timeouts == nil {
		t.Errorf("read of no services: %+v, %v; want none, with the timeouts", got.Services, err)
	}
}
