package plan

import (
	"net/netip"

	"github.com/lvsctl/lvsctl/engine/state"
)

func (d *differ) addresses() {
	owned := set(d.rec.Addresses)
	live := make(map[string]*state.Address, len(d.live.Addresses))
	for i := range d.live.Addresses {
		live[d.live.Addresses[i].Key()] = &d.live.Addresses[i]
	}
	labels := newLabels(d.desired.Addresses, d.live.Addresses, owned)
	for i := range d.desired.Addresses {
		want := ptr(d.desired.Addresses[i])
		key := want.Key()
		have, ok := live[key]
		delete(live, key)
		why := labels.choose(want)
		switch {
		case !ok:
			d.add(Change{Kind: KindAddress, Action: Create, Address: Address(KindAddress, key),
				After: &Resource{Address: want}, Own: OwnCreate, Reason: why})
		case have.Label != want.Label || have.Scope != want.Scope:
			// The kernel keeps the label and scope with the address: a new
			// one is a new address.
			var forced []string
			if have.Label != want.Label {
				forced = append(forced, "label")
			}
			if have.Scope != want.Scope {
				forced = append(forced, "scope")
			}
			d.add(Change{Kind: KindAddress, Action: Replace, Address: Address(KindAddress, key),
				Before: &Resource{Address: ptr(*have)}, After: &Resource{Address: want},
				ForcesReplacement: forced, Own: OwnCreate, Reason: why})
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
			if other, shared := d.sharer(KindAddress, key); shared {
				d.add(handOver(KindAddress, key, other, &Resource{Address: ptr(*have)}, nil))
				continue
			}
			d.add(Change{Kind: KindAddress, Action: Delete, Address: Address(KindAddress, key),
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
			d.add(Change{Kind: KindRoute, Action: Create, Address: Address(KindRoute, key),
				After: &Resource{Route: ptr(*want)}, Own: OwnCreate})
			continue
		}
		if sameRoute(want, have) {
			continue
		}
		c := Change{Kind: KindRoute, Action: Update, Address: Address(KindRoute, key),
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
		if other, shared := d.sharer(KindRoute, key); shared {
			var before *Resource
			if have, ok := live[key]; ok {
				before = &Resource{Route: ptr(*have)}
			}
			d.add(handOver(KindRoute, key, other, before, &Resource{Route: ptr(orig)}))
			continue
		}
		c := Change{Kind: KindRoute, Action: Update, Address: Address(KindRoute, key),
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
			if other, shared := d.sharer(KindRoute, key); shared {
				d.add(handOver(KindRoute, key, other, &Resource{Route: ptr(*have)}, nil))
				continue
			}
			d.add(Change{Kind: KindRoute, Action: Delete, Address: Address(KindRoute, key),
				Before: &Resource{Route: ptr(*have)}, Own: OwnForget})
			continue
		}
		d.unmanaged = append(d.unmanaged, routeDescription(have))
	}
}

// sameRoute compares where a route sends traffic. A desired route without an
// interface lets the kernel pick it from the gateway.
func sameRoute(want, have *state.Route) bool {
	return want.Gateway == have.Gateway && (want.Interface == "" || want.Interface == have.Interface)
}

// routeDescription names a route as `ip route` would show it, for the
// unmanaged list, where the gateway helps to recognise it.
func routeDescription(r *state.Route) string {
	s := Address(KindRoute, r.Key())
	switch {
	case r.Gateway.IsValid():
		s += " via " + r.Gateway.String()
	case r.Interface != "":
		s += " dev " + r.Interface
	}
	return s
}

// isNoise reports addresses every host has, which would only clutter the
// unmanaged list: the loopback addresses and IPv6 link-local ones.
func isNoise(p netip.Prefix) bool {
	return p == netip.MustParsePrefix("127.0.0.1/8") ||
		p == netip.MustParsePrefix("::1/128") ||
		p.Addr().Is6() && p.Addr().IsLinkLocalUnicast()
}
