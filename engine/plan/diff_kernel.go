package plan

import (
	"slices"
	"strings"

	"github.com/lvsctl/lvsctl/engine/state"
)

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
			d.add(Change{Kind: KindSysctl, Action: Update, Address: Address(KindSysctl, want.Name),
				After: &Resource{Sysctl: ptr(want)}, Reason: "not readable before apply, so there is no value to restore later"})
		case !sameValue(have, want.Value):
			c := Change{Kind: KindSysctl, Action: Update, Address: Address(KindSysctl, want.Name),
				Before: &Resource{Sysctl: &state.Sysctl{Name: want.Name, Value: have}}, After: &Resource{Sysctl: ptr(want)},
				Reason: sysctlPurpose(want, hasNAT(d.desired))}
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
		if other, shared := d.sharer(KindSysctl, name); shared {
			var before *Resource
			if have, ok := live[name]; ok {
				before = &Resource{Sysctl: &state.Sysctl{Name: name, Value: have}}
			}
			d.add(handOver(KindSysctl, name, other, before, &Resource{Sysctl: &orig}))
			continue
		}
		c := Change{Kind: KindSysctl, Action: Update, Address: Address(KindSysctl, name),
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
		c := Change{Kind: KindTimeouts, Action: Update, Address: Address(KindTimeouts, ""), After: &Resource{Timeouts: &target}}
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
	c := Change{Kind: KindTimeouts, Action: Update, Address: Address(KindTimeouts, ""),
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

// sameValue compares sysctl values as the kernel does when it parses them:
// whitespace around and between fields does not matter.
func sameValue(a, b string) bool {
	return slices.Equal(strings.Fields(a), strings.Fields(b))
}

// sysctlPurpose says why lvsctl sets a kernel parameter, for the plan's
// reviewer. The names are those engine/compile derives (see README.md (Configuration reference)).
func sysctlPurpose(s state.Sysctl, nat bool) string {
	name := s.Name
	switch {
	case strings.HasSuffix(name, ".arp_ignore"):
		return "answer ARP only for addresses of the receiving interface: hides the VIP (DR/TUN)"
	case strings.HasSuffix(name, ".arp_announce"):
		return "never use the VIP as the source of ARP requests (DR/TUN)"
	case strings.HasSuffix(name, ".rp_filter"):
		return "accept tunnelled packets whose source routes elsewhere (TUN)"
	case (name == "net.ipv4.ip_forward" || strings.HasSuffix(name, ".forwarding")) && s.Value == "0":
		return "stop forwarding packets between interfaces, as declared"
	case (name == "net.ipv4.ip_forward" || strings.HasSuffix(name, ".forwarding")) && nat:
		return "let the director forward packets between its interfaces (required by NAT services)"
	case name == "net.ipv4.ip_forward" || strings.HasSuffix(name, ".forwarding"):
		return "forward packets between interfaces, as declared (no NAT service here needs it)"
	}
	return ""
}

// hasNAT reports whether a host directs any NAT server.
func hasNAT(h *state.Host) bool {
	for _, s := range h.Services {
		for _, srv := range s.Servers {
			if srv.Method == state.MethodNAT {
				return true
			}
		}
	}
	return false
}
