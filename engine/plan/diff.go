package plan

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/lvsctl/lvsctl/engine/state"
)

// Diff compares the desired state of a host with its live state (including
// live.Owned, the ownership record, which may be nil) and returns the
// changes that make the host match, in apply order (see Step). It is pure:
// neither argument is modified.
//
// Resources are reconciled by key. Only what the record says lvsctl created
// is ever deleted (or, with desired.OwnAllServices, any IPVS service);
// everything else on the host that the config does not declare is listed in
// HostPlan.Unmanaged and left alone. A resource the config declares and that
// already exists is changed in place where the kernel allows it, and lvsctl
// does not claim it (removing it from the config later leaves it on the
// host) unless it had to be replaced: what lvsctl re-creates is its own. A
// service that exists exactly as declared is claimed (a record-only
// change): lvsctl would have made the same, and it may be what a stopped
// run made.
func Diff(desired, live state.Host) HostPlan {
	// The digest and the normalized copy of the desired state read their
	// arguments only, as reconcile does, so they run beside it: on a
	// second CPU they leave the critical path (at 1,000 services x 10 the
	// digest alone was a tenth of a plan's CPU); the CPU they take is the
	// same.
	digest, normal := make(chan string, 1), make(chan state.Host, 1)
	go func() { digest <- Digest(live) }()
	go func() { normal <- Normalized(desired) }()
	d := reconcile(desired, live)
	name := desired.Name
	if name == "" {
		name = live.Name
	}
	changes := d.changes
	if changes == nil {
		changes = []Change{} // an empty plan marshals as [], not null
	}
	return HostPlan{
		Host:       name,
		Role:       desired.Role,
		LiveDigest: <-digest,
		Changes:    changes,
		Unmanaged:  d.unmanaged,
		Desired:    <-normal,
		Warnings:   d.warnings,
	}
}

// Changes is Diff's list of changes alone, without the digest and the copy
// of the desired state a plan carries: what checking a host after apply
// needs, at about half the cost.
func Changes(desired, live state.Host) []Change {
	return reconcile(desired, live).changes
}

func reconcile(desired, live state.Host) *differ {
	d := &differ{desired: &desired, live: &live, rec: live.Owned}
	if d.rec == nil {
		d.rec = &state.Record{}
	}
	d.services()
	d.addresses()
	d.routes()
	d.sysctls()
	d.timeouts()
	d.syncDaemons()
	SortChanges(d.changes)
	slices.SortFunc(d.unmanaged, NaturalCompare)
	slices.SortFunc(d.warnings, func(a, b Warning) int { return strings.Compare(a.Detail, b.Detail) })
	return d
}

// differ accumulates the result of one Diff.
type differ struct {
	desired, live *state.Host
	rec           *state.Record
	changes       []Change
	unmanaged     []string
	warnings      []Warning
}

func (d *differ) add(c Change) { d.changes = append(d.changes, c) }

// Reasons shown in plans, shared by several kinds of change.
const (
	reasonRestore    = "restore the value from before lvsctl"
	reasonRecordOnly = "already at the value from before lvsctl: only the ownership record changes"
)

func (d *differ) services() {
	live := make(map[string]*state.Service, len(d.live.Services))
	for i := range d.live.Services {
		live[d.live.Services[i].Key()] = &d.live.Services[i]
	}
	wanted := make(map[string]bool, len(d.desired.Services))
	for i := range d.desired.Services {
		wanted[d.desired.Services[i].Key()] = true
	}
	// A live service that lvsctl created under a block name, and that the
	// config no longer declares by key, is a candidate to be replaced by the
	// block of that name. The smallest key wins if the record maps a name
	// twice, so the plan does not depend on map order.
	byName := map[string]string{}
	for key, name := range d.rec.Services {
		if name == "" || live[key] == nil || wanted[key] {
			continue
		}
		if old, ok := byName[name]; !ok || key < old {
			byName[name] = key
		}
	}

	replaced := map[string]bool{}
	for i := range d.desired.Services {
		want := &d.desired.Services[i]
		if have, ok := live[want.Key()]; ok {
			d.updateService(want, have)
			continue
		}
		if old, ok := byName[want.Name]; ok && want.Name != "" && !replaced[old] {
			replaced[old] = true
			d.replaceService(want, live[old])
			continue
		}
		d.add(Change{
			Kind: KindService, Action: Create, Address: serviceAddress(want.Key()), Name: want.Name,
			After: &Resource{Service: serviceOnly(want)}, Own: OwnCreate,
		})
		d.servers(want, nil)
	}

	for i := range d.live.Services {
		have := &d.live.Services[i]
		key := have.Key()
		if wanted[key] || replaced[key] {
			continue
		}
		name, owned := d.rec.Services[key]
		if orig, kept := d.rec.ServiceOriginals[key]; kept && !owned && !d.desired.OwnAllServices {
			d.restoreService(have, orig)
			continue
		}
		c := Change{
			Kind: KindService, Action: Delete, Address: serviceAddress(key), Name: name,
			Before: &Resource{Service: serviceOnly(have)}, Own: OwnForget,
		}
		switch {
		case owned:
		case d.desired.OwnAllServices:
			// Not in the record: nothing to forget (and a rollback must not
			// make it lvsctl's).
			c.Own = OwnNone
			c.Reason = "not created by lvsctl; removed because own_all_services is set"
		default:
			d.unmanaged = append(d.unmanaged, serviceAddress(key))
			continue
		}
		drainService(&c, have, nil)
		d.add(c)
	}
}

// updateService changes a service in place. A service lvsctl did not create
// is adopted when first declared: the record keeps it as it was, servers
// included, to put it back when the config no longer declares it.
func (d *differ) updateService(want, have *state.Service) {
	key := want.Key()
	_, owned := d.rec.Services[key]
	_, kept := d.rec.ServiceOriginals[key]
	d.servers(want, have)
	settings := !sameServiceSettings(want, have)
	// Declared while it exists (made by hand, or by a run stopped before
	// its record): adopted even when nothing else changes, so the record
	// always knows it and destroy puts it back as it was.
	adopt := !owned && !kept
	if !settings && !adopt {
		return
	}
	c := Change{
		Kind: KindService, Action: Update, Address: serviceAddress(key), Name: want.Name,
		Before: &Resource{Service: serviceOnly(have)}, After: &Resource{Service: serviceOnly(want)},
	}
	if adopt {
		c.Own, c.Original = OwnRemember, fullService(have)
		c.Reason = "not created by lvsctl: its settings and servers from before are remembered and put back when the config drops it"
		if !settings {
			c.After = &Resource{Service: serviceOnly(have)}
			c.Reason += " (only the ownership record changes here)"
		}
	}
	d.add(c)
}

// restoreService puts an adopted service back as it was before lvsctl
// changed it: its settings, its servers (those lvsctl added go, drained;
// those it changed or removed come back), and the record forgets it.
func (d *differ) restoreService(have *state.Service, orig state.Service) {
	d.add(Change{
		Kind: KindService, Action: Update, Address: serviceAddress(have.Key()),
		Before: &Resource{Service: serviceOnly(have)}, After: &Resource{Service: serviceOnly(&orig)},
		Own: OwnForget, Original: fullService(&orig), Reason: reasonRestore,
	})
	d.servers(&orig, have)
}

// fullService copies a service with its servers, without statistics.
func fullService(s *state.Service) *state.Service {
	c := *serviceOnly(s)
	c.Servers = slices.Clone(s.Servers)
	for i := range c.Servers {
		c.Servers[i].ActiveConnections = 0
	}
	return &c
}

// replaceService replaces the service old that the block want.Name created
// with want, create-before-destroy: the new service and all its servers come
// first, the old service is deleted only at the service-delete step, so
// there is never a moment with neither a populated new service nor the old
// one. The pair counts as one add and one destroy, like a replacement.
func (d *differ) replaceService(want, old *state.Service) {
	var forces []string
	if want.Protocol != old.Protocol {
		forces = append(forces, "protocol")
	}
	if want.Address != old.Address {
		forces = append(forces, "vip")
	}
	if want.Port != old.Port {
		forces = append(forces, "port")
	}
	if want.FWMark != old.FWMark {
		forces = append(forces, "fwmark")
	}
	if want.Family != old.Family {
		forces = append(forces, "family")
	}
	d.add(Change{
		Kind: KindService, Action: Create, Address: serviceAddress(want.Key()), Name: want.Name,
		After: &Resource{Service: serviceOnly(want)}, ForcesReplacement: forces, Own: OwnCreate,
		Reason: "replaces " + serviceAddress(old.Key()) + " (" + strings.Join(forces, ", ") +
			" changed): created with its servers before the old one is deleted",
	})
	d.servers(want, nil)
	c := Change{
		Kind: KindService, Action: Delete, Address: serviceAddress(old.Key()), Name: want.Name,
		Before: &Resource{Service: serviceOnly(old)}, Own: OwnForget,
		Reason: "replaced by " + serviceAddress(want.Key()),
	}
	drainService(&c, old, want)
	d.add(c)
	block := fmt.Sprintf("virtual_server %q", want.Name)
	d.warnings = append(d.warnings, Warning{
		Host: d.desired.Name, Summary: "Established connections dropped", Block: block,
		Detail: fmt.Sprintf("%s: %s is deleted when %s replaces it; connections still open to it when its drain ends are dropped",
			block, old.Key(), want.Key()),
	})
}

// servers diffs the servers of a desired service against those it has live
// (have is nil for a service about to be created).
func (d *differ) servers(want, have *state.Service) {
	svc := want.ID()
	// Keyed by address and port, not by Key (the same identity as a
	// string): a string per server, on both sides, was most of what a
	// no-op plan allocated. The string is made for changes alone.
	var live map[netip.AddrPort]*state.Server
	if have != nil {
		live = make(map[netip.AddrPort]*state.Server, len(have.Servers))
		for i := range have.Servers {
			live[serverID(&have.Servers[i])] = &have.Servers[i]
		}
	}
	for i := range want.Servers {
		w := &want.Servers[i]
		id := serverID(w)
		h, ok := live[id]
		switch {
		case !ok:
			d.add(Change{
				Kind: KindServer, Action: Create, Address: serverAddress(svc, w.Key()), Service: ptr(svc), Name: want.Name,
				After: &Resource{Server: ptr(*w)},
			})
		case !sameServer(w, h):
			d.add(Change{
				Kind: KindServer, Action: Update, Address: serverAddress(svc, w.Key()), Service: ptr(svc), Name: want.Name,
				Before: &Resource{Server: ptr(*h)}, After: &Resource{Server: ptr(*w)},
			})
		}
		delete(live, id)
	}
	if have == nil {
		return
	}
	for i := range have.Servers {
		h := &have.Servers[i]
		if _, gone := live[serverID(h)]; !gone {
			continue
		}
		c := Change{
			Kind: KindServer, Action: Delete, Address: serverAddress(svc, h.Key()), Service: ptr(svc), Name: want.Name,
			Before: &Resource{Server: ptr(*h)},
		}
		drainServer(&c, want)
		d.add(c)
	}
}

// serverID identifies a server within its service as its Key does: two
// servers have the same serverID exactly when they have the same Key (an
// invalid address is "invalid AddrPort" whatever the port).
func serverID(s *state.Server) netip.AddrPort {
	if !s.Address.IsValid() {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(s.Address, s.Port)
}

// sameServiceSettings compares what edit-service can change in place.
func sameServiceSettings(a, b *state.Service) bool {
	return a.Scheduler == b.Scheduler &&
		sameSet(a.Flags, b.Flags) &&
		a.Persistence == b.Persistence &&
		effectiveNetmask(*a) == effectiveNetmask(*b) &&
		a.OnePacket == b.OnePacket
}

// sameServer compares what edit-server can change in place. Tunnel settings
// mean something for method tun only; the kernel reports them for any server.
func sameServer(want, have *state.Server) bool {
	if want.Method != have.Method || want.Weight != have.Weight ||
		want.UpperThreshold != have.UpperThreshold || want.LowerThreshold != have.LowerThreshold {
		return false
	}
	if want.Method != state.MethodTUN {
		return true
	}
	return tunnelType(want.TunnelType) == tunnelType(have.TunnelType) &&
		want.TunnelPort == have.TunnelPort && want.TunnelChecksum == have.TunnelChecksum
}

func tunnelType(t state.TunnelType) state.TunnelType {
	if t == "" {
		return state.TunnelIPIP
	}
	return t
}

// sameSet compares two short lists of distinct strings, in any order.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, s := range a {
		if !slices.Contains(b, s) {
			return false
		}
	}
	return true
}

func serviceAddress(key string) string { return Address(KindService, key) }

// serverAddress names a server under its service: "server SERVICE -> SERVER".
func serverAddress(svc state.ServiceID, key string) string {
	return Address(KindServer, svc.Key()+" -> "+key)
}

// serviceOnly copies a service without its servers (each server is a change
// of its own), with its flags sorted as in a normalized state.
func serviceOnly(s *state.Service) *state.Service {
	c := *s
	c.Flags = slices.Clone(s.Flags)
	slices.Sort(c.Flags)
	c.Servers = nil
	return &c
}

func ptr[T any](v T) *T { return &v }

func set(keys []string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
