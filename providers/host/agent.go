package host

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// AgentOptions say how to start an agent.
type AgentOptions struct {
	// Name is the host's name in the configuration; errors carry it.
	Name string
	// Command runs `lvsctl agent` (or anything speaking its protocol) on
	// the host, e.g. ip netns exec NS lvsctl agent --record PATH.
	Command []string
}

// Agent is a host reached through an agent process: the client side of
// ServeAgent over the process's stdin and stdout. Calls are serialised.
type Agent struct {
	name    string
	command string
	stdin   io.WriteCloser
	// kill stops the agent process.
	kill func()
	enc  *json.Encoder
	// responses delivers what the agent writes; it is closed when the
	// agent's output ends, after which exited is closed and waitErr set.
	responses chan response
	exited    chan struct{}
	waitErr   error
	stderr    *tail

	mu sync.Mutex
	id uint64
	// broken is set once the session cannot continue; every later call
	// returns it.
	broken error
}

var _ Host = (*Agent)(nil)

// closeWait bounds how long Close waits for the agent to exit.
const closeWait = 10 * time.Second

// NewAgent starts the agent command and greets it. The process lives until
// Close or until ctx is done.
func NewAgent(ctx context.Context, opts AgentOptions) (*Agent, error) {
	if len(opts.Command) == 0 {
		return nil, fmt.Errorf("host %s: no agent command", opts.Name)
	}
	command := strings.Join(opts.Command, " ")
	stderr := &tail{max: 8 << 10}
	cmd := exec.CommandContext(ctx, opts.Command[0], opts.Command[1:]...)
	cmd.Stderr = stderr
	cmd.WaitDelay = closeWait
	stdin, err := cmd.StdinPipe()
	if err == nil {
		var stdout io.Reader
		if stdout, err = cmd.StdoutPipe(); err == nil {
			if err = cmd.Start(); err == nil {
				kill := func() { _ = cmd.Process.Kill() }
				return startAgent(ctx, opts.Name, command, stdin, stdout, stderr, cmd.Wait, kill)
			}
		}
	}
	return nil, fmt.Errorf("host %s: start agent `%s`: %w", opts.Name, command, err)
}

// startAgent runs the client side of a session over a started agent: it
// writes requests to w, reads responses from r, and greets the agent.
// wait reaps the agent once r has ended; kill stops it.
func startAgent(ctx context.Context, name, command string, w io.WriteCloser, r io.Reader, stderr *tail, wait func() error, kill func()) (*Agent, error) {
	a := &Agent{
		name:    name,
		command: command,
		stdin:   w,
		enc:     json.NewEncoder(w),
		// One slot: after a cancelled call the agent may still answer, and
		// nobody will take that answer.
		responses: make(chan response, 1),
		exited:    make(chan struct{}),
		stderr:    stderr,
		kill:      kill,
	}
	go a.readLoop(r, wait)
	resp, err := a.call(ctx, request{Op: opHello, Hello: &hello{Protocol: ProtocolVersion, Version: version()}})
	if err == nil && (resp.Hello == nil || resp.Hello.Protocol != ProtocolVersion) {
		err = a.errorf("agent `%s` does not speak protocol %d: use the same lvsctl version on both sides", command, ProtocolVersion)
	}
	if err != nil {
		kill()
		_ = w.Close()
		<-a.exited
		return nil, err
	}
	return a, nil
}

// readLoop hands each response line to the caller waiting for it, then
// reaps the process once its output ends.
func (a *Agent) readLoop(r io.Reader, wait func() error) {
	dec := json.NewDecoder(r)
	for {
		var resp response
		if err := dec.Decode(&resp); err != nil {
			break
		}
		a.responses <- resp
	}
	close(a.responses)
	a.waitErr = wait()
	close(a.exited)
}

func (a *Agent) errorf(format string, args ...any) error {
	return fmt.Errorf("host %s: "+format, append([]any{a.name}, args...)...)
}

// call sends one request and waits for its response.
func (a *Agent) call(ctx context.Context, req request) (response, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.broken != nil {
		return response{}, a.broken
	}
	a.id++
	req.ID = a.id
	if err := a.enc.Encode(req); err != nil {
		return response{}, a.fail(a.exitError(fmt.Sprintf("send %s request", req.Op)))
	}
	select {
	case resp, ok := <-a.responses:
		if !ok {
			return response{}, a.fail(a.exitError(fmt.Sprintf("wait for the answer to %s", req.Op)))
		}
		if resp.ID != req.ID {
			return response{}, a.fail(a.errorf("agent `%s` answered request %d with %d: protocol error", a.command, req.ID, resp.ID))
		}
		if resp.Error != nil {
			return resp, &remoteError{msg: resp.Error.Message, permission: resp.Error.Permission}
		}
		return resp, nil
	case <-ctx.Done():
		// The answer may still come; the session is out of step now.
		a.kill()
		return response{}, a.fail(a.errorf("%s: %w", req.Op, ctx.Err()))
	}
}

// fail marks the session broken with err and returns it.
func (a *Agent) fail(err error) error {
	a.broken = err
	return err
}

// exitError explains why the agent stopped answering, with its exit status
// and the end of what it wrote on stderr.
func (a *Agent) exitError(doing string) error {
	select {
	case <-a.exited:
	case <-time.After(closeWait):
		a.kill()
		<-a.exited
	}
	msg := fmt.Sprintf("agent `%s` stopped (%v) while we %s", a.command, a.waitErr, doing)
	if s := strings.TrimSpace(a.stderr.String()); s != "" {
		msg += "; it said: " + s
	}
	return a.errorf("%s", msg)
}

// Read reads the host's state through the agent.
func (a *Agent) Read(ctx context.Context, req ReadRequest) (state.Host, error) {
	resp, err := a.call(ctx, request{Op: opRead, Read: &req})
	if err != nil {
		return state.Host{}, err
	}
	if resp.Host == nil {
		return state.Host{}, a.errorf("agent `%s` answered read without a state: protocol error", a.command)
	}
	return *resp.Host, nil
}

// Apply applies changes through the agent. Results cover the changes the
// agent attempted, also when it reports an error.
func (a *Agent) Apply(ctx context.Context, changes []plan.Change) ([]plan.Result, error) {
	resp, err := a.call(ctx, request{Op: opApply, Changes: changes})
	return resp.Results, err
}

// Close ends the session and waits for the agent to exit. After a call
// failed for the session as a whole, that error has been reported and
// Close only reaps the process.
func (a *Agent) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeWait)
	defer cancel()
	a.mu.Lock()
	broken := a.broken
	a.mu.Unlock()
	var err error
	if broken == nil {
		_, err = a.call(ctx, request{Op: opClose})
		a.mu.Lock()
		if a.broken == nil {
			a.broken = a.errorf("agent `%s` is closed", a.command)
		}
		a.mu.Unlock()
	}
	_ = a.stdin.Close()
	select {
	case <-a.exited:
	case <-ctx.Done():
		a.kill()
		<-a.exited
	}
	if broken != nil {
		return nil
	}
	if err == nil && a.waitErr != nil {
		err = a.errorf("agent `%s` exited with %v: %s", a.command, a.waitErr, strings.TrimSpace(a.stderr.String()))
	}
	return err
}

// NetnsDir is where `ip netns` keeps its named namespaces.
const NetnsDir = "/run/netns"

// NewNetns starts an agent inside network namespace netns with
// `ip netns exec NETNS AGENTCMD...`. agentCmd nil runs this binary as
//
//	lvsctl agent --name NAME --record RECORD
//
// where RECORD is RecordPath(RecordDir(), "netns-"+netns): the agent runs
// in the namespace but on this machine's file system, so each namespace
// needs a record of its own.
func NewNetns(ctx context.Context, name, netns string, agentCmd []string) (*Agent, error) {
	if netns == "" || strings.ContainsAny(netns, "/\x00") || netns == "." || netns == ".." {
		return nil, fmt.Errorf("host %s: %q is not a network namespace name", name, netns)
	}
	if _, err := os.Stat(filepath.Join(NetnsDir, netns)); err != nil {
		return nil, fmt.Errorf("host %s: network namespace %s does not exist (%v): create it with `ip netns add %s` or fix the host's netns setting",
			name, netns, err, netns)
	}
	ip, err := exec.LookPath("ip")
	if err != nil {
		return nil, fmt.Errorf("host %s: the ip command (iproute2) is needed to enter network namespace %s: install iproute2: %w", name, netns, err)
	}
	if agentCmd == nil {
		self, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("host %s: find the lvsctl binary to run as the agent: %w", name, err)
		}
		agentCmd = []string{self, "agent", "--name", name, "--record", RecordPath(RecordDir(), "netns-"+netns)}
	}
	a, err := NewAgent(ctx, AgentOptions{Name: name, Command: append([]string{ip, "netns", "exec", netns}, agentCmd...)})
	if err != nil && os.Geteuid() != 0 {
		// `ip netns exec` reports a failed setns on stderr only; without
		// root that is the likely cause, and the way out is the same.
		return nil, &permissionError{fmt.Errorf("%w (entering a network namespace needs root)", err)}
	}
	return a, err
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
