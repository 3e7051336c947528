package agent

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
)

func TestWireChangesKeepTheirAction(t *testing.T) {
	vip := plantest.Addr("lo", "10.0.0.1/32", "lo:0")
	var changes []plan.Change
	for _, a := range []plan.Action{plan.NoOp, plan.Create, plan.Update, plan.Delete, plan.Replace} {
		changes = append(changes, plan.Change{Kind: plan.KindAddress, Address: plan.Address(plan.KindAddress, vip.Key()), Action: a,
			After: &plan.Resource{Address: &vip}, Own: plan.OwnCreate, ForcesReplacement: []string{"label"}})
	}
	// The state kept for boot, whose services travel in their compact form.
	desired := state.Host{Name: "web1", Role: state.RoleDirector, Services: []state.Service{plantest.Service("10.0.0.1")}}
	desired.Services[0].Servers = []state.Server{plantest.Server("10.0.0.2", 3)}
	changes = append(changes, plan.Change{Kind: plan.KindBoot, Action: plan.Update, Address: "state kept for boot",
		After: &plan.Resource{Boot: &plan.Boot{Desired: &desired, Root: "/tmp/x"}}})
	b, err := json.Marshal(request{Op: opApply, Changes: toWire(changes)})
	if err != nil {
		t.Fatal(err)
	}
	var got request
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	received, err := fromWire(got.Changes)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(changes, received, clustertest.CmpOpts); d != "" {
		t.Errorf("changes across the wire (-sent +received):\n%s", d)
	}
	if len(desired.Services) != 1 {
		t.Error("sending the state kept for boot changed the caller's")
	}
	if !strings.Contains(string(b), `"boot_services":`) || strings.Contains(string(b), `"servers":`) {
		t.Errorf("the services kept for boot are not in their compact form: %s", b)
	}
}

// TestWireChangeUnknownAction: an action this lvsctl does not know is
// refused, naming the change, never applied as something else.
func TestWireChangeUnknownAction(t *testing.T) {
	var req request
	if err := json.Unmarshal([]byte(`{"id":2,"op":"apply","changes":[{"action":63,"kind":"address","address":"address lo/10.0.0.1/32"}]}`), &req); err != nil {
		t.Fatal(err)
	}
	_, err := fromWire(req.Changes)
	if err == nil || !strings.Contains(err.Error(), `change "address lo/10.0.0.1/32": unknown action 63`) {
		t.Errorf("an unknown action: %v", err)
	}
}

// echoHost answers every read with its name and applies nothing.
type echoHost struct{}

func (echoHost) Read(context.Context, cluster.ReadRequest) (state.Host, error) {
	return state.Host{Name: "echo"}, nil
}

func (echoHost) Apply(_ context.Context, changes []plan.Change) ([]plan.Result, error) {
	out := make([]plan.Result, len(changes))
	for i, c := range changes {
		out[i] = plan.Result{Address: c.Address}
	}
	return out, nil
}

func (echoHost) Close() error { return nil }

// FuzzServe feeds the agent arbitrary input: whatever it gets, it must
// only ever write well-formed responses, and never panic or hang.
func FuzzServe(f *testing.F) {
	hi := fmt.Sprintf(`{"id":1,"op":"hello","hello":{"protocol":%d}}`, ProtocolVersion) + "\n"
	svc, srv := plantest.Service("10.0.0.1"), plantest.Server("10.0.0.2", 1)
	compact, rest := splitChanges([]plan.Change{plantest.AddAddress(plantest.Addr("lo", "10.0.0.1/32", "")),
		plantest.ServiceChange(plan.Create, "web", nil, &svc, plan.OwnCreate), plantest.ServerChange(plan.Create, svc, nil, &srv)})
	apply, err := json.Marshal(request{ID: 2, Op: opApply, Compact: compact, Changes: rest})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		hi + string(apply) + "\n" + `{"id":2,"op":"ack","progress":1}` + "\n",
		hi + `{"id":2,"op":"read","read":{"ipvs":true,"sysctls":["a.b"]}}` + "\n",
		hi + `{"id":2,"op":"apply","changes":[{"kind":"address","address":"x","action":43}]}` + "\n" + `{"id":3,"op":"close"}`,
		`{"id":1,"op":"read"}`,
		hi + `{"id":2,"op":"bogus"}`,
		hi + `{"id":2,"op":"setup","setup":{"cluster":"a"}}` + "\n" + `{"id":3,"op":"lock"}`,
		hi + `{"id":2,"op":"ack","progress":1}{"id":3,"op":"setup"}{"id":4,"op":"setup"}`,
		`not json`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		_ = Serve(context.Background(), bytes.NewReader(in), &out, echoHost{})
		sc := bufio.NewScanner(&out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var resp response
			if err := json.Unmarshal(sc.Bytes(), &resp); err != nil {
				t.Fatalf("the agent wrote a line that is not a response: %q: %v", sc.Text(), err)
			}
			if resp.Error == nil && resp.Hello == nil && resp.Host == nil && strings.Contains(sc.Text(), `"op"`) {
				t.Fatalf("response %q echoes a request", sc.Text())
			}
		}
	})
}
