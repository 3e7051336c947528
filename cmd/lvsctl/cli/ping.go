package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/compile"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/version"
	"github.com/lvsctl/lvsctl/providers/local"
	"github.com/lvsctl/lvsctl/transport/agent"
)

type pingOptions struct {
	configOptions
}

func newPingCommand(stdio IO) *cobra.Command {
	var o pingOptions
	cmd := &cobra.Command{
		Use:   "ping [PATH]",
		Short: "Reach every host of a configuration and say what lvsctl finds there",
		Long: `Ping reaches every host of the configuration the way plan and apply do
(over SSH, in a network namespace, or this machine), starts the agent there,
and reports the login user, whether sudo is used, the architecture, the
kernel, whether IPVS is available, the agent's version and the host's lock
(free, or held by whom since when; ping does not take it).
It changes nothing. It exits 1 when any host cannot be reached, or a
director has no IPVS.`,
		Example: `  lvsctl ping ./cluster
  lvsctl ping -ssh-config ci/ssh_config -target lvs1 ./cluster`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.path = pathArg(args)
			return runPing(cmd.Context(), stdio, &o)
		},
	}
	o.addFlags(cmd.Flags(), false)
	return cmd
}

// pong is what ping learnt about one host.
type pong struct {
	name, via, user, sudo, arch, kernel, ipvs, agent, lock string
	err                                                    error
}

func runPing(ctx context.Context, stdio IO, o *pingOptions) error {
	targets, err := loadTargets(stdio, &o.configOptions)
	if err != nil {
		return err
	}
	// Hosts are opened and closed one by one; holding the pool for the
	// whole run keeps a bastion's connection shared by the hosts behind it.
	for _, t := range targets {
		if t.Connection.SSH != nil {
			if _, err := o.ssh.acquire(); err == nil {
				defer o.ssh.release()
			}
			break
		}
	}
	pongs := make([]pong, len(targets))
	_ = cluster.Each(ctx, len(targets), o.parallelism, func(ctx context.Context, i int) error {
		pongs[i] = o.ping(ctx, targets[i])
		return nil
	})
	w := tabwriter.NewWriter(stdio.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "HOST\tVIA\tUSER\tSUDO\tARCH\tKERNEL\tIPVS\tAGENT\tLOCK")
	var failed []error
	for _, p := range pongs {
		if p.err != nil {
			failed = append(failed, p.err)
			fmt.Fprintf(w, "%s\t%s\tunreachable\t\t\t\t\t\t\n", p.name, p.via)
			continue
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.name, p.via, p.user, p.sudo, p.arch, p.kernel, p.ipvs, p.agent, p.lock)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d host(s) failed:\n%w", len(failed), len(pongs), errors.Join(failed...))
	}
	return nil
}

func (o *pingOptions) ping(ctx context.Context, t compile.Target) pong {
	p := pong{name: t.Desired.Name, via: via(t.Connection), sudo: "-", agent: version.String()}
	p.user, p.arch, p.kernel = localUser(), runtime.GOARCH, localKernel()
	h, err := o.openHost(ctx, p.name, t.Connection, nil, "")
	if err != nil {
		p.err = err
		return p
	}
	defer h.Close()
	if sh, ok := h.(*sshHost); ok {
		r := sh.Remote()
		p.user, p.arch, p.kernel, p.sudo = r.User, r.Arch, r.Kernel, "no (root)"
		if !r.Root {
			p.sudo = "yes (sudo -n)"
		}
	}
	if c, ok := h.(interface{ Version() string }); ok {
		p.agent = c.Version()
	}
	p.lock = o.lockState(ctx, h)
	p.ipvs = "yes"
	if _, err := h.Read(ctx, cluster.ReadRequest{IPVS: true}); err != nil {
		// Without IPVS the host may still serve as a real server.
		if _, err2 := h.Read(ctx, cluster.ReadRequest{}); err2 != nil {
			p.err = fmt.Errorf("read host %s: %w", p.name, err2)
			return p
		}
		p.ipvs = "no"
		if t.Desired.Role == state.RoleDirector {
			p.err = fmt.Errorf("host %s is a director but has no IPVS: %w (load the ip_vs module: modprobe ip_vs)", p.name, err)
		}
	}
	return p
}

var _ interface{ Version() string } = (*agent.Client)(nil)

// lockReader is a host reached through an agent, which reads its lock.
type lockReader interface {
	LockState(context.Context) (agent.LockState, error)
}

var _ lockReader = (*agent.Client)(nil)

// lockState says whether the host's lock is free, or who holds it since
// when, without taking it.
func (o *pingOptions) lockState(ctx context.Context, h cluster.Host) string {
	var st agent.LockState
	var err error
	if lr, ok := h.(lockReader); ok {
		st, err = lr.LockState(ctx)
	} else {
		record := local.ClusterRecordPath(local.RecordDir(), "local", o.hostRun().cluster)
		var holder local.Holder
		st.Path = local.LockPath(record)
		holder, st.Held, err = local.LockHolder(record)
		st.Holder = &holder
	}
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return lockColumn(st)
}

// lockColumn is LOCK in ping's table: "free", or "held by pid 4242 of
// deploy (sudo) for alice@laptop since 2026-12-02T10:57:42Z".
func lockColumn(st agent.LockState) string {
	if !st.Held {
		return "free"
	}
	h := st.Holder
	if h == nil || h.PID == 0 {
		return "held (its holder has not yet said who it is)"
	}
	s := fmt.Sprintf("held by pid %d", h.PID)
	if h.User != "" {
		s += " of " + h.User
	}
	if h.Client != "" {
		s += " for " + h.Client
	} else if h.Host != "" {
		s += " on " + h.Host
	}
	if !h.Since.IsZero() {
		s += " since " + h.Since.UTC().Format(time.RFC3339)
	}
	return s
}

// via says how a host is reached, for people.
func via(c state.Connection) string {
	switch {
	case c.SSH != nil:
		s := "ssh " + c.SSH.Host
		if c.SSH.User != "" {
			s = "ssh " + c.SSH.User + "@" + c.SSH.Host
		}
		if c.SSH.Port != 0 {
			s += fmt.Sprintf(":%d", c.SSH.Port)
		}
		return s
	case c.Netns != "":
		return "netns " + c.Netns
	}
	return "this machine"
}

func localUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "?"
}

func localKernel() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}
