package local

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// downBefore returns the interface a change is about to put an address on
// when that interface is down (adding the address brings it up), so that
// the record can remember to put it back down. lo is left out: it is down
// only in a namespace nothing uses yet, and taking it down later would cut
// what has used it since.
func (l *Host) downBefore(c plan.Change) (string, error) {
	if c.Kind != plan.KindAddress || c.Own != plan.OwnCreate || c.After == nil || c.After.Address == nil {
		return "", nil
	}
	iface := c.After.Address.Interface
	if iface == "lo" {
		return "", nil
	}
	up, err := l.nl.LinkUp(iface)
	if err != nil {
		return "", nil // the change itself says what is wrong with the interface
	}
	if up {
		return "", nil
	}
	return iface, nil
}

// restoreLinks keeps the link state of interfaces in the record: an
// interface that was down before c brought it up is remembered; one whose
// last address lvsctl made went with c is put back down, and forgotten. It
// reports whether the record changed.
func (l *Host) restoreLinks(rec *state.Record, c plan.Change, down string) (bool, error) {
	if down != "" && !slices.Contains(rec.LinksUp, down) {
		rec.LinksUp = append(rec.LinksUp, down)
		slices.Sort(rec.LinksUp)
		return true, nil
	}
	if c.Kind != plan.KindAddress || c.Before == nil || c.Before.Address == nil || (c.Action != plan.Delete && c.Action != plan.Replace) {
		return false, nil
	}
	iface := c.Before.Address.Interface
	if !slices.Contains(rec.LinksUp, iface) || slices.ContainsFunc(rec.Addresses, func(k string) bool { return strings.HasPrefix(k, iface+"/") }) {
		return false, nil
	}
	// Another cluster's address (or one made by hand) may still be there:
	// the interface stays up for it.
	addrs, _, err := l.nl.AddressesAndRoutes()
	if err != nil {
		return false, fmt.Errorf("the address is removed, but whether %s still carries others cannot be read: %w", iface, err)
	}
	if slices.ContainsFunc(addrs, func(a state.Address) bool { return a.Interface == iface }) {
		return false, nil
	}
	if err := l.nl.SetLinkDown(iface); err != nil {
		return false, fmt.Errorf("the address is removed, but %s cannot be put back down as it was before lvsctl: %w", iface, err)
	}
	rec.LinksUp = slices.DeleteFunc(rec.LinksUp, func(s string) bool { return s == iface })
	return true, nil
}
