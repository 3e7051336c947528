package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/lvsctl/lvsctl/engine/graph"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/render"
)

// markdownOptions are plan's flags for the pull-request comment.
type markdownOptions struct {
	commentID string
	limit     int
	fullPlan  string
	graph     bool
}

func (o *markdownOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.commentID, "comment-id", "", "with -markdown: key the comment's hidden marker with `ID`, so each cluster in a repository updates its own comment")
	fs.IntVar(&o.limit, "markdown-limit", render.DefaultMarkdownLimit, "with -markdown: the most characters the comment may have (GitHub's limit); past it host details are cut")
	fs.BoolVar(&o.graph, "graph", false, "with -markdown: include a picture of the cluster marked with the plan (Mermaid; see lvsctl graph)")
	fs.StringVar(&o.fullPlan, "markdown-full-plan", "", "with -markdown: where the full plan is (Markdown, e.g. a link to the CI artifact), said when details are cut")
}

func (o *markdownOptions) check() error {
	if err := render.CheckCommentID(o.commentID); err != nil {
		return fmt.Errorf("-comment-id: %w", err)
	}
	if o.limit < render.MinMarkdownLimit {
		return fmt.Errorf("-markdown-limit %d: give at least %d characters, room for the summary of a plan", o.limit, render.MinMarkdownLimit)
	}
	return nil
}

// render returns the options of the comment; out is plan's -out file, the
// first place to look for the whole plan when details are cut.
func (o *markdownOptions) render(out string) render.MarkdownOptions {
	full := o.fullPlan
	if full == "" && out != "" {
		full = "the saved plan `" + out + "` (`lvsctl show " + out + "` prints it)"
	}
	return render.MarkdownOptions{CommentID: o.commentID, Limit: o.limit, FullPlan: full}
}

func (o *markdownOptions) write(w io.Writer, p plan.Plan, out string, cfg *configOptions) error {
	opts := o.render(out)
	if o.graph {
		g := graph.Build(cfg.cfg, cfg.all)
		g.Mark(p)
		var b strings.Builder
		if err := g.Mermaid(&b); err != nil {
			return err
		}
		opts.Graph = b.String()
	}
	return render.Markdown(w, p, opts)
}

// writeFailed puts a failed plan where the comment would be, so the pull
// request shows it; the error itself still goes to stderr and the exit
// status. Nil, and -detailed-exitcode's status 2, are not failures.
func (o *markdownOptions) writeFailed(w io.Writer, err error) {
	if ee := (*exitError)(nil); err == nil || errors.As(err, &ee) && ee.err == nil {
		return
	}
	msg := err.Error()
	if errors.Is(err, errReported) {
		msg = "The configuration is not valid: run `lvsctl validate` for every problem with its file:line."
	}
	_ = render.MarkdownFailed(w, msg, o.render(""))
}
