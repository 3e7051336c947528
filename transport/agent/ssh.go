package agent

import (
	"context"
	"net/netip"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/transport/ssh"
)

// SSHClient is an agent reached over SSH: a Client that also knows the
// host it runs on and the session it travels over.
type SSHClient struct {
	*Client
	remote ssh.Remote
}

var _ cluster.SessionHost = (*SSHClient)(nil)

// SSH starts `lvsctl agent` on the host t over the pool's connection to it
// (uploading lvsctl there first when needed, see ssh.Pool.StartAgent) and
// greets it; name is the host's name in the configuration.
func SSH(ctx context.Context, name string, pool *ssh.Pool, t ssh.Target) (*SSHClient, error) {
	stderr := NewTail()
	s, err := pool.StartAgent(ctx, t, stderr)
	if err != nil {
		return nil, err
	}
	c, err := Start(ctx, Session{
		Name:    name,
		Command: "ssh " + t.String() + " " + s.Command,
		Stdin:   s.Stdin,
		Stdout:  s.Stdout,
		Stderr:  stderr,
		Wait:    s.Wait,
		Kill:    s.Kill,
	})
	if err != nil {
		return nil, err
	}
	return &SSHClient{Client: c, remote: s.Remote}, nil
}

// Remote is what was learnt about the host: user, architecture, kernel.
func (c *SSHClient) Remote() ssh.Remote { return c.remote }

// Session is the host's end and the far end of the SSH session (the
// operator's machine, or the last bastion), as the host sees them.
func (c *SSHClient) Session() (local, peer netip.Addr) {
	return c.remote.Server.Addr(), c.remote.Client.Addr()
}
