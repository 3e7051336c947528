package agent

import (
	"context"
	"fmt"
	"time"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local"
)

// LocalHosts is what `lvsctl agent` serves: the machine (or network
// namespace) it runs in, through providers/local, with the ownership
// record of the cluster the client names and the host's lock when the
// client asks for it, exactly as a run on the host itself would.
type LocalHosts struct {
	// Options open the host. Options.RecordPath is the unnamed cluster's
	// record; a named cluster's is beside it (local.ClusterRecordOf), and
	// the host's lock beside both. Options.Name is used when the client
	// does not name the host.
	Options local.Options
}

// Open opens the host for s, taking its lock when s asks: the wait ends
// with ctx (the client gone).
func (o LocalHosts) Open(ctx context.Context, s Setup) (cluster.Host, error) {
	opts := o.Options
	if s.Name != "" {
		opts.Name = s.Name
	}
	if s.Cluster != "" {
		if !state.ValidClusterName(s.Cluster) { // it becomes part of a file name
			return nil, fmt.Errorf("host %s: cluster name %q: use 1-63 of a-z 0-9 - _, starting with a letter or digit", opts.Name, s.Cluster)
		}
		opts.RecordPath = local.ClusterRecordOf(opts.RecordPath, s.Cluster)
	}
	h, err := local.New(opts)
	if err != nil {
		return nil, err
	}
	if s.Lock != nil {
		lock := local.LockOptions{Timeout: time.Duration(s.Lock.TimeoutMS) * time.Millisecond, Command: s.Lock.Command, Client: s.Lock.Client}
		if err := h.Lock(ctx, lock); err != nil {
			_ = h.Close()
			return nil, err
		}
	}
	return h, nil
}

// LockState reads the host's lock without taking it.
func (o LocalHosts) LockState() (LockState, error) {
	h, held, err := local.LockHolder(o.Options.RecordPath)
	st := LockState{Path: local.LockPath(o.Options.RecordPath), Held: held}
	if held {
		st.Holder = &h
	}
	return st, err
}
