package plan_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Rules the golden cases do not show on their own, each checked on the
// single change (or absence of one) it leads to.

func httpService(servers ...state.Server) state.Service {
	return state.Service{Name: "http", Protocol: "tcp", Address: netip.MustParseAddr("10.0.0.100"), Port: 80,
		Family: "inet", Scheduler: "wrr", Netmask: 32, Servers: servers}
}

func dr(addr string, weight uint32) state.Server {
	return state.Server{Address: netip.MustParseAddr(addr), Port: 80, Method: "dr", Weight: weight}
}

// only returns the one change of a plan, failing when there is not exactly one.
func only(t *testing.T, hp plan.HostPlan) plan.Change {
	t.Helper()
	if len(hp.Changes) != 1 {
		t.Fatalf("want 1 change, got %d: %s", len(hp.Changes), mustJSON(t, hp.Changes))
	}
	return hp.Changes[0]
}

func none(t *testing.T, hp plan.HostPlan) {
	t.Helper()
	if len(hp.Changes) != 0 {
		t.Fatalf("want no changes, got %s", mustJSON(t, hp.Changes))
	}
}

// owning is a live host with svc, which its record says lvsctl made.
func owning(svc state.Service) state.Host {
	return state.Host{Services: []state.Service{svc},
		Owned: &state.Record{FormatVersion: state.FormatVersion, Services: map[string]string{svc.Key(): svc.Name}}}
}

// A live service exactly as declared but not recorded (made by hand, or by
// a run stopped before it recorded it) is recorded as lvsctl's with no
// kernel write, so removing its block removes it.
// A service that exists exactly as declared but is not recorded (made by
// hand, or by a run stopped before its record) is adopted: the record keeps
// it as it was, so dropping the block later puts it back as it was (here:
// leaves it) rather than deleting what lvsctl did not make.
func TestRuleAServiceAsDeclaredIsAdopted(t *testing.T) {
	svc := httpService(dr("10.0.0.11", 1))
	c := only(t, plan.Diff(state.Host{Services: []state.Service{svc}}, state.Host{Services: []state.Service{svc}}))
	if c.Kind != plan.KindService || c.Action != plan.Update || c.Own != plan.OwnRemember || !strings.Contains(c.Reason, "only the ownership record") {
		t.Fatalf("adoption: %s", mustJSON(t, c))
	}
	rec := plan.NewRecord()
	if changed, err := plan.RecordChange(rec, c); err != nil || !changed {
		t.Fatalf("recording the adoption: %v, %v", changed, err)
	}
	if _, kept := rec.ServiceOriginals[svc.Key()]; !kept {
		t.Fatalf("the adopted service is not kept as it was: %+v", rec)
	}
	gone := plan.Diff(state.Host{}, state.Host{Services: []state.Service{svc}, Owned: rec})
	for _, c := range gone.Changes {
		if c.Action == plan.Delete {
			t.Errorf("dropping the block of an adopted service deletes what lvsctl did not make: %s", mustJSON(t, gone.Changes))
		}
	}
	if len(gone.Changes) == 0 || gone.Changes[0].Own != plan.OwnForget {
		t.Errorf("dropping the block: the record does not forget the adopted service: %s", mustJSON(t, gone.Changes))
	}
}

func TestRuleEquivalentValuesAreNoChange(t *testing.T) {
	t.Run("netmask unset is the full length", func(t *testing.T) {
		want := httpService()
		have := httpService()
		want.Netmask = 0
		none(t, plan.Diff(state.Host{Services: []state.Service{want}}, owning(have)))
	})
	t.Run("flags in any order", func(t *testing.T) {
		want, have := httpService(), httpService()
		want.Scheduler, have.Scheduler = "sh", "sh"
		want.Flags, have.Flags = []string{"sh-port", "sh-fallback"}, []string{"sh-fallback", "sh-port"}
		none(t, plan.Diff(state.Host{Services: []state.Service{want}}, owning(have)))
	})
	t.Run("tunnel settings of a non-tun server", func(t *testing.T) {
		have := dr("10.0.0.11", 1)
		have.TunnelType = "ipip"
		none(t, plan.Diff(state.Host{Services: []state.Service{httpService(dr("10.0.0.11", 1))}},
			owning(httpService(have))))
	})
	t.Run("tun type unset is ipip", func(t *testing.T) {
		want, have := dr("10.0.0.11", 1), dr("10.0.0.11", 1)
		want.Method, have.Method = "tun", "tun"
		have.TunnelType = "ipip"
		none(t, plan.Diff(state.Host{Services: []state.Service{httpService(want)}},
			owning(httpService(have))))
	})
	t.Run("sysctl whitespace", func(t *testing.T) {
		none(t, plan.Diff(
			state.Host{Sysctls: []state.Sysctl{{Name: "net.ipv4.tcp_rmem", Value: "4096 87380 6291456"}}},
			state.Host{Sysctls: []state.Sysctl{{Name: "net.ipv4.tcp_rmem", Value: "4096\t87380\t6291456\n"}}}))
	})
	t.Run("zero timeouts are left as they are", func(t *testing.T) {
		none(t, plan.Diff(state.Host{Timeouts: &state.Timeouts{TCP: 900}},
			state.Host{Timeouts: &state.Timeouts{TCP: 900, TCPFin: 120, UDP: 300}}))
	})
	t.Run("route without an interface", func(t *testing.T) {
		r := state.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("10.0.0.1")}
		have := r
		have.Interface = "eth0"
		none(t, plan.Diff(state.Host{Routes: []state.Route{r}}, state.Host{Routes: []state.Route{have}}))
	})
}

func TestRuleUnreadableSysctl(t *testing.T) {
	c := only(t, plan.Diff(state.Host{Sysctls: []state.Sysctl{{Name: "net.ipv4.conf.tunl0.rp_filter", Value: "0"}}}, state.Host{}))
	if c.Action != plan.Update || c.Before != nil || c.Own != plan.OwnNone || !strings.Contains(c.Reason, "not readable") {
		t.Fatalf("got %s", mustJSON(t, c))
	}
}

func TestRuleSysctlAlreadyRemembered(t *testing.T) {
	live := state.Host{
		Sysctls: []state.Sysctl{{Name: "net.ipv4.ip_forward", Value: "1"}},
		Owned:   &state.Record{Sysctls: map[string]string{"net.ipv4.ip_forward": "0"}},
	}
	// Changing a value lvsctl already set keeps the first original.
	c := only(t, plan.Diff(state.Host{Sysctls: []state.Sysctl{{Name: "net.ipv4.ip_forward", Value: "2"}}}, live))
	if c.Own != plan.OwnNone || c.Before.Sysctl.Value != "1" {
		t.Fatalf("got %s", mustJSON(t, c))
	}
}

func TestRuleRouteOriginalGone(t *testing.T) {
	orig := state.Route{Destination: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("10.0.0.254"), Interface: "eth0"}
	live := state.Host{Owned: &state.Record{RouteOriginals: map[string]state.Route{orig.Key(): orig}}}
	// Someone deleted the route lvsctl changed: putting back the original creates it.
	c := only(t, plan.Diff(state.Host{}, live))
	if c.Action != plan.Create || c.Own != plan.OwnForget || *c.After.Route != orig || c.Step() != plan.StepRouteDelete {
		t.Fatalf("got %s", mustJSON(t, c))
	}
}

func TestRuleOwnedRouteChangedByHand(t *testing.T) {
	want := state.Route{Destination: netip.MustParsePrefix("10.9.0.0/16"), Gateway: netip.MustParseAddr("10.0.0.1")}
	have := want
	have.Gateway = netip.MustParseAddr("10.0.0.2")
	c := only(t, plan.Diff(state.Host{Routes: []state.Route{want}},
		state.Host{Routes: []state.Route{have}, Owned: &state.Record{Routes: []string{want.Key()}}}))
	// lvsctl created it, so there is no original to remember.
	if c.Action != plan.Update || c.Own != plan.OwnNone {
		t.Fatalf("got %s", mustJSON(t, c))
	}
}

func TestRuleAddressNoise(t *testing.T) {
	hp := plan.Diff(state.Host{}, state.Host{Addresses: []state.Address{
		{Interface: "lo", Prefix: netip.MustParsePrefix("127.0.0.1/8")},
		{Interface: "lo", Prefix: netip.MustParsePrefix("::1/128")},
		{Interface: "eth0", Prefix: netip.MustParsePrefix("fe80::1/64")},
		{Interface: "lo", Prefix: netip.MustParsePrefix("127.0.0.2/8")},
	}})
	none(t, hp)
	if want := []string{"address lo/127.0.0.2/8"}; len(hp.Unmanaged) != 1 || hp.Unmanaged[0] != want[0] {
		t.Fatalf("unmanaged %q, want %q", hp.Unmanaged, want)
	}
}

func TestRuleReplaceNeedsTheRecord(t *testing.T) {
	moved := httpService()
	moved.Address = netip.MustParseAddr("10.0.0.101")
	old := httpService()
	old.Name = ""
	// Without a record naming the old service, the new one is a plain
	// create and the old one is not lvsctl's to delete.
	hp := plan.Diff(state.Host{Services: []state.Service{moved}}, state.Host{Services: []state.Service{old}})
	c := only(t, hp)
	if c.Action != plan.Create || len(hp.Unmanaged) != 1 {
		t.Fatalf("got %s, unmanaged %q", mustJSON(t, c), hp.Unmanaged)
	}
	// A record naming it under another block does not make a replacement either.
	rec := &state.Record{Services: map[string]string{old.Key(): "other"}}
	hp = plan.Diff(state.Host{Services: []state.Service{moved}}, state.Host{Services: []state.Service{old}, Owned: rec})
	if len(hp.Changes) != 2 || hp.Changes[0].Action != plan.Create || hp.Changes[1].Action != plan.Delete {
		t.Fatalf("got %s", mustJSON(t, hp.Changes))
	}
}

func TestRuleEmptyPlanMarshalsChangesAsList(t *testing.T) {
	if got := mustJSON(t, plan.Diff(state.Host{Name: "a"}, state.Host{Name: "a"})); !strings.Contains(got, `"changes": []`) {
		t.Fatalf("empty plan JSON: %s", got)
	}
}
