package cli

import (
	"fmt"

	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/spf13/cobra"
)

func newValidateCommand(stdio IO) *cobra.Command {
	var o configOptions
	cmd := &cobra.Command{
		Use:   "validate [PATH]",
		Short: "Check a configuration without reaching any host",
		Long: `Validate loads the configuration (one .hcl file, or every *.hcl file in a
directory; default: the current directory), checks it and derives every
host's desired state. It reports every problem at once, each with its
file:line:col and the source, and touches no host.`,
		Example: `  lvsctl validate examples/dr-lab.hcl
  lvsctl validate -var vip=10.0.0.100 ./cluster/`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.path = pathArg(args)
			return runValidate(stdio, &o)
		},
	}
	o.addFlags(cmd.Flags(), false)
	return cmd
}

func runValidate(stdio IO, o *configOptions) error {
	targets, err := loadTargets(stdio, o)
	if err != nil {
		return err
	}
	directors, reals := 0, 0
	for _, t := range targets {
		if t.Desired.Role == state.RoleDirector {
			directors++
		} else {
			reals++
		}
	}
	fmt.Fprintf(stdio.Out, "The configuration is valid: %d director(s), %d real server(s).\n", directors, reals)
	return nil
}
