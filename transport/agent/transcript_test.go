package agent

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/plan/plantest"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/golden"
	"github.com/lvsctl/lvsctl/internal/version"
)

// transcript records the lines that cross between client and agent, in the
// order they cross: "> " for a request, "< " for a response.
type transcript struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// tap is w that also records what passes through it, after prefix.
func (tr *transcript) tap(prefix string, w io.WriteCloser) io.WriteCloser {
	return tapped{w, func(p []byte) {
		tr.mu.Lock()
		defer tr.mu.Unlock()
		tr.buf.WriteString(prefix)
		tr.buf.Write(p)
	}}
}

type tapped struct {
	io.WriteCloser
	record func([]byte)
}

func (t tapped) Write(p []byte) (int, error) {
	t.record(p)
	return t.WriteCloser.Write(p)
}

// TestProtocolGolden pins the agent protocol: a session of hello, lock
// state, setup (a cluster, the lock), read, apply (two changes that
// succeed, streamed and acknowledged one by one; a service and a server;
// one that fails), a read of that service only, and close
// against a local host over the fake kernels, recorded line by line in
// testdata/protocol-vN.golden for ProtocolVersion N. A change of the wire
// that does not bump ProtocolVersion fails here; a bump needs a new golden
// (-update), which a reviewer sees as a new file.
func TestProtocolGolden(t *testing.T) {
	saved := version.Version
	version.Version = "v0.0.0-golden"
	t.Cleanup(func() { version.Version = saved })
	// One change in flight at a time, so that the acks interleave with the
	// progress in one order only.
	narrowWindow(t, 1)

	opts := rigOptions(t)
	var tr transcript
	reqR, reqW := io.Pipe()
	respR, respW := io.Pipe()
	served := make(chan error, 1)
	go func() {
		err := ServeHosts(context.Background(), reqR, tr.tap("< ", respW), LocalHosts{Options: opts})
		_ = respW.Close()
		served <- err
	}()
	kill := func() {
		_ = reqR.CloseWithError(io.ErrClosedPipe)
		_ = respW.CloseWithError(io.ErrClosedPipe)
	}
	c, err := Start(context.Background(), Session{
		Name: "web1", Command: "in-process agent", Stdin: tr.tap("> ", reqW), Stdout: respR,
		Wait: func() error { return <-served }, Kill: kill,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if st, err := c.LockState(ctx); err != nil || st.Held {
		t.Fatalf("lock state before setup: %+v, %v; want free", st, err)
	}
	if err := c.Setup(ctx, Setup{Name: "web1", Cluster: "web", Lock: &LockRequest{TimeoutMS: 60000, Command: "lvsctl apply ./cluster", Client: "alice@laptop"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Read(ctx, cluster.ReadRequest{IPVS: true, Connections: true, Sysctls: []string{"net.ipv4.conf.all.arp_ignore"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Apply(ctx, []plan.Change{
		plantest.AddAddress(plantest.Addr("lo", "172.25.0.100/32", "lo:0")),
		plantest.AddAddress(plantest.Addr("lo", "172.25.0.101/32", "lo:1")),
	}); err != nil {
		t.Fatal(err)
	}
	// A service with a server; then verify's read of it: only the services
	// an apply touched, in their compact form.
	svc := plantest.Service("172.25.0.100")
	srv := plantest.Server("172.25.0.31", 1)
	if _, err := c.Apply(ctx, []plan.Change{
		plantest.ServiceChange(plan.Create, "web", nil, &svc, plan.OwnCreate),
		plantest.ServerChange(plan.Create, svc, nil, &srv),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Read(ctx, cluster.ReadRequest{IPVS: true, Only: &cluster.Subset{Services: []state.ServiceID{svc.ID()}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Apply(ctx, []plan.Change{plantest.DeleteRoute(plantest.HostRoute("10.9.9.9", "lo"))}); err == nil {
		t.Fatal("deleting a route that does not exist succeeded")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(tr.buf.String(), filepath.Dir(opts.RecordPath), "$DIR")
	golden.Check(t, filepath.Join("testdata", fmt.Sprintf("protocol-v%d.golden", ProtocolVersion)), []byte(got))
}
