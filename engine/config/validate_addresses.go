package config

import (
	"fmt"
	"net/netip"

	"github.com/hashicorp/hcl/v2"
)

// checkVIPAddresses: the addresses that would make a director forward to
// itself or take a host's own address away are refused before they reach a
// kernel. A VIP is an address of its own (unicast, not a host's address);
// a service's servers are not a VIP of one of its directors. (A server at
// a director's own address is IPVS's local delivery, valid when something
// else holds the VIP: checkRealServers.)
func checkVIPAddresses(cfg *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	hostAt := make(map[netip.Addr]string)
	for _, d := range cfg.Directors {
		if d.Address.IsValid() {
			hostAt[d.Address] = fmt.Sprintf("director %q", d.Name)
		}
	}
	for _, rs := range cfg.RealServers {
		if _, taken := hostAt[rs.Address]; rs.Address.IsValid() && !taken {
			hostAt[rs.Address] = fmt.Sprintf("real_server %q", rs.Name)
		}
	}
	// vipOn[director][VIP] is the first service with that VIP on that director.
	vipOn := make(map[string]map[netip.Addr]*VirtualServer)
	for _, vs := range cfg.VirtualServers {
		if !vs.VIP.IsValid() {
			continue
		}
		if !vs.VIP.IsGlobalUnicast() {
			diags = append(diags, errorAt(vs.AttrRange("vip"), "Unusable VIP",
				"The VIP %s of virtual_server %q is not a unicast address a client can reach (unspecified, loopback, link-local, multicast or broadcast). Use the address clients connect to; for a service on every address, use a firewall mark (fwmark).",
				vs.VIP, vs.Name))
			continue
		}
		if owner, ok := hostAt[vs.VIP]; ok {
			diags = append(diags, errorAt(vs.AttrRange("vip"), "VIP is a host's own address",
				"The VIP %s of virtual_server %q is the address of %s. A VIP is an address of its own: as an alias it would take the address from that host, and hidden on a real server it would cut the host off. Choose an unused address for the VIP.",
				vs.VIP, vs.Name, owner))
		}
		for _, d := range vs.Directors {
			if vipOn[d] == nil {
				vipOn[d] = make(map[netip.Addr]*VirtualServer)
			}
			if vipOn[d][vs.VIP] == nil {
				vipOn[d][vs.VIP] = vs
			}
		}
	}
	for _, vs := range cfg.VirtualServers {
		for _, s := range vs.Servers {
			for _, name := range vs.Directors {
				if other := vipOn[name][s.Address]; other != nil {
					diags = append(diags, errorAt(s.DefRange, "Server at a VIP",
						"The server %s of virtual_server %q is the VIP of virtual_server %q on director %q: the director would send the VIP's traffic back to itself. Use the real server's own address (its RIP).",
						s.Address, vs.Name, other.Name, name))
					break
				}
			}
		}
	}
	return diags
}
