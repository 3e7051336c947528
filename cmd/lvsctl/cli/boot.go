package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lvsctl/lvsctl/engine/apply"
	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local"
	"github.com/lvsctl/lvsctl/transport/agent"
)

type bootOptions struct {
	lockTimeout time.Duration
}

func newBootCommand(stdio IO) *cobra.Command {
	var o bootOptions
	cmd := &cobra.Command{
		Annotations: map[string]string{changesHostsKey: "true"},
		Use:         "boot",
		Short:       "Restore on this machine the state the last apply left (run by the boot unit)",
		Long: `Boot re-applies, on this machine, the desired state each cluster's last
apply kept here (in the record directory's boot/ folder), with no
configuration and no network: real servers first, each host in the safe
order (ARP settings before VIPs, then routes, then IPVS services), directors
last. It takes each host's lock and honours its ownership record, as apply
does. The boot unit apply installs (lvsctl.service, or /etc/init.d/lvsctl
where there is no systemd) runs it when the machine starts, before the
network is announced up.

It goes on with the other hosts when one fails, and exits 1 if any did.`,
		Example: "  /var/lib/lvsctl/bin/lvsctl boot",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBoot(cmd.Context(), stdio, &o)
		},
	}
	cmd.Flags().DurationVar(&o.lockTimeout, "lock-timeout", time.Minute, "wait up to `DURATION` for a run holding a host's lock")
	return cmd
}

func runBoot(ctx context.Context, stdio IO, o *bootOptions) error {
	dir := local.RecordDir()
	states, loadErr := local.LoadBootStates(dir)
	var failed []string
	if loadErr != nil {
		fmt.Fprintf(stdio.Out, "lvsctl boot: %v\n", loadErr)
		failed = append(failed, "a kept state that cannot be read")
	}
	if len(states) == 0 && loadErr == nil {
		fmt.Fprintf(stdio.Out, "lvsctl boot: no state kept in %s: nothing to restore\n", filepath.Join(dir, local.BootDirName))
		return nil
	}
	// Real servers first: they must hide and hold their VIPs before a
	// director on this machine sends them traffic.
	slices.SortStableFunc(states, func(a, b local.BootState) int {
		return cmp.Compare(bootRank(a.Desired.Role), bootRank(b.Desired.Role))
	})
	lock := local.LockOptions{Timeout: o.lockTimeout, Command: "lvsctl boot"}
	for _, s := range states {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := restore(ctx, stdio.Out, dir, s, lock); err != nil {
			fmt.Fprintf(stdio.Out, "%s: failed: %v\n", bootName(s), err)
			failed = append(failed, bootName(s))
		}
	}
	if len(failed) > 0 {
		// Each failure was printed in full above, for the journal.
		return &exitError{code: 1, err: fmt.Errorf("lvsctl boot: %d of %d kept state(s) not restored (see above): %s", len(failed), len(states), strings.Join(failed, ", "))}
	}
	return nil
}

func bootRank(r state.Role) int {
	if r == state.RoleRealServer {
		return 0
	}
	return 1
}

// bootName names a kept state for people: its host, where it is, its cluster.
func bootName(s local.BootState) string {
	where := "this machine"
	if ns := s.Netns(); ns != "" {
		where = "netns " + ns
	}
	if c := s.Cluster(); c != "" {
		where += ", cluster " + c
	}
	return fmt.Sprintf("%s %q (%s)", s.Desired.Role, s.Desired.Name, where)
}

// restore applies one kept state to its host (apply.Restore), printing
// each change made.
func restore(ctx context.Context, w io.Writer, dir string, s local.BootState, lock local.LockOptions) error {
	h, err := openBootHost(ctx, dir, s, lock)
	if err != nil {
		return err
	}
	defer h.Close()
	r, err := apply.Restore(ctx, h, s.Desired)
	for i, res := range r.Results {
		if res.Error == "" {
			fmt.Fprintf(w, "%s: %s %s\n", s.Desired.Name, r.Changes[i].Action, res.Address)
		}
	}
	switch {
	case err != nil:
		return err
	case len(r.Changes) == 0:
		fmt.Fprintf(w, "%s: as kept, nothing to restore\n", bootName(s))
	default:
		fmt.Fprintf(w, "%s: restored (%d change(s))\n", bootName(s), len(r.Results))
	}
	return nil
}

// openBootHost reaches the host a kept state is for, holding its lock.
func openBootHost(ctx context.Context, dir string, s local.BootState, lock local.LockOptions) (cluster.Host, error) {
	record := filepath.Join(dir, s.Record)
	if ns := s.Netns(); ns != "" {
		self, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("find the lvsctl binary to run as the agent: %w", err)
		}
		a, err := agent.Netns(ctx, s.Desired.Name, ns, []string{self, "agent", "--name", s.Desired.Name, "--record", local.RecordPath(dir, s.HostID())})
		if err != nil {
			return nil, err
		}
		run := hostRun{cluster: s.Cluster(), lock: &lock}
		if err := a.Setup(ctx, run.setup(s.Desired.Name)); err != nil {
			_ = a.Close()
			return nil, err
		}
		return a, nil
	}
	h, err := local.New(local.Options{Name: s.Desired.Name, RecordPath: record})
	if err != nil {
		return nil, err
	}
	if err := h.Lock(ctx, lock); err != nil {
		_ = h.Close()
		return nil, err
	}
	return h, nil
}
