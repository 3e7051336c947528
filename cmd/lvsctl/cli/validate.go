package cli

import (
	"fmt"
	"strings"

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
file:line:col and the source, and touches no host. Required variables
may be left unset: they are unknown, as in terraform validate, and what
depends on them is left unchecked (the output names them).`,
		Example: `  lvsctl validate examples/dr-lab.hcl
  lvsctl validate -var vip=10.0.0.100 ./cluster/
  lvsctl validate ./cluster/     # required variables unset: checks the rest`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.path = pathArg(args)
			o.unknowns = true
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
	if unknown := o.cfg.Unknown; len(unknown) > 0 {
		names := make([]string, len(unknown))
		for i, n := range unknown {
			names[i] = "var." + n
		}
		fmt.Fprintf(stdio.Out, "Not checked: whatever depends on %s, which %s no value (hosts and blocks made from %s are not counted); give values with -var or -var-file to check them too. plan and apply need them.\n",
			strings.Join(names, ", "), plural(len(names), "has", "have"), plural(len(names), "it", "them"))
	}
	return nil
}

// plural picks one or many by n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
