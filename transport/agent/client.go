// Package agent is the agent transport: `lvsctl agent` serves a host's
// Read and Apply as newline-delimited JSON on its stdin and stdout (Serve),
// and Client is the engine's side of that session (a cluster.Host). How the
// agent process is started is the launcher's business: Exec runs a command
// here, Netns runs it inside a network namespace, and an SSH transport hands
// Start the pipes of a remote session.
package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/servicecodec"
	"github.com/lvsctl/lvsctl/internal/version"
)

// Session is an agent process already started, however it was: Start runs
// the client side of the protocol over its pipes.
type Session struct {
	// Name is the host's name in the configuration; errors carry it.
	Name string
	// Command says how the agent was started, for messages (e.g.
	// "ip netns exec lvs1 lvsctl agent", "ssh root@lvs1 lvsctl agent").
	Command string
	// Stdin is the agent's standard input: requests go there. Close ends
	// the session by closing it.
	Stdin io.WriteCloser
	// Stdout is the agent's standard output: responses come from there.
	Stdout io.Reader
	// Stderr, if set, holds the end of what the agent wrote on its standard
	// error (make the process write there before starting it), quoted in
	// the error when the agent stops. Nil leaves it out.
	Stderr *Tail
	// Wait reaps the agent once Stdout has ended and returns how it ended
	// (exec.Cmd.Wait, ssh.Session.Wait).
	Wait func() error
	// Kill stops the agent (when a call is cancelled, or it does not exit
	// after Close). It may be called more than once.
	Kill func()
}

// Client is a host reached through an agent: the client side of Serve over
// the agent's stdin and stdout. Calls are serialised.
type Client struct {
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
	stderr    *Tail
	// version is the lvsctl version the agent said it is.
	version string
	// line is the buffer of acks, written while mu is held.
	line []byte

	mu sync.Mutex
	id uint64
	// broken is set once the session cannot continue; every later call
	// returns it.
	broken error
}

var _ cluster.Host = (*Client)(nil)

// closeWait bounds how long Close waits for the agent to exit.
const closeWait = 10 * time.Second

// Exec starts command (`lvsctl agent`, or anything speaking its protocol)
// on this machine and greets it; name is the host's name in the
// configuration. The process lives until Close or until ctx is done.
func Exec(ctx context.Context, name string, command []string) (*Client, error) {
	if len(command) == 0 {
		return nil, fmt.Errorf("host %s: no agent command", name)
	}
	line := strings.Join(command, " ")
	stderr := NewTail()
	cmd := exec.CommandContext(ctx, command[0], command[1:]...)
	cmd.Stderr = stderr
	cmd.WaitDelay = closeWait
	stdin, err := cmd.StdinPipe()
	// Interrupted, the agent is asked to stop (its input closed: it stops
	// at its next change boundary and commits) rather than killed; it is
	// killed only if it has not exited WaitDelay later.
	cmd.Cancel = func() error { return stdin.Close() }
	if err == nil {
		var stdout io.Reader
		if stdout, err = cmd.StdoutPipe(); err == nil {
			if err = cmd.Start(); err == nil {
				return Start(ctx, Session{
					Name: name, Command: line, Stdin: stdin, Stdout: stdout, Stderr: stderr,
					Wait: cmd.Wait, Kill: func() { _ = cmd.Process.Kill() },
				})
			}
		}
	}
	return nil, fmt.Errorf("host %s: start agent `%s`: %w", name, line, err)
}

// Start runs the client side of a session over an agent already started:
// it writes requests to s.Stdin, reads responses from s.Stdout, and greets
// the agent. When the greeting fails, the agent is killed and reaped.
func Start(ctx context.Context, s Session) (*Client, error) {
	if s.Stdin == nil || s.Stdout == nil || s.Wait == nil || s.Kill == nil {
		return nil, fmt.Errorf("host %s: agent session without stdin, stdout, wait or kill", s.Name)
	}
	stderr := s.Stderr
	if stderr == nil {
		stderr = NewTail()
	}
	a := &Client{
		name:    s.Name,
		command: s.Command,
		stdin:   s.Stdin,
		enc:     json.NewEncoder(s.Stdin),
		// One slot: after a cancelled call the agent may still answer, and
		// nobody will take that answer.
		responses: make(chan response, 1),
		exited:    make(chan struct{}),
		stderr:    stderr,
		kill:      s.Kill,
	}
	// Server changes are named "A -> B": kept readable, and shorter.
	a.enc.SetEscapeHTML(false)
	go a.readLoop(s.Stdout, s.Wait)
	resp, err := a.call(ctx, request{Op: opHello, Hello: &hello{Protocol: ProtocolVersion, Version: version.String()}}, nil)
	switch {
	case resp.Hello != nil && resp.Hello.Protocol != ProtocolVersion:
		// Checked before err: an agent of another version refuses the
		// hello, and what the operator needs is which versions met.
		err = a.errorf("agent `%s` runs lvsctl agent protocol %d (lvsctl %s) and does not speak protocol %d, which this lvsctl (%s) speaks: use the same lvsctl version on both sides",
			s.Command, resp.Hello.Protocol, resp.Hello.Version, ProtocolVersion, version.String())
	case err == nil && resp.Hello == nil:
		err = a.errorf("agent `%s` does not speak protocol %d: use the same lvsctl version on both sides", s.Command, ProtocolVersion)
	}
	if err != nil {
		s.Kill()
		_ = s.Stdin.Close()
		<-a.exited
		return nil, err
	}
	a.version = resp.Hello.Version
	return a, nil
}

// Version is the lvsctl version of the agent, from its hello.
func (a *Client) Version() string { return a.version }

// readLoop hands each response line to the caller waiting for it, then
// reaps the process once its output ends.
func (a *Client) readLoop(r io.Reader, wait func() error) {
	lr := newLineReader(r)
	for {
		line, err := lr.next()
		if err != nil {
			break
		}
		var resp response
		if id, n, ok := parseProgress(line, ""); ok {
			resp = response{ID: id, Progress: n}
		} else if json.Unmarshal(line, &resp) != nil {
			break
		}
		a.responses <- resp
	}
	close(a.responses)
	a.waitErr = wait()
	close(a.exited)
}

func (a *Client) errorf(format string, args ...any) error {
	return fmt.Errorf("host %s: "+format, append([]any{a.name}, args...)...)
}

// call sends one request and waits for its response. During an apply,
// progress lines are acknowledged and counted in *done (nil: not counted).
func (a *Client) call(ctx context.Context, req request, done *int) (response, error) {
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
	for {
		select {
		case resp, ok := <-a.responses:
			if !ok {
				// Later calls say the agent is gone; this one also says what
				// became of its changes.
				err := a.fail(a.exitError(fmt.Sprintf("wait for the answer to %s", req.Op)))
				if req.Op == opApply {
					err = lostApply(err, req.changes, done)
				}
				return response{}, err
			}
			if resp.Progress > 0 && resp.ID == req.ID {
				a.progress(req, resp.Progress, done)
				continue
			}
			if resp.ID != req.ID {
				return response{}, a.fail(a.errorf("agent `%s` answered request %d with %d: protocol error", a.command, req.ID, resp.ID))
			}
			if resp.Error != nil {
				return resp, &remoteError{msg: resp.Error.Message, permission: resp.Error.Permission}
			}
			return resp, nil
		case <-ctx.Done():
			if req.Op == opApply {
				return a.stopApply(ctx, req, done)
			}
			// The answer may still come; the session is out of step now.
			a.kill()
			return response{}, a.fail(a.errorf("%s: %w", req.Op, ctx.Err()))
		}
	}
}

// progress counts n changes of apply req made and acknowledges them, so
// the agent goes on (it waits for acknowledgements beyond progressWindow).
// The last change needs none: the answer follows it.
func (a *Client) progress(req request, n int, done *int) {
	if done != nil {
		*done = n
	}
	if n < len(req.changes) {
		// A failed write is a lost agent: the next read says so.
		a.line = progressLine(a.line[:0], req.ID, opAck, n)
		_, _ = a.stdin.Write(a.line)
	}
}

// stopApply ends an apply whose caller was interrupted: closing the agent's
// input makes it stop at its next change boundary and commit what it did;
// its answer then says what that was. An agent that does not answer in
// closeWait is killed (the intents in its record let the next run settle
// what it did).
func (a *Client) stopApply(ctx context.Context, req request, done *int) (response, error) {
	_ = a.stdin.Close()
	t := time.NewTimer(closeWait)
	defer t.Stop()
	for {
		select {
		case resp, ok := <-a.responses:
			if ok && resp.ID == req.ID && resp.Progress > 0 {
				if done != nil {
					*done = resp.Progress
				}
				continue
			}
			if ok && resp.ID == req.ID {
				msg := "stopped"
				if resp.Error != nil {
					msg = resp.Error.Message
				}
				return resp, a.fail(a.errorf("apply interrupted (%w): %s", ctx.Err(), msg))
			}
		case <-t.C:
		}
		a.kill()
		err := a.fail(a.errorf("apply interrupted (%w) and the agent did not answer", ctx.Err()))
		return response{}, lostApply(err, req.changes, done)
	}
}

// fail marks the session broken with err and returns it.
func (a *Client) fail(err error) error {
	a.broken = err
	return err
}

// exitError explains why the agent stopped answering, with its exit status
// and the end of what it wrote on stderr.
func (a *Client) exitError(doing string) error {
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
func (a *Client) Read(ctx context.Context, req cluster.ReadRequest) (state.Host, error) {
	resp, err := a.call(ctx, request{Op: opRead, Read: &req}, nil)
	if err != nil {
		return state.Host{}, err
	}
	if resp.Host == nil {
		return state.Host{}, a.errorf("agent `%s` answered read without a state: protocol error", a.command)
	}
	h := *resp.Host
	if resp.Services != nil {
		if h.Services, err = servicecodec.Decode(resp.Services); err != nil {
			return state.Host{}, a.errorf("agent `%s`: %w", a.command, err)
		}
	}
	return h, nil
}

// Apply applies changes through the agent. Results cover the changes the
// agent attempted, also when it reports an error. When the session is lost
// in the middle, they cover the changes the agent said it made, and the
// error says which were done, which may have been, and which were not.
func (a *Client) Apply(ctx context.Context, changes []plan.Change) ([]plan.Result, error) {
	var done int
	compact, rest := splitChanges(changes)
	resp, err := a.call(ctx, request{Op: opApply, Changes: rest, Compact: compact, changes: changes}, &done)
	if resp.Results == nil && (resp.Made > 0 || len(resp.Failed) > 0) {
		results, xerr := expandResults(changes, resp.Made, resp.Failed)
		if xerr != nil {
			return nil, a.errorf("agent `%s` answered apply with %v: protocol error", a.command, xerr)
		}
		resp.Results = results
	}
	if err != nil && resp.Results == nil && done > 0 {
		resp.Results = make([]plan.Result, done)
		for i, c := range changes[:done] {
			resp.Results[i] = plan.Result{Address: c.Address}
		}
	}
	return resp.Results, err
}

// Setup asks the agent for the cluster's record and, with s.Lock, to hold
// the host's lock for the rest of the session (waiting for it as long as
// s.Lock says). It comes before any read or apply. When it fails (the host
// is locked by another run, say), the session is over: Close it.
func (a *Client) Setup(ctx context.Context, s Setup) error {
	_, err := a.call(ctx, request{Op: opSetup, Setup: &s}, nil)
	return err
}

// LockState reads whether the host's lock is held, and by whom, without
// taking it.
func (a *Client) LockState(ctx context.Context) (LockState, error) {
	resp, err := a.call(ctx, request{Op: opLock}, nil)
	if err != nil {
		return LockState{}, err
	}
	if resp.Lock == nil {
		return LockState{}, a.errorf("agent `%s` answered lock without a state: protocol error", a.command)
	}
	return *resp.Lock, nil
}

// Close ends the session and waits for the agent to exit. After a call
// failed for the session as a whole, that error has been reported and
// Close only reaps the process.
func (a *Client) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeWait)
	defer cancel()
	a.mu.Lock()
	broken := a.broken
	a.mu.Unlock()
	var err error
	if broken == nil {
		_, err = a.call(ctx, request{Op: opClose}, nil)
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

// Tail keeps the end of what is written to it: an agent's standard error,
// for messages.
type Tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

// NewTail keeps the last 8 KiB written to it.
func NewTail() *Tail { return &Tail{max: 8 << 10} }

func (t *Tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *Tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// remoteError is an error an agent reported, rebuilt on the client side.
type remoteError struct {
	msg        string
	permission bool
}

func (e *remoteError) Error() string { return e.msg }

// Is makes errors.Is(err, cluster.ErrPermission) true when the agent said so.
func (e *remoteError) Is(target error) bool { return e.permission && target == cluster.ErrPermission }
