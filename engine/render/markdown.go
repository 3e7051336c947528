package render

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/lvsctl/lvsctl/engine/plan"
)

// DefaultMarkdownLimit is the most characters a GitHub comment may have.
// GitLab allows far more (1,000,000), so this default fits both forges.
const DefaultMarkdownLimit = 65536

// MinMarkdownLimit is the smallest limit Markdown honours: room for the
// head of a plan of a few hosts and the note on what was cut.
const MinMarkdownLimit = 1000

// MarkdownOptions tune the pull-request comment.
type MarkdownOptions struct {
	// CommentID keys the hidden marker, so that several clusters planned in
	// one repository each find and update their own comment. Empty is the
	// one default comment. See Marker.
	CommentID string
	// Limit is the most characters (not bytes: forges count characters) the
	// comment may have; 0 means DefaultMarkdownLimit, and less than
	// MinMarkdownLimit means that. Past it, host details are cut, last host
	// first, and a note says where the full plan is.
	Limit int
	// FullPlan says where the whole plan can be read, for that note: "the
	// plan artifact of this job", "`lvsctl plan` on the branch". Markdown.
	FullPlan string
	// Graph is a Mermaid picture of the cluster (graph.Mermaid), shown folded
	// under the table. It is the first thing left out when the comment is
	// too long.
	Graph string
}

const (
	markerPrefix = "<!-- lvsctl-plan"
	// minCutDetails is the least room worth giving a host's cut details;
	// with less, the host is only listed in the note.
	minCutDetails = 400
	// maxListed bounds the hosts named in one line and the items of the
	// destroy warning, so a huge plan cannot crowd out the rest.
	maxListed   = 20
	maxWarnings = 100
)

// commentIDPattern is compiled on first use: only plan -markdown needs it,
// and every start of lvsctl would pay for it at init.
var commentIDPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]*$`) })

// CheckCommentID reports whether id can key a comment's marker: letters,
// digits and . _ / - (an HTML comment must not contain "--" or ">").
func CheckCommentID(id string) error {
	if id == "" {
		return nil
	}
	if !commentIDPattern().MatchString(id) || strings.Contains(id, "--") || len(id) > 100 {
		return fmt.Errorf("comment id %q: use up to 100 letters, digits, '.', '_', '/' or '-' (no \"--\"), for example the cluster's directory name", id)
	}
	return nil
}

// Marker is the hidden first line of the comment, by which a CI step finds
// the comment it posted before and updates it: "<!-- lvsctl-plan -->", or
// "<!-- lvsctl-plan: ID -->" with a comment id.
func Marker(commentID string) string {
	if commentID == "" {
		return markerPrefix + " -->"
	}
	return markerPrefix + ": " + commentID + " -->"
}

// Markdown writes the plan as a pull-request comment, in the shape
// reviewers of Terraform plans know from Atlantis and tfcmt: the hidden
// marker; a headline with the counts; a warning listing every destroy and
// replacement, saying which drop established connections; a table of the
// hosts that change (those that do not share one line); the picture, if
// any; then each host's changes folded in a <details> block, as a ```diff
// that GitHub and GitLab colour. It never exceeds opts.Limit characters.
func Markdown(w io.Writer, p plan.Plan, opts MarkdownOptions) error {
	limit := opts.Limit
	if limit <= 0 {
		limit = DefaultMarkdownLimit
	}
	limit = max(limit, MinMarkdownLimit)
	head := markdownHead(p, opts)
	var graph string
	if opts.Graph != "" {
		graph = folded("Topology", "mermaid", strings.TrimSuffix(opts.Graph, "\n")+"\n")
	}
	var hosts []plan.HostPlan
	for _, h := range p.Hosts {
		if changed(h) {
			hosts = append(hosts, h)
		}
	}
	return writeString(w, fit(head, graph, hosts, limit, opts.FullPlan))
}

// MarkdownFailed writes the comment for a plan that could not be made, so
// the pull request shows the failure where the plan would be.
func MarkdownFailed(w io.Writer, message string, opts MarkdownOptions) error {
	var b strings.Builder
	b.WriteString(Marker(opts.CommentID) + "\n")
	b.WriteString("### " + headline(opts.CommentID, "failed") + "\n\n")
	b.WriteString("The plan could not be made:\n\n")
	b.WriteString(fenced("text", strings.TrimSuffix(message, "\n")+"\n"))
	b.WriteString("\nFix the problem and push again; the job's log has the whole output.\n")
	s := b.String()
	if limit := max(opts.Limit, MinMarkdownLimit); opts.Limit > 0 && utf8.RuneCountInString(s) > limit {
		s = cutLines(s, limit)
	}
	return writeString(w, s)
}

func writeString(w io.Writer, s string) error {
	if _, err := io.WriteString(w, s); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	return nil
}

func headline(commentID, summary string) string {
	if commentID != "" {
		return "lvsctl plan (" + commentID + "): " + summary
	}
	return "lvsctl plan: " + summary
}

func changed(h plan.HostPlan) bool { return len(h.Changes) > 0 || h.Removed || len(h.RenamedFrom) > 0 }

// markdownHead is what the comment always shows: marker, headline, the
// destroy warning, the table, the unchanged hosts and the cluster's warnings.
func markdownHead(p plan.Plan, opts MarkdownOptions) string {
	var b strings.Builder
	b.WriteString(Marker(opts.CommentID) + "\n")
	if !p.HasChanges() {
		b.WriteString("### " + headline(opts.CommentID, "no changes") + "\n\n")
		b.WriteString("The hosts match the configuration")
		if len(p.Hosts) > 0 {
			b.WriteString(": " + hostList(p.Hosts))
		}
		b.WriteString(".\n")
		clusterWarnings(&b, p.Warnings)
		return b.String()
	}
	add, change, destroy := p.Counts()
	b.WriteString("### " + headline(opts.CommentID, counts(add, change, destroy)) + "\n\n")
	destroyWarning(&b, p)
	b.WriteString("| host | role | add | change | destroy |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: |\n")
	var same []plan.HostPlan
	for _, h := range p.Hosts {
		if !changed(h) {
			same = append(same, h)
			continue
		}
		add, change, destroy := hostCounts(h)
		name := cell(h.Host)
		if h.Removed {
			name += " (removed)"
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d |\n", name, cell(string(h.Role)), add, change, destroy)
	}
	if len(same) > 0 {
		b.WriteString("\nNo changes on " + hostList(same) + ".\n")
	}
	clusterWarnings(&b, p.Warnings)
	return b.String()
}

func counts(add, change, destroy int) string {
	return fmt.Sprintf("%d to add, %d to change, %d to destroy", add, change, destroy)
}

func hostCounts(h plan.HostPlan) (add, change, destroy int) {
	return plan.Plan{Hosts: []plan.HostPlan{h}}.Counts()
}

// hostList names hosts in one line: `lvs1` (director), `web1` (real_server).
func hostList(hosts []plan.HostPlan) string {
	var names []string
	for i, h := range hosts {
		if i == maxListed {
			names = append(names, fmt.Sprintf("and %d more", len(hosts)-i))
			break
		}
		names = append(names, code(h.Host)+" ("+string(h.Role)+")")
	}
	return strings.Join(names, ", ")
}

func clusterWarnings(b *strings.Builder, warnings []plan.Warning) {
	for _, w := range warnings {
		d := w.Diagnostic(nil)
		b.WriteString("\n**Warning: " + escapeInline(d.Summary) + "**\n\n" + escapeInline(d.Detail) + "\n")
	}
}

// destroyWarning lists, in a GitHub/GitLab alert, every change that
// destroys or replaces something, and says which drop connections.
func destroyWarning(b *strings.Builder, p plan.Plan) {
	var items []string
	drops := 0
	for _, h := range p.Hosts {
		for _, c := range h.Changes {
			if c.Action != plan.Delete && c.Action != plan.Replace {
				continue
			}
			text, drop := destroyItem(c)
			if drop {
				drops++
			}
			items = append(items, "> - "+code(h.Host)+": "+text)
		}
	}
	if len(items) == 0 {
		return
	}
	b.WriteString("> [!WARNING]\n")
	fmt.Fprintf(b, "> **This plan destroys or replaces %s", plural(len(items), "resource"))
	if drops > 0 {
		fmt.Fprintf(b, "; %d of those changes drop established connections", drops)
	}
	b.WriteString(".** Review them before merging:\n>\n")
	for i, item := range items {
		if i == maxWarnings {
			fmt.Fprintf(b, "> - and %d more (see the details below)\n", len(items)-i)
			break
		}
		b.WriteString(item + "\n")
	}
	b.WriteString("\n")
}

// destroyItem describes one destroy or replacement, and whether it drops
// established connections: a service deleted or replaced takes its
// connection table with it, and packets of connections still open to a
// removed server are dropped (IPVS's default, expire_nodest_conn = 0).
func destroyItem(c plan.Change) (string, bool) {
	text := code(c.Action.String() + " " + c.Address)
	if c.Kind == plan.KindService && c.Name != "" {
		text += " (virtual_server " + escapeInline(strconv.Quote(c.Name)) + ")"
	}
	switch {
	case c.Kind == plan.KindService && c.Action == plan.Replace:
		if c.Before != nil && c.Before.Service != nil {
			text += " replaces " + code(c.Before.Service.Key())
		}
		if len(c.ForcesReplacement) > 0 {
			verb := " forces"
			if len(c.ForcesReplacement) > 1 {
				verb = " force"
			}
			text += " (" + strings.Join(c.ForcesReplacement, ", ") + verb + " replacement)"
		}
		return text + ": **drops its established connections**", true
	case c.Kind == plan.KindService && c.Drain != nil:
		return text + fmt.Sprintf(": its servers drained (weight 0, up to %s); **connections still open then are dropped**", c.Drain.Duration()), true
	case c.Kind == plan.KindService:
		return text + ": **drops its established connections**", true
	case c.Kind == plan.KindServer && c.Drain != nil:
		return text + fmt.Sprintf(": drained (weight 0, up to %s for its connections to close), then removed; **connections still open then are dropped**", c.Drain.Duration()), true
	case c.Kind == plan.KindServer:
		return text + ": weight 0, then removed at once; **connections still open to it are dropped**", true
	}
	return text, false
}

// hostDetails is one host's plan folded in a <details> block. With limit > 0
// the diff is cut at a line boundary so the block has at most limit
// characters, and says so; ok is false when not even the start fits.
func hostDetails(h plan.HostPlan, limit int) (block string, ok bool) {
	var body strings.Builder
	pr := printer{w: bufio.NewWriter(&body), diff: true}
	pr.host(h)
	pr.w.Flush() // a strings.Builder does not fail
	add, change, destroy := hostCounts(h)
	summary := "<code>" + html.EscapeString(h.Host) + "</code> (" + html.EscapeString(string(h.Role)) + "): " + counts(add, change, destroy)
	if h.Removed {
		summary += ", removed from the configuration"
	}
	if len(h.RenamedFrom) > 0 {
		summary += ", renamed from " + strings.Join(h.RenamedFrom, ", ")
	}
	if len(h.HeldBack) > 0 {
		summary += fmt.Sprintf(", %d held back", len(h.HeldBack))
	}
	block = folded(summary, "diff", body.String())
	if limit <= 0 || utf8.RuneCountInString(block) <= limit {
		return block, true
	}
	// Keep the most lines that fit, counting with prefix sums: rebuilding
	// the block for every candidate is quadratic in a big host's lines.
	lines := strings.SplitAfter(body.String(), "\n")
	prefix := make([]int, len(lines)+1)
	for i, l := range lines {
		prefix[i+1] = prefix[i] + utf8.RuneCountInString(l)
	}
	// The fence of the whole body is at least as long as that of a part.
	fence := max(3, longestRun(body.String(), '`')+1)
	overhead := utf8.RuneCountInString(folded(summary+" (cut)", "diff", "")) + 2*(fence-3)
	for n := len(lines) - 1; n > 0; n-- {
		note := fmt.Sprintf("... %d more lines cut to fit the comment\n", len(lines)-n)
		if overhead+prefix[n]+utf8.RuneCountInString(note) <= limit {
			return folded(summary+" (cut)", "diff", strings.Join(lines[:n], "")+note), true
		}
	}
	return "", false
}

// folded is a <details> block whose body is a fenced code block.
func folded(summary, lang, body string) string {
	return "<details><summary>" + summary + "</summary>\n\n" + fenced(lang, body) + "\n</details>\n"
}

// fenced is a code block whose fence is longer than any run of backticks
// inside it, so nothing in the text can end it early.
func fenced(lang, body string) string {
	fence := strings.Repeat("`", max(3, longestRun(body, '`')+1))
	return fence + lang + "\n" + body + fence + "\n"
}

// fit puts the comment together within limit characters: the head always;
// then the picture and every host's details if all fit; if not, the picture
// goes, then details are kept in plan order while they fit, the first that
// does not is cut at a line boundary, and a note says what is left out and
// where the whole plan is.
func fit(head, graph string, hosts []plan.HostPlan, limit int, fullPlan string) string {
	details := make([]string, len(hosts))
	total := utf8.RuneCountInString(head)
	if graph != "" {
		total += 1 + utf8.RuneCountInString(graph)
	}
	for i, h := range hosts {
		details[i], _ = hostDetails(h, 0)
		total += 1 + utf8.RuneCountInString(details[i])
	}
	if total <= limit {
		return join(head, graph, details)
	}
	note := func(left []plan.HostPlan, partial bool) string {
		return cutNote(left, partial, graph != "", limit, fullPlan)
	}
	used, kept := utf8.RuneCountInString(head), 0
	for ; kept < len(hosts); kept++ {
		n := 1 + utf8.RuneCountInString(details[kept])
		if used+n+utf8.RuneCountInString(note(hosts[kept+1:], false)) > limit {
			break
		}
		used += n
	}
	s := join(head, "", details[:kept])
	rest, partial := hosts[kept:], false
	if len(rest) > 0 {
		room := limit - used - 1 - utf8.RuneCountInString(note(rest[1:], true))
		if room >= minCutDetails {
			if block, ok := hostDetails(rest[0], room); ok {
				s += "\n" + block
				rest, partial = rest[1:], true
			}
		}
	}
	s += note(rest, partial)
	if utf8.RuneCountInString(s) > limit {
		// Only a head too long for the limit gets here (thousands of hosts).
		s = cutLines(s, limit)
	}
	return s
}

func join(head, graph string, details []string) string {
	var b strings.Builder
	b.WriteString(head)
	if graph != "" {
		b.WriteString("\n" + graph)
	}
	for _, d := range details {
		b.WriteString("\n" + d)
	}
	return b.String()
}

// cutNote says what was left out of the comment and where the whole plan is.
func cutNote(left []plan.HostPlan, partial, graph bool, limit int, fullPlan string) string {
	if fullPlan == "" {
		fullPlan = "run `lvsctl plan` on this branch (`-json` for the machine form)"
	}
	var parts []string
	if graph {
		parts = append(parts, "the picture is left out")
	}
	if partial {
		parts = append(parts, "the last host shown is cut short")
	}
	if len(left) > 0 {
		parts = append(parts, "the changes of "+hostList(left)+" are left out")
	}
	return "\n> [!NOTE]\n> The plan is longer than the comment's limit of " + strconv.Itoa(limit) +
		" characters: " + strings.Join(parts, "; ") + ". The full plan: " + fullPlan + ".\n"
}

// cutLines shortens s to at most limit characters at a line boundary.
func cutLines(s string, limit int) string {
	const note = "\n... cut to fit the comment's limit\n"
	budget := limit - utf8.RuneCountInString(note)
	var b strings.Builder
	n := 0
	for _, line := range strings.SplitAfter(s, "\n") {
		l := utf8.RuneCountInString(line)
		if n+l > budget {
			break
		}
		b.WriteString(line)
		n += l
	}
	return b.String() + note
}

// code is text in an inline code span, whose backtick fence is longer than
// any run of backticks inside.
func code(s string) string {
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// escapeInline keeps text from a plan (names, warnings) from being read as
// markup or HTML in a comment.
func escapeInline(s string) string {
	return strings.NewReplacer("\n", " ", "<", "&lt;", ">", "&gt;", "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`).Replace(s)
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
