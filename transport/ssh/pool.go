package ssh

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Options configure a Pool.
type Options struct {
	// ConfigFile is the ssh_config to read; "" reads ~/.ssh/config and
	// /etc/ssh/ssh_config as ssh does.
	ConfigFile string
	// KnownHostsFiles replace ssh_config's UserKnownHostsFile and
	// GlobalKnownHostsFile when set.
	KnownHostsFiles []string
	// AcceptNewHostKeys trusts and records the key of a host seen for the
	// first time (StrictHostKeyChecking accept-new). A changed key is
	// always refused.
	AcceptNewHostKeys bool
	// ConnectTimeout and KeepaliveInterval apply where ssh_config sets no
	// ConnectTimeout or ServerAliveInterval; zero means the defaults.
	ConnectTimeout    time.Duration
	KeepaliveInterval time.Duration
	// Home is where ~ points; "" is the user's home directory.
	Home string
	// NoSystemSSH reads ssh_config with the built-in parser even when it
	// has Match blocks and the OpenSSH client is installed (whose `ssh -G`
	// evaluates them otherwise): they are refused.
	NoSystemSSH bool
	// alwaysSSHG asks `ssh -G` even without Match (tests compare both).
	alwaysSSHG bool
	// Binary returns the lvsctl binary to run on hosts of a Go
	// architecture (amd64, arm64, ...); nil looks beside this executable
	// (see LocalBinary).
	Binary func(arch string) (string, error)
	// Dial opens TCP connections to hosts and first hops; nil is
	// net.Dialer's. Tests dial from inside a network namespace with it.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Pool holds the SSH connections of one run: one per host, and one per
// bastion however many hosts are behind it. It is safe for concurrent use.
type Pool struct {
	opts  Options
	cfg   *sshConfig
	keys  hostKeys
	auth  auth
	mu    sync.Mutex
	conns map[string]*conn
	bins  binaries
}

// conn is one connection, dialed once; waiters block on ready.
type conn struct {
	ready  chan struct{}
	client *gossh.Client
	err    error
	e      *endpoint
	done   chan struct{} // closed when the keepalive loop ends
	stop   chan struct{}
	closed sync.Once
}

// NewPool reads ssh_config; it dials nothing yet.
func NewPool(opts Options) (*Pool, error) {
	cfg, err := newSSHConfig(&opts)
	if err != nil {
		return nil, err
	}
	return &Pool{opts: opts, cfg: cfg, conns: map[string]*conn{}}, nil
}

// Close closes every connection of the pool.
func (p *Pool) Close() error {
	p.mu.Lock()
	conns := p.conns
	p.conns = map[string]*conn{}
	p.mu.Unlock()
	for _, c := range conns {
		<-c.ready
		c.close()
	}
	p.auth.close()
	return nil
}

// Client returns the connection to t, dialing it (and its bastions) the
// first time. A failed dial is remembered for the run: a refused host key,
// in particular, is never retried.
func (p *Pool) Client(ctx context.Context, t Target) (*gossh.Client, error) {
	e, err := p.cfg.resolve(t)
	if err != nil {
		return nil, err
	}
	c, err := p.dial(ctx, e)
	if err != nil {
		return nil, err
	}
	return c.client, nil
}

func (p *Pool) dial(ctx context.Context, e *endpoint) (*conn, error) {
	key := e.key()
	p.mu.Lock()
	c, ok := p.conns[key]
	if !ok {
		c = &conn{ready: make(chan struct{}), e: e}
		p.conns[key] = c
	}
	p.mu.Unlock()
	if ok {
		select {
		case <-c.ready:
		case <-ctx.Done():
			return nil, fmt.Errorf("ssh: connect to %s: %w", e, ctx.Err())
		}
		return c, c.err
	}
	c.client, c.err = p.connect(ctx, e)
	if c.err == nil {
		c.stop, c.done = make(chan struct{}), make(chan struct{})
		go c.keepalive()
	}
	close(c.ready)
	return c, c.err
}

// connect dials e: over TCP, or through a channel of its bastion's
// connection, then the SSH handshake, all within ConnectTimeout.
func (p *Pool) connect(ctx context.Context, e *endpoint) (*gossh.Client, error) {
	signers, problems, err := p.auth.signers(e, p.cfg.home)
	if err != nil {
		return nil, fmt.Errorf("ssh: log in to %s: %w", e, err)
	}
	if len(signers) == 0 {
		return nil, fmt.Errorf("ssh: %w", authError(e, nil, 0, problems))
	}
	hostKeyCB, algos, err := p.keys.callback(e)
	if err != nil {
		return nil, err
	}
	var bastion *conn
	if e.via != nil {
		if bastion, err = p.dial(ctx, e.via); err != nil {
			return nil, fmt.Errorf("ssh: reach %s through bastion %s: %w", e.alias, e.via.alias, err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, e.connectTimeout)
	defer cancel()
	nc, err := p.transport(ctx, e, bastion)
	if err != nil {
		return nil, err
	}
	// The handshake obeys the same deadline: a host that accepts TCP and
	// then says nothing must not hang the run.
	if dl, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = nc.Close() })
	defer stop()
	cfg := &gossh.ClientConfig{
		User:              e.user,
		Auth:              []gossh.AuthMethod{gossh.PublicKeys(signers...)},
		HostKeyCallback:   hostKeyCB,
		HostKeyAlgorithms: algos,
		Timeout:           e.connectTimeout,
	}
	sc, chans, reqs, err := gossh.NewClientConn(nc, e.addr(), cfg)
	if err != nil {
		if pc, ok := nc.(*proxyConn); ok {
			err = pc.explain(err)
		}
		_ = nc.Close()
		var hk *HostKeyError
		switch {
		case errors.As(err, &hk):
			return nil, hk
		case ctx.Err() != nil || isTimeout(err):
			return nil, fmt.Errorf("ssh: connect to %s: no SSH greeting within %v (ConnectTimeout): is sshd running there? %w", e, e.connectTimeout, err)
		case isAuthFailure(err):
			return nil, fmt.Errorf("ssh: %w", authError(e, err, len(signers), problems))
		}
		return nil, fmt.Errorf("ssh: connect to %s: %w", e, err)
	}
	_ = nc.SetDeadline(time.Time{})
	return gossh.NewClient(sc, chans, reqs), nil
}

// transport opens the byte stream to e.
func (p *Pool) transport(ctx context.Context, e *endpoint, bastion *conn) (net.Conn, error) {
	if e.proxyCommand != "" {
		return proxyTransport(ctx, e)
	}
	if bastion == nil {
		dial := p.opts.Dial
		if dial == nil {
			var d net.Dialer
			dial = d.DialContext
		}
		nc, err := dial(ctx, "tcp", e.addr())
		if err != nil {
			if ctx.Err() != nil || isTimeout(err) {
				return nil, fmt.Errorf("ssh: connect to %s: no answer within %v (ConnectTimeout): check the address, that the host is up and that nothing drops port %d: %w", e, e.connectTimeout, e.port, err)
			}
			return nil, fmt.Errorf("ssh: connect to %s: %w: check that the host is up and sshd listens on port %d", e, err, e.port)
		}
		return nc, nil
	}
	// Client.Dial cannot be cancelled: run it aside and give up on it at
	// the deadline.
	type result struct {
		nc  net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		nc, err := bastion.client.Dial("tcp", e.addr())
		ch <- result{nc, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return nil, fmt.Errorf("ssh: connect to %s from bastion %s: %w", e, e.via.alias, r.err)
		}
		return r.nc, nil
	case <-ctx.Done():
		go func() {
			if r := <-ch; r.nc != nil {
				_ = r.nc.Close()
			}
		}()
		return nil, fmt.Errorf("ssh: connect to %s from bastion %s: no answer within %v (ConnectTimeout)", e, e.via.alias, e.connectTimeout)
	}
}

// keepalive asks the server for a reply every aliveInterval and closes
// the connection when aliveCountMax intervals pass without one, so that
// every session on it ends instead of hanging (ServerAliveInterval).
func (c *conn) keepalive() {
	defer close(c.done)
	t := time.NewTicker(c.e.aliveInterval)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		replied := make(chan error, 1)
		go func() {
			_, _, err := c.client.SendRequest("keepalive@openssh.com", true, nil)
			replied <- err
		}()
		select {
		case err := <-replied:
			if err != nil {
				return // the connection is gone; its users see that
			}
		case <-time.After(c.e.aliveInterval * time.Duration(c.e.aliveCountMax)):
			_ = c.client.Close()
			return
		case <-c.stop:
			return
		}
	}
}

func (c *conn) close() {
	c.closed.Do(func() {
		if c.client != nil {
			close(c.stop)
			_ = c.client.Close()
			<-c.done
		}
	})
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isAuthFailure(err error) bool {
	var se *gossh.ServerAuthError
	if errors.As(err, &se) {
		return true
	}
	// x/crypto reports a refused login as a plain error.
	return err != nil && containsAny(err.Error(), "unable to authenticate", "no supported methods remain")
}
