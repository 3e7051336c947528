// Package graph draws a cluster's topology: its directors, their virtual
// services (VIPs), the real servers behind each with method and weight, and
// the VRRP pairs (directors that share services and leave the VIP to
// keepalived). Build makes the picture from the configuration; Mark colours
// it with a plan, so a reviewer sees what is added, changed and removed.
// Mermaid and DOT draw it.
package graph

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/lvsctl/lvsctl/engine/compile"
	"github.com/lvsctl/lvsctl/engine/config"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Status is what a plan does to a part of the picture.
type Status int

const (
	Same Status = iota
	Added
	Changed
	Removed
)

// symbol is the plan's symbol for the status, which labels carry so the
// picture reads without colour.
func (s Status) symbol() string {
	switch s {
	case Added:
		return "+ "
	case Changed:
		return "~ "
	case Removed:
		return "- "
	}
	return ""
}

func (s Status) class() string {
	switch s {
	case Added:
		return "added"
	case Changed:
		return "changed"
	case Removed:
		return "removed"
	}
	return ""
}

// Graph is the picture of one cluster.
type Graph struct {
	Directors   []*Director
	Services    []*Service
	RealServers []*RealServer
	// Pairs are the VRRP groups: directors with vip_alias = false that share
	// a service, names sorted, each with the VIPs they share.
	Pairs []Pair
	// Marked: Mark has coloured the picture with a plan.
	Marked bool
}

// Director is a host in the director role.
type Director struct {
	Name      string
	Interface string
	Address   netip.Addr
	// VIPAlias false: keepalived (VRRP) moves the VIPs, lvsctl does not alias them.
	VIPAlias bool
	Status   Status
}

// Service is a virtual service, one node however many directors carry it.
type Service struct {
	Key       string // state.Service.Key: tcp/10.0.0.1:80
	Name      string // the virtual_server block
	Scheduler string
	// Persistence in seconds, 0 when not persistent.
	Persistence uint32
	Directors   []*Link
	Servers     []*Backend
	Status      Status
}

// Link is a director carrying a service; Alias is the label of the VIP
// alias lvsctl puts on the director ("ens34:0"), empty without one.
type Link struct {
	Director string
	Alias    string
	Status   Status
}

// Backend is a real server of a service.
type Backend struct {
	Address netip.AddrPort
	// Host is the real_server block at that address; empty when the server
	// is not a host lvsctl manages.
	Host   string
	Method string
	Weight uint32
	// WeightBefore is the weight a plan changes from, when it does.
	WeightBefore *uint32
	// MethodBefore is the method a plan changes from, when it does.
	MethodBefore string
	Status       Status
}

// RealServer is a host in the real-server role.
type RealServer struct {
	Name    string
	Address netip.Addr
	Status  Status
}

// Pair is a group of directors sharing VIPs through VRRP.
type Pair struct {
	Directors []string
	VIPs      []string
}

// Build draws the cluster the configuration describes; targets are its
// compiled hosts (compile.Compile), whose services carry every default
// resolved.
func Build(cfg *config.Config, targets []compile.Target) *Graph {
	g := &Graph{}
	byName := map[string]*config.Director{}
	for _, d := range cfg.Directors {
		byName[d.Name] = d
	}
	for _, rs := range cfg.RealServers {
		g.RealServers = append(g.RealServers, &RealServer{Name: rs.Name, Address: rs.Address})
	}
	slices.SortFunc(g.RealServers, func(a, b *RealServer) int { return a.Address.Compare(b.Address) })
	for _, t := range targets {
		if t.Desired.Role != state.RoleDirector {
			continue
		}
		d := &Director{Name: t.Desired.Name, VIPAlias: true}
		if c := byName[d.Name]; c != nil {
			d.Interface, d.Address, d.VIPAlias = c.Interface, c.Address, c.VIPAlias
		}
		g.Directors = append(g.Directors, d)
		for _, s := range t.Desired.Services {
			g.addService(d.Name, s, aliasOf(t.Desired, s), Same)
		}
	}
	g.Pairs = pairs(g)
	return g
}

// aliasOf is the label of the address carrying the service's VIP on the
// director, if lvsctl puts one there.
func aliasOf(h state.Host, s state.Service) string {
	if !s.Address.IsValid() {
		return ""
	}
	for _, a := range h.Addresses {
		if a.Prefix.Addr() == s.Address && a.Prefix.IsSingleIP() {
			if a.Label != "" {
				return a.Label
			}
			return a.Interface
		}
	}
	return ""
}

// addService adds the service (or the director's link to it, when another
// director carries it too) and its servers.
func (g *Graph) addService(director string, s state.Service, alias string, st Status) *Service {
	svc := g.service(s.Key())
	if svc == nil {
		svc = &Service{Key: s.Key(), Name: s.Name, Scheduler: string(s.Scheduler), Persistence: s.Persistence, Status: st}
		g.Services = append(g.Services, svc)
	}
	if svc.link(director) == nil {
		svc.Directors = append(svc.Directors, &Link{Director: director, Alias: alias, Status: st})
	}
	for _, d := range s.Servers {
		if svc.backend(d.Key()) == nil {
			svc.Servers = append(svc.Servers, &Backend{Address: netip.AddrPortFrom(d.Address, d.Port),
				Host: g.hostAt(d.Address), Method: string(d.Method), Weight: d.Weight, Status: st})
		}
	}
	return svc
}

func (g *Graph) service(key string) *Service {
	return find(g.Services, func(s *Service) bool { return s.Key == key })
}

func (s *Service) link(director string) *Link {
	return find(s.Directors, func(l *Link) bool { return l.Director == director })
}

func (s *Service) backend(key string) *Backend {
	return find(s.Servers, func(b *Backend) bool { return b.Address.String() == key })
}

// hostAt is the name of the real server at the address, "" if none.
func (g *Graph) hostAt(a netip.Addr) string {
	if rs := find(g.RealServers, func(rs *RealServer) bool { return rs.Address == a }); rs != nil {
		return rs.Name
	}
	return ""
}

func (g *Graph) director(name string) *Director {
	return find(g.Directors, func(d *Director) bool { return d.Name == name })
}

func (g *Graph) realServer(name string) *RealServer {
	return find(g.RealServers, func(rs *RealServer) bool { return rs.Name == name })
}

// find returns the first item match accepts, or nil.
func find[T any](items []*T, match func(*T) bool) *T {
	if i := slices.IndexFunc(items, match); i >= 0 {
		return items[i]
	}
	return nil
}

// pairs groups the directors without VIP aliases that share a service:
// keepalived moves those VIPs between them.
func pairs(g *Graph) []Pair {
	var out []Pair
	seen := map[string]int{} // group key -> index in out
	for _, s := range g.Services {
		var names []string
		for _, l := range s.Directors {
			if d := g.director(l.Director); d != nil && !d.VIPAlias {
				names = append(names, d.Name)
			}
		}
		if len(names) < 2 {
			continue
		}
		slices.Sort(names)
		key := strconv.Quote(names[0])
		for _, n := range names[1:] {
			key += "," + strconv.Quote(n)
		}
		vip, _, _ := cutKey(s.Key)
		i, ok := seen[key]
		if !ok {
			i = len(out)
			seen[key] = i
			out = append(out, Pair{Directors: names})
		}
		if !slices.Contains(out[i].VIPs, vip) {
			out[i].VIPs = append(out[i].VIPs, vip)
		}
	}
	return out
}

// cutKey splits a service key into what a picture shows: the VIP (or the
// firewall mark) and the protocol and port.
func cutKey(key string) (vip, proto string, port string) {
	proto, rest, _ := strings.Cut(key, "/")
	if proto == "fwmark" {
		return "fwmark " + rest, proto, ""
	}
	ap, err := netip.ParseAddrPort(rest)
	if err != nil {
		return rest, proto, ""
	}
	return ap.Addr().String(), proto, strconv.Itoa(int(ap.Port()))
}

// Mark colours the picture with a plan: what its changes add, change and
// remove. Services and servers the plan removes, and hosts removed from the
// configuration, are drawn too, dashed.
func (g *Graph) Mark(p plan.Plan) {
	g.Marked = true
	for _, h := range p.Hosts {
		if h.Removed {
			g.markRemovedHost(h)
		}
		for _, c := range h.Changes {
			switch c.Kind {
			case plan.KindService:
				g.markService(h.Host, c)
			case plan.KindServer:
				g.markServer(c)
			}
		}
	}
	for _, s := range g.Services {
		s.Status = s.aggregate()
	}
	changedHosts := map[string]bool{}
	for _, h := range p.Hosts {
		if len(h.Changes) > 0 {
			changedHosts[h.Host] = true
		}
	}
	for _, d := range g.Directors {
		if d.Status == Removed {
			continue
		}
		var links []Status
		for _, s := range g.Services {
			if l := s.link(d.Name); l != nil {
				links = append(links, l.Status)
			}
		}
		d.Status = hostStatus(links, changedHosts[d.Name])
	}
	for _, rs := range g.RealServers {
		if rs.Status == Removed {
			continue
		}
		var edges []Status
		for _, s := range g.Services {
			for _, b := range s.Servers {
				if b.Host == rs.Name {
					edges = append(edges, b.Status)
				}
			}
		}
		rs.Status = hostStatus(edges, changedHosts[rs.Name])
	}
}

// hostStatus: added when everything that leads to or from the host is new,
// changed when the plan touches it otherwise.
func hostStatus(edges []Status, changes bool) Status {
	if !changes {
		return Same
	}
	if len(edges) > 0 && !slices.ContainsFunc(edges, func(s Status) bool { return s != Added }) {
		return Added
	}
	return Changed
}

func (g *Graph) markRemovedHost(h plan.HostPlan) {
	if h.Role == state.RoleRealServer {
		if rs := g.realServer(h.Host); rs != nil {
			rs.Status = Removed
			return
		}
		g.RealServers = append(g.RealServers, &RealServer{Name: h.Host, Status: Removed})
		return
	}
	if d := g.director(h.Host); d != nil {
		d.Status = Removed
		return
	}
	g.Directors = append(g.Directors, &Director{Name: h.Host, VIPAlias: true, Status: Removed})
}

func (g *Graph) markService(director string, c plan.Change) {
	var before, after *state.Service
	if c.Before != nil {
		before = c.Before.Service
	}
	if c.After != nil {
		after = c.After.Service
	}
	switch c.Action {
	case plan.Create:
		if after != nil {
			g.linkStatus(director, *after, c.Name, Added)
		}
	case plan.Delete:
		if before != nil {
			g.linkStatus(director, *before, c.Name, Removed)
		}
	case plan.Replace:
		if after != nil {
			g.linkStatus(director, *after, c.Name, Added)
		}
		if before != nil {
			g.linkStatus(director, *before, c.Name, Removed)
		}
	case plan.Update:
		if after != nil {
			g.linkStatus(director, *after, c.Name, Changed)
		}
	}
}

// linkStatus sets the status of the director's link to the service, adding
// service and link when the configuration no longer has them.
func (g *Graph) linkStatus(director string, s state.Service, name string, st Status) {
	if s.Name == "" {
		s.Name = name
	}
	s.Servers = nil // a plan's service carries none; its servers are their own changes
	svc := g.addService(director, s, "", st)
	l := svc.link(director)
	if st == Changed {
		svc.Status = Changed
		if l.Status == Same {
			l.Status = Changed
		}
		return
	}
	l.Status = st
}

func (g *Graph) markServer(c plan.Change) {
	var before, after *state.Server
	if c.Before != nil {
		before = c.Before.Server
	}
	if c.After != nil {
		after = c.After.Server
	}
	if c.Service == nil {
		return // not a server change of a valid plan
	}
	svc := g.service(c.Service.Key())
	if svc == nil {
		return // a server of a service no director of the picture has
	}
	d := after
	if d == nil {
		d = before
	}
	if d == nil {
		return
	}
	b := svc.backend(d.Key())
	if b == nil {
		b = &Backend{Address: netip.AddrPortFrom(d.Address, d.Port), Host: g.hostAt(d.Address), Method: string(d.Method), Weight: d.Weight}
		svc.Servers = append(svc.Servers, b)
	}
	switch c.Action {
	case plan.Create:
		b.Status = Added
	case plan.Delete:
		b.Status = Removed
	default:
		b.Status = Changed
		if before != nil && after != nil {
			if before.Weight != after.Weight {
				w := before.Weight
				b.WeightBefore = &w
			}
			if before.Method != after.Method {
				b.MethodBefore = string(before.Method)
			}
		}
	}
}

// aggregate is the service's status from its links and servers: added or
// removed when every director gains or loses it, changed when anything of
// it changes.
func (s *Service) aggregate() Status {
	all := func(st Status) bool {
		return len(s.Directors) > 0 && !slices.ContainsFunc(s.Directors, func(l *Link) bool { return l.Status != st })
	}
	switch {
	case all(Added):
		return Added
	case all(Removed):
		return Removed
	case s.Status == Changed:
		return Changed
	}
	for _, l := range s.Directors {
		if l.Status != Same {
			return Changed
		}
	}
	for _, b := range s.Servers {
		if b.Status != Same {
			return Changed
		}
	}
	return Same
}
