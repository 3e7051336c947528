package config

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/lvsctl/lvsctl/engine/state"
)

// validate runs the checks that span blocks. Each check reports all it finds.
func validate(cfg *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, check := range []func(*Config) hcl.Diagnostics{
		checkNames, checkDirectorRefs, checkDuplicateServices, checkRealServers, checkVIPConflicts,
		checkVIPAddresses, checkHostExtras, checkSyncDaemons,
	} {
		diags = append(diags, check(cfg)...)
	}
	return diags
}

func errorAt(rng hcl.Range, summary, detail string, args ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(detail, args...), Subject: rng.Ptr()}
}

// checkNames: host names are unique across directors and real servers (a
// name is one host), service names among services.
func checkNames(cfg *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	hosts := make(map[string]hcl.Range)
	claim := func(kind, name string, rng hcl.Range) {
		if prev, dup := hosts[name]; dup {
			diags = append(diags, duplicateBlock(kind, name, prev, rng))
			return
		}
		hosts[name] = rng
	}
	for _, d := range cfg.Directors {
		claim("host", d.Name, d.DefRange)
	}
	for _, rs := range cfg.RealServers {
		claim("host", rs.Name, rs.DefRange)
	}
	services := make(map[string]hcl.Range)
	for _, vs := range cfg.VirtualServers {
		if prev, dup := services[vs.Name]; dup {
			diags = append(diags, duplicateBlock("virtual_server", vs.Name, prev, vs.DefRange))
			continue
		}
		services[vs.Name] = vs.DefRange
	}
	return diags
}

// checkDirectorRefs: every name in `directors` is a director, and a director
// that aliases VIPs says on which interface.
func checkDirectorRefs(cfg *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	byName := make(map[string]*Director)
	var names []string
	for _, d := range cfg.Directors {
		byName[d.Name] = d
		names = append(names, d.Name)
	}
	needsInterface := make(map[string]bool)
	for _, vs := range cfg.VirtualServers {
		for i, name := range vs.Directors {
			rng := vs.AttrRange("directors")
			switch d := byName[name]; {
			case d == nil:
				diags = append(diags, errorAt(rng, "Unknown director",
					"The virtual server %q names the director %q, which is not declared.%s Declare a director block of that name or fix the name.",
					vs.Name, name, didYouMean(name, names)))
			case slices.Index(vs.Directors, name) < i:
				diags = append(diags, errorAt(rng, "Duplicate director", "The director %q is listed twice; remove one.", name))
			case d.VIPAlias && d.Interface == "" && vs.VIP.IsValid() && !needsInterface[name] && !vipHasInterface(d.VIPs, vs.VIP):
				needsInterface[name] = true
				diags = append(diags, errorAt(d.DefRange, "Missing interface",
					"The director %q carries the VIP %s of virtual_server %q but has no interface for it; set interface = \"eth0\" (your interface), or vip_alias = false when something else (keepalived) holds the VIP.",
					name, vs.VIP, vs.Name))
			}
		}
	}
	return diags
}

// checkDuplicateServices: a director has each service (protocol, VIP and
// port, or firewall mark and family) once, whatever the blocks are called.
func checkDuplicateServices(cfg *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	byKey := make(map[string][]*VirtualServer)
	for _, vs := range cfg.VirtualServers {
		if !vs.VIP.IsValid() && vs.FWMark == 0 {
			continue // already reported
		}
		key := vs.Key()
		for _, prev := range byKey[key] {
			if shared := sharedDirector(prev, vs); shared != "" {
				diags = append(diags, errorAt(vs.DefRange, "Duplicate service",
					"The service %s is already declared by virtual_server %q at %s, and both are on director %q. A director has each service once; merge the blocks or change the address, port or mark.",
					key, prev.Name, prev.DefRange, shared))
				break
			}
		}
		byKey[key] = append(byKey[key], vs)
	}
	return diags
}

func sharedDirector(a, b *VirtualServer) string {
	for _, d := range a.Directors {
		if slices.Contains(b.Directors, d) {
			return d
		}
	}
	return ""
}

// checkRealServers: each address is one host, a host at a director's
// address does not hide a VIP that director aliases, and real servers are used.
func checkRealServers(cfg *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	aliasingAt := make(map[netip.Addr][]*Director) // directors that alias VIPs, by address
	for _, d := range cfg.Directors {
		if d.Address.IsValid() && d.VIPAlias {
			aliasingAt[d.Address] = append(aliasingAt[d.Address], d)
		}
	}
	used := make(map[netip.Addr]bool)
	for _, vs := range cfg.VirtualServers {
		for _, s := range vs.Servers {
			used[s.Address] = true
		}
	}
	seen := make(map[netip.Addr]*RealServer)
	for _, rs := range cfg.RealServers {
		if !rs.Address.IsValid() {
			continue
		}
		rng := rs.AttrRange("address")
		if prev, dup := seen[rs.Address]; dup {
			diags = append(diags, errorAt(rng, "Real server matched twice",
				"The address %s is already the address of real_server %q at %s, so servers at it would match two hosts. Give each real_server its own address.",
				rs.Address, prev.Name, prev.DefRange))
			continue
		}
		seen[rs.Address] = rs
		for _, d := range aliasingAt[rs.Address] {
			if vip, vs := sharedVIP(cfg, d, rs); vs != nil {
				diags = append(diags, errorAt(rng, "Host is both director and real server",
					"The address %s is also the address of director %q: the VIP %s of virtual_server %q would land as a director alias and as a real-server VIP on one host. Use the real server's own address, or set vip_alias = false on the director.",
					rs.Address, d.Name, vip, vs.Name))
				break
			}
		}
		// With variables left unknown, servers made from them are not known.
		if !used[rs.Address] && len(cfg.Unknown) == 0 && !slices.ContainsFunc(rs.VIPs, func(v *VIP) bool { return v.Method != "" }) {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Real server not used",
				Detail:   fmt.Sprintf("No virtual_server has a server at %s, so nothing is derived for real_server %q. Add it as a server of a service, or check the address.", rs.Address, rs.Name),
				Subject:  rng.Ptr(),
			})
		}
	}
	return diags
}

// checkVIPConflicts: a director and a real server reached the same way are
// one machine, which cannot both announce a VIP and hide it.
func checkVIPConflicts(cfg *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	directorsByMachine := make(map[string][]*Director)
	for _, d := range cfg.Directors {
		if d.VIPAlias && !connectionUnknown(d.Source, d.SSH) {
			m := machine(d.Netns, d.SSH)
			directorsByMachine[m] = append(directorsByMachine[m], d)
		}
	}
	for _, rs := range cfg.RealServers {
		if connectionUnknown(rs.Source, rs.SSH) {
			continue
		}
		for _, d := range directorsByMachine[machine(rs.Netns, rs.SSH)] {
			if vip, vs := sharedVIP(cfg, d, rs); vs != nil {
				diags = append(diags, errorAt(rs.DefRange, "VIP both announced and hidden on one host",
					"real_server %q and director %q reach the same machine (%s), where the VIP %s of virtual_server %q would be both a director alias and a real-server VIP. Give them different connections (netns or ssh), or set vip_alias = false on the director.",
					rs.Name, d.Name, machine(rs.Netns, rs.SSH), vip, vs.Name))
			}
		}
	}
	return diags
}

// connectionUnknown: the host's netns or ssh target is not known yet, so
// which machine it reaches cannot be compared.
func connectionUnknown(host Source, ssh *SSH) bool {
	return host.Unknown("netns") || ssh != nil && (ssh.Unknown("host") || ssh.Unknown("port"))
}

// machine names where a connection leads, for comparing hosts.
func machine(netns string, ssh *SSH) string {
	switch {
	case ssh != nil:
		if ssh.Port == 0 {
			return "ssh " + ssh.Host
		}
		return "ssh " + net.JoinHostPort(ssh.Host, strconv.Itoa(ssh.Port))
	case netns != "":
		return "netns " + netns
	}
	return "this machine"
}

// sharedVIP finds a VIP the director aliases that the real server would also
// carry (it is a DR or TUN server of a service with that VIP).
func sharedVIP(cfg *Config, d *Director, rs *RealServer) (netip.Addr, *VirtualServer) {
	aliased := make(map[netip.Addr]bool)
	for _, vs := range cfg.VirtualServers {
		if slices.Contains(vs.Directors, d.Name) && vs.VIP.IsValid() {
			aliased[vs.VIP] = true
		}
	}
	for _, vs := range cfg.VirtualServers {
		for _, s := range vs.Servers {
			if s.Address == rs.Address && s.Method != state.MethodNAT && aliased[vs.VIP] {
				return vs.VIP, vs
			}
		}
	}
	return netip.Addr{}, nil
}

func vipHasInterface(vips []*VIP, vip netip.Addr) bool {
	return slices.ContainsFunc(vips, func(v *VIP) bool { return v.Address == vip && v.Interface != "" })
}
