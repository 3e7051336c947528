// Package snapshot is a read-only host backed by a state snapshot file, as
// `lvsctl show -o json` writes it. It lets `plan --state FILE` run anywhere,
// without root and without reaching the hosts.
package snapshot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Load reads a snapshot file and checks its format version.
func Load(path string) (state.Snapshot, error) {
	var s state.Snapshot
	b, err := os.ReadFile(path)
	if err != nil {
		return s, fmt.Errorf("read state snapshot: %w", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("state snapshot %s is not valid JSON: %w (write one with `lvsctl show -o json`)", path, err)
	}
	if s.FormatVersion != state.FormatVersion {
		return s, fmt.Errorf("state snapshot %s has format_version %q; this lvsctl reads %q: write it again with this version's `lvsctl show -o json`",
			path, s.FormatVersion, state.FormatVersion)
	}
	for i := range s.Hosts {
		s.Hosts[i].Normalize()
	}
	return s, nil
}

// Host serves one host's state from a snapshot.
type Host struct {
	State state.Host
	// Path is the snapshot file, for messages.
	Path string
}

var _ cluster.Host = (*Host)(nil)

// ErrReadOnly is returned by Apply: a snapshot is something to plan against,
// not something to change.
var ErrReadOnly = errors.New("a state snapshot is read-only")

// Read returns the snapshot's state of the host. Sysctls not in the snapshot
// are simply absent, as they would be on a kernel that lacks them.
func (h *Host) Read(context.Context, cluster.ReadRequest) (state.Host, error) {
	return h.State, nil
}

// Apply refuses: plans made from a snapshot are applied with the real hosts.
func (h *Host) Apply(context.Context, []plan.Change) ([]plan.Result, error) {
	return nil, fmt.Errorf("host %s: %w (%s); run `lvsctl apply` without --state to change the real host", h.State.Name, ErrReadOnly, h.Path)
}

// Close does nothing.
func (h *Host) Close() error { return nil }

// Find returns the snapshot's host with the given name.
func Find(s state.Snapshot, path, name string) (*Host, error) {
	for _, h := range s.Hosts {
		if h.Name == name {
			return &Host{State: h, Path: path}, nil
		}
	}
	return nil, fmt.Errorf("host %q is not in the state snapshot %s: add it (`lvsctl show -o json` on that host) or leave it out with -target", name, path)
}
