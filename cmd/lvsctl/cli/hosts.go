package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local"
	"github.com/lvsctl/lvsctl/providers/snapshot"
	"github.com/lvsctl/lvsctl/transport/agent"
)

// openHost reaches one host: from the snapshot when planning against one,
// else in-process for this machine, or through `lvsctl agent` run inside
// the host's network namespace.
func openHost(ctx context.Context, name string, conn state.Connection, snap *state.Snapshot, snapPath string) (cluster.Host, error) {
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
		record := local.RecordPath(local.RecordDir(), "netns-"+conn.Netns)
		return agent.Netns(ctx, name, conn.Netns, []string{self, "agent", "--name", name, "--record", record})
	}
	return local.New(local.Options{Name: name, RecordPath: local.RecordPath(local.RecordDir(), "local")})
}
