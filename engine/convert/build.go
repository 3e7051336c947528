package convert

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/lvsctl/lvsctl/engine/compile"
	"github.com/lvsctl/lvsctl/engine/convert/ipvsadm"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Cluster is the converted cluster, in the terms of the HCL it becomes.
type Cluster struct {
	Variables   []Variable
	Directors   []*Director
	Services    []*Service
	RealServers []*RealServer
	// Netns writes netns = NAME for each host (see Options).
	Netns bool
	// Connections are known connections by host name (see Options).
	Connections map[string]state.Connection
	// Notes are every host's notes, each with the block it belongs in.
	Notes []Note
	// hosts are the inputs, by block name, for the check against the
	// compiled result.
	hosts map[string]*Host
	// headers are the header comments already written, so that hosts
	// converted from one script carry them once.
	headers map[string]bool
}

// Variable is a value the output names once: a VIP the input held in a
// variable or used in several services.
type Variable struct{ Name, Value string }

// Director is a director block.
type Director struct {
	Name      string
	Comments  []string
	Interface string
	Address   netip.Addr
	VIPAlias  bool
	IPForward *bool
	// IPForwardUnmanaged: the input serves NAT and leaves forwarding alone.
	IPForwardUnmanaged bool
	Timeouts           *state.Timeouts
	VIPs               []VIPBlock
	Routes             []state.Route
	Sysctls            []state.Sysctl
	SyncDaemons        []state.SyncDaemon
}

// Service is a virtual_server block.
type Service struct {
	Name      string
	Directors []string
	S         state.Service
	Comments  []string
}

// RealServer is a real_server block: the address and whatever differs
// from what lvsctl derives.
type RealServer struct {
	Name         string
	Comments     []string
	Address      netip.Addr
	ARPIgnore    *int
	ARPAnnounce  *int
	VIPInterface string
	// VIPRoute is vip_route when it must be written (false for DR without
	// the host route, true for TUN with it).
	VIPRoute      *bool
	ARPInterfaces []string
	RPFilter      string
	VIPs          []VIPBlock
	Sysctls       []state.Sysctl
	Routes        []state.Route
}

// Build merges the hosts into one cluster. A host with IPVS services (or
// keepalived's VRRP) is a director; one with addresses, routes or sysctls
// but no services is a real server.
func Build(hosts []*Host) *Cluster {
	c := &Cluster{hosts: map[string]*Host{}, headers: map[string]bool{}}
	var reals []*Host
	for _, h := range hosts {
		switch {
		case h.Role == state.RoleDirector || h.Role == "" && (len(h.State.Services) > 0 || h.VRRP || h.State.Timeouts != nil):
			c.addDirector(h)
		case h.Role == state.RoleRealServer || len(h.State.Addresses)+len(h.State.Routes)+len(h.State.Sysctls) > 0:
			reals = append(reals, h)
		default:
			c.hostNotes(h, "")
		}
	}
	for _, h := range reals {
		c.addRealServer(h)
	}
	c.variables(hosts)
	return c
}

func (c *Cluster) hostNotes(h *Host, target string) {
	for _, n := range h.Notes {
		if n.Target == "" {
			n.Target = target
		}
		c.Notes = append(c.Notes, n)
	}
}

func (c *Cluster) addDirector(h *Host) {
	d := &Director{Name: h.Name, VIPAlias: true, Address: h.Address, Comments: c.header(h)}
	if !d.Address.IsValid() {
		d.Address = h.hint(DirectorHint)
	}
	c.hosts["director "+d.Name] = h
	vips := map[netip.Addr]bool{}
	for _, s := range h.State.Services {
		vips[s.Address] = true
	}
	for _, a := range h.State.Addresses {
		ip := a.Prefix.Addr()
		switch {
		case vips[ip] && d.Interface == "" && a.Interface != "lo":
			d.Interface = a.Interface
		case !vips[ip] && !d.Address.IsValid() && ip.Is4() && a.Interface != "lo" && a.Label == "":
			d.Address = ip
		}
	}
	for _, a := range h.State.Addresses {
		if vips[a.Prefix.Addr()] && d.Interface == "" {
			d.Interface = a.Interface // VIPs on lo only
		}
	}
	if d.Interface == "" && len(vips) > 0 || h.VRRP {
		d.VIPAlias = false
		if h.Interface != "" {
			d.Interface = h.Interface
		}
		if !h.VRRP && len(vips) > 0 && !vips[netip.Addr{}] {
			h.Note(Pos{File: strings.Join(h.Files, ", ")}, Info, "", "no input puts the VIPs on an interface, so vip_alias = false leaves them as they are; to have lvsctl place them, set interface and remove vip_alias")
		}
	}
	if v, ok := h.State.Sysctl("net.ipv4.ip_forward"); ok && (v == "0" || v == "1") {
		on := v == "1"
		d.IPForward = &on
	}
	d.Timeouts = h.State.Timeouts
	c.directorSettings(d, h)
	c.Directors = append(c.Directors, d)
	c.hostNotes(h, "director "+d.Name)

	for _, s := range h.State.Services {
		pos, _ := h.Origin("svc:" + s.Key())
		if s.FWMark == 0 && s.Port == 0 && s.Persistence == 0 {
			// ipvsadm refuses it; keepalived's attempt fails in the kernel.
			h.skip["svc:"+s.Key()] = "a service on port 0 (every port) must be persistent"
			c.Notes = append(c.Notes, Note{Pos: pos, Kind: Failed, What: "service " + s.Key(),
				Why: "a service on every port (port 0) must be persistent: the kernel refuses it (Invalid argument), so it does not exist", Target: "director " + d.Name})
			continue
		}
		if i := slices.IndexFunc(c.Services, func(o *Service) bool { return sameService(o.S, s) }); i >= 0 {
			c.Services[i].Directors = append(c.Services[i].Directors, d.Name)
			continue
		}
		c.Services = append(c.Services, &Service{
			Name: c.serviceName(s), Directors: []string{d.Name}, S: s, Comments: h.Comment(pos),
		})
	}
	c.placeDirectorVIPs(d, h)
}

// sameService reports whether two directors' services are one service
// shared by both (a MASTER/BACKUP pair).
func sameService(a, b state.Service) bool {
	return cmp.Equal(a, b, cmp.Comparer(func(x, y netip.Addr) bool { return x == y }),
		cmpopts.SortSlices(func(x, y state.Server) bool { return x.Key() < y.Key() }), cmpopts.EquateEmpty())
}

func (c *Cluster) serviceName(s state.Service) string {
	base := ""
	switch {
	case s.FWMark != 0:
		base = fmt.Sprintf("fwmark%d", s.FWMark)
	case s.Port == 0:
		base = "all-ports"
		if s.Protocol != "tcp" {
			base += "-" + s.Protocol
		}
	case ipvsadm.PortName(s.Port) != "":
		base = ipvsadm.PortName(s.Port)
		if c.nameTaken(base) && s.Protocol != "tcp" {
			base += "-" + s.Protocol
		}
	default:
		base = fmt.Sprintf("%s%d", s.Protocol, s.Port)
	}
	name := base
	for n := 2; c.nameTaken(name); n++ {
		name = fmt.Sprintf("%s-%d", base, n)
	}
	return name
}

func (c *Cluster) nameTaken(name string) bool {
	return slices.ContainsFunc(c.Services, func(o *Service) bool { return o.Name == name })
}

// servedBy returns the services with a server at addr and their methods.
func (c *Cluster) servedBy(addr netip.Addr) (svcs []*Service, methods []state.Method) {
	for _, s := range c.Services {
		for _, srv := range s.S.Servers {
			if srv.Address == addr {
				svcs = append(svcs, s)
				methods = append(methods, srv.Method)
			}
		}
	}
	return svcs, methods
}

func (c *Cluster) isVIP(a netip.Addr) bool {
	return slices.ContainsFunc(c.Services, func(s *Service) bool { return s.S.Address == a })
}

func (c *Cluster) addRealServer(h *Host) {
	addr := h.Address
	if !addr.IsValid() {
		addr = h.hint(RealServerHint)
	}
	for _, a := range h.State.Addresses {
		ip := a.Prefix.Addr()
		if !addr.IsValid() && a.Interface != "lo" && !tunnelDevice(a.Interface) && !c.isVIP(ip) {
			addr = ip
		}
	}
	if !addr.IsValid() {
		addr = c.freeServer(h)
	}
	if !addr.IsValid() {
		why := "its address (the RIP) is unknown: name it NAME@ADDRESS=FILE"
		if len(h.State.Addresses)+len(h.State.Routes) == 0 {
			why = "the input leaves only sysctls here (no service, VIP or route), so nothing says which host of the cluster this is; " + why + " if it is a real server"
		}
		h.Note(Pos{File: strings.Join(h.Files, ", ")}, LeftOut, "real server "+h.Name, why)
		c.hostNotes(h, "")
		return
	}
	rs := &RealServer{Name: h.Name, Address: addr, Comments: c.header(h)}
	c.hosts["real_server "+rs.Name] = h
	_, methods := c.servedBy(addr)
	// Overrides only where the input clearly chose something else.
	for _, a := range h.State.Addresses {
		if c.isVIP(a.Prefix.Addr()) && a.Interface != defaultVIPIface(methods) && rs.VIPInterface == "" {
			rs.VIPInterface = a.Interface
		}
	}
	places := c.realServerVIPs(rs, h)
	var ifaces []string
	rs.VIPs, ifaces = vipBlocks(places, h.State.Addresses)
	var arp, tun []string
	routeIface := map[netip.Addr]string{}
	dr, tunOnly := false, true
	for i, p := range places {
		method := p.method
		if method == "" {
			method = c.methodAt(p.vip, addr)
		}
		if p.vip.Is4() && !slices.Contains(arp, ifaces[i]) {
			arp = append(arp, ifaces[i])
		}
		if method == state.MethodTUN && p.vip.Is4() && !slices.Contains(tun, ifaces[i]) {
			tun = append(tun, ifaces[i])
		}
		routeIface[p.vip] = ifaces[i]
		dr = dr || method == state.MethodDR
		tunOnly = tunOnly && method == state.MethodTUN
	}
	c.realServerSettings(rs, h, arp, tun)
	hasVIPRoute := false
	for _, r := range h.State.Routes {
		if iface, ok := routeIface[r.Destination.Addr()]; ok && r.Destination.IsSingleIP() && r == (state.Route{Destination: r.Destination, Interface: iface}) {
			hasVIPRoute = true
			continue
		}
		if r.Destination.Bits() == 0 && c.isDirectorAddress(r.Gateway) && slices.Contains(methods, "nat") && r.Interface == "" && r.Metric == 0 && r.Table == 0 {
			continue // derived from NAT
		}
		if why := routeProblem(r); why != "" {
			h.skip["route:"+r.Key()] = why
			continue
		}
		rs.Routes = append(rs.Routes, r)
	}
	switch {
	case dr && !hasVIPRoute:
		rs.VIPRoute = new(bool)
	case len(places) > 0 && tunOnly && hasVIPRoute:
		t := true
		rs.VIPRoute = &t
	}
	c.RealServers = append(c.RealServers, rs)
	c.hostNotes(h, "real_server "+rs.Name)
}

// realServerVIPs are the VIPs lvsctl places on a real server, in its
// order: those of the services that send to it by DR or TUN, then the ones
// the input carries on lo or a tunnel device that no service has (their
// director is not in the file), which the real server declares itself.
func (c *Cluster) realServerVIPs(rs *RealServer, h *Host) []placement {
	var out []placement
	placed := func(vip netip.Addr) bool {
		return slices.ContainsFunc(out, func(p placement) bool { return p.vip == vip })
	}
	iface := func(vip netip.Addr, m state.Method) string {
		if rs.VIPInterface != "" {
			return rs.VIPInterface
		}
		return compile.DefaultVIPInterface(vip, rs.Address, m)
	}
	for _, s := range c.Services {
		for _, srv := range s.S.Servers {
			if srv.Address == rs.Address && srv.Method != state.MethodNAT && s.S.Address.IsValid() && !placed(s.S.Address) {
				out = append(out, placement{vip: s.S.Address, iface: iface(s.S.Address, srv.Method)})
			}
		}
	}
	for _, a := range h.State.Addresses {
		ip := a.Prefix.Addr()
		if c.isVIP(ip) || placed(ip) || ip.IsLoopback() || ip == rs.Address || !ip.IsGlobalUnicast() {
			continue
		}
		m := state.MethodDR
		switch {
		case tunnelDevice(a.Interface):
			m = state.MethodTUN
		case a.Interface != "lo":
			continue // the host's own addresses stay the system's
		}
		out = append(out, placement{vip: ip, iface: iface(ip, m), method: m})
	}
	return out
}

// methodAt is how the services send to the VIP's server at addr.
func (c *Cluster) methodAt(vip, addr netip.Addr) state.Method {
	for _, s := range c.Services {
		for _, srv := range s.S.Servers {
			if s.S.Address == vip && srv.Address == addr && srv.Method != state.MethodNAT {
				return srv.Method
			}
		}
	}
	return state.MethodDR
}

// header returns the host's header comment, unless a block already has it.
func (c *Cluster) header(h *Host) []string {
	key := strings.Join(h.Header, "\n")
	if key == "" || c.headers[key] {
		return nil
	}
	c.headers[key] = true
	return h.Header
}

func (c *Cluster) isDirectorAddress(a netip.Addr) bool {
	return a.IsValid() && slices.ContainsFunc(c.Directors, func(d *Director) bool { return d.Address == a })
}

func defaultVIPIface(methods []state.Method) string {
	if slices.Contains(methods, "tun") && !slices.Contains(methods, "dr") {
		return "tunl0"
	}
	return "lo"
}

func intSysctl(h *Host, name string) (int, bool) {
	v, ok := h.State.Sysctl(name)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// freeServer picks, for a real server whose input does not say its
// address, the first server address of a service whose VIP the host
// carries that no other real server has taken, and says so.
func (c *Cluster) freeServer(h *Host) netip.Addr {
	taken := func(a netip.Addr) bool {
		return slices.ContainsFunc(c.RealServers, func(r *RealServer) bool { return r.Address == a })
	}
	carries := func(vip netip.Addr) bool {
		return slices.ContainsFunc(h.State.Addresses, func(a state.Address) bool { return a.Prefix.Addr() == vip })
	}
	for _, s := range c.Services {
		if !carries(s.S.Address) && s.S.FWMark == 0 {
			continue
		}
		for _, srv := range s.S.Servers {
			if !taken(srv.Address) {
				h.Note(Pos{File: strings.Join(h.Files, ", ")}, Info, "real server "+h.Name,
					fmt.Sprintf("the input does not say its address; it takes %s, the next server of virtual_server %q (name it NAME@ADDRESS=FILE to choose)", srv.Address, s.Name))
				return srv.Address
			}
		}
	}
	return netip.Addr{}
}

// variables names the VIPs the inputs held in variables, and those used by
// several services.
func (c *Cluster) variables(hosts []*Host) {
	uses := map[netip.Addr]int{}
	var order []netip.Addr
	for _, s := range c.Services {
		if !s.S.Address.IsValid() {
			continue
		}
		if uses[s.S.Address] == 0 {
			order = append(order, s.S.Address)
		}
		uses[s.S.Address]++
	}
	for _, vip := range order {
		name := ""
		for _, h := range hosts {
			if n := h.Vars[vip.String()]; n != "" && name == "" {
				name = n
			}
		}
		if name == "" && uses[vip] < 2 {
			continue
		}
		name = identifier(name, "vip")
		base := name
		for n := 2; slices.ContainsFunc(c.Variables, func(v Variable) bool { return v.Name == name }); n++ {
			name = fmt.Sprintf("%s_%d", base, n)
		}
		c.Variables = append(c.Variables, Variable{Name: name, Value: vip.String()})
	}
}

// identifier makes an HCL identifier of a shell variable name.
func identifier(s, def string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	out := strings.Trim(b.String(), "_")
	if out == "" || out[0] >= '0' && out[0] <= '9' {
		return def
	}
	return out
}

func (c *Cluster) variableFor(a netip.Addr) string {
	for _, v := range c.Variables {
		if v.Value == a.String() {
			return v.Name
		}
	}
	return ""
}
