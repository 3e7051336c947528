package config

import (
	"net/netip"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/lvsctl/lvsctl/engine/state"
)

// checkHostExtras: every vip block names a VIP the host carries, and a
// setting is not made twice (as an attribute and in sysctls).
func checkHostExtras(cfg *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	// With variables left unknown (validate without values), which VIPs a
	// host carries is not known: a service's VIP, directors or servers may
	// depend on them.
	partial := len(cfg.Unknown) > 0
	for _, d := range cfg.Directors {
		carried := make(map[netip.Addr]bool)
		for _, vs := range cfg.VirtualServers {
			if slices.Contains(vs.Directors, d.Name) && vs.VIP.IsValid() {
				carried[vs.VIP] = true
			}
		}
		for _, v := range d.VIPs {
			switch {
			case !d.VIPAlias:
				diags = append(diags, errorAt(v.DefRange, "vip block without vip_alias",
					"Director %q has vip_alias = false, so it places no VIP and the vip block of %s has no effect. Remove the block, or vip_alias.", d.Name, v.Address))
			case !carried[v.Address] && !partial:
				diags = append(diags, errorAt(v.DefRange, "VIP not on this director",
					"No virtual_server of director %q has the VIP %s, so there is nothing for this vip block to place. Fix the address or remove the block.", d.Name, v.Address))
			}
		}
		if d.Source.Has("ip_forward") {
			for _, s := range d.Sysctls {
				if s.Name == "net.ipv4.ip_forward" || s.Name == "net.ipv6.conf.all.forwarding" {
					diags = append(diags, errorAt(s.Range, "Forwarding set twice",
						"%s is also set by ip_forward at %s; keep one of them.", s.Name, d.AttrRange("ip_forward")))
				}
			}
		}
	}
	for _, rs := range cfg.RealServers {
		derived := make(map[netip.Addr]*VirtualServer) // VIPs placed here, by a service of each
		methods := make(map[netip.Addr]state.Method)
		tun := false
		for _, vs := range cfg.VirtualServers {
			for _, s := range vs.Servers {
				if s.Address == rs.Address && s.Method != state.MethodNAT && vs.VIP.IsValid() {
					if derived[vs.VIP] == nil {
						derived[vs.VIP], methods[vs.VIP] = vs, s.Method
					}
					tun = tun || s.Method == state.MethodTUN
				}
			}
		}
		for _, v := range rs.VIPs {
			tun = tun || v.Method == state.MethodTUN
			switch vs := derived[v.Address]; {
			case vs == nil && !v.Has("method") && !partial: // a bad method is reported already
				diags = append(diags, errorAt(v.DefRange, "VIP not on this real server",
					"real_server %q is not a DR or TUN server of any service with the VIP %s, so there is nothing for this vip block to place. Fix the address, or declare the VIP with method = \"dr\" (or \"tun\") when its director is not in this file.", rs.Name, v.Address))
			case vs != nil && v.Method != "" && v.Method != methods[v.Address]:
				diags = append(diags, errorAt(v.AttrRange("method"), "Declared method differs",
					"real_server %q declares the VIP %s with method %q, but virtual_server %q at %s sends to it with method %q. Make them agree, or remove method here (it is derived).",
					rs.Name, v.Address, v.Method, vs.Name, vs.DefRange, methods[v.Address]))
			}
		}
		if rs.RPFilter != "" && !tun {
			diags = append(diags, warning(rs.AttrRange("rp_filter"), "rp_filter without tunnels",
				"rp_filter applies to the tunnel interfaces of TUN servers, and real_server %q is not one; remove it, or set the sysctl in sysctls.", rs.Name))
		}
	}
	return diags
}

func warning(rng hcl.Range, summary, detail string, args ...any) *hcl.Diagnostic {
	d := errorAt(rng, summary, detail, args...)
	d.Severity = hcl.DiagWarning
	return d
}
