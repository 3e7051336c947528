package agent

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local"
)

// openerAgent connects a Client to ServeHosts(o) over pipes, in process,
// and returns it with a function that kills it (as a dead connection
// would: both pipes broken) and a channel yielding what ServeHosts
// returned.
func openerAgent(t testing.TB, o Opener) (*Client, func(), <-chan error) {
	t.Helper()
	reqR, reqW := io.Pipe()
	respR, respW := io.Pipe()
	served := make(chan error, 1)
	result := make(chan error, 1)
	go func() {
		err := ServeHosts(context.Background(), reqR, respW, o)
		_ = respW.Close()
		served <- err
		result <- err
	}()
	kill := func() {
		_ = reqR.CloseWithError(errors.New("killed"))
		_ = respW.CloseWithError(errors.New("killed"))
	}
	a, err := Start(context.Background(), Session{
		Name: "web1", Command: "in-process agent", Stdin: reqW, Stdout: respR,
		Wait: func() error { return <-served }, Kill: kill,
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, kill, result
}

func lockFor(client string) *LockRequest {
	return &LockRequest{Command: "lvsctl apply ./cluster", Client: client}
}

// Setup opens the record of the cluster named, beside the host's, and
// holds the host's lock for the session: another session is refused,
// naming the holder and its client; ping's lock request sees it held;
// closing the session frees it.
func TestSetupClusterAndLock(t *testing.T) {
	opts := rigOptions(t)
	hosts := LocalHosts{Options: opts}
	a, _, _ := openerAgent(t, hosts)
	if err := a.Setup(context.Background(), Setup{Name: "web1", Cluster: "a", Lock: lockFor("alice@laptop")}); err != nil {
		t.Fatal(err)
	}
	clustertest.Apply(t, a, []plan.Change{plantest.AddAddress(plantest.Addr("lo", "172.25.0.100/32", "lo:0"))})
	dir := filepath.Dir(opts.RecordPath)
	if _, err := os.Stat(filepath.Join(dir, "record@a.json")); err != nil {
		t.Errorf("cluster a's record: %v", err)
	}
	if _, err := os.Stat(opts.RecordPath); err == nil {
		t.Errorf("the unnamed cluster's record %s was written by cluster a's session", opts.RecordPath)
	}

	pinger, _, _ := openerAgent(t, hosts)
	st, err := pinger.LockState(context.Background())
	if err != nil || !st.Held || st.Holder == nil || st.Holder.PID != os.Getpid() || st.Holder.Client != "alice@laptop" {
		t.Fatalf("lock state while a session holds it: %+v (holder %+v), %v", st, st.Holder, err)
	}
	if err := pinger.Close(); err != nil {
		t.Errorf("close the pinging session: %v", err)
	}

	b, _, served := openerAgent(t, hosts)
	err = b.Setup(context.Background(), Setup{Name: "web1", Cluster: "b", Lock: lockFor("bob@ci")})
	for _, want := range []string{"host web1", "another lvsctl run", "for alice@laptop", local.LockPath(opts.RecordPath), "-lock-timeout"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("second session's setup: %v; want it refused saying %q", err, want)
		}
	}
	if err := <-served; err == nil {
		t.Error("the refused session goes on; want it ended")
	}
	_ = b.Close()
	if _, err := os.Stat(filepath.Join(dir, "record@b.json")); err == nil {
		t.Error("the refused session wrote cluster b's record")
	}

	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, held, err := local.LockHolder(opts.RecordPath); held || err != nil {
		t.Fatalf("after the holder's session closed: held %v, %v", held, err)
	}
	c, _, _ := openerAgent(t, hosts)
	if err := c.Setup(context.Background(), Setup{Cluster: "b", Lock: lockFor("bob@ci")}); err != nil {
		t.Fatalf("once free: %v", err)
	}
	_ = c.Close()
}

// A session that dies, however, releases the lock: a wait for it ends
// too.
func TestDeadSessionReleasesTheLock(t *testing.T) {
	opts := rigOptions(t)
	hosts := LocalHosts{Options: opts}
	a, kill, served := openerAgent(t, hosts)
	if err := a.Setup(context.Background(), Setup{Lock: lockFor("alice@laptop")}); err != nil {
		t.Fatal(err)
	}
	// A second session waits for the lock, then dies while waiting.
	b, killB, servedB := openerAgent(t, hosts)
	waited := make(chan error, 1)
	go func() { waited <- b.Setup(context.Background(), Setup{Lock: &LockRequest{TimeoutMS: 3600_000}}) }()
	select {
	case err := <-waited:
		t.Fatalf("the waiter's setup returned (%v) while the lock was held", err)
	default:
	}
	killB()
	<-servedB
	if err := <-waited; err == nil {
		t.Fatal("the killed waiter's setup succeeded")
	}

	kill()
	<-served
	if _, held, err := local.LockHolder(opts.RecordPath); held || err != nil {
		t.Fatalf("after the holder's session died: held %v, %v", held, err)
	}
	_ = a.Close()
	_ = b.Close()
}

// A setup after a read, a second setup, or a cluster name that is not one
// are refused.
func TestSetupRefusals(t *testing.T) {
	hosts := LocalHosts{Options: rigOptions(t)}
	a, _, _ := openerAgent(t, hosts)
	if _, err := a.Read(context.Background(), cluster.ReadRequest{}); err != nil {
		t.Fatal(err)
	}
	if err := a.Setup(context.Background(), Setup{Cluster: "a"}); err == nil || !strings.Contains(err.Error(), "before any read or apply") {
		t.Errorf("setup after a read: %v", err)
	}
	b, _, _ := openerAgent(t, hosts)
	if err := b.Setup(context.Background(), Setup{Name: "web1", Cluster: "../x"}); err == nil || !strings.Contains(err.Error(), `cluster name "../x"`) {
		t.Errorf("setup with a path as the cluster: %v", err)
	}
	// Serve's one host takes no cluster or lock.
	c, _ := pipeAgent(t, echoHost{})
	if err := c.Setup(context.Background(), Setup{Cluster: "a"}); err == nil {
		t.Error("a fixed host's agent accepted a cluster")
	}
}

// stallingHost makes its first `stall` changes, then waits for the end of
// its context, as a host whose connection died would be left.
type stallingHost struct {
	echoHost
	stall   int
	stalled chan struct{}
}

func (h stallingHost) ApplyEach(ctx context.Context, changes []plan.Change, done func(int)) ([]plan.Result, error) {
	var out []plan.Result
	for i, c := range changes {
		if i == h.stall {
			close(h.stalled)
			<-ctx.Done()
			return out, ctx.Err()
		}
		out = append(out, plan.Result{Address: c.Address})
		done(len(out))
	}
	return out, nil
}

func addressChanges(n int) []plan.Change {
	var out []plan.Change
	for i := range n {
		out = append(out, plantest.AddAddress(plantest.Addr("lo", fmt.Sprintf("172.25.%d.%d/32", i/250, i%250+1), "")))
	}
	return out
}

// The agent lost in the middle of an apply: the client says which changes
// were done (the agent said so), which may have been (the window past the
// last acknowledged), and which were not, and returns the done ones.
func TestLostApplySaysWhatWasDone(t *testing.T) {
	narrowWindow(t, 2)
	h := stallingHost{stall: 2, stalled: make(chan struct{})}
	a, kill, _ := openerAgent(t, fixedHost{h})
	go func() {
		<-h.stalled
		kill()
	}()
	changes := addressChanges(6)
	results, err := a.Apply(context.Background(), changes)
	var lost *LostApplyError
	if !errors.As(err, &lost) {
		t.Fatalf("apply over a lost agent: %v; want a LostApplyError", err)
	}
	if len(results) != 2 || results[0].Address != changes[0].Address || results[1].Address != changes[1].Address {
		t.Errorf("results %+v; want the two changes done", results)
	}
	if len(lost.Done) != 2 || len(lost.Unknown) != 2 || len(lost.NotDone) != 2 || lost.Unknown[0] != changes[2].Address {
		t.Errorf("done %v, unknown %v, not done %v; want 2 each, in order", lost.Done, lost.Unknown, lost.NotDone)
	}
	for _, want := range []string{"host web1", "done: 2 (address lo/172.25.0.1/32, address lo/172.25.0.2/32)",
		"not done: 2 (address lo/172.25.0.5/32, address lo/172.25.0.6/32)", "unknown (in flight", "lvsctl apply` again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
}

// The agent runs no further than the window past what its client
// acknowledged: a client that never acknowledges, then goes, leaves
// exactly the window done, recorded.
func TestAgentWaitsForAcknowledgements(t *testing.T) {
	narrowWindow(t, 2)
	r := newRig(t)
	reqR, reqW := io.Pipe()
	respR, respW := io.Pipe()
	served := make(chan error, 1)
	go func() {
		served <- Serve(context.Background(), reqR, respW, r.local)
		_ = respW.Close()
	}()
	enc := json.NewEncoder(reqW)
	out := bufio.NewScanner(respR)
	out.Buffer(nil, 1<<20)
	changes := addressChanges(6)
	for _, req := range []request{
		{ID: 1, Op: opHello, Hello: &hello{Protocol: ProtocolVersion}},
		{ID: 2, Op: opApply, Changes: toWire(changes)},
	} {
		go func() { _ = enc.Encode(req) }()
		if !out.Scan() {
			t.Fatalf("no answer to %s", req.Op)
		}
	}
	// The hello's answer, then the apply's first progress line; then the
	// second, after which the agent waits for an ack that never comes.
	if !out.Scan() || !strings.Contains(out.Text(), `"progress":2`) {
		t.Fatalf("second line of the apply: %q", out.Text())
	}
	_ = reqW.Close()
	var last response
	for out.Scan() {
		if err := json.Unmarshal(out.Bytes(), &last); err != nil {
			t.Fatal(err)
		}
	}
	if last.Made != 2 || len(last.Failed) != 0 || last.Error == nil {
		t.Errorf("answer after the client went: %+v; want the 2 changes of the window and the stop", last)
	}
	if err := <-served; err != nil && !errors.Is(err, errClientGone) {
		t.Errorf("Serve: %v", err)
	}
	if got := r.read(t, r.local).Owned.Addresses; len(got) != 2 {
		t.Errorf("record after the stop: %v; want the 2 changes made", got)
	}
}

// A batch of IPVS writes goes to the kernel whole, so when the window
// closes inside one, the rest of that batch is in flight too: it is
// reported unknown, never not done. Other changes keep the window.
func TestLostApplyCountsTheBatchInFlight(t *testing.T) {
	narrowWindow(t, 2)
	svc := state.ServiceID{Protocol: "tcp", Address: netip.MustParseAddr("10.0.0.1"), Port: 80}
	var changes []plan.Change
	for i := range 40 {
		changes = append(changes, plan.Change{Kind: plan.KindServer, Action: plan.Create,
			Address: fmt.Sprintf("server %d", i), Service: &svc})
	}
	changes = append(changes, addressChanges(3)...) // another step
	done := 1
	lost := lostApply(errors.New("gone"), changes, &done).(*LostApplyError)
	// 1 done, the window's 2, then the rest of a batch of up to BatchMax
	// that may have started at the window's last change.
	wantUnknown := 2 + local.BatchMax - 1
	if len(lost.Done) != 1 || len(lost.Unknown) != wantUnknown || len(lost.NotDone) != len(changes)-1-wantUnknown {
		t.Errorf("done %d, unknown %d, not done %d; want 1, %d, %d", len(lost.Done), len(lost.Unknown), len(lost.NotDone),
			wantUnknown, len(changes)-1-wantUnknown)
	}
	done = 38 // the batch can run to the end of its step, not into the next
	lost = lostApply(errors.New("gone"), changes, &done).(*LostApplyError)
	if len(lost.Unknown) != 2 || len(lost.NotDone) != 3 {
		t.Errorf("unknown %v, not done %v; want the 2 servers left unknown, the 3 addresses not done", lost.Unknown, lost.NotDone)
	}
}
