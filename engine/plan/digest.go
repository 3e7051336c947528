package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/lvsctl/lvsctl/engine/state"
)

// Digest identifies a live state: the sha256 (hex) of its canonical JSON,
// that is of the normalized state including the ownership record. Two reads
// of an unchanged host give the same digest whatever order the kernel listed
// things in, so apply can tell a saved plan from a stale one.
func Digest(live state.Host) string {
	h := Normalized(live)
	// Marshalling plain state values cannot fail: no channels, funcs or
	// cyclic values, and map keys are strings (encoding/json sorts them).
	b, err := json.Marshal(h)
	if err != nil {
		panic("plan: state does not marshal: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Normalized returns a normalized deep copy of h; h itself is not touched
// (state.Host.Normalize sorts in place, and callers keep their states).
func Normalized(h state.Host) state.Host {
	c := h
	c.Services = make([]state.Service, len(h.Services))
	for i, s := range h.Services {
		s.Flags = slices.Clone(s.Flags)
		s.Servers = slices.Clone(s.Servers)
		c.Services[i] = s
	}
	if h.Services == nil {
		c.Services = nil
	}
	c.Addresses = slices.Clone(h.Addresses)
	c.Routes = slices.Clone(h.Routes)
	c.Sysctls = slices.Clone(h.Sysctls)
	if h.Timeouts != nil {
		t := *h.Timeouts
		c.Timeouts = &t
	}
	if h.Owned != nil {
		r := *h.Owned
		r.Services = maps.Clone(r.Services)
		r.Addresses = slices.Clone(r.Addresses)
		r.Routes = slices.Clone(r.Routes)
		r.RouteOriginals = maps.Clone(r.RouteOriginals)
		r.Sysctls = maps.Clone(r.Sysctls)
		if r.Timeouts != nil {
			t := *r.Timeouts
			r.Timeouts = &t
		}
		c.Owned = &r
	}
	normalize(&c)
	return c
}

// normalize sorts h the way state.Host.Normalize does (TestNormalizedMatchesState
// holds them together), computing each key once: sorting by Key() in the
// comparison made big states slow, as every key is a fresh string.
func normalize(h *state.Host) {
	for i := range h.Services {
		slices.Sort(h.Services[i].Flags)
		sortByKey(h.Services[i].Servers, state.Server.Key)
	}
	sortByKey(h.Services, state.Service.Key)
	sortByKey(h.Addresses, state.Address.Key)
	sortByKey(h.Routes, state.Route.Key)
	sortByKey(h.Sysctls, state.Sysctl.Key)
	if h.Owned != nil {
		slices.Sort(h.Owned.Addresses)
		slices.Sort(h.Owned.Routes)
	}
}

// sortByKey sorts s by the key of each element, computing each key once
// and moving the (large) elements only once.
func sortByKey[T any](s []T, key func(T) string) {
	if len(s) < 2 {
		return
	}
	type keyed struct {
		key string
		i   int
	}
	ks := make([]keyed, len(s))
	for i, v := range s {
		ks[i] = keyed{key(v), i}
	}
	byKey := func(a, b keyed) int { return strings.Compare(a.key, b.key) }
	if slices.IsSortedFunc(ks, byKey) {
		return
	}
	slices.SortStableFunc(ks, byKey)
	sorted := make([]T, len(s))
	for i, k := range ks {
		sorted[i] = s[k.i]
	}
	copy(s, sorted)
}
