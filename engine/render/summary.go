package render

import (
	"fmt"
	"strings"

	"github.com/lvsctl/lvsctl/engine/plan"
)

// summary draws a host with many changes: the counts per kind and action,
// the first SummaryHead and last SummaryTail changes, and how to see all.
func (pr *printer) summary(cs []plan.Change) {
	type count struct {
		kind   plan.Kind
		action plan.Action
	}
	var order []count
	counts := map[count]int{}
	for _, c := range cs {
		k := count{c.Kind, c.Action}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	var parts []string
	for _, k := range order {
		parts = append(parts, fmt.Sprintf("%d %s %s", counts[k], kindCount(k.kind, counts[k]), toDo(k.action)))
	}
	pr.w.WriteString("\n")
	pr.wrapped(fmt.Sprintf("  %d changes: ", len(cs)), parts)
	for _, c := range cs[:SummaryHead] {
		pr.w.WriteString("\n")
		pr.change(c)
	}
	hidden := len(cs) - SummaryHead - SummaryTail
	pr.w.WriteString("\n  " + pr.style(ansiBold, fmt.Sprintf("... %d more changes, in the same order ...", hidden)) +
		" (plan -detailed shows every one; -json too)\n")
	for _, c := range cs[len(cs)-SummaryTail:] {
		pr.w.WriteString("\n")
		pr.change(c)
	}
}

// kindCount names kind k for a count of n: one server, two servers.
func kindCount(k plan.Kind, n int) string {
	s := string(k)
	switch {
	case n == 1 || strings.HasSuffix(s, "s") && !strings.HasSuffix(s, "ss"):
		return s
	case strings.HasSuffix(s, "ss"):
		return s + "es"
	}
	return s + "s"
}

// toDo says what a plan does with a resource, as the plan's footer does.
func toDo(a plan.Action) string {
	switch a {
	case plan.Create:
		return "to add"
	case plan.Update:
		return "to change"
	case plan.Delete:
		return "to destroy"
	case plan.Replace:
		return "to replace"
	}
	return "unchanged"
}
