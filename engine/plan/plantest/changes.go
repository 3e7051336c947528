// Package plantest builds plan changes by hand, as the diff would make
// them, for tests of the code that carries changes out on a host
// (providers/local, transport/agent).
package plantest

import (
	"net/netip"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// HostSysctls are the sysctls RealServerChanges sets, and ip_forward: what
// a test host's sysctl tree holds.
var HostSysctls = []string{
	"net.ipv4.ip_forward",
	"net.ipv4.conf.all.arp_ignore", "net.ipv4.conf.all.arp_announce",
	"net.ipv4.conf.lo.arp_ignore", "net.ipv4.conf.lo.arp_announce",
}

// Addr is an address on iface; label may be empty.
func Addr(iface, prefix, label string) state.Address {
	return state.Address{Interface: iface, Prefix: netip.MustParsePrefix(prefix), Label: label}
}

// HostRoute is the host route vip/32 dev iface.
func HostRoute(vip, iface string) state.Route {
	return state.Route{Destination: netip.PrefixFrom(netip.MustParseAddr(vip), 32), Interface: iface}
}

// AddAddress creates a and records it as lvsctl's.
func AddAddress(a state.Address) plan.Change {
	return plan.Change{Kind: plan.KindAddress, Address: plan.Address(plan.KindAddress, a.Key()), Action: plan.Create,
		After: &plan.Resource{Address: &a}, Own: plan.OwnCreate}
}

// DeleteAddress removes a and forgets it.
func DeleteAddress(a state.Address) plan.Change {
	return plan.Change{Kind: plan.KindAddress, Address: plan.Address(plan.KindAddress, a.Key()), Action: plan.Delete,
		Before: &plan.Resource{Address: &a}, Own: plan.OwnForget}
}

// AddRoute creates r and records it as lvsctl's.
func AddRoute(r state.Route) plan.Change {
	return plan.Change{Kind: plan.KindRoute, Address: plan.Address(plan.KindRoute, r.Key()), Action: plan.Create,
		After: &plan.Resource{Route: &r}, Own: plan.OwnCreate}
}

// DeleteRoute removes r and forgets it.
func DeleteRoute(r state.Route) plan.Change {
	return plan.Change{Kind: plan.KindRoute, Address: plan.Address(plan.KindRoute, r.Key()), Action: plan.Delete,
		Before: &plan.Resource{Route: &r}, Own: plan.OwnForget}
}

// SetSysctl changes a sysctl from old to value and remembers old.
func SetSysctl(name, old, value string) plan.Change {
	return plan.Change{Kind: plan.KindSysctl, Address: plan.Address(plan.KindSysctl, name), Action: plan.Update,
		Before: &plan.Resource{Sysctl: &state.Sysctl{Name: name, Value: old}},
		After:  &plan.Resource{Sysctl: &state.Sysctl{Name: name, Value: value}}, Own: plan.OwnRemember}
}

// RestoreSysctl gives a sysctl its original value back and forgets it.
func RestoreSysctl(name, current, original string) plan.Change {
	c := SetSysctl(name, current, original)
	c.Own = plan.OwnForget
	return c
}

// RealServerChanges is the real-server role for one VIP: ARP first, then
// the VIP on lo, then its host route.
func RealServerChanges(vip string) []plan.Change {
	return []plan.Change{
		SetSysctl("net.ipv4.conf.all.arp_ignore", "0", "1"),
		SetSysctl("net.ipv4.conf.all.arp_announce", "0", "2"),
		SetSysctl("net.ipv4.conf.lo.arp_ignore", "0", "1"),
		SetSysctl("net.ipv4.conf.lo.arp_announce", "0", "2"),
		AddAddress(Addr("lo", vip+"/32", "lo:0")),
		AddRoute(HostRoute(vip, "lo")),
	}
}

// RealServerTeardown undoes RealServerChanges: route, VIP, then ARP.
func RealServerTeardown(vip string) []plan.Change {
	return []plan.Change{
		DeleteRoute(HostRoute(vip, "lo")),
		DeleteAddress(Addr("lo", vip+"/32", "lo:0")),
		RestoreSysctl("net.ipv4.conf.lo.arp_announce", "2", "0"),
		RestoreSysctl("net.ipv4.conf.lo.arp_ignore", "1", "0"),
		RestoreSysctl("net.ipv4.conf.all.arp_announce", "2", "0"),
		RestoreSysctl("net.ipv4.conf.all.arp_ignore", "1", "0"),
	}
}

// Sysctls makes sysctls of name, value pairs.
func Sysctls(kv ...string) []state.Sysctl {
	var out []state.Sysctl
	for i := 0; i < len(kv); i += 2 {
		out = append(out, state.Sysctl{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

// Service is a tcp service on port 80 of vip, scheduled wrr.
func Service(vip string) state.Service {
	return state.Service{Protocol: "tcp", Address: netip.MustParseAddr(vip), Port: 80, Family: "inet", Scheduler: "wrr", Netmask: 32}
}

// Server is a DR server on port 80 of rip.
func Server(rip string, weight uint32) state.Server {
	return state.Server{Address: netip.MustParseAddr(rip), Port: 80, Method: "dr", Weight: weight}
}

// ServiceChange changes a service as the diff would.
func ServiceChange(action plan.Action, name string, before, after *state.Service, own plan.Ownership) plan.Change {
	c := plan.Change{Kind: plan.KindService, Name: name, Action: action, Own: own}
	if before != nil {
		c.Before, c.Address = &plan.Resource{Service: before}, plan.Address(plan.KindService, before.Key())
	}
	if after != nil {
		c.After, c.Address = &plan.Resource{Service: after}, plan.Address(plan.KindService, after.Key())
	}
	return c
}

// ServerChange changes a server of svc as the diff would.
func ServerChange(action plan.Action, svc state.Service, before, after *state.Server) plan.Change {
	id := svc.ID()
	c := plan.Change{Kind: plan.KindServer, Service: &id, Action: action}
	if before != nil {
		c.Before, c.Address = &plan.Resource{Server: before}, plan.Address(plan.KindServer, svc.Key()+" -> "+before.Key())
	}
	if after != nil {
		c.After, c.Address = &plan.Resource{Server: after}, plan.Address(plan.KindServer, svc.Key()+" -> "+after.Key())
	}
	return c
}
