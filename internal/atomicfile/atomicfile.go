// Package atomicfile replaces files so that a reader, or a crash, sees the
// old content or the new, never a torn file.
package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes data to a temporary file next to path, flushes it to disk,
// renames it over path and flushes the directory, so that the rename itself
// survives a power cut. The directory is created if missing. The file gets
// perm, or keeps its current mode when perm is 0 and it exists (0644 else).
func Write(path string, data []byte, perm fs.FileMode) error {
	if perm == 0 {
		perm = 0o644
		if st, err := os.Stat(path); err == nil {
			perm = st.Mode().Perm()
		}
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	committed := false
	defer func() {
		if !committed {
			_ = os.Remove(tmp)
		}
	}()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Chmod(perm)
	}
	if werr == nil {
		werr = f.Sync()
	}
	if err := errors.Join(werr, f.Close()); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	committed = true
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
