package plan_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
)

func TestOwn(t *testing.T) {
	route := plantest.HostRoute("10.0.0.1", "lo")
	gwOld := state.Route{Destination: route.Destination, Interface: "eth0"}
	svcA, svcB := plantest.Service("10.0.0.1"), plantest.Service("10.0.0.2")
	for _, tc := range []struct {
		name   string
		start  state.Record
		change plan.Change
		want   state.Record
	}{{
		name:   "create address",
		change: plantest.AddAddress(plantest.Addr("lo", "10.0.0.1/32", "lo:0")),
		want:   state.Record{Addresses: []string{"lo/10.0.0.1/32"}},
	}, {
		name:   "replace service under a new key",
		start:  state.Record{Services: map[string]string{svcA.Key(): "http"}},
		change: plantest.ServiceChange(plan.Replace, "http", &svcA, &svcB, plan.OwnCreate),
		want:   state.Record{Services: map[string]string{svcB.Key(): "http"}},
	}, {
		name:   "remember keeps the first original",
		start:  state.Record{Sysctls: map[string]string{"net.ipv4.ip_forward": "0"}},
		change: plantest.SetSysctl("net.ipv4.ip_forward", "1", "0"),
		want:   state.Record{Sysctls: map[string]string{"net.ipv4.ip_forward": "0"}},
	}, {
		name: "remember a route",
		change: plan.Change{Kind: plan.KindRoute, Action: plan.Update, Own: plan.OwnRemember,
			Before: &plan.Resource{Route: &gwOld}, After: &plan.Resource{Route: &route}},
		want: state.Record{RouteOriginals: map[string]state.Route{route.Key(): gwOld}},
	}, {
		name:   "forget a route and its original",
		start:  state.Record{Routes: []string{route.Key()}, RouteOriginals: map[string]state.Route{route.Key(): gwOld}},
		change: plantest.DeleteRoute(route),
		want:   state.Record{Routes: []string{}, RouteOriginals: map[string]state.Route{}},
	}, {
		name:   "forget a sysctl",
		start:  state.Record{Sysctls: map[string]string{"net.ipv4.ip_forward": "0"}},
		change: plantest.RestoreSysctl("net.ipv4.ip_forward", "1", "0"),
		want:   state.Record{Sysctls: map[string]string{}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			// Deep-copy the start through JSON so cases do not share maps.
			var rec state.Record
			b, _ := json.Marshal(tc.start)
			_ = json.Unmarshal(b, &rec)
			if _, err := plan.RecordChange(&rec, tc.change); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, rec, clustertest.CmpOpts); d != "" {
				t.Errorf("record (-want +got):\n%s", d)
			}
		})
	}
}
