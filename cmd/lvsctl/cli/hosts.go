package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local"
	"github.com/lvsctl/lvsctl/providers/snapshot"
	"github.com/lvsctl/lvsctl/transport/agent"
	"github.com/lvsctl/lvsctl/transport/ssh"
)

// openHost reaches one host: from the snapshot when planning against one,
// else in-process for this machine, through `lvsctl agent` run inside the
// host's network namespace, or over SSH. o.hostRun() says which cluster's
// record to use and whether to lock the host.
func (o *configOptions) openHost(ctx context.Context, name string, conn state.Connection, snap *state.Snapshot, snapPath string) (cluster.Host, error) {
	run := o.hostRun()
	lock := run.lock
	if snap != nil {
		return snapshot.Find(*snap, snapPath, name)
	}
	switch {
	case conn.SSH != nil:
		return o.ssh.open(ctx, name, *conn.SSH, run)
	case conn.Netns != "":
		// The agent is this very binary, run inside the namespace; it may
		// have been started while the configuration loaded (early.go).
		a := o.early.take(name, conn.Netns)
		if a == nil {
			command, err := netnsAgentCommand(name, conn.Netns)
			if err != nil {
				return nil, err
			}
			if a, err = agent.Netns(ctx, name, conn.Netns, command); err != nil {
				return nil, err
			}
		}
		if err := a.Setup(ctx, run.setup(name)); err != nil {
			_ = a.Close()
			return nil, err
		}
		return a, nil
	}
	h, err := local.New(local.Options{Name: name, RecordPath: local.ClusterRecordPath(local.RecordDir(), "local", run.cluster)})
	if err != nil || lock == nil {
		return h, err
	}
	if err := h.Lock(ctx, *lock); err != nil {
		_ = h.Close()
		return nil, err
	}
	return h, nil
}

// hostRun is how one command uses the hosts it opens.
type hostRun struct {
	// cluster is the configuration's cluster name: whose record to use.
	cluster string
	// lock, set by commands that change hosts, locks each host opened.
	lock *local.LockOptions
}

// setup is what an agent is asked for on host name: the cluster's record,
// and the host's lock when the command changes hosts.
func (r hostRun) setup(name string) agent.Setup {
	s := agent.Setup{Name: name, Cluster: r.cluster}
	if r.lock != nil {
		s.Lock = &agent.LockRequest{TimeoutMS: r.lock.Timeout.Milliseconds(), Command: r.lock.Command, Client: r.lock.Client}
	}
	return s
}

// lockOptions is the lock a command that changes hosts takes on each.
func lockOptions(timeout time.Duration) *local.LockOptions {
	return &local.LockOptions{Timeout: timeout, Command: strings.Join(append([]string{"lvsctl"}, os.Args[1:]...), " ")}
}

// localClient is user@host of this machine, for the lock entries of the
// agents that work for this run on other machines.
func localClient() string {
	host, _ := os.Hostname()
	return localUser() + "@" + host
}

// sshOptions are the SSH flags, and the connection pool of the run: one
// connection per host and per bastion, shared by every host opened, closed
// with the last of them.
type sshOptions struct {
	config     string
	knownHosts []string
	acceptNew  bool

	mu    sync.Mutex
	pool  *ssh.Pool
	users int
}

func (s *sshOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&s.config, "ssh-config", "", "read SSH settings from `FILE` instead of ~/.ssh/config and /etc/ssh/ssh_config")
	fs.StringArrayVar(&s.knownHosts, "known-hosts", nil, "check SSH host keys against `FILE` instead of ssh_config's UserKnownHostsFile (repeatable)")
	fs.BoolVar(&s.acceptNew, "accept-new-host-keys", false, "trust and record the SSH host key of a host seen for the first time (StrictHostKeyChecking accept-new); a changed key is always refused")
}

// open starts the agent on a host over SSH and asks it for the run's
// cluster record and lock (the agent's command line is fixed, for sudoers).
func (s *sshOptions) open(ctx context.Context, name string, c state.SSH, run hostRun) (cluster.Host, error) {
	pool, err := s.acquire()
	if err != nil {
		return nil, fmt.Errorf("host %s: %w", name, err)
	}
	h, err := agent.SSH(ctx, name, pool, ssh.Target{Host: c.Host, User: c.User, Port: c.Port, IdentityFile: c.IdentityFile})
	if err != nil {
		s.release()
		return nil, fmt.Errorf("host %s: %w", name, err)
	}
	sh := &sshHost{SSHClient: h, opts: s}
	set := run.setup(name)
	if set.Lock != nil {
		set.Lock.Client = localClient()
	}
	if err := h.Setup(ctx, set); err != nil {
		_ = sh.Close()
		return nil, err // the agent names the host
	}
	return sh, nil
}

func (s *sshOptions) acquire() (*ssh.Pool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pool == nil {
		p, err := ssh.NewPool(ssh.Options{ConfigFile: s.config, KnownHostsFiles: s.knownHosts, AcceptNewHostKeys: s.acceptNew})
		if err != nil {
			return nil, err
		}
		s.pool = p
	}
	s.users++
	return s.pool, nil
}

func (s *sshOptions) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users--; s.users == 0 {
		_ = s.pool.Close()
		s.pool = nil
	}
}

// sshHost is a host over SSH whose Close also lets go of the pool.
type sshHost struct {
	*agent.SSHClient
	opts *sshOptions
	once sync.Once
}

func (h *sshHost) Close() error {
	err := h.SSHClient.Close()
	h.once.Do(h.opts.release)
	return err
}
