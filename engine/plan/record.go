package plan

import (
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/lvsctl/lvsctl/engine/state"
)

// NewRecord returns an empty ownership record of the current format.
func NewRecord() *state.Record {
	return &state.Record{FormatVersion: state.FormatVersion}
}

// RecordChange updates the ownership record for a change that succeeded,
// as its Own says:
//   - OwnCreate records After's key (for a service, with the block name) and,
//     when the change replaced a resource under another key, drops Before's;
//   - OwnRemember keeps Before as the value to restore (sysctls, timeouts,
//     routes), unless an original is already kept: the first one is the
//     value from before lvsctl;
//   - OwnForget drops Before's key (After's when there is no Before), and
//     any original kept for it.
//
// A peers change replaces the record's peers (none: it forgets them). A
// server is never recorded: its service is.
//
// It reports whether the record changed, and fails for a kind or an
// ownership it does not know, so nothing lvsctl makes goes unrecorded.
func RecordChange(r *state.Record, c Change) (bool, error) {
	if err := recordable(c.Kind); err != nil {
		return false, fmt.Errorf("change %q: %w", c.Address, err)
	}
	before, after := c.Before.Value(), c.After.Value()
	if c.Kind == KindBoot {
		return false, nil
	}
	if c.Kind == KindPeers {
		var peers map[string]state.Peer
		if after.Peers != nil && len(after.Peers.Hosts) > 0 {
			peers = maps.Clone(after.Peers.Hosts)
		}
		// DeepEqual: a peer's SSH settings are behind a pointer.
		if reflect.DeepEqual(peers, r.Peers) {
			return false, nil
		}
		r.Peers = peers
		return true, nil
	}
	switch c.Own {
	case OwnNone:
		return false, nil
	case OwnCreate:
		return recordCreate(r, c, before, after)
	case OwnRemember:
		if c.Kind == KindService {
			orig := c.Original
			if orig == nil {
				orig = before.Service // a service without servers
			}
			return rememberService(r, orig)
		}
		return remember(r, c.Kind, before)
	case OwnForget:
		key, ok := before.Key(c.Kind)
		if !ok {
			key, ok = after.Key(c.Kind)
		}
		if !ok {
			return false, nil
		}
		return true, forget(r, c.Kind, key)
	}
	return false, fmt.Errorf("change %q: unknown ownership %q", c.Address, c.Own)
}

// recordable says whether the record knows how to keep kind k: every kind
// must be listed, kept or not.
func recordable(k Kind) error {
	switch k {
	case KindService, KindAddress, KindRoute: // kept by key when created
	case KindSysctl, KindTimeouts: // their originals are kept, to restore
	case KindServer: // goes with its service
	case KindSyncDaemon: // kept by state when started
	case KindPeers: // the record's peers
	case KindBoot: // kept beside the record by the host, not in it
	default:
		return fmt.Errorf("the ownership record does not know a %s: say in plan.RecordChange what lvsctl keeps of it", k)
	}
	return nil
}

func recordCreate(r *state.Record, c Change, before, after Resource) (bool, error) {
	key, ok := after.Key(c.Kind)
	if !ok {
		return false, nil
	}
	if old, ok := before.Key(c.Kind); ok && old != key {
		if err := forget(r, c.Kind, old); err != nil {
			return false, err
		}
	}
	switch c.Kind {
	case KindService:
		if r.Services == nil {
			r.Services = map[string]string{}
		}
		r.Services[key] = c.Name
	case KindAddress:
		r.Addresses = addKey(r.Addresses, key)
	case KindRoute:
		r.Routes = addKey(r.Routes, key)
	case KindSyncDaemon:
		r.SyncDaemons = addKey(r.SyncDaemons, key)
	case KindServer, KindSysctl, KindTimeouts, KindPeers, KindBoot:
		// A server goes with its service; sysctls and timeouts are
		// remembered, not created; peers are handled above.
		return false, nil
	default:
		return false, fmt.Errorf("change %q: kind %q cannot be recorded as created", c.Address, c.Kind)
	}
	return true, nil
}

func remember(r *state.Record, kind Kind, before Resource) (bool, error) {
	switch kind {
	case KindSysctl:
		if before.Sysctl == nil {
			return false, nil
		}
		if _, kept := r.Sysctls[before.Sysctl.Name]; kept {
			return false, nil
		}
		if r.Sysctls == nil {
			r.Sysctls = map[string]string{}
		}
		r.Sysctls[before.Sysctl.Name] = before.Sysctl.Value
	case KindTimeouts:
		if before.Timeouts == nil || r.Timeouts != nil {
			return false, nil
		}
		t := *before.Timeouts
		r.Timeouts = &t
	case KindRoute:
		if before.Route == nil {
			return false, nil
		}
		key := before.Route.Key()
		if _, kept := r.RouteOriginals[key]; kept {
			return false, nil
		}
		if r.RouteOriginals == nil {
			r.RouteOriginals = map[string]state.Route{}
		}
		r.RouteOriginals[key] = *before.Route
	case KindService, KindServer, KindAddress, KindPeers, KindSyncDaemon, KindBoot:
		// Nothing of these is put back: they are created or left alone.
		return false, nil
	default:
		return false, fmt.Errorf("kind %q has no original to remember", kind)
	}
	return true, nil
}

func forget(r *state.Record, kind Kind, key string) error {
	switch kind {
	case KindService:
		delete(r.Services, key)
		delete(r.ServiceOriginals, key)
	case KindAddress:
		r.Addresses = slices.DeleteFunc(r.Addresses, func(k string) bool { return k == key })
	case KindRoute:
		r.Routes = slices.DeleteFunc(r.Routes, func(k string) bool { return k == key })
		delete(r.RouteOriginals, key)
	case KindSysctl:
		delete(r.Sysctls, key)
	case KindTimeouts:
		r.Timeouts = nil
	case KindSyncDaemon:
		r.SyncDaemons = slices.DeleteFunc(r.SyncDaemons, func(k string) bool { return k == key })
	case KindServer, KindPeers, KindBoot:
		// Never recorded by key.
	default:
		return fmt.Errorf("kind %q cannot be forgotten by the record", kind)
	}
	return nil
}

func addKey(keys []string, key string) []string {
	if slices.Contains(keys, key) {
		return keys
	}
	keys = append(keys, key)
	slices.Sort(keys)
	return keys
}

// Value dereferences an optional resource: nil holds nothing.
func (r *Resource) Value() Resource {
	if r == nil {
		return Resource{}
	}
	return *r
}

// Key is the key of the value of kind in r, if r holds one: what the
// ownership record lists and what the change's address names.
func (r Resource) Key(kind Kind) (string, bool) {
	if !r.Has(kind) {
		return "", false
	}
	switch kind {
	case KindService:
		return r.Service.Key(), true
	case KindServer:
		return r.Server.Key(), true
	case KindAddress:
		return r.Address.Key(), true
	case KindRoute:
		return r.Route.Key(), true
	case KindSysctl:
		return r.Sysctl.Key(), true
	case KindTimeouts:
		return "timeouts", true
	case KindSyncDaemon:
		return r.SyncDaemon.Key(), true
	case KindPeers, KindBoot:
		return "", false // one set per record, not kept by key
	}
	return "", false
}

// rememberService keeps an adopted service as it was, unless one is kept.
func rememberService(r *state.Record, orig *state.Service) (bool, error) {
	if orig == nil {
		return false, fmt.Errorf("a service to remember needs its original")
	}
	key := orig.Key()
	if _, kept := r.ServiceOriginals[key]; kept {
		return false, nil
	}
	if r.ServiceOriginals == nil {
		r.ServiceOriginals = map[string]state.Service{}
	}
	c := *orig
	c.Servers = slices.Clone(orig.Servers)
	for i := range c.Servers {
		c.Servers[i].ActiveConnections = 0
	}
	r.ServiceOriginals[key] = c
	return true, nil
}
