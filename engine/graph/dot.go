package graph

import (
	"fmt"
	"io"
	"strings"
)

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
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write graph: %w", err)
	}
	return nil
}

// dotText quotes s as a DOT string; newlines become line breaks.
func dotText(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
	return `"` + strings.ReplaceAll(s, "\n", `\n`) + `"`
}
