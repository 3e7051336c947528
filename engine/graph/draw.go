package graph

import (
	"fmt"
	"strconv"
	"strings"
)

// node and edge are the picture as both formats draw it.
type node struct {
	id     string
	kind   string // director, service, real_server, server (not a managed host)
	lines  []string
	status Status
}

type edge struct {
	from, to string
	label    string
	status   Status
	// vrrp: an undirected dashed line between directors sharing VIPs.
	vrrp bool
}

// elements lays the graph out: directors, services, real servers (and the
// servers that are no managed host), then the edges.
func (g *Graph) elements() ([]node, []edge) {
	var nodes []node
	var edges []edge
	ids := map[string]string{} // director or real server name, or server address -> id
	for i, d := range g.Directors {
		id := "d" + strconv.Itoa(i)
		ids["director "+d.Name] = id
		lines := []string{d.Name}
		var where []string
		if d.Interface != "" {
			where = append(where, d.Interface)
		}
		if d.Address.IsValid() {
			where = append(where, d.Address.String())
		}
		if len(where) > 0 {
			lines = append(lines, strings.Join(where, " "))
		}
		nodes = append(nodes, node{id: id, kind: "director", lines: lines, status: d.Status})
	}
	for i, rs := range g.RealServers {
		id := "r" + strconv.Itoa(i)
		ids["real_server "+rs.Name] = id
	}
	var servers []node
	for i, s := range g.Services {
		id := "s" + strconv.Itoa(i)
		vip, proto, port := cutKey(s.Key)
		lines := []string{}
		if s.Name != "" {
			lines = append(lines, s.Name)
		}
		if port != "" {
			lines = append(lines, proto+" "+joinHostPort(vip, port))
		} else {
			lines = append(lines, vip)
		}
		sched := s.Scheduler
		if s.Persistence > 0 {
			sched += fmt.Sprintf(", persistent %ds", s.Persistence)
		}
		if sched != "" {
			lines = append(lines, sched)
		}
		nodes = append(nodes, node{id: id, kind: "service", lines: lines, status: s.Status})
		for _, l := range s.Directors {
			edges = append(edges, edge{from: ids["director "+l.Director], to: id, label: l.Alias, status: l.Status})
		}
		for _, b := range s.Servers {
			to := ids["real_server "+b.Host]
			if b.Host == "" {
				key := "server " + b.Address.Addr().String()
				if ids[key] == "" {
					ids[key] = "x" + strconv.Itoa(len(servers))
					servers = append(servers, node{id: ids[key], kind: "server", lines: []string{b.Address.Addr().String()}})
				}
				to = ids[key]
			}
			edges = append(edges, edge{from: id, to: to, label: backendLabel(b, port), status: b.Status})
		}
	}
	for _, rs := range g.RealServers {
		lines := []string{rs.Name}
		if rs.Address.IsValid() {
			lines = append(lines, rs.Address.String())
		}
		nodes = append(nodes, node{id: ids["real_server "+rs.Name], kind: "real_server", lines: lines, status: rs.Status})
	}
	nodes = append(nodes, servers...)
	for _, p := range g.Pairs {
		for _, other := range p.Directors[1:] {
			edges = append(edges, edge{from: ids["director "+p.Directors[0]], to: ids["director "+other],
				label: "VRRP " + strings.Join(p.VIPs, ", "), vrrp: true})
		}
	}
	return nodes, edges
}

func joinHostPort(host, port string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + port
	}
	return host + ":" + port
}

// backendLabel is "dr, weight 1", with the port when it differs from the
// service's (NAT port mapping) and the values a plan changes from.
func backendLabel(b *Backend, servicePort string) string {
	method := b.Method
	if b.MethodBefore != "" {
		method = b.MethodBefore + "→" + method
	}
	weight := strconv.FormatUint(uint64(b.Weight), 10)
	if b.WeightBefore != nil {
		weight = strconv.FormatUint(uint64(*b.WeightBefore), 10) + "→" + weight
	}
	label := method + ", weight " + weight
	if port := strconv.Itoa(int(b.Address.Port())); port != servicePort && b.Address.Port() != 0 {
		label += ", port " + port
	}
	return label
}

// labelled puts the status symbol before the first line, so the picture
// reads without colour.
func labelled(lines []string, st Status) []string {
	if st == Same || len(lines) == 0 {
		return lines
	}
	out := append([]string(nil), lines...)
	out[0] = st.symbol() + out[0]
	return out
}

func edgeLabel(e edge) string {
	if e.status == Same {
		return e.label
	}
	return strings.TrimSpace(e.status.symbol() + e.label)
}

// Colours as GitHub draws diffs: green added, yellow changed, red removed.
var palette = map[Status]struct{ stroke, fill string }{
	Added:   {"#1a7f37", "#dafbe1"},
	Changed: {"#9a6700", "#fff8c5"},
	Removed: {"#cf222e", "#ffebe9"},
}
