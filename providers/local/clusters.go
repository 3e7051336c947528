package local

import (
	"fmt"

	"github.com/lvsctl/lvsctl/engine/state"
)

// hideOthers removes from the live state h the IPVS services another
// cluster's record on this host owns (and own does not): a configuration
// sees neither to change, adopt nor remove another configuration's
// services, not even with own_all_services. Addresses and routes stay in
// sight: two clusters may share a VIP, and neither removes what its own
// record does not list. A record of another cluster that cannot be read
// stops the read: without it, lvsctl cannot know what not to touch.
func (l *Host) hideOthers(h *state.Host, own *state.Record) error {
	if len(h.Services) == 0 {
		return nil
	}
	paths, err := siblingRecords(l.recordPath)
	if err != nil {
		return fmt.Errorf("find the other clusters' records beside %s: %w", l.recordPath, err)
	}
	theirs := map[string]bool{}
	for _, p := range paths {
		f, err := loadRecordFile(p)
		if err != nil {
			return fmt.Errorf("another cluster's %w", err)
		}
		if f == nil {
			continue
		}
		for k := range f.Services {
			theirs[k] = true
		}
		if f.Intents != nil && f.Intents.Create != nil {
			for k := range f.Intents.Create.Services {
				theirs[k] = true // perhaps made by a stopped run: keep off
			}
		}
	}
	if len(theirs) == 0 {
		return nil
	}
	var mine map[string]string
	if own != nil {
		mine = own.Services
	}
	kept := h.Services[:0]
	for _, s := range h.Services {
		k := s.Key()
		if _, ours := mine[k]; ours || !theirs[k] {
			kept = append(kept, s)
		}
	}
	h.Services = kept
	return nil
}
