package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

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

// recordFile is the record as kept on disk: what lvsctl owns, and the
// intents of a batch under way (see Intents).
type recordFile struct {
	state.Record
	Intents *Intents `json:"intents,omitempty"`
}

// ClusterRecordPath is RecordPath for the configuration that names its
// cluster (`cluster = "NAME"`): each cluster on a host keeps a record of
// its own, HOSTID@CLUSTER.json, beside the unnamed cluster's HOSTID.json.
func ClusterRecordPath(dir, hostID, cluster string) string {
	if cluster == "" {
		return RecordPath(dir, hostID)
	}
	return filepath.Join(dir, hostID+"@"+cluster+".json")
}

// ClusterRecordOf is the record of cluster on the host whose record (of
// any cluster) is at recordPath: an agent started with the unnamed
// cluster's record finds the one a client names beside it.
func ClusterRecordOf(recordPath, cluster string) string {
	hostPath, _ := hostRecords(recordPath)
	dir, base := filepath.Split(hostPath)
	return ClusterRecordPath(dir, strings.TrimSuffix(base, ".json"), cluster)
}

// hostRecords splits a record path into the host's part and the glob of
// every cluster's record of that host.
func hostRecords(recordPath string) (hostPath, glob string) {
	dir, base := filepath.Split(recordPath)
	base = strings.TrimSuffix(base, ".json")
	host, _, _ := strings.Cut(base, "@")
	return filepath.Join(dir, host+".json"), filepath.Join(dir, host+"@*.json")
}

// siblingRecords are the records of the other clusters on the host whose
// record (of one cluster) is at recordPath.
func siblingRecords(recordPath string) ([]string, error) {
	hostPath, glob := hostRecords(recordPath)
	named, err := filepath.Glob(glob)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range append([]string{hostPath}, named...) {
		if p != filepath.Clean(recordPath) {
			out = append(out, p)
		}
	}
	return out, nil
}

// LoadRecord reads the ownership record at path, as last committed
// (intents left by a run that stopped are settled by Read, against the
// kernel); a missing file means no record (nil). A record that cannot be
// read or understood is an error naming the file, never "no record":
// treating it as empty would let lvsctl forget what it made.
func LoadRecord(path string) (*state.Record, error) {
	f, err := loadRecordFile(path)
	if f == nil || err != nil {
		return nil, err
	}
	return &f.Record, nil
}

// recordDecodes counts the record files decoded, for tests.
var recordDecodes atomic.Int64

func loadRecordFile(path string) (*recordFile, error) {
	f, _, err := readRecordFile(path)
	return f, err
}

// readRecordFile is loadRecordFile, with the bytes it decoded.
func readRecordFile(path string) (*recordFile, []byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read ownership record %s: %w (lvsctl will not plan without it: fix its permissions, or run as root)", path, err)
	}
	recordDecodes.Add(1)
	var r recordFile
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, nil, fmt.Errorf("ownership record %s is damaged (%v): lvsctl will not plan without it, since it says what lvsctl made on this host. "+
			"Restore it from a backup; or move it aside (mv %s %s.damaged), and know that lvsctl then treats everything on the host as not its own, "+
			"so it will neither change nor remove what an earlier apply made until you remove that by hand", path, err, path, path)
	}
	if r.FormatVersion != state.FormatVersion {
		return nil, nil, fmt.Errorf("ownership record %s has format %q, this lvsctl knows %q: use the lvsctl version that wrote it",
			path, r.FormatVersion, state.FormatVersion)
	}
	return &r, b, nil
}

// saveRecord replaces the record file atomically with r and no intents: a
// reader (or a crash) sees either the old record or the new one, never a
// torn file.
func saveRecord(path string, r *state.Record) error {
	return saveRecordFile(path, &recordFile{Record: *r})
}

func saveRecordFile(path string, f *recordFile) error {
	_, err := writeRecordFile(path, f)
	return err
}

// writeRecordFile is saveRecordFile that returns the bytes written.
func writeRecordFile(path string, f *recordFile) ([]byte, error) {
	if f.FormatVersion == "" {
		f.FormatVersion = state.FormatVersion
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode ownership record: %w", err)
	}
	b = append(b, '\n')
	if err := atomicfile.Write(path, b, 0o644); err != nil {
		return nil, fmt.Errorf("write ownership record: %w", err)
	}
	return b, nil
}
