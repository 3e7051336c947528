package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
)

// pipeAgent connects a Client to Serve over io.Pipe, in process. It
// returns the agent and a channel that yields what Serve returned.
func pipeAgent(t testing.TB, h cluster.Host) (*Client, <-chan error) {
	t.Helper()
	reqR, reqW := io.Pipe()
	respR, respW := io.Pipe()
	served := make(chan error, 1)
	// Killing the in-process agent cancels what it is doing, as killing a
	// process would.
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		err := Serve(ctx, reqR, respW, h)
		_ = respW.Close()
		served <- err
	}()
	result := make(chan error, 1)
	wait := func() error {
		err := <-served
		result <- err
		return err
	}
	kill := func() {
		cancel()
		_ = reqR.CloseWithError(errors.New("killed"))
		_ = respW.CloseWithError(errors.New("killed"))
	}
	a, err := Start(context.Background(), Session{
		Name: "web1", Command: "in-process agent", Stdin: reqW, Stdout: respR, Wait: wait, Kill: kill,
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, result
}

func TestAgentRoundTrip(t *testing.T) {
	r := newRig(t)
	a, served := pipeAgent(t, r.local)
	clustertest.Apply(t, a, plantest.RealServerChanges("172.25.0.100"))
	// What the agent reads is what the host reads, record included.
	if d := cmp.Diff(r.read(t, r.local), r.read(t, a), clustertest.CmpOpts); d != "" {
		t.Errorf("read through the agent differs (-local +agent):\n%s", d)
	}
	// Every action crosses the wire intact: a replace and a no-op too.
	v0, v1 := plantest.Addr("lo", "172.25.0.100/32", "lo:0"), plantest.Addr("lo", "172.25.0.100/32", "lo:7")
	relabel := plantest.AddAddress(v1)
	relabel.Action, relabel.Before = plan.Replace, &plan.Resource{Address: &v0}
	clustertest.Apply(t, a, []plan.Change{relabel, {Kind: plan.KindSysctl, Address: "sysctl x", Action: plan.NoOp}})
	if got := r.read(t, r.local); !containsAddress(got.Addresses, v1) {
		t.Errorf("relabel through the agent: addresses %v, want %v", got.Addresses, v1)
	}

	// Failures come back with the results so far and the host's message.
	results, err := a.Apply(context.Background(), []plan.Change{plantest.DeleteRoute(plantest.HostRoute("10.9.9.9", "lo"))})
	if err == nil || !strings.Contains(err.Error(), "host web1: route 10.9.9.9/32") || len(results) != 1 || results[0].Error == "" {
		t.Errorf("failed apply through the agent: %v, %+v", err, results)
	}
	// A failure is not the end of the session.
	if _, err := a.Read(context.Background(), cluster.ReadRequest{}); err != nil {
		t.Errorf("read after a failed apply: %v", err)
	}
	// Permission errors keep their identity across.
	r.nl.Unprivileged = true
	_, err = a.Apply(context.Background(), []plan.Change{plantest.AddAddress(plantest.Addr("lo", "10.0.0.9/32", ""))})
	if !errors.Is(err, cluster.ErrPermission) || !strings.Contains(err.Error(), "run as root") {
		t.Errorf("permission error through the agent: %v", err)
	}

	if err := a.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := a.Read(context.Background(), cluster.ReadRequest{}); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("read after Close: %v", err)
	}
}

func containsAddress(list []state.Address, a state.Address) bool {
	for _, b := range list {
		if b == a {
			return true
		}
	}
	return false
}

// blockingHost's Read waits until its context is done.
type blockingHost struct{ cluster.Host }

func (blockingHost) Read(ctx context.Context, _ cluster.ReadRequest) (state.Host, error) {
	<-ctx.Done()
	return state.Host{}, ctx.Err()
}

func TestAgentCancelledCall(t *testing.T) {
	a, _ := pipeAgent(t, blockingHost{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := a.Read(ctx, cluster.ReadRequest{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled read: %v", err)
	}
	// The session is out of step now; later calls say so instead of
	// reading the wrong answer.
	_, err := a.Read(context.Background(), cluster.ReadRequest{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("read after a cancelled one: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("Close after a broken session: %v", err)
	}
}

func TestServeWantsHelloFirst(t *testing.T) {
	in := strings.NewReader(`{"id":1,"op":"read"}` + "\n")
	var out strings.Builder
	err := Serve(context.Background(), in, &out, blockingHost{})
	if err == nil || !strings.Contains(out.String(), `"error":{"message":"agent: the first request must be hello`) {
		t.Errorf("Serve = %v, wrote %s", err, out.String())
	}
	in = strings.NewReader(`{"id":1,"op":"hello","hello":{"protocol":99}}` + "\n")
	out.Reset()
	err = Serve(context.Background(), in, &out, blockingHost{})
	if err == nil || !strings.Contains(err.Error(), "use the same lvsctl version") {
		t.Errorf("Serve with protocol 99 = %v", err)
	}
}

func TestExecFailures(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		command []string
		want    []string
	}{
		{"agent dies", []string{"sh", "-c", `echo "cannot open netlink socket" >&2; exit 3`},
			[]string{"host web1", "exit status 3", "cannot open netlink socket"}},
		{"other protocol", []string{"sh", "-c", `read line; echo '{"id":1,"hello":{"protocol":99,"version":"v9"}}'; cat >/dev/null`},
			[]string{"host web1", fmt.Sprintf("does not speak protocol %d", ProtocolVersion), "protocol 99 (lvsctl v9)", "use the same lvsctl version on both sides"}},
		// An agent of another version refuses the hello, with its own.
		{"agent refuses", []string{"sh", "-c", `read line; echo '{"id":1,"hello":{"protocol":98,"version":"v98.0.0"},"error":{"message":"agent speaks protocol 98"}}'; cat >/dev/null`},
			[]string{"host web1", "runs lvsctl agent protocol 98 (lvsctl v98.0.0)", fmt.Sprintf("does not speak protocol %d", ProtocolVersion), "use the same lvsctl version on both sides"}},
		{"no such command", []string{"/nonexistent/lvsctl", "agent"},
			[]string{"host web1", "start agent `/nonexistent/lvsctl agent`"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Exec(ctx, "web1", tc.command)
			if err == nil {
				_ = a.Close()
				t.Fatal("Exec succeeded")
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}

func TestNetnsMissing(t *testing.T) {
	_, err := Netns(context.Background(), "web1", "lvsctl-no-such-netns", []string{"lvsctl", "agent"})
	if err == nil || !strings.Contains(err.Error(), "ip netns add lvsctl-no-such-netns") {
		t.Errorf("NewNetns of a missing namespace: %v", err)
	}
	if _, err := Netns(context.Background(), "web1", "../etc", []string{"lvsctl", "agent"}); err == nil {
		t.Error("NewNetns accepted a path as a namespace name")
	}
}

func TestServeAnswersBadRequests(t *testing.T) {
	in := strings.NewReader(fmt.Sprintf(`{"id":1,"op":"hello","hello":{"protocol":%d}}`, ProtocolVersion) + "\n" +
		`{"id":2,"op":"apply","changes":[{"kind":"address","address":"a","action":"explode"}]}` + "\n" +
		`{"id":3,"op":"read"}` + "\n")
	var out strings.Builder
	if err := Serve(context.Background(), in, &out, echoHost{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], `"error"`) || !strings.Contains(lines[2], `"name":"echo"`) {
		t.Errorf("responses:\n%s\nwant an error for the bad apply and the session to go on", out.String())
	}
}

// Start needs the pipes of a started agent and a way to reap and stop it.
func TestStartNeedsASession(t *testing.T) {
	_, err := Start(context.Background(), Session{Name: "web1", Command: "ssh web1 lvsctl agent"})
	if err == nil || !strings.Contains(err.Error(), "host web1") {
		t.Errorf("Start without pipes: %v", err)
	}
}

// stoppingHost's Apply makes its first change, then waits until its
// context is done and reports that one, as local.Host does when stopped
// between two changes.
type stoppingHost struct {
	cluster.Host
	started chan struct{}
}

func (h stoppingHost) Apply(ctx context.Context, changes []plan.Change) ([]plan.Result, error) {
	close(h.started)
	<-ctx.Done()
	return []plan.Result{{Address: changes[0].Address}}, fmt.Errorf("host web1: stopped before %s (1 of %d changes applied, recorded): %w", changes[1].Address, len(changes), ctx.Err())
}

// An interrupted client does not kill the agent in the middle of an apply:
// it closes the agent's input, the agent stops at its next change boundary
// (its host's context is cancelled when its input ends) and answers with
// what it did.
func TestInterruptedApplyStopsTheAgentAtABoundary(t *testing.T) {
	h := stoppingHost{started: make(chan struct{})}
	a, served := pipeAgent(t, h)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-h.started
		cancel()
	}()
	changes := plantest.RealServerChanges("172.25.0.100")
	results, err := a.Apply(ctx, changes)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "1 of") {
		t.Fatalf("interrupted apply: %v; want the agent's account of what it did", err)
	}
	if len(results) != 1 || results[0].Address != changes[0].Address {
		t.Errorf("results %+v; want the one change made", results)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve after its client went: %v; want a clean end", err)
	}
}
