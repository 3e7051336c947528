package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"

	"github.com/lvsctl/lvsctl/internal/atomicfile"

	"github.com/lvsctl/lvsctl/engine/plan"
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

// newRecord returns an empty record of the current format.
func newRecord() *state.Record {
	return &state.Record{FormatVersion: state.FormatVersion}
}

// own updates the record for a change that succeeded, as its Own says:
//   - OwnCreate records After's key (for a service, with the block name) and,
//     when the change replaced a resource under another key, drops Before's;
//   - OwnRemember keeps Before as the value to restore (sysctls, timeouts,
//     routes), unless an original is already kept: the first one is the
//     value from before lvsctl;
//   - OwnForget drops Before's key (After's when there is no Before), and
//     any original kept for it.
//
// A peers change replaces the record's peers (none: it forgets them).
//
// It reports whether the record changed.
func own(r *state.Record, c plan.Change) bool {
	before, after := resource(c.Before), resource(c.After)
	if c.Kind == plan.KindPeers {
		var peers map[string]state.Peer
		if after.Peers != nil && len(after.Peers.Hosts) > 0 {
			peers = maps.Clone(after.Peers.Hosts)
		}
		// DeepEqual: a peer's SSH settings are behind a pointer.
		if reflect.DeepEqual(peers, r.Peers) {
			return false
		}
		r.Peers = peers
		return true
	}
	switch c.Own {
	case plan.OwnCreate:
		key, ok := resourceKey(c.Kind, after)
		if !ok {
			return false
		}
		if old, ok := resourceKey(c.Kind, before); ok && old != key {
			forget(r, c.Kind, old)
		}
		switch c.Kind {
		case plan.KindService:
			if r.Services == nil {
				r.Services = map[string]string{}
			}
			r.Services[key] = c.Name
		case plan.KindAddress:
			r.Addresses = addKey(r.Addresses, key)
		case plan.KindRoute:
			r.Routes = addKey(r.Routes, key)
		default:
			return false
		}
		return true
	case plan.OwnRemember:
		return remember(r, c.Kind, before)
	case plan.OwnForget:
		key, ok := resourceKey(c.Kind, before)
		if !ok {
			key, ok = resourceKey(c.Kind, after)
		}
		if !ok {
			return false
		}
		forget(r, c.Kind, key)
		return true
	}
	return false
}

func remember(r *state.Record, kind plan.Kind, before plan.Resource) bool {
	switch {
	case kind == plan.KindSysctl && before.Sysctl != nil:
		if _, kept := r.Sysctls[before.Sysctl.Name]; kept {
			return false
		}
		if r.Sysctls == nil {
			r.Sysctls = map[string]string{}
		}
		r.Sysctls[before.Sysctl.Name] = before.Sysctl.Value
	case kind == plan.KindTimeouts && before.Timeouts != nil:
		if r.Timeouts != nil {
			return false
		}
		t := *before.Timeouts
		r.Timeouts = &t
	case kind == plan.KindRoute && before.Route != nil:
		key := before.Route.Key()
		if _, kept := r.RouteOriginals[key]; kept {
			return false
		}
		if r.RouteOriginals == nil {
			r.RouteOriginals = map[string]state.Route{}
		}
		r.RouteOriginals[key] = *before.Route
	default:
		return false
	}
	return true
}

func forget(r *state.Record, kind plan.Kind, key string) {
	switch kind {
	case plan.KindService:
		delete(r.Services, key)
	case plan.KindAddress:
		r.Addresses = slices.DeleteFunc(r.Addresses, func(k string) bool { return k == key })
	case plan.KindRoute:
		r.Routes = slices.DeleteFunc(r.Routes, func(k string) bool { return k == key })
		delete(r.RouteOriginals, key)
	case plan.KindSysctl:
		delete(r.Sysctls, key)
	case plan.KindTimeouts:
		r.Timeouts = nil
	}
}

func addKey(keys []string, key string) []string {
	if slices.Contains(keys, key) {
		return keys
	}
	keys = append(keys, key)
	slices.Sort(keys)
	return keys
}

// resource dereferences an optional resource.
func resource(r *plan.Resource) plan.Resource {
	if r == nil {
		return plan.Resource{}
	}
	return *r
}

// resourceKey is the key of the value of kind in r, if r holds one.
func resourceKey(kind plan.Kind, r plan.Resource) (string, bool) {
	switch {
	case kind == plan.KindService && r.Service != nil:
		return r.Service.Key(), true
	case kind == plan.KindServer && r.Server != nil:
		return r.Server.Key(), true
	case kind == plan.KindAddress && r.Address != nil:
		return r.Address.Key(), true
	case kind == plan.KindRoute && r.Route != nil:
		return r.Route.Key(), true
	case kind == plan.KindSysctl && r.Sysctl != nil:
		return r.Sysctl.Key(), true
	case kind == plan.KindTimeouts && r.Timeouts != nil:
		return "timeouts", true
	}
	return "", false
}
