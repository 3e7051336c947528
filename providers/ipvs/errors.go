package ipvs

import (
	"errors"
	"fmt"
	"io/fs"

	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/engine/state"
)

// ErrUnavailable is matched (errors.Is) by the error of Open when the kernel
// has no IPVS.
var ErrUnavailable = errors.New("IPVS is not available in this kernel: load it with `modprobe ip_vs`")

// Error is a failed IPVS operation on one resource. Its message says what
// the kernel's errno means for that operation; Unwrap gives the errno (or
// conversion error) so callers can still test errors.Is(err, unix.EEXIST),
// and permission problems match fs.ErrPermission.
type Error struct {
	// Op is what was attempted: "create service", "update server", ...
	Op string
	// Resource is the key of the service, "SERVICE -> SERVER" for a server,
	// or empty for table-wide operations.
	Resource string
	// Reason is the explanation for people; empty means Err says it all.
	Reason string
	Err    error
}

func (e *Error) Error() string {
	msg := e.Op
	if e.Resource != "" {
		msg += " " + e.Resource
	}
	if e.Reason != "" {
		return msg + ": " + e.Reason
	}
	return msg + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// newError is the error of op on resource, explaining the errnos every
// operation can meet: a refusal for lack of privilege (IPVS commands all
// need CAP_NET_ADMIN, even reads) and an IPv6 request to a kernel without
// IPv6 in IPVS. The advice on privileges is not given here: the host layer
// (providers/local) adds it once to every permission error, whichever
// provider it came from. Callers explain the other errnos themselves when
// Reason is still empty.
func newError(op, resource string, err error) *Error {
	e := &Error{Op: op, Resource: resource, Err: err}
	switch {
	case errors.Is(err, fs.ErrPermission): // EPERM or EACCES
		e.Reason = "permission denied"
	case errors.Is(err, unix.EAFNOSUPPORT):
		e.Reason = "this kernel's IPVS has no IPv6 support (CONFIG_IP_VS_IPV6)"
	}
	return e
}

// serviceError explains a kernel error from a service operation. The errnos
// are those of net/netfilter/ipvs/ip_vs_ctl.c for the generic netlink commands.
func serviceError(op string, s state.Service, err error) error {
	e := newError(op, s.Key(), err)
	if e.Reason != "" {
		return e
	}
	switch {
	case errors.Is(err, unix.EEXIST):
		e.Reason = "the service already exists"
	case errors.Is(err, unix.ESRCH):
		e.Reason = "the service does not exist (removed meanwhile? run plan again)"
	case errors.Is(err, unix.ENOENT):
		// Only the scheduler (or a persistence engine, which lvsctl does
		// not set) is looked up by name on create and update.
		e.Reason = fmt.Sprintf("scheduler %q is not loaded in the kernel (modprobe ip_vs_%s)", s.Scheduler, s.Scheduler)
	case errors.Is(err, unix.EINVAL):
		e.Reason = "the kernel rejected the service as invalid (an IPv6 netmask must be 1..128): " + err.Error()
	}
	return e
}

// serverError explains a kernel error from a server operation.
func serverError(op string, svc state.Service, s state.Server, err error) error {
	e := newError(op, svc.Key()+" -> "+s.Key(), err)
	if e.Reason != "" {
		return e
	}
	switch {
	case errors.Is(err, unix.ESRCH):
		e.Reason = "its service does not exist (removed meanwhile? run plan again)"
	case errors.Is(err, unix.EEXIST):
		e.Reason = "the server already exists in this service"
	case errors.Is(err, unix.ENOENT):
		e.Reason = "the server does not exist in this service (removed meanwhile? run plan again)"
	case errors.Is(err, unix.ERANGE):
		if s.LowerThreshold > s.UpperThreshold {
			e.Reason = fmt.Sprintf("lower_threshold %d is above upper_threshold %d (the kernel requires lower <= upper, also when upper is 0)", s.LowerThreshold, s.UpperThreshold)
		} else {
			e.Reason = fmt.Sprintf("weight %d is out of range", s.Weight)
		}
	case errors.Is(err, unix.EINVAL):
		if s.Method != state.MethodTUN && serviceFamily(svc) != familyName(addrFamily(s.Address)) {
			e.Reason = "a server of the other address family needs method tun"
		} else {
			// An IPv4 server is also refused while the namespace has no
			// IPv4 address at all: without a local table the kernel
			// classifies every address as broadcast.
			e.Reason = "the kernel rejected the server as invalid (its address must be unicast, an IPv4 server needs an IPv4 address on the director, tunnel type gue needs a port): " + err.Error()
		}
	}
	return e
}

// openError explains why IPVS could not be opened.
func openError(err error) error {
	e := newError("open IPVS", "", err)
	if e.Reason == "" && errors.Is(err, unix.ENOENT) {
		// The generic netlink family "IPVS" is registered by the ip_vs module.
		e.Reason, e.Err = ErrUnavailable.Error(), errors.Join(ErrUnavailable, err)
	}
	return e
}

// serviceFamily is the address family of a service: that of its address, or
// the declared one for a fwmark service.
func serviceFamily(s state.Service) state.Family {
	if s.FWMark != 0 {
		if s.Family == "" {
			return state.Inet
		}
		return s.Family
	}
	return familyName(addrFamily(s.Address))
}
