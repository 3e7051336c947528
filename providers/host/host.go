// Package host is the seam between the engine and a machine: a Host reads
// its live state and applies changes to it. A local host calls the providers
// in-process; a host in a network namespace or behind SSH runs `lvsctl agent`
// there and speaks the same calls over its stdin/stdout. The engine never
// knows which.
package host

import (
	"context"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Host is one machine (or network namespace) in the cluster.
type Host interface {
	// Read returns the live state in the shape of the desired state,
	// including the host's ownership record, normalized (state.Host.Normalize).
	Read(ctx context.Context, req ReadRequest) (state.Host, error)
	// Apply carries out the changes in order, updating the ownership record
	// after each one that succeeds. It stops at the first failure; the
	// results cover the changes attempted.
	Apply(ctx context.Context, changes []plan.Change) ([]plan.Result, error)
	Close() error
}

// ReadRequest says what to read. Sysctls are read by name because a host has
// thousands and a plan cares about a few.
type ReadRequest struct {
	// IPVS reads the IPVS table and timeouts; a real server need not have IPVS.
	IPVS    bool     `json:"ipvs"`
	Sysctls []string `json:"sysctls,omitempty"`
}
