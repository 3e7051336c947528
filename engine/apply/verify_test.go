package apply_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/apply"
	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local/hosttest"
)

// bigDirector is a director of n services of 10 servers each, weights w.
func bigDirector(n int, w uint32) state.Host {
	d := state.Host{Name: "lvs", Role: state.RoleDirector}
	for i := range n {
		svc := plantest.Service(fmt.Sprintf("10.%d.%d.%d", 1+i/62500, i/250%250, 1+i%250))
		for j := range 10 {
			svc.Servers = append(svc.Servers, plantest.Server(fmt.Sprintf("172.16.0.%d", j+1), w))
		}
		d.Services = append(d.Services, svc)
	}
	return d
}

// planOne plans desired on h as `lvsctl plan` does.
func planOne(t *testing.T, h cluster.Host, desired state.Host) plan.Plan {
	t.Helper()
	p, _, err := cluster.Plan(context.Background(), []cluster.Member{{Desired: desired, Host: h}}, cluster.Options{Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestVerifyReadsOnlyWhatTheApplyTouched: in a director of 1,000 services,
// the plan of one weight changed reads the whole table (a dump of the
// services and one of each one's servers), verify only the service changed
// (a lookup and a dump of its servers), and the next plan is empty.
func TestVerifyReadsOnlyWhatTheApplyTouched(t *testing.T) {
	const n = 1000
	ctx := context.Background()
	h, kernel := hosttest.NewCounting(t, state.Host{Name: "lvs"})
	hosts := map[string]cluster.Host{"lvs": h}
	desired := bigDirector(n, 1)
	if err := apply.Apply(ctx, planOne(t, h, desired), hosts, apply.Options{Parallelism: 1}); err != nil {
		t.Fatal(err)
	}

	desired.Services[n-1].Servers[0].Weight = 2
	kernel.Reset()
	p := planOne(t, h, desired)
	if got := kernel.Reads(); got != 1+n {
		t.Errorf("the plan made %d read requests, want 1 + %d (one dump of the services, one of each one's servers)", got, n)
	}
	if c := p.Hosts[0].Changes; len(c) != 1 || c[0].Kind != plan.KindServer {
		t.Fatalf("plan of one weight: %+v, want one server change", c)
	}
	if err := apply.Apply(ctx, p, hosts, apply.Options{Parallelism: 1}); err != nil {
		t.Fatal(err)
	}
	kernel.Reset()
	if err := apply.Verify(ctx, p, hosts, 1); err != nil {
		t.Fatal(err)
	}
	if d, g, s := kernel.ServiceDumps.Load(), kernel.ServiceGets.Load(), kernel.ServerDumps.Load(); d != 0 || g != 1 || s != 1 {
		t.Errorf("verify of one weight in %d services: %d service dumps, %d lookups, %d server dumps; want 0, 1, 1", n, d, g, s)
	}
	if again := planOne(t, h, desired); again.HasChanges() {
		t.Errorf("a plan after the apply and its verify is not empty: %+v", again.Hosts[0].Changes)
	}
}

// notTaken is a host whose kernel reports success for the changes whose
// address has skip in it, but does not make them.
type notTaken struct {
	cluster.Host
	skip string
}

func (n notTaken) Apply(ctx context.Context, changes []plan.Change) ([]plan.Result, error) {
	var results []plan.Result
	for _, c := range changes {
		if strings.Contains(c.Address, n.skip) {
			results = append(results, plan.Result{Address: c.Address})
			continue
		}
		r, err := n.Host.Apply(ctx, []plan.Change{c})
		results = append(results, r...)
		if err != nil {
			return results, err
		}
	}
	return results, nil
}

// TestVerifyCatchesAChangeNotTaken: verify fails, naming the host and the
// resource, when the kernel did not take a change of a touched service: a
// weight, a server added, a service deleted.
func TestVerifyCatchesAChangeNotTaken(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		change func(*state.Host)
		skip   string
		want   string
	}{
		{"weight", func(d *state.Host) { d.Services[2].Servers[3].Weight = 5 }, "172.16.0.4", "~ server tcp/10.1.0.3:80 -> 172.16.0.4:80"},
		{"server added", func(d *state.Host) {
			d.Services[1].Servers = append(d.Services[1].Servers, plantest.Server("172.16.0.99", 1))
		}, "172.16.0.99", "+ server tcp/10.1.0.2:80 -> 172.16.0.99:80"},
		{"service deleted", func(d *state.Host) { d.Services = d.Services[1:] }, "service tcp/10.1.0.1:80", "- service tcp/10.1.0.1:80"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := hosttest.New(t, state.Host{Name: "lvs"})
			desired := bigDirector(5, 1)
			if err := apply.Apply(ctx, planOne(t, l, desired), map[string]cluster.Host{"lvs": l}, apply.Options{Parallelism: 1}); err != nil {
				t.Fatal(err)
			}
			tc.change(&desired)
			h := notTaken{l, tc.skip}
			hosts := map[string]cluster.Host{"lvs": h}
			p := planOne(t, h, desired)
			if err := apply.Apply(ctx, p, hosts, apply.Options{Parallelism: 1}); err != nil {
				t.Fatal(err)
			}
			err := apply.Verify(ctx, p, hosts, 1)
			if err == nil || !strings.Contains(err.Error(), "host lvs: "+tc.want) {
				t.Fatalf("verify of a change the kernel did not take: %v, want it to name %q", err, tc.want)
			}
		})
	}
}

// TestTouchedServices: the services a plan's changes touch, by kind.
func TestTouchedServices(t *testing.T) {
	a, b := plantest.Service("10.0.0.1"), plantest.Service("10.0.0.2")
	changes := []plan.Change{
		plantest.ServerChange(plan.Update, b, &state.Server{}, &state.Server{}),
		plantest.ServiceChange(plan.Create, "a", nil, &a, plan.OwnCreate),
		plantest.ServerChange(plan.Create, a, nil, &state.Server{}),
		plantest.AddAddress(plantest.Addr("lo", "10.0.0.1/32", "")),
	}
	var got []string
	for _, id := range apply.TouchedServices(changes) {
		got = append(got, id.Key())
	}
	if want := []string{a.Key(), b.Key()}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("TouchedServices = %v, want %v", got, want)
	}
}
