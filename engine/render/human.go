// Package render draws the views of a plan people read: the human plan of
// `lvsctl plan` (Human) and the pull-request comment (Markdown). Both are
// drawn from the machine plan alone, so what a reviewer reads is exactly
// what apply carries out.
package render

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/lvsctl/lvsctl/engine/plan"
)

// Options tune the human plan.
type Options struct {
	// Color draws symbols in colour (green +, yellow ~, red -) with ANSI
	// escapes. Callers set it only for a terminal.
	Color bool
	// Blocks are the places of the configuration's blocks, by address
	// (`virtual_server "http"`), and Files their sources: a warning about a
	// block is shown at its place, with the source. Both may be nil.
	Blocks map[string]hcl.Range
	Files  map[string]*hcl.File
	// Detailed draws every change of every host. Without it, a host with
	// more than SummaryFrom changes is summarised: its counts per kind,
	// its first and last changes (a page, where 100,000 would be a book).
	Detailed bool
}

// SummaryFrom is the number of changes of one host above which the human
// plan summarises it, unless Options.Detailed; SummaryHead and SummaryTail
// are the changes shown from its start and its end.
const (
	SummaryFrom = 40
	SummaryHead = 10
	SummaryTail = 5
)

// Human writes the plan as people review it: per host, the changes in the
// order apply makes them, each with its symbol, address and attributes,
// then what is left alone, warnings, and a one-line summary.
func Human(w io.Writer, p plan.Plan, opts Options) error {
	bw := bufio.NewWriter(w)
	pr := printer{w: bw, color: opts.Color, files: opts.Files, blocks: opts.Blocks, summarise: !opts.Detailed}
	pr.plan(p)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	return nil
}

// printer draws a plan. In diff mode (Markdown) every line that belongs to a
// change starts with its symbol, so a ```diff block colours it.
type printer struct {
	w      *bufio.Writer
	color  bool
	diff   bool
	files  map[string]*hcl.File
	blocks map[string]hcl.Range
	// summarise draws big hosts in short (Options.Detailed).
	summarise bool
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

// Indentation of the parts of a host's section.
const (
	changeIndent = 2
	attrIndent   = 6
	wrapWidth    = 100
)

func (pr *printer) plan(p plan.Plan) {
	for i, h := range p.Hosts {
		if i > 0 {
			pr.w.WriteString("\n")
		}
		pr.host(h)
	}
	if len(p.Hosts) > 0 {
		pr.w.WriteString("\n")
	}
	for _, w := range p.Warnings {
		pr.diagnostic(w, "")
	}
	held := ""
	if n := p.HeldBack(); n > 0 {
		held = fmt.Sprintf(" %d change(s) held back until the hosts they depend on can be reached.", n)
	}
	if !p.HasChanges() {
		if held != "" {
			pr.w.WriteString(pr.style(ansiBold, "No changes") + " can be made now." + held + "\n")
			return
		}
		pr.w.WriteString(pr.style(ansiBold, "No changes.") + " The hosts match the configuration.\n")
		return
	}
	add, change, destroy := p.Counts()
	pr.w.WriteString(pr.style(ansiBold, "Plan:") +
		fmt.Sprintf(" %d to add, %d to change, %d to destroy.%s\n", add, change, destroy, held))
}

func (pr *printer) host(h plan.HostPlan) {
	role := string(h.Role)
	if role == "" {
		role = "host"
	}
	head := "# " + role + " " + strconv.Quote(h.Host)
	if h.Removed {
		head += " (removed from the configuration: what lvsctl made here goes)"
	}
	if len(h.RenamedFrom) > 0 {
		head += " (renamed from " + quoteAll(h.RenamedFrom) + ": the same host, reached as before; the records learn the new name)"
	}
	pr.w.WriteString(pr.style(ansiBold, head) + "\n")
	if len(h.Changes) == 0 {
		pr.w.WriteString("\n  No changes.\n")
	}
	if pr.summarise && len(h.Changes) > SummaryFrom {
		pr.summary(h.Changes)
	} else {
		for _, c := range h.Changes {
			pr.w.WriteString("\n")
			pr.change(c)
		}
	}
	if len(h.Unmanaged) > 0 {
		pr.w.WriteString("\n")
		pr.wrapped("  Not managed (left alone): ", h.Unmanaged)
	}
	if len(h.HeldBack) > 0 {
		pr.w.WriteString("\n  Held back (not applied in this run):\n")
		for i, c := range h.HeldBack {
			if pr.summarise && len(h.HeldBack) > SummaryFrom && i == SummaryHead {
				fmt.Fprintf(pr.w, "    ... and %d more (-detailed lists each)\n", len(h.HeldBack)-i)
				break
			}
			pr.w.WriteString("    " + c.Address + " (" + strings.Join(c.Action.Verbs(), ", ") + "): " + strings.TrimPrefix(c.Reason, "held back: ") + "\n")
		}
	}
	for _, w := range h.Warnings {
		pr.w.WriteString("\n")
		pr.diagnostic(w, "  ")
	}
}

// diagnostic draws a warning with the diagnostic writer the configuration's
// warnings use, each line after indent.
func (pr *printer) diagnostic(w plan.Warning, indent string) {
	var b bytes.Buffer
	// Writing to a bytes.Buffer does not fail.
	_ = Diagnostics(&b, pr.files, plan.Plan{Warnings: []plan.Warning{w}}.Diagnostics(pr.blocks), wrapWidth-uint(len(indent)), pr.color)
	for _, line := range strings.SplitAfter(strings.TrimRight(b.String(), "\n"), "\n") {
		if strings.TrimSpace(line) != "" {
			pr.w.WriteString(indent)
		}
		pr.w.WriteString(line)
	}
	pr.w.WriteString("\n")
}

func (pr *printer) change(c plan.Change) {
	if c.Reason != "" {
		pr.line(changeIndent, plan.NoOp, "# "+c.Reason)
	}
	head := c.Address
	if c.Kind == plan.KindService && c.Name != "" {
		head += " (virtual_server " + strconv.Quote(c.Name) + ")"
	}
	pr.line(changeIndent, c.Action, head)

	switch c.Action {
	case plan.Create:
		pr.attrs(plan.Create, c.After.Attrs())
	case plan.Delete:
		pr.attrs(plan.Delete, c.Before.Attrs())
	case plan.Update, plan.Replace:
		pr.changed(c)
	}
}

// attrs draws every attribute of a created or deleted resource.
func (pr *printer) attrs(sym plan.Action, as []plan.Attr) {
	width := 0
	for _, a := range as {
		width = max(width, len(a.Name))
	}
	for _, a := range as {
		pr.line(attrIndent, sym, pad(a.Name, width)+" = "+a.Value)
	}
}

// changed draws the attributes an update or replacement changes, as
// `weight = 1 -> 2`, marking those that force the replacement.
func (pr *printer) changed(c plan.Change) {
	before, after := c.Before.Attrs(), c.After.Attrs()
	type row struct{ name, from, to string }
	var rows []row
	width := 0
	seen := map[string]bool{}
	collect := func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		from, to := lookup(before, name), lookup(after, name)
		if c.Kind == plan.KindRoute && name == "interface" && to == "null" {
			return // the desired route leaves the interface to the kernel, which picks it from the gateway
		}
		if from != to {
			rows = append(rows, row{name, from, to})
			width = max(width, len(name))
		}
	}
	for _, a := range after {
		collect(a.Name)
	}
	for _, a := range before {
		collect(a.Name)
	}
	for _, r := range rows {
		text := pad(r.name, width) + " = " + r.from + " -> " + r.to
		for _, f := range c.ForcesReplacement {
			if f == r.name {
				text += " # forces replacement"
			}
		}
		pr.line(attrIndent, plan.Update, text)
	}
}

// lookup returns the value of the named attribute, or null when unset.
func lookup(as []plan.Attr, name string) string {
	for _, a := range as {
		if a.Name == name {
			return a.Value
		}
	}
	return "null"
}

// line writes one line of a change. In diff mode the symbol leads the line.
func (pr *printer) line(indent int, sym plan.Action, text string) {
	symbol := ""
	if sym != plan.NoOp {
		symbol = pr.symbol(sym) + " "
	}
	if pr.diff {
		// The symbol leads, padded to the widest ("-/+") so text aligns.
		width := len(sym.String())
		if sym == plan.NoOp {
			symbol, width = " ", 0
		}
		pr.w.WriteString(symbol + strings.Repeat(" ", 3-width+indent-changeIndent) + text + "\n")
		return
	}
	pr.w.WriteString(strings.Repeat(" ", indent) + symbol + text + "\n")
}

func (pr *printer) symbol(a plan.Action) string {
	switch a {
	case plan.Create:
		return pr.style(ansiGreen, "+")
	case plan.Update:
		return pr.style(ansiYellow, "~")
	case plan.Delete:
		return pr.style(ansiRed, "-")
	case plan.Replace:
		return pr.style(ansiRed, "-") + "/" + pr.style(ansiGreen, "+")
	}
	return a.String()
}

func (pr *printer) style(code, s string) string {
	if !pr.color {
		return s
	}
	return code + s + ansiReset
}

// wrapped writes a comma-separated list after a lead, wrapping long lines.
func (pr *printer) wrapped(lead string, items []string) {
	line, fresh := lead, true
	for i, item := range items {
		if i < len(items)-1 {
			item += ","
		}
		if !fresh && len(line)+1+len(item) > wrapWidth {
			pr.w.WriteString(line + "\n")
			line, fresh = "    ", true
		}
		if !fresh {
			line += " "
		}
		line += item
		fresh = false
	}
	pr.w.WriteString(line + "\n")
}

func pad(s string, width int) string {
	if len(s) >= width {
		return s
	}
	return s + strings.Repeat(" ", width-len(s))
}

// quoteAll quotes names and joins them with "and".
func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, " and ")
}
