package compile

import (
	"net/netip"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/lvsctl/lvsctl/engine/config"
	"github.com/lvsctl/lvsctl/engine/state"
)

// compileDirector derives a director's services, VIP aliases, forwarding
// sysctls and timeouts.
func compileDirector(cfg *config.Config, d *config.Director) (Target, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	h := state.Host{Name: d.Name, Role: state.RoleDirector, OwnAllServices: d.OwnAllServices, NoBoot: !d.Boot}
	var labels labeler
	// Sized first: a big director has 10,000s of services.
	n := 0
	for _, vs := range cfg.VirtualServers {
		if slices.Contains(vs.Directors, d.Name) {
			n++
		}
	}
	if n > 0 {
		h.Services = make([]state.Service, 0, n)
	}
	aliased := make(map[netip.Addr]bool, n)
	var nat4, nat6, has6 bool
	for _, vs := range cfg.VirtualServers {
		if !slices.Contains(vs.Directors, d.Name) {
			continue
		}
		h.Services = append(h.Services, service(vs))
		has6 = has6 || vs.Family == state.Inet6
		for _, s := range vs.Servers {
			if s.Method == state.MethodNAT {
				nat4 = nat4 || vs.Family == state.Inet
				nat6 = nat6 || vs.Family == state.Inet6
			}
		}
		if !d.VIPAlias || !vs.VIP.IsValid() || aliased[vs.VIP] {
			continue // the same VIP for several ports is one alias
		}
		iface, rng := d.Interface, d.AttrRange("interface")
		ov := findVIP(d.VIPs, vs.VIP)
		if ov != nil && ov.Interface != "" {
			iface, rng = ov.Interface, ov.AttrRange("interface")
		}
		if iface == "" {
			continue // reported by config
		}
		aliased[vs.VIP] = true
		if a, ok := vipAddress(vs.VIP, iface, ov, &labels, rng, &diags); ok {
			if h.Addresses == nil {
				h.Addresses = make([]state.Address, 0, n)
			}
			h.Addresses = append(h.Addresses, a)
		}
	}
	var more hcl.Diagnostics
	if !d.IPForwardUnmanaged {
		h.Sysctls, more = forwarding(d, nat4, nat6, has6)
		diags = append(diags, more...)
	}
	h.Sysctls = declareSysctls(h.Sysctls, d.Sysctls)
	h.Routes = declareRoutes(h.Routes, d.Routes)
	for _, sd := range d.SyncDaemons {
		h.SyncDaemons = append(h.SyncDaemons, state.SyncDaemon{State: sd.State, Interface: sd.Interface, SyncID: sd.SyncID,
			Group: sd.Group, Port: sd.Port, TTL: sd.TTL, MaxLen: sd.MaxLen})
	}
	if t := d.Timeouts; t != nil {
		h.Timeouts = &state.Timeouts{TCP: t.TCP, TCPFin: t.TCPFin, UDP: t.UDP}
	}
	return Target{Connection: connection(d.Netns, d.SSH), Desired: h}, diags
}

// forwarding decides the forwarding sysctls: as set, or on for NAT (the
// director routes the replies), otherwise left alone.
func forwarding(d *config.Director, nat4, nat6, has6 bool) ([]state.Sysctl, hcl.Diagnostics) {
	const v4, v6 = "net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"
	if d.IPForward == nil {
		var out []state.Sysctl
		if nat4 {
			out = append(out, state.Sysctl{Name: v4, Value: "1"})
		}
		if nat6 {
			out = append(out, state.Sysctl{Name: v6, Value: "1"})
		}
		return out, nil
	}
	var diags hcl.Diagnostics
	value := "0"
	if *d.IPForward {
		value = "1"
	} else if nat4 || nat6 {
		diags = append(diags, warning(d.AttrRange("ip_forward"), "NAT without forwarding",
			"Director %q serves NAT real servers but ip_forward = false, so their replies will not be forwarded to clients. Remove ip_forward to have it derived, or set it to true.", d.Name))
	}
	out := []state.Sysctl{{Name: v4, Value: value}}
	if has6 {
		out = append(out, state.Sysctl{Name: v6, Value: value})
	}
	return out, diags
}

// service is the IPVS service of a virtual_server block. config leaves
// Protocol empty for a fwmark service and the tunnel settings empty for a
// server that is not tun, as state wants them.
func service(vs *config.VirtualServer) state.Service {
	s := state.Service{
		Name:         vs.Name,
		Protocol:     vs.Protocol,
		Address:      vs.VIP,
		Port:         vs.Port,
		FWMark:       vs.FWMark,
		Family:       vs.Family,
		Scheduler:    vs.Scheduler,
		Flags:        slices.Clone(vs.Flags),
		Persistence:  vs.Persistence,
		Netmask:      vs.PersistenceNetmask,
		OnePacket:    vs.OnePacket,
		DrainTimeout: vs.DrainTimeout,
	}
	if s.Netmask == 0 { // the kernel's default: one client address
		s.Netmask = state.FullNetmask(vs.Family)
	}
	s.Servers = make([]state.Server, 0, len(vs.Servers))
	for _, d := range vs.Servers {
		srv := state.Server{
			Address:        d.Address,
			Port:           d.Port,
			Method:         d.Method,
			Weight:         d.Weight,
			TunnelType:     d.TunnelType,
			TunnelPort:     d.TunnelPort,
			TunnelChecksum: d.TunnelChecksum,
			UpperThreshold: d.UpperThreshold,
			LowerThreshold: d.LowerThreshold,
		}
		s.Servers = append(s.Servers, srv)
	}
	return s
}
