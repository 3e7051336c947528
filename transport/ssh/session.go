package ssh

import (
	"context"
	"fmt"
	"io"
	"sync"

	gossh "golang.org/x/crypto/ssh"
)

// Session is `lvsctl agent` running on a host over SSH: the pipes an agent
// client speaks through, and the means to end it.
type Session struct {
	// Stdin is the agent's standard input; closing it ends the agent.
	Stdin io.WriteCloser
	// Stdout is the agent's standard output.
	Stdout io.Reader
	// Command is the command line run on the host, for messages.
	Command string
	// Remote is what was learnt about the host on the way.
	Remote Remote

	s        *gossh.Session
	waitOnce sync.Once
	waitErr  error
}

// Wait waits for the agent to exit, after its output has been read.
func (s *Session) Wait() error {
	s.waitOnce.Do(func() { s.waitErr = s.s.Wait() })
	return s.waitErr
}

// Kill stops the agent: a KILL signal (sudo passes it on), and the
// channel closed, which ends the session whatever the host does with it.
func (s *Session) Kill() {
	_ = s.s.Signal(gossh.SIGKILL)
	_ = s.s.Close()
}

// Prepare connects to t and learns about the host (user, architecture,
// kernel, the session's addresses), then puts the right lvsctl binary
// there and checks the login may run it as root. It returns the command
// line that starts the agent.
func (p *Pool) Prepare(ctx context.Context, t Target) (Remote, string, error) {
	client, err := p.Client(ctx, t)
	if err != nil {
		return Remote{}, "", err
	}
	r, err := probe(ctx, client)
	if err != nil {
		return r, "", fmt.Errorf("host %s: %w", t.Host, err)
	}
	find := p.opts.Binary
	if find == nil {
		find = LocalBinary
	}
	local, err := find(r.Arch)
	if err != nil {
		return r, "", fmt.Errorf("host %s: %w", t.Host, err)
	}
	sum, err := p.bins.sum(local)
	if err != nil {
		return r, "", fmt.Errorf("host %s: checksum the lvsctl binary: %w", t.Host, err)
	}
	bin, err := install(ctx, client, r, local, sum)
	if err != nil {
		return r, "", fmt.Errorf("host %s: %w", t.Host, err)
	}
	cmd := shellQuote(bin) + " agent"
	if !r.Root {
		if err := checkSudo(ctx, client, r, bin); err != nil {
			return r, "", fmt.Errorf("host %s: %w", t.Host, err)
		}
		cmd = "sudo -n " + cmd
	}
	return r, cmd, nil
}

// StartAgent prepares the host (see Prepare) and starts the agent there,
// its standard error going to stderr. The session lives on the pool's
// connection; Kill or Close of the pool ends it.
func (p *Pool) StartAgent(ctx context.Context, t Target, stderr io.Writer) (*Session, error) {
	r, cmd, err := p.Prepare(ctx, t)
	if err != nil {
		return nil, err
	}
	client, err := p.Client(ctx, t)
	if err != nil {
		return nil, err
	}
	s, err := client.NewSession()
	if err != nil {
		return nil, fmt.Errorf("host %s: open a session for the agent: %w", t.Host, err)
	}
	s.Stderr = stderr
	sess := &Session{Command: cmd, Remote: r, s: s}
	if sess.Stdin, err = s.StdinPipe(); err == nil {
		if sess.Stdout, err = s.StdoutPipe(); err == nil {
			err = s.Start(cmd)
		}
	}
	if err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("host %s: start `%s`: %w", t.Host, cmd, err)
	}
	return sess, nil
}
