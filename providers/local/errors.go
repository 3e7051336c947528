package local

import (
	"errors"
	"io/fs"

	"github.com/lvsctl/lvsctl/engine/cluster"
)

// checkPermission marks err as a permission error (cluster.ErrPermission,
// with advice) when the kernel refused for lack of privilege (EPERM,
// EACCES), and returns it unchanged otherwise.
func checkPermission(err error) error {
	if err == nil || !errors.Is(err, fs.ErrPermission) {
		return err
	}
	return cluster.PermissionError(err)
}
