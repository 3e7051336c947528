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
// already exists is changed in place where the kernel allows it; lvsctl does
// not claim ownership of it, so removing it from the config later leaves it
// on the host.
func Diff(desired, live state.Host) HostPlan {
	d := differ{desired: &desired, live: &live, rec: live.Owned}
	if d.rec == nil {
		d.rec = &state.Record{}
	}
	d.services()
	d.addresses()
	d.routes()
	d.sysctls()
	d.timeouts()

	SortChanges(d.changes)
	slices.SortFunc(d.unmanaged, NaturalCompare)
	slices.Sort(d.warnings)
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
		LiveDigest: Digest(live),
		Changes:    changes,
		Unmanaged:  d.unmanaged,
		Desired:    Normalized(desired),
		Warnings:   d.warnings,
	}
}

// differ accumulates the result of one Diff.
type differ struct {
	desired, live *state.Host
	rec           *state.Record
	changes       []Change
	unmanaged     []string
	warnings      []string
}

func (d *differ) add(c Change) { d.changes = append(d.changes, c) }

// Reasons shown in plans, shared by several kinds of change.
const (
	reasonRestore    = "restore the value from before lvsctl"
	reasonRecordOnly = "already at the value from before lvsctl: only the ownership record changes"
	reasonDrain      = "drained first (weight 0), then removed"
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
		c := Change{
			Kind: KindService, Action: Delete, Address: serviceAddress(key), Name: name,
			Before: &Resource{Service: serviceOnly(have)}, Own: OwnForget,
		}
		switch {
		case owned:
		case d.desired.OwnAllServices:
			c.Reason = "not created by lvsctl; removed because own_all_services is set"
		default:
			d.unmanaged = append(d.unmanaged, serviceAddress(key))
			continue
		}
		d.add(c)
	}
}

func (d *differ) updateService(want, have *state.Service) {
	if !sameServiceSettings(want, have) {
		d.add(Change{
			Kind: KindService, Action: Update, Address: serviceAddress(want.Key()), Name: want.Name,
			Before: &Resource{Service: serviceOnly(have)}, After: &Resource{Service: serviceOnly(want)},
		})
	}
	d.servers(want, have)
}

// replaceService replaces the service old that the block want.Name created
// with want. The host creates the new service and then deletes the old one
// within the one change, so the record moves from the old key to the new.
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
		Kind: KindService, Action: Replace, Address: serviceAddress(want.Key()), Name: want.Name,
		Before: &Resource{Service: serviceOnly(old)}, After: &Resource{Service: serviceOnly(want)},
		ForcesReplacement: forces, Own: OwnCreate,
		Reason: "replaces " + serviceAddress(old.Key()) + ": the new service is created, then the old one deleted",
	})
	d.warnings = append(d.warnings, fmt.Sprintf(
		"virtual_server %q: %s is deleted when %s replaces it; its established connections are dropped",
		want.Name, old.Key(), want.Key()))
	d.servers(want, nil)
}

// servers diffs the servers of a desired service against those it has live
// (have is nil for a service about to be created).
func (d *differ) servers(want, have *state.Service) {
	svc := want.Key()
	var live map[string]*state.Server
	if have != nil {
		live = make(map[string]*state.Server, len(have.Servers))
		for i := range have.Servers {
			live[have.Servers[i].Key()] = &have.Servers[i]
		}
	}
	for i := range want.Servers {
		w := &want.Servers[i]
		key := w.Key()
		h, ok := live[key]
		switch {
		case !ok:
			d.add(Change{
				Kind: KindServer, Action: Create, Address: serverAddress(svc, key), Service: svc, Name: want.Name,
				After: &Resource{Server: ptr(*w)},
			})
		case !sameServer(w, h):
			d.add(Change{
				Kind: KindServer, Action: Update, Address: serverAddress(svc, key), Service: svc, Name: want.Name,
				Before: &Resource{Server: ptr(*h)}, After: &Resource{Server: ptr(*w)},
			})
		}
		delete(live, key)
	}
	if have == nil {
		return
	}
	for i := range have.Servers {
		h := &have.Servers[i]
		if _, gone := live[h.Key()]; !gone {
			continue
		}
		d.add(Change{
			Kind: KindServer, Action: Delete, Address: serverAddress(svc, h.Key()), Service: svc, Name: want.Name,
			Before: &Resource{Server: ptr(*h)}, Reason: reasonDrain,
		})
	}
}

func (d *differ) addresses() {
	owned := set(d.rec.Addresses)
	live := make(map[string]*state.Address, len(d.live.Addresses))
	for i := range d.live.Addresses {
		live[d.live.Addresses[i].Key()] = &d.live.Addresses[i]
	}
	for i := range d.desired.Addresses {
		want := &d.desired.Addresses[i]
		key := want.Key()
		have, ok := live[key]
		delete(live, key)
		switch {
		case !ok:
			d.add(Change{Kind: KindAddress, Action: Create, Address: "address " + key,
				After: &Resource{Address: ptr(*want)}, Own: OwnCreate})
		case have.Label != want.Label:
			// The kernel keeps the label with the address: a new label is
			// a new address.
			d.add(Change{Kind: KindAddress, Action: Replace, Address: "address " + key,
				Before: &Resource{Address: ptr(*have)}, After: &Resource{Address: ptr(*want)},
				ForcesReplacement: []string{"label"}, Own: OwnCreate})
		}
	}
	for i := range d.live.Addresses {
		have := &d.live.Addresses[i]
		key := have.Key()
		if _, undeclared := live[key]; !undeclared {
			continue
		}
		switch {
		case owned[key]:
			d.add(Change{Kind: KindAddress, Action: Delete, Address: "address " + key,
				Before: &Resource{Address: ptr(*have)}, Own: OwnForget})
		case !isNoise(have.Prefix):
			d.unmanaged = append(d.unmanaged, "address "+key)
		}
	}
}

func (d *differ) routes() {
	owned := set(d.rec.Routes)
	live := make(map[string]*state.Route, len(d.live.Routes))
	for i := range d.live.Routes {
		live[d.live.Routes[i].Key()] = &d.live.Routes[i]
	}
	wanted := make(map[string]bool, len(d.desired.Routes))
	for i := range d.desired.Routes {
		want := &d.desired.Routes[i]
		key := want.Key()
		wanted[key] = true
		have, ok := live[key]
		if !ok {
			d.add(Change{Kind: KindRoute, Action: Create, Address: "route " + key,
				After: &Resource{Route: ptr(*want)}, Own: OwnCreate})
			continue
		}
		if sameRoute(want, have) {
			continue
		}
		c := Change{Kind: KindRoute, Action: Update, Address: "route " + key,
			Before: &Resource{Route: ptr(*have)}, After: &Resource{Route: ptr(*want)}}
		if _, remembered := d.rec.RouteOriginals[key]; !owned[key] && !remembered {
			c.Own = OwnRemember
			c.Reason = "the route from before lvsctl is remembered and restored when the config drops it"
		}
		d.add(c)
	}

	for _, key := range sortedKeys(d.rec.RouteOriginals) {
		if wanted[key] {
			continue
		}
		orig := d.rec.RouteOriginals[key]
		c := Change{Kind: KindRoute, Action: Update, Address: "route " + key,
			After: &Resource{Route: ptr(orig)}, Own: OwnForget, Reason: reasonRestore}
		switch have, ok := live[key]; {
		case !ok:
			c.Action = Create
		case sameRoute(&orig, have):
			c.Before, c.Reason = &Resource{Route: ptr(*have)}, reasonRecordOnly
		default:
			c.Before = &Resource{Route: ptr(*have)}
		}
		d.add(c)
	}
	for i := range d.live.Routes {
		have := &d.live.Routes[i]
		key := have.Key()
		if _, restored := d.rec.RouteOriginals[key]; wanted[key] || restored {
			continue
		}
		if owned[key] {
			d.add(Change{Kind: KindRoute, Action: Delete, Address: "route " + key,
				Before: &Resource{Route: ptr(*have)}, Own: OwnForget})
			continue
		}
		d.unmanaged = append(d.unmanaged, routeDescription(have))
	}
}

func (d *differ) sysctls() {
	live := make(map[string]string, len(d.live.Sysctls))
	for _, s := range d.live.Sysctls {
		live[s.Name] = s.Value
	}
	wanted := make(map[string]bool, len(d.desired.Sysctls))
	for _, want := range d.desired.Sysctls {
		wanted[want.Name] = true
		_, remembered := d.rec.Sysctls[want.Name]
		have, ok := live[want.Name]
		switch {
		case !ok:
			// Typically a per-interface key of an interface that does not
			// exist yet (tunl0 before the ipip module loads).
			d.add(Change{Kind: KindSysctl, Action: Update, Address: "sysctl " + want.Name,
				After: &Resource{Sysctl: ptr(want)}, Reason: "not readable before apply, so there is no value to restore later"})
		case !sameValue(have, want.Value):
			c := Change{Kind: KindSysctl, Action: Update, Address: "sysctl " + want.Name,
				Before: &Resource{Sysctl: &state.Sysctl{Name: want.Name, Value: have}}, After: &Resource{Sysctl: ptr(want)}}
			if !remembered {
				c.Own = OwnRemember
			}
			d.add(c)
		}
	}
	for _, name := range sortedKeys(d.rec.Sysctls) {
		if wanted[name] {
			continue
		}
		orig := state.Sysctl{Name: name, Value: d.rec.Sysctls[name]}
		c := Change{Kind: KindSysctl, Action: Update, Address: "sysctl " + name,
			After: &Resource{Sysctl: &orig}, Own: OwnForget, Reason: reasonRestore}
		if have, ok := live[name]; ok {
			c.Before = &Resource{Sysctl: &state.Sysctl{Name: name, Value: have}}
			if sameValue(have, orig.Value) {
				c.Reason = reasonRecordOnly
			}
		}
		d.add(c)
	}
}

// timeouts diffs the IPVS connection timeouts. A zero field in the desired
// timeouts means "leave as it is", as it does for ipvsadm --set.
func (d *differ) timeouts() {
	have, orig := d.live.Timeouts, d.rec.Timeouts
	if want := d.desired.Timeouts; want != nil {
		target := *want
		if have != nil {
			target = mergeTimeouts(*want, *have)
			if target == *have {
				return
			}
		}
		c := Change{Kind: KindTimeouts, Action: Update, Address: "timeouts", After: &Resource{Timeouts: &target}}
		switch {
		case have == nil:
			c.Reason = "not readable before apply, so there is no value to restore later"
		case orig == nil:
			c.Before, c.Own = &Resource{Timeouts: ptr(*have)}, OwnRemember
		default:
			c.Before = &Resource{Timeouts: ptr(*have)}
		}
		d.add(c)
		return
	}
	if orig == nil {
		return
	}
	c := Change{Kind: KindTimeouts, Action: Update, Address: "timeouts",
		After: &Resource{Timeouts: ptr(*orig)}, Own: OwnForget, Reason: reasonRestore}
	if have != nil {
		c.Before = &Resource{Timeouts: ptr(*have)}
		if *have == *orig {
			c.Reason = reasonRecordOnly
		}
	}
	d.add(c)
}

func mergeTimeouts(want, have state.Timeouts) state.Timeouts {
	if want.TCP == 0 {
		want.TCP = have.TCP
	}
	if want.TCPFin == 0 {
		want.TCPFin = have.TCPFin
	}
	if want.UDP == 0 {
		want.UDP = have.UDP
	}
	return want
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
	if want.Method != "tun" {
		return true
	}
	return tunnelType(want.TunnelType) == tunnelType(have.TunnelType) &&
		want.TunnelPort == have.TunnelPort && want.TunnelChecksum == have.TunnelChecksum
}

func tunnelType(t string) string {
	if t == "" {
		return "ipip"
	}
	return t
}

// sameRoute compares where a route sends traffic. A desired route without an
// interface lets the kernel pick it from the gateway.
func sameRoute(want, have *state.Route) bool {
	return want.Gateway == have.Gateway && (want.Interface == "" || want.Interface == have.Interface)
}

// sameValue compares sysctl values as the kernel does when it parses them:
// whitespace around and between fields does not matter.
func sameValue(a, b string) bool {
	return slices.Equal(strings.Fields(a), strings.Fields(b))
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

func serviceAddress(key string) string { return "service " + key }

func serverAddress(svc, key string) string { return "server " + svc + " -> " + key }

// serviceOnly copies a service without its servers (each server is a change
// of its own), with its flags sorted as in a normalized state.
func serviceOnly(s *state.Service) *state.Service {
	c := *s
	c.Flags = slices.Clone(s.Flags)
	slices.Sort(c.Flags)
	c.Servers = nil
	return &c
}

// routeDescription names a route as `ip route` would show it, for the
// unmanaged list, where the gateway helps to recognise it.
func routeDescription(r *state.Route) string {
	s := "route " + r.Key()
	switch {
	case r.Gateway.IsValid():
		s += " via " + r.Gateway.String()
	case r.Interface != "":
		s += " dev " + r.Interface
	}
	return s
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

// isNoise reports addresses every host has, which would only clutter the
// unmanaged list: the loopback addresses and IPv6 link-local ones.
func isNoise(p netip.Prefix) bool {
	return p == netip.MustParsePrefix("127.0.0.1/8") ||
		p == netip.MustParsePrefix("::1/128") ||
		p.Addr().Is6() && p.Addr().IsLinkLocalUnicast()
}
