package convert

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/lvsctl/lvsctl/engine/config"
	"github.com/lvsctl/lvsctl/engine/state"
)

// VIPBlock is a vip block: how one VIP is placed where that differs from
// what lvsctl derives. Zero fields keep the derived value.
type VIPBlock struct {
	Address   netip.Addr
	Interface string
	Label     *string
	Prefix    int
	Scope     string
	// Method declares a real server's VIP whose director is not in the file.
	Method state.Method
}

// placement is a VIP as lvsctl will place it on a host, in the order it
// places them (which decides the IFACE:N labels).
type placement struct {
	vip    netip.Addr
	iface  string       // the derived interface
	method state.Method // set for a VIP the real server declares itself
}

// vipBlocks compares each placement with the address the input put there
// and returns the vip blocks that make lvsctl place it the same way, and
// the interface each VIP ends up on. It follows compile's labeler: a VIP
// without a label of its own takes the next IFACE:N of its interface.
func vipBlocks(places []placement, have []state.Address) (blocks []VIPBlock, ifaces []string) {
	next := map[string]int{}
	for _, p := range places {
		i := slices.IndexFunc(have, func(a state.Address) bool { return a.Prefix.Addr() == p.vip })
		if i < 0 { // not on the host: lvsctl adds it (compare reports it)
			ifaces = append(ifaces, p.iface)
			if p.vip.Is4() {
				next[p.iface]++
			}
			continue
		}
		a := have[i]
		if !ifaceOK(a.Interface) { // the kernel has no such device; compare reports it
			ifaces = append(ifaces, p.iface)
			continue
		}
		b := VIPBlock{Address: p.vip, Method: p.method, Scope: a.Scope}
		if a.Interface != p.iface {
			b.Interface = a.Interface
		}
		if a.Prefix.Bits() != p.vip.BitLen() {
			b.Prefix = a.Prefix.Bits()
		}
		ifaces = append(ifaces, a.Interface)
		if p.vip.Is4() {
			switch derived := fmt.Sprintf("%s:%d", a.Interface, next[a.Interface]); {
			case a.Label == derived:
				next[a.Interface]++
			case labelOK(a.Interface, a.Label):
				l := a.Label
				b.Label = &l
				if l != "" {
					b.Interface = a.Interface // a label needs its interface named
				}
			default: // compare reports the label it cannot keep
				next[a.Interface]++
			}
		}
		if b != (VIPBlock{Address: p.vip}) {
			blocks = append(blocks, b)
		}
	}
	return blocks, ifaces
}

// ifaceOK reports whether the kernel takes name as an interface name
// (dev_valid_name): at most 15 bytes, no '/', ':' or white space.
func ifaceOK(name string) bool {
	return name != "" && name != "." && name != ".." && len(name) <= state.MaxLabelLen &&
		!strings.ContainsFunc(name, func(c rune) bool { return c == '/' || c == ':' || c <= ' ' })
}

// labelOK reports whether a vip block can carry the label: none, or one
// that starts with its interface and fits the kernel's 15 bytes.
func labelOK(iface, label string) bool {
	return label == "" || strings.HasPrefix(label, iface) && len(label) <= state.MaxLabelLen && !strings.ContainsAny(label, " /\t\n")
}

// vipsOf are the VIPs of a director's services, each once, in the order
// of the virtual_server blocks.
func (c *Cluster) vipsOf(director string) []netip.Addr {
	var out []netip.Addr
	for _, s := range c.Services {
		if slices.Contains(s.Directors, director) && s.S.Address.IsValid() && !slices.Contains(out, s.S.Address) {
			out = append(out, s.S.Address)
		}
	}
	return out
}

// placeDirectorVIPs writes the vip blocks of a director that aliases its VIPs.
func (c *Cluster) placeDirectorVIPs(d *Director, h *Host) {
	if !d.VIPAlias || d.Interface == "" {
		return
	}
	var places []placement
	for _, vip := range c.vipsOf(d.Name) {
		places = append(places, placement{vip: vip, iface: d.Interface})
	}
	d.VIPs, _ = vipBlocks(places, h.State.Addresses)
}

// directorSettings turns what a director's inputs set besides IPVS —
// sysctls, routes, sync daemons — into its attributes and blocks.
func (c *Cluster) directorSettings(d *Director, h *Host) {
	has6, nat := false, false
	for _, s := range h.State.Services {
		has6 = has6 || s.Family == state.Inet6
		nat = nat || slices.ContainsFunc(s.Servers, func(srv state.Server) bool { return srv.Method == state.MethodNAT })
	}
	_, v4 := h.State.Sysctl("net.ipv4.ip_forward")
	_, v6 := h.State.Sysctl("net.ipv6.conf.all.forwarding")
	for _, s := range h.State.Sysctls {
		switch {
		case s.Name == "net.ipv4.ip_forward" && d.IPForward != nil:
		case s.Name == "net.ipv6.conf.all.forwarding" && d.IPForward != nil && has6:
			// ip_forward sets it too; compare reports a different value.
		default:
			d.Sysctls = c.declareSysctl(h, d.Sysctls, s)
		}
	}
	if nat && !v4 && !v6 && d.IPForward == nil {
		d.IPForwardUnmanaged = true
		h.Note(Pos{File: strings.Join(h.Files, ", ")}, Info, "ip_forward = \"unmanaged\"",
			"the input serves NAT but leaves forwarding as it finds it, so lvsctl does too; remove the line to have lvsctl turn forwarding on, as NAT needs")
	}
	for _, r := range h.State.Routes {
		if why := routeProblem(r); why != "" {
			h.skip["route:"+r.Key()] = why
			continue
		}
		d.Routes = append(d.Routes, r)
	}
	mixed := slices.ContainsFunc(h.State.Services, func(s state.Service) bool {
		return slices.ContainsFunc(s.Servers, func(srv state.Server) bool { return state.FamilyOf(srv.Address) != s.Family })
	})
	for _, sd := range h.State.SyncDaemons {
		if !ifaceOK(sd.Interface) {
			h.skip["sync:"+sd.State] = "\"" + sd.Interface + "\" is not an interface name the kernel takes"
			continue
		}
		if mixed {
			h.skip["sync:"+sd.State] = "the kernel refuses a sync daemon while a service has a server of the other family, so the input's command fails or the server is refused"
			continue
		}
		d.SyncDaemons = append(d.SyncDaemons, sd)
	}
}

// declareSysctl adds a setting to a sysctls map, unless validation would
// refuse it (then compare reports it with the reason).
func (c *Cluster) declareSysctl(h *Host, m []state.Sysctl, s state.Sysctl) []state.Sysctl {
	if why := config.CheckSysctl(s.Name, s.Value); why != "" {
		h.skip["sysctl:"+s.Name] = why
		return m
	}
	return append(m, s)
}

// routeProblem says why a route cannot be written as a route block, or "".
func routeProblem(r state.Route) string {
	switch {
	case r.Destination != r.Destination.Masked():
		return "its destination has host bits set"
	case r.Gateway.IsValid() && r.Gateway.Is4() != r.Destination.Addr().Is4():
		return "its gateway and destination are of different families"
	case r.Interface != "" && !ifaceOK(r.Interface):
		return "\"" + r.Interface + "\" is not an interface name the kernel takes"
	}
	return ""
}

// realServerSettings sets a real server's ARP, rp_filter and sysctls from
// its inputs, given the interfaces its IPv4 VIPs land on (arp) and the
// tunnel interfaces among them (tun), as compile derives them.
func (c *Cluster) realServerSettings(rs *RealServer, h *Host, arp, tun []string) {
	conf := func(iface, key string) (string, bool) {
		return h.State.Sysctl("net.ipv4.conf." + strings.ReplaceAll(iface, ".", "/") + "." + key)
	}
	ignore, announce := "1", "2"
	if len(arp) > 0 {
		if v, ok := intSysctl(h, "net.ipv4.conf.all.arp_ignore"); ok && v != 1 && v >= 0 && v <= 8 {
			rs.ARPIgnore, ignore = &v, fmt.Sprint(v)
		}
		if v, ok := intSysctl(h, "net.ipv4.conf.all.arp_announce"); ok && v != 2 && v >= 0 && v <= 2 {
			rs.ARPAnnounce, announce = &v, fmt.Sprint(v)
		}
	}
	derived := map[string]string{}
	if len(arp) > 0 {
		for _, iface := range append([]string{"all"}, arp...) {
			derived[sysctlName(iface, "arp_ignore")] = ignore
			derived[sysctlName(iface, "arp_announce")] = announce
		}
		// Another interface with both settings as on all: arp_interfaces.
		for _, s := range h.State.Sysctls {
			iface, ok := strings.CutSuffix(strings.TrimPrefix(s.Name, "net.ipv4.conf."), ".arp_ignore")
			if !ok || !strings.HasPrefix(s.Name, "net.ipv4.conf.") || derived[s.Name] != "" || iface == "default" {
				continue
			}
			iface = strings.ReplaceAll(iface, "/", ".")
			if a, _ := conf(iface, "arp_announce"); s.Value == ignore && a == announce {
				rs.ARPInterfaces = append(rs.ARPInterfaces, iface)
				derived[s.Name], derived[sysctlName(iface, "arp_announce")] = ignore, announce
			}
		}
	}
	if len(tun) > 0 {
		rp := "0"
		if v, ok := conf("all", "rp_filter"); ok && (v == "1" || v == "2" || v == "0") {
			rp = v
		} else if v, ok := conf(tun[0], "rp_filter"); ok && (v == "1" || v == "2" || v == "0") {
			rp = v
		}
		if rp != "0" {
			rs.RPFilter = rp
		}
		for _, iface := range append([]string{"all"}, tun...) {
			derived[sysctlName(iface, "rp_filter")] = rp
		}
	}
	for _, s := range h.State.Sysctls {
		if v, ok := derived[s.Name]; ok && v == s.Value {
			continue
		}
		rs.Sysctls = c.declareSysctl(h, rs.Sysctls, s)
	}
}

// sysctlName is compile's dotted name of a per-interface IPv4 setting.
func sysctlName(iface, key string) string {
	return "net.ipv4.conf." + strings.ReplaceAll(iface, ".", "/") + "." + key
}

// tunnelDevice reports whether a real server's address on iface is a VIP
// reached through a tunnel.
func tunnelDevice(iface string) bool {
	return strings.HasPrefix(iface, "tunl") || strings.HasPrefix(iface, "ip6tnl") || strings.HasPrefix(iface, "sit")
}
