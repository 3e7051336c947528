package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/lvsctl/lvsctl/internal/atomicfile"

	"github.com/lvsctl/lvsctl/engine/state"
)

// DefaultRecordDir is where ownership records live on a host.
const DefaultRecordDir = "/var/lib/lvsctl"

// RecordDirEnv overrides DefaultRecordDir.
const RecordDirEnv = "LVSCTL_RECORD_DIR"

// RecordDir returns the directory of ownership records: $LVSCTL_RECORD_DIR
// when set, DefaultRecordDir otherwise.
func RecordDir() string {
	if d := os.Getenv(RecordDirEnv); d != "" {
		return d
	}
	return DefaultRecordDir
}

// RecordPath returns the record file of one host kept in dir. hostID is
// "local" for this machine's own network namespace and "netns-NAME" for
// namespace NAME, so namespaces on one machine keep separate records.
func RecordPath(dir, hostID string) string {
	return filepath.Join(dir, hostID+".json")
}

// LoadRecord reads the ownership record at path; a missing file means no
// record (nil).
func LoadRecord(path string) (*state.Record, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read ownership record %s: %w", path, err)
	}
	var r state.Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("ownership record %s is damaged (%v): fix or move it aside; without it lvsctl treats everything on the host as not its own", path, err)
	}
	if r.FormatVersion != state.FormatVersion {
		return nil, fmt.Errorf("ownership record %s has format %q, this lvsctl knows %q: use the lvsctl version that wrote it",
			path, r.FormatVersion, state.FormatVersion)
	}
	return &r, nil
}

// saveRecord replaces the record file atomically: a reader (or a crash)
// sees either the old record or the new one, never a torn file.
func saveRecord(path string, r *state.Record) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode ownership record: %w", err)
	}
	if err := atomicfile.Write(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write ownership record: %w", err)
	}
	return nil
}
