package local

import (
	"maps"
	"slices"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Intents are what an apply was about to do when it last wrote the record:
// written (and flushed to disk) before a batch of kernel writes, cleared
// when the batch is committed. A run killed in between leaves them, and the
// next Read settles them against the kernel (reconcile): whatever was
// intended and exists is lvsctl's; whatever was to be removed and is gone
// is forgotten. So no kernel write is ever ahead of the record.
type Intents struct {
	// Create holds, as a record, what the batch creates (services,
	// addresses, routes by key) and the originals it remembers (sysctls,
	// timeouts, routes) before changing them.
	Create *state.Record `json:"create,omitempty"`
	// Remove lists the keys of what the batch removes.
	Remove *Removals `json:"remove,omitempty"`
}

// Removals are keys a batch removes, by kind.
type Removals struct {
	Services  []string `json:"services,omitempty"`
	Addresses []string `json:"addresses,omitempty"`
	Routes    []string `json:"routes,omitempty"`
}

func (in *Intents) empty() bool {
	return in == nil || (in.Create == nil && in.Remove == nil)
}

// intend returns the intents of a batch of changes, joined to those an
// earlier run left unsettled (kept: only a Read can settle them).
func intend(earlier *Intents, changes []plan.Change) (*Intents, error) {
	in := &Intents{}
	if earlier != nil {
		in.Create = cloneRecord(earlier.Create)
		if earlier.Remove != nil {
			r := *earlier.Remove
			in.Remove = &Removals{Services: slices.Clone(r.Services), Addresses: slices.Clone(r.Addresses), Routes: slices.Clone(r.Routes)}
		}
	}
	for _, c := range changes {
		switch c.Own {
		case plan.OwnCreate, plan.OwnRemember:
			if c.Kind == plan.KindPeers {
				continue // the record only, no kernel write to intend
			}
			if in.Create == nil {
				in.Create = plan.NewRecord()
			}
			if _, err := plan.RecordChange(in.Create, c); err != nil {
				return nil, err
			}
		case plan.OwnForget:
			if c.Action != plan.Delete && c.Action != plan.Replace {
				continue // a restore: the object stays in the kernel
			}
			key, ok := c.Before.Value().Key(c.Kind)
			if !ok {
				continue
			}
			if in.Remove == nil {
				in.Remove = &Removals{}
			}
			switch c.Kind {
			case plan.KindService:
				in.Remove.Services = append(in.Remove.Services, key)
			case plan.KindAddress:
				in.Remove.Addresses = append(in.Remove.Addresses, key)
			case plan.KindRoute:
				in.Remove.Routes = append(in.Remove.Routes, key)
			}
		}
	}
	if in.empty() {
		return nil, nil
	}
	return in, nil
}

// reconcile settles intents against the live state h, in rec: an object
// intended to be created that exists in h is owned (it was made before the
// run stopped); one that does not exist is not. An object intended to be
// removed that no longer exists is forgotten. Originals intended to be
// remembered are kept unless one is kept already: keeping the value from
// before lvsctl is true whether or not the write happened. It reports
// whether rec changed.
func reconcile(rec *state.Record, in *Intents, h *state.Host) bool {
	if in.empty() {
		return false
	}
	services := map[string]bool{}
	for i := range h.Services {
		services[h.Services[i].Key()] = true
	}
	addresses := map[string]bool{}
	for _, a := range h.Addresses {
		addresses[a.Key()] = true
	}
	routes := map[string]bool{}
	for _, r := range h.Routes {
		routes[r.Key()] = true
	}
	changed := false
	if r := in.Remove; r != nil {
		for _, k := range r.Services {
			if _, owned := rec.Services[k]; owned && !services[k] {
				delete(rec.Services, k)
				changed = true
			}
		}
		for _, k := range r.Addresses {
			if !addresses[k] && slices.Contains(rec.Addresses, k) {
				rec.Addresses = slices.DeleteFunc(rec.Addresses, func(x string) bool { return x == k })
				changed = true
			}
		}
		for _, k := range r.Routes {
			if !routes[k] && slices.Contains(rec.Routes, k) {
				rec.Routes = slices.DeleteFunc(rec.Routes, func(x string) bool { return x == k })
				delete(rec.RouteOriginals, k)
				changed = true
			}
		}
	}
	c := in.Create
	if c == nil {
		return changed
	}
	for k, name := range c.Services {
		if _, owned := rec.Services[k]; services[k] && !owned {
			if rec.Services == nil {
				rec.Services = map[string]string{}
			}
			rec.Services[k] = name
			changed = true
		}
	}
	for _, k := range c.Addresses {
		if addresses[k] && !slices.Contains(rec.Addresses, k) {
			rec.Addresses = append(rec.Addresses, k)
			slices.Sort(rec.Addresses)
			changed = true
		}
	}
	for _, k := range c.Routes {
		if routes[k] && !slices.Contains(rec.Routes, k) {
			rec.Routes = append(rec.Routes, k)
			slices.Sort(rec.Routes)
			changed = true
		}
	}
	for k, r := range c.RouteOriginals {
		if _, kept := rec.RouteOriginals[k]; !kept {
			if rec.RouteOriginals == nil {
				rec.RouteOriginals = map[string]state.Route{}
			}
			rec.RouteOriginals[k] = r
			changed = true
		}
	}
	for k, v := range c.Sysctls {
		if _, kept := rec.Sysctls[k]; !kept {
			if rec.Sysctls == nil {
				rec.Sysctls = map[string]string{}
			}
			rec.Sysctls[k] = v
			changed = true
		}
	}
	if c.Timeouts != nil && rec.Timeouts == nil {
		t := *c.Timeouts
		rec.Timeouts = &t
		changed = true
	}
	return changed
}

// cloneRecord copies r deeply enough for reconcile and RecordChange to
// change the copy alone; fields it does not know are copied as they are.
func cloneRecord(r *state.Record) *state.Record {
	if r == nil {
		return nil
	}
	c := *r
	c.Services = maps.Clone(r.Services)
	c.Addresses = slices.Clone(r.Addresses)
	c.Routes = slices.Clone(r.Routes)
	c.RouteOriginals = maps.Clone(r.RouteOriginals)
	c.Sysctls = maps.Clone(r.Sysctls)
	if r.Timeouts != nil {
		t := *r.Timeouts
		c.Timeouts = &t
	}
	c.Peers = maps.Clone(r.Peers)
	c.LinksUp = slices.Clone(r.LinksUp)
	return &c
}
