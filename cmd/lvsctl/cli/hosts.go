package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local"
	"github.com/lvsctl/lvsctl/providers/snapshot"
	"github.com/lvsctl/lvsctl/transport/agent"
)

// openHost reaches one host: from the snapshot when planning against one,
// else in-process for this machine, or through `lvsctl agent` run inside
// the host's network namespace. run says which cluster's record to use and
// whether to lock the host.
func openHost(ctx context.Context, name string, conn state.Connection, snap *state.Snapshot, snapPath string, run hostRun) (cluster.Host, error) {
	lock := run.lock
	if snap != nil {
		return snapshot.Find(*snap, snapPath, name)
	}
	switch {
	case conn.SSH != nil:
		return nil, fmt.Errorf("host %s: the ssh transport is not in this version of lvsctl yet; run lvsctl on that host, or plan against its snapshot (`lvsctl show -o json` there, then `lvsctl plan --state FILE`)", name)
	case conn.Netns != "":
		// The agent is this very binary, run inside the namespace, on this
		// machine's file system: each namespace keeps a record of its own.
		self, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("host %s: find the lvsctl binary to run as the agent: %w", name, err)
		}
		record := local.ClusterRecordPath(local.RecordDir(), "netns-"+conn.Netns, run.cluster)
		return agent.Netns(ctx, name, conn.Netns, append([]string{self, "agent", "--name", name, "--record", record}, agentLockArgs(lock)...))
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

// agentLockArgs are the agent's flags that make it hold its host's lock
// for its whole session.
func agentLockArgs(lock *local.LockOptions) []string {
	if lock == nil {
		return nil
	}
	return []string{"--lock", "--lock-timeout", lock.Timeout.String(), "--lock-command", lock.Command}
}

// lockOptions is the lock a command that changes hosts takes on each.
func lockOptions(timeout time.Duration) *local.LockOptions {
	return &local.LockOptions{Timeout: timeout, Command: strings.Join(append([]string{"lvsctl"}, os.Args[1:]...), " ")}
}
