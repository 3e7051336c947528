package cluster

import (
	"context"
	"errors"
	"net/netip"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Host is the seam between the engine and a machine (or network namespace)
// of the cluster: it reads the live state and applies changes. The engine
// owns it; providers/local implements it in-process, transport/agent over
// an `lvsctl agent` reached through a namespace or (later) SSH. The engine
// never knows which.
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

// SessionHost is a Host reached over a network session (SSH). Plan refuses
// a plan that would take away the address or route the session travels
// over: the apply would lose the host half-way.
type SessionHost interface {
	Host
	// Session returns the host's own end and the far end of the session,
	// as the host sees them.
	Session() (local, peer netip.Addr)
}

// ReadRequest says what to read. Sysctls are read by name because a host has
// thousands and a plan cares about a few.
type ReadRequest struct {
	// IPVS reads the IPVS table and timeouts; a real server need not have IPVS.
	IPVS    bool     `json:"ipvs"`
	Sysctls []string `json:"sysctls,omitempty"`
	// Connections fills each IPVS server's ActiveConnections, for waiting
	// on a drain; every other read leaves them 0 so that statistics never
	// show in a plan or change a live state's digest.
	Connections bool `json:"connections,omitempty"`
	// Only, when set, limits the read of the IPVS table to the services it
	// names (each with its servers; one not there is left out): verify
	// reads back what an apply touched, not the whole table. Nil reads
	// every service.
	Only *Subset `json:"only,omitempty"`
}

// Subset names the IPVS services a read is limited to.
type Subset struct {
	Services []state.ServiceID `json:"services"`
}

// ErrPermission is matched (errors.Is) by every error a Host returns that
// failed for lack of privilege, locally or in an agent, so the CLI can tell
// the operator what to do.
var ErrPermission = errors.New("permission denied")

// PermissionAdvice is what an operator without privilege can do instead.
const PermissionAdvice = "run as root (lvsctl needs CAP_NET_ADMIN), or plan against a snapshot with `lvsctl plan --state FILE`"

// PermissionError marks err as failed for lack of privilege: it matches
// ErrPermission and its message ends with what to do about it.
func PermissionError(err error) error {
	if err == nil || errors.Is(err, ErrPermission) {
		return err
	}
	return &permissionError{err}
}

// permissionError is an error that happened for lack of privilege.
type permissionError struct{ err error }

func (e *permissionError) Error() string { return e.err.Error() + ": " + PermissionAdvice }
func (e *permissionError) Unwrap() error { return e.err }

// Is makes errors.Is(err, ErrPermission) true.
func (e *permissionError) Is(target error) bool { return target == ErrPermission }
