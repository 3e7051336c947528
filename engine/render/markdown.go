package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/lvsctl/lvsctl/engine/plan"
)

// Markdown writes the plan for a pull request: a summary table with a row
// per host, then the human plan in a ```diff block, in which GitHub colours
// the lines of additions green and of deletions red.
func Markdown(w io.Writer, p plan.Plan) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("| host | role | add | change | destroy |\n")
	bw.WriteString("| --- | --- | ---: | ---: | ---: |\n")
	for _, h := range p.Hosts {
		add, change, destroy := plan.Plan{Hosts: []plan.HostPlan{h}}.Counts()
		fmt.Fprintf(bw, "| %s | %s | %d | %d | %d |\n", cell(h.Host), cell(string(h.Role)), add, change, destroy)
	}
	var body strings.Builder
	pr := printer{w: bufio.NewWriter(&body), diff: true}
	pr.plan(p)
	pr.w.Flush() // a strings.Builder does not fail
	// The fence must be longer than any run of backticks inside it.
	fence := strings.Repeat("`", max(3, longestRun(body.String(), '`')+1))
	bw.WriteString("\n" + fence + "diff\n" + body.String() + fence + "\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	return nil
}

// cell escapes text for a markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] != c {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	return longest
}
