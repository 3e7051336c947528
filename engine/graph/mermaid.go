package graph

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

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
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write graph: %w", err)
	}
	return nil
}

// mermaidText escapes a label for a quoted Mermaid string; lines break with <br/>.
func mermaidText(s string) string {
	s = strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;").Replace(s)
	return strings.ReplaceAll(s, "\n", "<br/>")
}
