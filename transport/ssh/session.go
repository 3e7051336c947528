package ssh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

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
	killed   atomic.Bool
}

// Wait waits for the agent to exit, after its output has been read.
func (s *Session) Wait() error {
	s.waitOnce.Do(func() {
		s.waitErr = s.s.Wait()
		var missing *gossh.ExitMissingError
		if errors.As(s.waitErr, &missing) && !s.killed.Load() {
			s.waitErr = errors.New("the SSH connection was lost before the agent exited: the host went down, the network dropped it, or keepalives found the host not answering")
		}
	})
	return s.waitErr
}

// Kill stops the agent: a KILL signal (sudo passes it on), and the
// channel closed, which ends the session whatever the host does with it.
func (s *Session) Kill() {
	s.killed.Store(true)
	_ = s.s.Signal(gossh.SIGKILL)
	_ = s.s.Close()
}

// StartAgent starts `lvsctl agent` on host t, its standard error going to
// stderr: it learns about the host (user, architecture, kernel, the
// session's addresses), puts the right lvsctl binary there when it is
// missing, checks the login may run it as root, and starts it. The session
// lives on the pool's connection; Kill or Close of the pool ends it.
func (p *Pool) StartAgent(ctx context.Context, t Target, stderr io.Writer) (*Session, error) {
	client, err := p.Client(ctx, t)
	if err != nil {
		return nil, err
	}
	find := p.opts.Binary
	if find == nil {
		find = LocalBinary
	}
	var r Remote
	if local, err := find(runtime.GOARCH); err == nil {
		sum, err := p.bins.sum(local)
		if err != nil {
			return nil, fmt.Errorf("host %s: checksum the lvsctl binary: %w", t.Host, err)
		}
		var s *Session
		if r, s, err = fastStart(ctx, client, sum, stderr); err != nil {
			return nil, fmt.Errorf("host %s: %w", t.Host, err)
		}
		if s != nil {
			return s, nil
		}
	} else if r, err = probe(ctx, client); err != nil {
		return nil, fmt.Errorf("host %s: %w", t.Host, err)
	}
	cmd, err := p.prepare(ctx, client, r, find)
	if err != nil {
		return nil, fmt.Errorf("host %s: %w", t.Host, err)
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

// prepare is the slow path: the binary for the host's architecture is
// copied there (or linked to the fixed name sudoers allows), and sudo is
// checked. It returns the command line that starts the agent.
func (p *Pool) prepare(ctx context.Context, client *gossh.Client, r Remote, find func(string) (string, error)) (string, error) {
	local, err := find(r.Arch)
	if err != nil {
		return "", err
	}
	sum, err := p.bins.sum(local)
	if err != nil {
		return "", fmt.Errorf("checksum the lvsctl binary: %w", err)
	}
	bin, err := install(ctx, client, r, local, sum)
	if err != nil {
		return "", err
	}
	cmd := shellQuote(bin) + " agent"
	if !r.Root {
		if err := checkSudo(ctx, client, r, bin); err != nil {
			return "", err
		}
		cmd = "sudo -n " + cmd
	}
	return cmd, nil
}
