package compile

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/lvsctl/lvsctl/engine/config"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Derived defaults of a real server.
const (
	arpIgnore   = 1 // reply to ARP only for addresses of the receiving interface
	arpAnnounce = 2 // never announce the VIP as an ARP source
)

// realServer builds the desired state of one real server.
type realServer struct {
	cfg    *config.Config
	rs     *config.RealServer
	h      state.Host
	diags  hcl.Diagnostics
	labels labeler
	placed map[netip.Addr]bool
	// Interfaces carrying IPv4 VIPs, which need ARP suppression, and the
	// tunnel devices among them, which need rp_filter off.
	arpIfaces, tunIfaces []string
	warned4in6           bool
}

// compileRealServer derives what a real server needs for each service that
// has a server at its address.
func compileRealServer(cfg *config.Config, rs *config.RealServer) (Target, hcl.Diagnostics) {
	b := &realServer{
		cfg:    cfg,
		rs:     rs,
		h:      state.Host{Name: rs.Name, Role: state.RoleRealServer, NoBoot: !rs.Boot},
		placed: make(map[netip.Addr]bool),
	}
	var nat []*config.VirtualServer
	for _, vs := range cfg.VirtualServers {
		for _, s := range vs.Servers {
			if s.Address != rs.Address {
				continue
			}
			switch {
			case s.Method == state.MethodNAT:
				nat = append(nat, vs)
			case vs.VIP.IsValid() && !b.placed[vs.VIP]:
				// A firewall-mark service has no VIP of its own to place.
				b.placeVIP(vs.VIP, s.Method)
			}
		}
	}
	// VIPs declared on the real server itself, for a director not in the file.
	for _, v := range rs.VIPs {
		if v.Method != "" && !b.placed[v.Address] {
			b.placeVIP(v.Address, v.Method)
		}
	}
	b.h.Sysctls = declareSysctls(nil, rs.Sysctls) // declared first: addSysctl keeps them
	b.sysctls()
	b.natRoute(nat)
	b.h.Routes = declareRoutes(b.h.Routes, rs.Routes)
	return Target{Connection: connection(rs.Netns, rs.SSH), Desired: b.h}, b.diags
}

// placeVIP puts a DR or TUN VIP on the real server, so it accepts packets
// addressed to the VIP, and for DR the host route through that interface.
func (b *realServer) placeVIP(vip netip.Addr, method state.Method) {
	b.placed[vip] = true
	iface, rng := b.rs.VIPInterface, b.rs.AttrRange("vip_interface")
	if iface == "" {
		iface = DefaultVIPInterface(vip, b.rs.Address, method)
	}
	if method == state.MethodTUN && vip.Is4() && b.rs.Address.Is6() && iface == "ip6tnl0" && !b.warned4in6 {
		// The fallback ip6tnl0 decapsulates IPv6 in IPv6 only (its mode
		// is ip6ip6), so IPv4 in IPv6 needs a device in mode any or ipip6.
		b.warned4in6 = true
		b.diags = append(b.diags, warning(b.rs.DefRange, "IPv4 VIP behind an IPv6 tunnel",
			"real_server %q receives the IPv4 VIP %s in IPv6 tunnel packets, which the kernel's ip6tnl0 drops while its mode is ip6ip6 (the default). Run `ip -6 tunnel change ip6tnl0 mode any` on the host, or give vip_interface a tunnel of mode ipip6.", b.rs.Name, vip))
	}
	ov := findVIP(b.rs.VIPs, vip)
	if ov != nil && ov.Interface != "" {
		iface, rng = ov.Interface, ov.AttrRange("interface")
	}
	a, ok := vipAddress(vip, iface, ov, &b.labels, rng, &b.diags)
	if !ok {
		return
	}
	if vip.Is4() {
		b.arpIfaces = appendNew(b.arpIfaces, iface)
		if method == state.MethodTUN {
			b.tunIfaces = appendNew(b.tunIfaces, iface)
		}
	}
	b.h.Addresses = append(b.h.Addresses, a)
	// The host route is derived for DR; vip_route = true asks for it on TUN too.
	if b.rs.VIPRoute && (method == state.MethodDR || b.rs.Has("vip_route")) {
		b.addRoute(state.Route{Destination: netip.PrefixFrom(vip, vip.BitLen()), Interface: iface})
	}
}

// DefaultVIPInterface is lo for DR, and for TUN the device that decapsulates
// what arrives: tunl0 (IPv4 in IPv4), ip6tnl0 (anything in IPv6) or sit0
// (IPv6 in IPv4).
func DefaultVIPInterface(vip, rs netip.Addr, method state.Method) string {
	switch {
	case method != state.MethodTUN:
		return "lo"
	case rs.Is6():
		return "ip6tnl0"
	case vip.Is4():
		return "tunl0"
	}
	return "sit0"
}

// sysctls suppresses ARP for the VIPs on all interfaces and the ones that
// carry them, and turns reverse-path filtering off where tunnelled packets
// arrive (their inner source is the client, not reachable via the tunnel).
func (b *realServer) sysctls() {
	if len(b.arpIfaces) == 0 {
		return // no IPv4 VIP: ARP is an IPv4 matter
	}
	ignore, announce := arpIgnore, arpAnnounce
	if b.rs.ARPIgnore != nil {
		ignore = *b.rs.ARPIgnore
	}
	if b.rs.ARPAnnounce != nil {
		announce = *b.rs.ARPAnnounce
	}
	for _, iface := range append(append([]string{"all"}, b.arpIfaces...), b.rs.ARPInterfaces...) {
		b.addSysctl(sysctlName("ipv4", iface, "arp_ignore"), strconv.Itoa(ignore))
		b.addSysctl(sysctlName("ipv4", iface, "arp_announce"), strconv.Itoa(announce))
	}
	rp := b.rs.RPFilter
	if rp == "" {
		rp = "0"
	}
	if len(b.tunIfaces) > 0 && rp != config.Unmanaged {
		for _, iface := range append([]string{"all"}, b.tunIfaces...) {
			b.addSysctl(sysctlName("ipv4", iface, "rp_filter"), rp)
		}
	}
}

// natRoute routes a NAT real server's replies back through its director,
// unless the configuration routes them itself.
func (b *realServer) natRoute(nat []*config.VirtualServer) {
	if len(nat) == 0 || slices.ContainsFunc(b.rs.Routes, func(r *config.Route) bool {
		return r.IsDefault() && r.Destination.Addr().Is4() == b.rs.Address.Is4()
	}) {
		return
	}
	var gateways []netip.Addr
	var from []string
	for _, vs := range nat {
		for _, name := range vs.Directors {
			d := b.director(name)
			if d != nil && d.Address.IsValid() && d.Address.Is4() == b.rs.Address.Is4() && !slices.Contains(gateways, d.Address) {
				gateways = append(gateways, d.Address)
				from = append(from, fmt.Sprintf("%s (director %q)", d.Address, d.Name))
			}
		}
	}
	names := make([]string, len(nat))
	for i, vs := range nat {
		names[i] = strconv.Quote(vs.Name)
	}
	switch len(gateways) {
	case 0:
		b.diags = append(b.diags, warning(b.rs.DefRange, "NAT real server without a gateway",
			"real_server %q is a NAT server of virtual_server %s, so its replies must go back through the director, but no director of the service has an address and no default route is declared. Set address (the DIP) on the director, or add a route block with destination = \"default\".",
			b.rs.Name, strings.Join(names, ", ")))
		return
	case 1:
	default:
		b.diags = append(b.diags, warning(b.rs.DefRange, "Several NAT gateways",
			"real_server %q is a NAT server behind directors with different addresses: %s. It can have one default route; using %s. Declare a route block with destination = \"default\" to choose.",
			b.rs.Name, strings.Join(from, ", "), gateways[0]))
	}
	b.addRoute(state.Route{Destination: netip.PrefixFrom(unspecified(gateways[0]), 0), Gateway: gateways[0]})
}

func (b *realServer) director(name string) *config.Director {
	for _, d := range b.cfg.Directors {
		if d.Name == name {
			return d
		}
	}
	return nil
}

func unspecified(a netip.Addr) netip.Addr {
	if a.Is4() {
		return netip.IPv4Unspecified()
	}
	return netip.IPv6Unspecified()
}

// addRoute adds a route; a declared route replaces a derived one of the same key.
func (b *realServer) addRoute(r state.Route) {
	b.h.Routes = slices.DeleteFunc(b.h.Routes, func(o state.Route) bool { return o.Key() == r.Key() })
	b.h.Routes = append(b.h.Routes, r)
}

func (b *realServer) addSysctl(name, value string) {
	if _, ok := b.h.Sysctl(name); !ok {
		b.h.Sysctls = append(b.h.Sysctls, state.Sysctl{Name: name, Value: value})
	}
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
