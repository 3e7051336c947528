package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/lvsctl/lvsctl/engine/graph"
	"github.com/lvsctl/lvsctl/engine/plan"
)

type graphOptions struct {
	configOptions
	format   string
	planFile string
}

func newGraphCommand(stdio IO) *cobra.Command {
	var o graphOptions
	cmd := &cobra.Command{
		Use:   "graph [PATH]",
		Short: "Draw the cluster: directors, VIPs, real servers, VRRP pairs",
		Long: `Graph draws the topology the configuration describes: each director, the
virtual services (VIPs) it carries, the real servers behind each service
with their method and weight, and the VRRP pairs (directors with
vip_alias = false that share services). It reaches no host.

With a plan the picture marks what it adds (+, green), changes (~, yellow)
and removes (-, red, dashed): a saved plan with -plan FILE (from plan -out
or plan -json), or a plan made against a state snapshot with --state FILE.

-format mermaid (the default) renders inside GitHub and GitLab Markdown;
-format dot is Graphviz's language (dot -Tsvg draws it).`,
		Example: `  lvsctl graph examples/dr-lab.hcl
  lvsctl graph -format dot examples/keepalived.hcl | dot -Tsvg > cluster.svg
  lvsctl graph --state examples/dr-lab.state.json examples/dr-lab.hcl
  lvsctl graph -plan cluster.plan ./cluster`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.path = pathArg(args)
			return runGraph(cmd.Context(), stdio, &o)
		},
	}
	o.addFlags(cmd.Flags(), true)
	cmd.Flags().StringVar(&o.format, "format", "mermaid", "output format: mermaid or dot")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(
		[]string{"mermaid\tfor GitHub and GitLab Markdown", "dot\tfor Graphviz"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().StringVar(&o.planFile, "plan", "", "mark what the saved plan `FILE` (plan -out or plan -json) changes")
	return cmd
}

func runGraph(ctx context.Context, stdio IO, o *graphOptions) error {
	if o.format != "mermaid" && o.format != "dot" {
		return fmt.Errorf("-format %s: the format is mermaid or dot", o.format)
	}
	if o.planFile != "" && o.stateFile != "" {
		return fmt.Errorf("-plan and --state both give a plan: use one (-plan FILE reads a saved plan, --state FILE plans against a snapshot)")
	}
	targets, err := loadTargets(stdio, &o.configOptions)
	if err != nil {
		return err
	}
	g := graph.Build(o.cfg, o.all)
	switch {
	case o.planFile != "":
		p, err := readAnyPlan(o.planFile)
		if err != nil {
			return err
		}
		g.Mark(p)
	case o.stateFile != "":
		sess, err := openSession(ctx, targets, &o.configOptions)
		if err != nil {
			return err
		}
		defer sess.close()
		p, err := sess.plan(ctx, o.parallelism)
		if err != nil {
			return err
		}
		g.Mark(p)
	}
	return drawGraph(stdio.Out, g, o.format)
}

func drawGraph(w io.Writer, g *graph.Graph, format string) error {
	if format == "dot" {
		return g.DOT(w)
	}
	return g.Mermaid(w)
}

// readAnyPlan reads a plan as plan -out saves it or plan -json prints it;
// unlike apply, a picture needs no connections.
func readAnyPlan(path string) (plan.Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return plan.Plan{}, fmt.Errorf("read the plan: %w", err)
	}
	if isSnapshot(b) {
		return plan.Plan{}, fmt.Errorf("%s is a state snapshot, not a plan: draw against it with --state %s", path, path)
	}
	p, err := plan.ReadPlan(bytes.NewReader(b))
	if err != nil {
		return plan.Plan{}, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}
