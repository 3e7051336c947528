package local

import (
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
)

// readShared fills h.Shared with what each other cluster on this host
// declared when it was last applied (the desired state it keeps for boot),
// so that a plan hands a shared VIP, route or sysctl over to it instead of
// taking it away. A kept state that cannot be read stops the read: without
// it lvsctl cannot know what not to take.
func (l *Host) readShared(h *state.Host) error {
	if !mayHandOver(h.Owned) {
		return nil // nothing of this cluster's that another could take over
	}
	paths, err := siblingRecords(BootStatePath(l.recordPath))
	if err != nil {
		return fmt.Errorf("find the states the other clusters on this host keep: %w", err)
	}
	for _, kept := range paths {
		s, err := loadBootUses(kept)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("what another cluster on this host declares: %w", err)
		}
		if h.Shared == nil {
			h.Shared = map[string]state.Uses{}
		}
		h.Shared[s.Cluster()] = state.UsesOf(s.Desired)
	}
	return nil
}

// bootUses is the part of a kept boot state readShared needs: what a
// cluster's desired state uses that another could share. Its services,
// most of a big state, are not decoded (only checked to be JSON, or skipped
// as one string in the compact form of bootFormat; `lvsctl
// boot`, which restores them, reads them whole): a read of every plan and
// apply of one cluster no longer decodes every other cluster's table.
type bootUses struct {
	FormatVersion string `json:"format_version"`
	Desired       struct {
		Addresses []state.Address `json:"addresses"`
		Routes    []state.Route   `json:"routes"`
		Sysctls   []state.Sysctl  `json:"sysctls"`
	} `json:"desired"`
}

// loadBootUses is loadBootState for readShared: the kept state with only
// its addresses, routes and sysctls; the same errors for a file that is
// missing, damaged or of another format.
func loadBootUses(path string) (BootState, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return BootState{}, fmt.Errorf("read boot state %s: %w", path, err)
	}
	var u bootUses
	if err := json.Unmarshal(b, &u); err != nil {
		return BootState{}, fmt.Errorf("boot state %s is damaged (%v): run `lvsctl apply` for its cluster again to rewrite it", path, err)
	}
	if u.FormatVersion != state.FormatVersion && u.FormatVersion != bootFormat {
		return BootState{}, fmt.Errorf("boot state %s %w %q, this lvsctl knows %q: run `lvsctl apply` with this lvsctl to rewrite it", path, errBootFormat, u.FormatVersion, bootFormat)
	}
	s := BootState{FormatVersion: state.FormatVersion, Record: filepath.Base(path)}
	s.Desired.Addresses, s.Desired.Routes, s.Desired.Sysctls = u.Desired.Addresses, u.Desired.Routes, u.Desired.Sysctls
	return s, nil
}

// mayHandOver says whether a record keeps anything a plan could hand over:
// addresses and routes lvsctl made, routes and sysctls it changed.
func mayHandOver(r *state.Record) bool {
	return r != nil && (len(r.Addresses) > 0 || len(r.Routes) > 0 || len(r.RouteOriginals) > 0 || len(r.Sysctls) > 0)
}

// handOver gives what change c lets go of to the cluster it names, in that
// cluster's record (written at once, before this cluster's own record
// forgets it: a run stopped in between leaves both owning it, never
// neither). The host's lock, which every cluster's run takes, keeps the
// other cluster's runs out meanwhile.
func (l *Host) handOver(rec *state.Record, c plan.Change) error {
	path := ClusterRecordOf(l.recordPath, c.HandOver.Cluster)
	file, err := loadRecordFile(path)
	if err != nil {
		return fmt.Errorf("hand %s over to %s: %w", c.Address, plan.ClusterName(c.HandOver.Cluster), err)
	}
	if file == nil {
		file = &recordFile{Record: *plan.NewRecord()}
	}
	changed, err := plan.RecordChange(&file.Record, plan.HandedOver(c))
	if err != nil {
		return err
	}
	// An interface this cluster brought up for the address goes with its
	// last address there, to be put back down by whoever lets go last.
	if c.Kind == plan.KindAddress && c.Before != nil && c.Before.Address != nil {
		iface := c.Before.Address.Interface
		others := slices.ContainsFunc(rec.Addresses, func(k string) bool {
			return strings.HasPrefix(k, iface+"/") && k != c.Before.Address.Key()
		})
		if slices.Contains(rec.LinksUp, iface) && !others {
			rec.LinksUp = slices.DeleteFunc(rec.LinksUp, func(s string) bool { return s == iface })
			if !slices.Contains(file.LinksUp, iface) {
				file.LinksUp = append(file.LinksUp, iface)
				slices.Sort(file.LinksUp)
			}
			changed = true
		}
	}
	if !changed {
		return nil
	}
	if err := saveRecordFile(path, file); err != nil {
		return fmt.Errorf("hand %s over to %s: %w", c.Address, plan.ClusterName(c.HandOver.Cluster), err)
	}
	return nil
}
