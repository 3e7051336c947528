package cli

import (
	"context"
	"fmt"

	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/host"
	"github.com/lvsctl/lvsctl/providers/snapshot"
)

// openHost reaches one host: from the snapshot when planning against one,
// else in-process for this machine, or through `lvsctl agent` run inside
// the host's network namespace.
func openHost(ctx context.Context, name string, conn state.Connection, snap *state.Snapshot, snapPath string) (host.Host, error) {
	if snap != nil {
		return snapshot.Find(*snap, snapPath, name)
	}
	switch {
	case conn.SSH != nil:
		return nil, fmt.Errorf("host %s: the ssh transport is not in this version of lvsctl yet; run lvsctl on that host, or plan against its snapshot (`lvsctl show -o json` there, then `lvsctl plan --state FILE`)", name)
	case conn.Netns != "":
		// The agent is this very binary, run inside the namespace.
		return host.NewNetns(ctx, name, conn.Netns, nil)
	}
	return host.NewLocal(host.LocalOptions{Name: name, RecordPath: host.RecordPath(host.RecordDir(), "local")})
}
