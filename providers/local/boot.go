package local

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/atomicfile"
	"github.com/lvsctl/lvsctl/internal/servicecodec"
)

// BootDirName is the directory, beside the ownership records, where each
// host and cluster keeps its desired state as last applied, for `lvsctl
// boot`. A directory of its own keeps these files out of the records' glob
// (HOSTID@*.json).
const BootDirName = "boot"

// BootState is the desired state a host keeps for one cluster, to re-apply
// at boot: what its last apply made it.
type BootState struct {
	FormatVersion string `json:"format_version"`
	// Record is the file name of the cluster's ownership record, in the
	// directory above: it names the host (local, netns-NAME) and the
	// cluster (HOSTID@CLUSTER.json).
	Record  string     `json:"record"`
	Desired state.Host `json:"desired"`
}

// HostID is "local" for this machine's own network namespace and
// "netns-NAME" for namespace NAME.
func (b BootState) HostID() string {
	id, _, _ := strings.Cut(strings.TrimSuffix(b.Record, ".json"), "@")
	return id
}

// Cluster is the name of the cluster ("" for the unnamed one).
func (b BootState) Cluster() string {
	_, c, _ := strings.Cut(strings.TrimSuffix(b.Record, ".json"), "@")
	return c
}

// Netns is the network namespace the host is, or "" for this machine's own.
func (b BootState) Netns() string {
	ns, _ := strings.CutPrefix(b.HostID(), "netns-")
	if ns == b.HostID() {
		return ""
	}
	return ns
}

// BootStatePath is the file where the host and cluster whose record is at
// recordPath keep their boot state.
func BootStatePath(recordPath string) string {
	return filepath.Join(filepath.Dir(recordPath), BootDirName, filepath.Base(recordPath))
}

// LoadBootStates returns the boot states kept in the record directory dir,
// by file name. One that cannot be read is an error naming it, after the
// others: `lvsctl boot` restores what it can.
func LoadBootStates(dir string) ([]BootState, error) {
	paths, err := filepath.Glob(filepath.Join(dir, BootDirName, "*.json"))
	if err != nil {
		return nil, err
	}
	slices.Sort(paths)
	var out []BootState
	var errs []error
	for _, p := range paths {
		s, err := loadBootState(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, s)
	}
	return out, errors.Join(errs...)
}

// loadBootState reads one kept state; its error names the file and what to
// do about it.
func loadBootState(path string) (BootState, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return BootState{}, fmt.Errorf("read boot state %s: %w", path, err)
	}
	s, err := decodeBootState(b)
	if errors.Is(err, errBootFormat) {
		return BootState{}, fmt.Errorf("boot state %s %w, this lvsctl knows %q: run `lvsctl apply` with this lvsctl to rewrite it", path, err, bootFormat)
	}
	if err != nil {
		return BootState{}, fmt.Errorf("boot state %s is damaged (%v): run `lvsctl apply` for its cluster again to rewrite it", path, err)
	}
	s.Record = filepath.Base(path)
	return s, nil
}

// bootFormat is the format_version of the boot states this lvsctl writes:
// the desired state as JSON but for its services, which are kept in the
// compact form an apply request carries them in (servicecodec, base64 in
// the JSON). Encoding 10,000 servers as JSON objects was most of what an
// apply of one changed weight spent on the host beyond a plan. A
// version of its own makes an older lvsctl refuse such a file (and say
// to apply again) rather than restore a state without its services.
const bootFormat = state.FormatVersion + "+compact-services"

// errBootFormat: a boot state in a format this lvsctl does not read.
var errBootFormat = errors.New("has an unknown format")

// bootFile is a boot state as kept on disk.
type bootFile struct {
	FormatVersion string     `json:"format_version"`
	Record        string     `json:"record"`
	Desired       state.Host `json:"desired"`
	// Services are Desired's services in the compact form (bootFormat);
	// files of format state.FormatVersion have them in Desired.
	Services []byte `json:"services,omitempty"`
}

// decodeBootState reads a boot state written by encodeBootState, or by an
// earlier lvsctl (format state.FormatVersion: all of it JSON).
func decodeBootState(b []byte) (BootState, error) {
	var f bootFile
	if err := json.Unmarshal(b, &f); err != nil {
		return BootState{}, err
	}
	s := BootState{FormatVersion: state.FormatVersion, Record: f.Record, Desired: f.Desired}
	switch f.FormatVersion {
	case state.FormatVersion:
		if f.Services != nil {
			return BootState{}, errors.New("compact services in a state of format " + state.FormatVersion)
		}
	case bootFormat:
		if len(f.Desired.Services) > 0 {
			return BootState{}, errors.New("services both in the desired state and in compact form")
		}
		services, err := servicecodec.Decode(f.Services)
		if err != nil {
			return BootState{}, err
		}
		s.Desired.Services = services
	default:
		return BootState{}, fmt.Errorf("%w %q", errBootFormat, f.FormatVersion)
	}
	return s, nil
}

// applyBoot keeps (or forgets) the host's desired state for boot, and
// installs the boot unit while any cluster on the machine keeps one, or
// removes it with the last.
func (l *Host) applyBoot(c plan.Change, b *plan.Boot) error {
	if b == nil {
		return missing(c, "after")
	}
	path := BootStatePath(l.recordPath)
	dir := filepath.Dir(l.recordPath)
	u := Unit{Root: b.Root, RecordDir: dir, Binary: filepath.Join(dir, "bin", "lvsctl")}
	if b.Desired != nil {
		data, err := encodeBootState(BootState{Record: filepath.Base(l.recordPath), Desired: *b.Desired})
		if err != nil {
			return err
		}
		// Unchanged (most applies change little): not written again, which
		// spares a write and two fsyncs of a big state.
		if !sameContentAs(path, data) {
			if err := atomicfile.Write(path, data, 0o644); err != nil {
				return fmt.Errorf("keep the state for boot: %w", err)
			}
		}
		if err := installBinary(l.executable, u.Binary); err != nil {
			return fmt.Errorf("keep lvsctl for boot: %w", err)
		}
		return u.Install()
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("forget the state kept for boot: %w", err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, BootDirName, "*.json"))
	if len(left) > 0 {
		return nil // another cluster or host here still comes back at boot
	}
	if err := u.Remove(); err != nil {
		return err
	}
	if err := removeBinary(u.Binary); err != nil {
		return err
	}
	_ = os.Remove(filepath.Join(dir, BootDirName)) // only when empty
	return nil
}

// encodeBootState is the content of a boot state file: compact JSON, not
// indented, as it is read by lvsctl boot alone and is the biggest file an
// apply writes (indenting took longer than encoding; JSON readers take
// either, so files written indented by earlier versions still load), with
// the services in compact form (bootFormat).
func encodeBootState(s BootState) ([]byte, error) {
	f := bootFile{FormatVersion: bootFormat, Record: s.Record, Desired: s.Desired}
	f.Desired.Services = nil
	f.Services = servicecodec.Append(nil, s.Desired.Services)
	data, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("encode boot state: %w", err)
	}
	return append(data, '\n'), nil
}

// sameContentAs reports whether the file at path holds data; a file of
// another size is not read.
func sameContentAs(path string, data []byte) bool {
	st, err := os.Stat(path)
	if err != nil || st.Size() != int64(len(data)) {
		return false
	}
	old, err := os.ReadFile(path)
	return err == nil && bytes.Equal(old, data)
}
