package ssh

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proxyConn is a connection carried by a ProxyCommand: ssh's bytes go to
// the command's stdin and come from its stdout, as OpenSSH does it. The
// pipes are os.Pipe files, so deadlines work on them.
type proxyConn struct {
	cmd    *exec.Cmd
	r, w   *os.File // our ends: the command's stdout, stdin
	stderr *tailBuffer
	addr   proxyAddr
	once   sync.Once
	exited chan struct{}
}

// startProxy runs command with the user's shell as ssh does (`sh -c
// "exec COMMAND"`), in its own process group so closing ends all of it.
func startProxy(command, addr string) (*proxyConn, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	c := &proxyConn{r: outR, w: inW, stderr: &tailBuffer{max: 2048}, addr: proxyAddr(addr), exited: make(chan struct{})}
	c.cmd = exec.Command("/bin/sh", "-c", "exec "+command)
	c.cmd.Stdin, c.cmd.Stdout, c.cmd.Stderr = inR, outW, c.stderr
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A child left behind with the command's stderr must not hold up its
	// end (Wait copies stderr until every writer has closed it).
	c.cmd.WaitDelay = time.Second
	err = c.cmd.Start()
	// The command has its ends now; ours are the others.
	inR.Close()
	outW.Close()
	if err != nil {
		outR.Close()
		inW.Close()
		return nil, fmt.Errorf("start ProxyCommand %q: %w", command, err)
	}
	go func() { _ = c.cmd.Wait(); close(c.exited) }()
	return c, nil
}

func (c *proxyConn) Read(b []byte) (int, error)  { return c.r.Read(b) }
func (c *proxyConn) Write(b []byte) (int, error) { return c.w.Write(b) }

// Close ends the command: its pipes close (ssh -W and nc end on EOF), and
// its process group is killed if it has not gone within proxyGrace. The
// grace is a bound for a command that ignores EOF, not a race: a failing
// command often says why only as it ends (a slow ssh -W after its pipes
// closed; any command on a loaded machine), and what it says is the error
// (x/crypto/ssh closes the connection on a failed handshake, before
// explain reads stderr).
func (c *proxyConn) Close() error {
	c.once.Do(func() {
		c.w.Close()
		c.r.Close()
		select {
		case <-c.exited:
		case <-time.After(proxyGrace):
			_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
			<-c.exited
		}
	})
	return nil
}

// proxyGrace is how long Close waits for the command to end on EOF.
const proxyGrace = 3 * time.Second

func (c *proxyConn) LocalAddr() net.Addr  { return proxyAddr("") }
func (c *proxyConn) RemoteAddr() net.Addr { return c.addr }

func (c *proxyConn) SetDeadline(t time.Time) error {
	if err := c.r.SetReadDeadline(t); err != nil {
		return err
	}
	return c.w.SetWriteDeadline(t)
}
func (c *proxyConn) SetReadDeadline(t time.Time) error  { return c.r.SetReadDeadline(t) }
func (c *proxyConn) SetWriteDeadline(t time.Time) error { return c.w.SetWriteDeadline(t) }

// explain adds what the command said on stderr, or how it ended, to err.
func (c *proxyConn) explain(err error) error {
	select {
	case <-c.exited:
		if said := strings.TrimSpace(c.stderr.String()); said != "" {
			return fmt.Errorf("%w; ProxyCommand said: %s", err, said)
		}
		return fmt.Errorf("%w; ProxyCommand ended: %v", err, c.cmd.ProcessState)
	case <-time.After(100 * time.Millisecond):
	}
	if said := strings.TrimSpace(c.stderr.String()); said != "" {
		return fmt.Errorf("%w; ProxyCommand said: %s", err, said)
	}
	return err
}

// proxyAddr is the far end of a connection through a command: the
// host:port it leads to, which known_hosts is checked against as ssh does.
type proxyAddr string

func (proxyAddr) Network() string  { return "proxycommand" }
func (a proxyAddr) String() string { return string(a) }

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// proxyTransport starts e's ProxyCommand as the connection; ctx ending
// before the handshake closes it (connect's AfterFunc).
func proxyTransport(_ context.Context, e *endpoint) (net.Conn, error) {
	c, err := startProxy(e.proxyCommand, e.addr())
	if err != nil {
		return nil, fmt.Errorf("ssh: connect to %s: %w", e, err)
	}
	return c, nil
}
