package convert

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/lvsctl/lvsctl/engine/state"
)

// FromSnapshot turns the hosts of a state snapshot (`lvsctl show -o json`)
// into Hosts for Convert: what `lvsctl import` adopts. Of each host it keeps
// what lvsctl would manage there — a director's services, VIP aliases,
// forwarding and timeouts; a real server's VIPs, their routes and its ARP
// and rp_filter settings — and leaves the rest (the host's own address,
// 127.0.0.1, its default route) to the host, as a plan lists it as not
// managed. file names the snapshot in notes.
func FromSnapshot(file string, snap state.Snapshot) []*Host {
	vips := map[netip.Addr]bool{}
	var directors []netip.Addr
	for _, sh := range snap.Hosts {
		for _, s := range sh.Services {
			if s.Address.IsValid() {
				vips[s.Address] = true
			}
		}
	}
	for _, sh := range snap.Hosts {
		if sh.Role == state.RoleDirector {
			if a := primary(sh, vips); a.IsValid() {
				directors = append(directors, a)
			}
		}
	}
	var out []*Host
	for _, sh := range snap.Hosts {
		h := NewHost(sh.Name)
		where := file + " (host " + sh.Name + ")"
		h.Files = []string{where}
		h.Address = primary(sh, vips)
		h.Role = sh.Role
		if sh.Role == state.RoleDirector {
			importDirector(h, sh, vips, where)
		} else {
			importRealServer(h, sh, vips, directors, where)
		}
		out = append(out, h)
	}
	return out
}

// primary is the host's own address: the first global one that is no VIP
// and carries no alias label.
func primary(sh state.Host, vips map[netip.Addr]bool) netip.Addr {
	for _, a := range sh.Addresses {
		ip := a.Prefix.Addr()
		if a.Interface != "lo" && !vips[ip] && (a.Label == "" || a.Label == a.Interface) && ip.IsGlobalUnicast() {
			return ip
		}
	}
	return netip.Addr{}
}

func importDirector(h *Host, sh state.Host, vips map[netip.Addr]bool, where string) {
	pos := Pos{File: where}
	for _, s := range sh.Services {
		h.State.Services = append(h.State.Services, s)
		h.origin["svc:"+s.Key()] = pos
	}
	for _, a := range sh.Addresses {
		if vips[a.Prefix.Addr()] && a.Interface != "lo" {
			h.AddAddress(pos, "", a)
		}
	}
	nat := slices.ContainsFunc(sh.Services, func(s state.Service) bool {
		return slices.ContainsFunc(s.Servers, func(d state.Server) bool { return d.Method == "nat" })
	})
	if v, ok := sh.Sysctl("net.ipv4.ip_forward"); ok && (v == "1" || nat) {
		h.SetSysctl(pos, "net.ipv4.ip_forward", v)
	}
	if t := sh.Timeouts; t != nil && *t != (state.Timeouts{TCP: 900, TCPFin: 120, UDP: 300}) {
		h.State.Timeouts = t
		h.origin["timeouts"] = pos
	}
}

func importRealServer(h *Host, sh state.Host, vips map[netip.Addr]bool, directors []netip.Addr, where string) {
	pos := Pos{File: where}
	for _, a := range sh.Addresses {
		if vips[a.Prefix.Addr()] {
			h.AddAddress(pos, "", a)
		}
	}
	for _, r := range sh.Routes {
		if r.Destination.IsSingleIP() && vips[r.Destination.Addr()] || r.Destination.Bits() == 0 && slices.Contains(directors, r.Gateway) {
			h.AddRoute(pos, "", r)
		}
	}
	if len(h.State.Addresses) == 0 {
		return // no VIP here: its ARP settings are not lvsctl's to keep
	}
	tun := slices.ContainsFunc(h.State.Addresses, func(a state.Address) bool { return strings.HasPrefix(a.Interface, "tunl") })
	for _, s := range sh.Sysctls {
		if strings.HasSuffix(s.Name, ".arp_ignore") || strings.HasSuffix(s.Name, ".arp_announce") || tun && strings.HasSuffix(s.Name, ".rp_filter") {
			h.SetSysctl(pos, s.Name, s.Value)
		}
	}
}
