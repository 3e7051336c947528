package host

import (
	"errors"
	"io/fs"
)

// ErrPermission is matched (errors.Is) by every error that failed for lack
// of privilege, locally or in an agent, so the CLI can map it to its own
// exit code.
var ErrPermission = errors.New("permission denied")

// permissionAdvice is what an operator without privilege can do instead.
const permissionAdvice = "run as root (lvsctl needs CAP_NET_ADMIN), or plan against a snapshot with `lvsctl plan --state FILE`"

// permissionError is an error that happened for lack of privilege.
type permissionError struct{ err error }

func (e *permissionError) Error() string { return e.err.Error() + ": " + permissionAdvice }
func (e *permissionError) Unwrap() error { return e.err }

// Is makes errors.Is(err, ErrPermission) true.
func (e *permissionError) Is(target error) bool { return target == ErrPermission }

// checkPermission wraps err as a permission error when the kernel refused
// for lack of privilege (EPERM, EACCES), and returns it unchanged otherwise.
func checkPermission(err error) error {
	if err == nil || errors.Is(err, ErrPermission) || !errors.Is(err, fs.ErrPermission) {
		return err
	}
	return &permissionError{err}
}

// remoteError is an error an agent reported, rebuilt on the client side.
type remoteError struct {
	msg        string
	permission bool
}

func (e *remoteError) Error() string { return e.msg }

// Is makes errors.Is(err, ErrPermission) true when the agent said so.
func (e *remoteError) Is(target error) bool { return e.permission && target == ErrPermission }
