package plan_test

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/apply"
	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/render"
	"github.com/lvsctl/lvsctl/engine/state"
)

// kindSamples holds one value of every kind, with how `show` finds it in a
// host's state. A kind added to plan.Kinds needs one here, and then
// TestKinds says what else it lacks.
var kindSamples = map[plan.Kind]struct {
	value plan.Resource
	// place puts the value into a host's live state; nil for a kind that
	// `show` does not draw.
	place func(h *state.Host, r plan.Resource)
}{
	plan.KindService: {plan.Resource{Service: &state.Service{Protocol: "tcp", Address: netip.MustParseAddr("10.0.0.1"), Port: 80, Family: "inet", Scheduler: "wrr"}},
		func(h *state.Host, r plan.Resource) { h.Services = append(h.Services, *r.Service) }},
	plan.KindServer: {plan.Resource{Server: &state.Server{Address: netip.MustParseAddr("10.0.0.2"), Port: 80, Method: "dr", Weight: 3}},
		func(h *state.Host, r plan.Resource) {
			h.Services = append(h.Services, state.Service{Protocol: "tcp", Address: netip.MustParseAddr("10.0.0.1"), Port: 80, Family: "inet",
				Scheduler: "wrr", Servers: []state.Server{*r.Server}})
		}},
	plan.KindTimeouts: {plan.Resource{Timeouts: &state.Timeouts{TCP: 900, TCPFin: 120, UDP: 300}},
		func(h *state.Host, r plan.Resource) { h.Timeouts = r.Timeouts }},
	plan.KindSyncDaemon: {plan.Resource{SyncDaemon: &state.SyncDaemon{State: "master", Interface: "eth0", SyncID: 7}},
		func(h *state.Host, r plan.Resource) { h.SyncDaemons = append(h.SyncDaemons, *r.SyncDaemon) }},
	plan.KindAddress: {plan.Resource{Address: &state.Address{Interface: "lo", Prefix: netip.MustParsePrefix("10.0.0.1/32"), Label: "lo:0"}},
		func(h *state.Host, r plan.Resource) { h.Addresses = append(h.Addresses, *r.Address) }},
	plan.KindRoute: {plan.Resource{Route: &state.Route{Destination: netip.MustParsePrefix("10.0.0.1/32"), Interface: "lo"}},
		func(h *state.Host, r plan.Resource) { h.Routes = append(h.Routes, *r.Route) }},
	plan.KindSysctl: {plan.Resource{Sysctl: &state.Sysctl{Name: "net.ipv4.conf.lo.arp_ignore", Value: "1"}},
		func(h *state.Host, r plan.Resource) { h.Sysctls = append(h.Sysctls, *r.Sysctl) }},
	plan.KindPeers: {plan.Resource{Peers: &plan.Peers{Hosts: map[string]state.Peer{"lvs1": {Role: state.RoleDirector}}}}, nil},
	plan.KindBoot:  {plan.Resource{Boot: &plan.Boot{Desired: &state.Host{Name: "rs1", Role: state.RoleRealServer}}}, nil},
}

// TestKinds runs every kind of change through everything a kind must have:
// a place in a host's apply order and in the cluster's waves, ownership
// record handling, JSON validation, the human and Markdown plans, and
// `show`. A kind added to the enum without these fails here, not silently
// at apply time.
func TestKinds(t *testing.T) {
	for _, k := range plan.Kinds() {
		t.Run(string(k), func(t *testing.T) {
			sample, ok := kindSamples[k]
			t.Run("sample", func(t *testing.T) {
				if !ok {
					t.Fatalf("no sample value of kind %s in kindSamples (kinds_test.go): add one", k)
				}
			})
			create := plan.Change{Kind: k, Action: plan.Create, Address: plan.Address(k, "sample"), After: &sample.value, Own: plan.OwnCreate}
			remove := plan.Change{Kind: k, Action: plan.Delete, Address: plan.Address(k, "sample"), Before: &sample.value, Own: plan.OwnForget}
			if k == plan.KindServer {
				id := kindSamples[plan.KindService].value.Service.ID()
				create.Service, remove.Service = &id, &id
			}
			t.Run("order", func(t *testing.T) {
				for _, c := range []plan.Change{create, remove} {
					if s := c.Step(); s == plan.StepUnknown || s.String() == "unknown" {
						t.Errorf("%s of a %s: no step in the apply order (plan.Change.Step, Step.String)", c.Action.Verbs()[0], k)
					}
				}
			})
			t.Run("wave", func(t *testing.T) {
				for _, role := range []state.Role{state.RoleDirector, state.RoleRealServer} {
					for _, c := range []plan.Change{create, remove} {
						if _, err := apply.Wave(role, c); err != nil {
							t.Errorf("%s on a %s: %v (engine/apply.Wave)", c.Action.Verbs()[0], role, err)
						}
					}
				}
			})
			t.Run("record", func(t *testing.T) {
				for _, own := range []plan.Ownership{plan.OwnCreate, plan.OwnRemember} {
					rec := plan.NewRecord()
					c := create
					c.Own = own
					c.Before = &sample.value
					if _, err := plan.RecordChange(rec, c); err != nil {
						t.Errorf("record %s: %v (plan.RecordChange)", own, err)
					}
					if _, err := plan.RecordChange(rec, remove); err != nil {
						t.Errorf("forget after %s: %v (plan.RecordChange)", own, err)
					}
					if k != plan.KindPeers {
						if d := cmp.Diff(plan.NewRecord(), rec, clustertest.CmpOpts); d != "" {
							t.Errorf("%s then forget leaves the record changed (-want +got):\n%s", own, d)
						}
					}
				}
			})
			t.Run("json", func(t *testing.T) {
				if err := create.Validate(); err != nil {
					t.Errorf("Validate: %v (plan.Change.Validate, Resource.Has)", err)
				}
				b, err := json.Marshal(create)
				if err != nil {
					t.Fatal(err)
				}
				var back plan.Change
				if err := json.Unmarshal(b, &back); err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(create, back, clustertest.CmpOpts); d != "" {
					t.Errorf("JSON round trip (-want +got):\n%s", d)
				}
				for other, o := range kindSamples {
					wrong := create
					wrong.After = &o.value
					if other != k && wrong.Validate() == nil {
						t.Errorf("Validate accepts a %s change holding a %s", k, other)
					}
				}
			})
			t.Run("render", func(t *testing.T) {
				attrs := sample.value.Attrs()
				if len(attrs) == 0 {
					t.Errorf("a %s has no attributes to draw (plan.Resource.Attrs)", k)
				}
				p := plan.Plan{Hosts: []plan.HostPlan{{Host: "h", Role: state.RoleDirector, Changes: []plan.Change{create}}}}
				var human, md bytes.Buffer
				if err := render.Human(&human, p, render.Options{}); err != nil {
					t.Fatal(err)
				}
				if err := render.Markdown(&md, p, render.MarkdownOptions{}); err != nil {
					t.Fatal(err)
				}
				for _, a := range attrs {
					for name, out := range map[string]string{"human": human.String(), "markdown": md.String()} {
						drawn := regexp.MustCompile(regexp.QuoteMeta(a.Name) + ` += ` + regexp.QuoteMeta(a.Value))
						if !strings.Contains(out, create.Address) || !drawn.MatchString(out) {
							t.Errorf("the %s plan does not draw %s with %s = %s:\n%s", name, create.Address, a.Name, a.Value, out)
						}
					}
				}
			})
			t.Run("show", func(t *testing.T) {
				h := state.Host{Name: "h", Role: state.RoleDirector}
				var empty, b bytes.Buffer
				if err := render.State(&empty, []state.Host{h}); err != nil {
					t.Fatalf("%v (engine/render.State)", err)
				}
				if sample.place == nil {
					return // not drawn by design
				}
				sample.place(&h, sample.value)
				if err := render.State(&b, []state.Host{h}); err != nil {
					t.Fatalf("%v (engine/render.State)", err)
				}
				if b.String() == empty.String() {
					t.Errorf("show does not draw a %s:\n%s", k, b.String())
				}
			})
		})
	}
}
