package graph

import (
	"fmt"
	"io"
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

func write(w io.Writer, s string) error {
	if _, err := io.WriteString(w, s); err != nil {
		return fmt.Errorf("write graph: %w", err)
	}
	return nil
}

// Mermaid writes the picture as a Mermaid flowchart, which GitHub and
// GitLab draw inside a ```mermaid block of any Markdown.
func (g *Graph) Mermaid(w io.Writer) error {
	nodes, edges := g.elements()
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	classes := map[Status][]string{}
	for _, n := range nodes {
		label := mermaidText(strings.Join(labelled(n.lines, n.status), "\n"))
		open, closing := "[", "]"
		switch n.kind {
		case "service":
			open, closing = "{{", "}}"
		case "real_server":
			open, closing = "(", ")"
		case "server":
			open, closing = "([", "])"
		}
		fmt.Fprintf(&b, "  %s%s\"%s\"%s\n", n.id, open, label, closing)
		if n.status != Same {
			classes[n.status] = append(classes[n.status], n.id)
		}
	}
	links := map[Status][]string{}
	for i, e := range edges {
		arrow := "-->"
		switch {
		case e.vrrp:
			arrow = "-.-"
		case e.status == Removed:
			arrow = "-.->"
		}
		if label := edgeLabel(e); label != "" {
			fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", e.from, arrow, mermaidText(label), e.to)
		} else {
			fmt.Fprintf(&b, "  %s %s %s\n", e.from, arrow, e.to)
		}
		if e.status != Same {
			links[e.status] = append(links[e.status], strconv.Itoa(i))
		}
	}
	for _, st := range []Status{Added, Changed, Removed} {
		c := palette[st]
		if len(classes[st]) > 0 {
			dash := ""
			if st == Removed {
				dash = ",stroke-dasharray:5 5"
			}
			fmt.Fprintf(&b, "  classDef %s fill:%s,stroke:%s,color:%s%s\n", st.class(), c.fill, c.stroke, c.stroke, dash)
			fmt.Fprintf(&b, "  class %s %s\n", strings.Join(classes[st], ","), st.class())
		}
		if len(links[st]) > 0 {
			fmt.Fprintf(&b, "  linkStyle %s stroke:%s,color:%s\n", strings.Join(links[st], ","), c.stroke, c.stroke)
		}
	}
	return write(w, b.String())
}

// mermaidText escapes a label for a quoted Mermaid string; lines break with <br/>.
func mermaidText(s string) string {
	s = strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;").Replace(s)
	return strings.ReplaceAll(s, "\n", "<br/>")
}

// DOT writes the picture in Graphviz's language: `dot -Tsvg` draws it.
func (g *Graph) DOT(w io.Writer) error {
	nodes, edges := g.elements()
	var b strings.Builder
	b.WriteString("digraph lvsctl {\n")
	b.WriteString("  rankdir=LR;\n")
	b.WriteString("  fontname=\"Helvetica,Arial,sans-serif\";\n  fontsize=10;\n")
	b.WriteString("  node [fontname=\"Helvetica,Arial,sans-serif\", fontsize=11];\n")
	b.WriteString("  edge [fontname=\"Helvetica,Arial,sans-serif\", fontsize=10];\n")
	if g.Marked {
		b.WriteString("  labelloc=b;\n  label=\"+ added   ~ changed   - removed\";\n")
	}
	var directors []string
	for _, n := range nodes {
		attrs := []string{"label=" + dotText(strings.Join(labelled(n.lines, n.status), "\n"))}
		style := []string{}
		switch n.kind {
		case "director":
			attrs = append(attrs, "shape=box")
			directors = append(directors, n.id)
		case "service":
			attrs = append(attrs, "shape=hexagon")
		case "real_server":
			attrs = append(attrs, "shape=box")
			style = append(style, "rounded")
		case "server":
			attrs = append(attrs, "shape=ellipse")
		}
		if c, ok := palette[n.status]; ok {
			style = append(style, "filled")
			attrs = append(attrs, "color="+dotText(c.stroke), "fillcolor="+dotText(c.fill), "fontcolor="+dotText(c.stroke))
		}
		if n.status == Removed {
			style = append(style, "dashed")
		}
		if len(style) > 0 {
			attrs = append(attrs, "style="+dotText(strings.Join(style, ",")))
		}
		fmt.Fprintf(&b, "  %s [%s];\n", n.id, strings.Join(attrs, ", "))
	}
	if len(directors) > 1 {
		fmt.Fprintf(&b, "  { rank=same; %s; }\n", strings.Join(directors, "; "))
	}
	for _, e := range edges {
		var attrs []string
		if label := edgeLabel(e); label != "" {
			attrs = append(attrs, "label="+dotText(label))
		}
		if e.vrrp {
			attrs = append(attrs, "dir=none", "style=dashed", "constraint=false")
		}
		if c, ok := palette[e.status]; ok {
			attrs = append(attrs, "color="+dotText(c.stroke), "fontcolor="+dotText(c.stroke))
		}
		if e.status == Removed {
			attrs = append(attrs, "style=dashed")
		}
		line := "  " + e.from + " -> " + e.to
		if len(attrs) > 0 {
			line += " [" + strings.Join(attrs, ", ") + "]"
		}
		b.WriteString(line + ";\n")
	}
	b.WriteString("}\n")
	return write(w, b.String())
}

// dotText quotes s as a DOT string; newlines become line breaks.
func dotText(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
	return `"` + strings.ReplaceAll(s, "\n", `\n`) + `"`
}
