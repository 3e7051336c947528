package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/render"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/atomicfile"
	"github.com/lvsctl/lvsctl/internal/version"
)

type planOptions struct {
	configOptions
	jsonOut          bool
	markdown         bool
	md               markdownOptions
	out              string
	detailedExitcode bool
}

func newPlanCommand(stdio IO) *cobra.Command {
	var o planOptions
	cmd := &cobra.Command{
		Use:   "plan [PATH]",
		Short: "Show what apply would change on each host",
		Long: `Plan reads the live state of every host in the configuration (or of a state
snapshot with --state), compares it with the configuration and prints the
changes apply would make, per host, in the order apply makes them.

Exit status: 0 success; 1 error; with -detailed-exitcode, 0 no changes,
1 error, 2 changes present.`,
		Example: `  lvsctl plan examples/dr-lab.hcl
  lvsctl plan --state examples/dr-lab.state.json examples/dr-lab.hcl
  lvsctl plan -out cluster.plan -target lvs1 ./cluster
  lvsctl plan -json | jq '.hosts[].changes[].address'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := oneOf("how the plan is printed", flagSet{"json", o.jsonOut}, flagSet{"markdown", o.markdown}); err != nil {
				return err
			}
			o.path = pathArg(args)
			err := runPlan(cmd.Context(), stdio, &o)
			if o.markdown && !o.jsonOut {
				o.md.writeFailed(stdio.Out, err)
			}
			return err
		},
	}
	o.addFlags(cmd.Flags(), true)
	o.addDetailedFlag(cmd.Flags())
	cmd.Flags().BoolVar(&o.jsonOut, "json", false, "print the plan as versioned JSON")
	cmd.Flags().BoolVar(&o.markdown, "markdown", false, "print the plan as Markdown, for a pull request")
	o.md.addFlags(cmd.Flags())
	cmd.Flags().StringVar(&o.out, "out", "", "also save the plan to `FILE`, for lvsctl apply FILE")
	cmd.Flags().BoolVar(&o.detailedExitcode, "detailed-exitcode", false, "exit 2 when there are changes, 0 when there are none")
	return cmd
}

func runPlan(ctx context.Context, stdio IO, o *planOptions) error {
	if err := o.md.check(); err != nil {
		return err
	}
	o.early = startEarly(ctx, &o.configOptions)
	defer o.early.close()
	targets, err := loadTargets(stdio, &o.configOptions)
	if err != nil {
		return err
	}
	// A saved plan must cover every host it names; a snapshot that lacks a
	// host is a mistake, not a host down.
	o.partial = o.out == "" && o.stateFile == ""
	if o.stateFile == "" {
		o.watch = newWatch(terminalBoard(stdio))
	}
	sess, err := openSession(ctx, targets, &o.configOptions)
	o.early.close() // those the configuration does not use
	if err != nil {
		o.watch.clear()
		return err
	}
	defer sess.close()
	p, err := sess.plan(ctx, o.parallelism)
	o.watch.clear()
	if err != nil {
		return errors.Join(err, sess.unreachableError())
	}
	if o.out != "" {
		if err := writePlanFile(o.out, p, sess.connections(), sess.opts.hostRun().cluster); err != nil {
			return err
		}
	}
	switch {
	case o.jsonOut:
		err = plan.WritePlan(stdio.Out, p)
	case o.markdown:
		err = o.md.write(stdio.Out, p, o.out, &o.configOptions)
	default:
		err = render.Human(stdio.Out, p, o.renderOptions(stdio))
		if err == nil && o.out != "" {
			fmt.Fprintf(stdio.Out, "\nSaved the plan to %s. Apply exactly these changes with:\n  lvsctl apply %s\n", o.out, o.out)
		}
	}
	if err != nil {
		return err
	}
	if err := sess.unreachableError(); err != nil {
		return err
	}
	if o.detailedExitcode && p.HasChanges() {
		return &exitError{code: 2}
	}
	return nil
}

// writePlanFile saves the plan with the connections apply will use: the
// same JSON as `plan -json`, plus "connections" and the versions.
func writePlanFile(path string, p plan.Plan, conns map[string]state.Connection, cluster string) error {
	var b bytes.Buffer
	if err := plan.WriteSaved(&b, plan.Saved{Plan: p, Connections: conns, Cluster: cluster, LvsctlVersion: version.String()}); err != nil {
		return err
	}
	if err := atomicfile.Write(path, b.Bytes(), 0); err != nil {
		return fmt.Errorf("save the plan: %w", err)
	}
	return nil
}

// readPlanFile reads a plan saved by `plan -out`.
func readPlanFile(path string) (plan.Saved, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return plan.Saved{}, err
	}
	// Snapshots and plans are both versioned JSON with hosts, and a
	// snapshot decodes as an empty plan: tell them apart before that.
	if isSnapshot(b) {
		return plan.Saved{}, fmt.Errorf("%s is a state snapshot (`lvsctl show -o json`), not a plan: plan against it with `lvsctl plan --state %s`, and save plans for apply with `lvsctl plan -out FILE`", path, path)
	}
	s, err := plan.ReadSaved(bytes.NewReader(b))
	if errors.Is(err, plan.ErrNotSaved) {
		return plan.Saved{}, fmt.Errorf("%s is a JSON plan without connections: save plans for apply with `lvsctl plan -out FILE`", path)
	}
	if err != nil {
		return plan.Saved{}, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// isSnapshot reports whether b is a state snapshot: its hosts carry "name"
// where a plan's carry "host".
func isSnapshot(b []byte) bool {
	var doc struct {
		Hosts []struct {
			Host string `json:"host"`
			Name string `json:"name"`
		} `json:"hosts"`
	}
	if json.Unmarshal(b, &doc) != nil {
		return false
	}
	for _, h := range doc.Hosts {
		if h.Name != "" && h.Host == "" {
			return true
		}
	}
	return false
}
