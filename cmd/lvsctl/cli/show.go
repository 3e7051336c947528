package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/render"
	"github.com/lvsctl/lvsctl/engine/state"
)

type showOptions struct {
	configOptions
	output string
}

func newShowCommand(stdio IO) *cobra.Command {
	var o showOptions
	cmd := &cobra.Command{
		Use:   "show [PATH | PLANFILE]",
		Short: "Print the live state of the hosts in a configuration",
		Long: `Show reads the live state of every host in the configuration: IPVS services
and servers on directors, addresses, routes, the sysctls the configuration
cares about, and what lvsctl owns there. With -o json it prints a state
snapshot, the input of ` + "`lvsctl plan --state FILE`" + `, so plans can be made and
reviewed anywhere without root.

Given a plan saved by ` + "`plan -out`" + `, it prints that plan (-o json: as plan -json
prints it) without reaching any host.`,
		Example: `  lvsctl show examples/dr-lab.hcl
  lvsctl show -o json ./cluster > cluster.state.json
  lvsctl show cluster.plan                 # a plan saved by plan -out`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.path = pathArg(args)
			return runShow(cmd.Context(), stdio, &o)
		},
	}
	o.addFlags(cmd.Flags(), false)
	cmd.Flags().StringVarP(&o.output, "output", "o", "text", "output format: text or json")
	return cmd
}

func runShow(ctx context.Context, stdio IO, o *showOptions) error {
	if o.output != "text" && o.output != "json" {
		return fmt.Errorf("-o %s: the output format is text or json", o.output)
	}
	if isPlanFile(o.path) {
		return showPlanFile(stdio, o)
	}
	o.early = startEarly(ctx, &o.configOptions)
	defer o.early.close()
	targets, err := loadTargets(stdio, &o.configOptions)
	if err != nil {
		return err
	}
	sess, err := openSession(ctx, targets, &o.configOptions)
	o.early.close() // those the configuration does not use
	if err != nil {
		return err
	}
	defer sess.close()
	live, err := cluster.ReadAll(ctx, sess.members, o.parallelism)
	if err != nil {
		return err
	}
	if o.output == "json" {
		enc := json.NewEncoder(stdio.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(state.Snapshot{FormatVersion: state.FormatVersion, Hosts: live})
	}
	return render.State(stdio.Out, live)
}

// showPlanFile prints a saved plan as plan printed it, or its JSON; no host
// is reached.
func showPlanFile(stdio IO, o *showOptions) error {
	saved, err := readPlanFile(o.path)
	if err != nil {
		return err
	}
	p := saved.Plan // the public plan: without connections
	if o.output == "json" {
		return plan.WritePlan(stdio.Out, p)
	}
	return render.Human(stdio.Out, p, render.Options{Color: o.color(stdio)})
}
