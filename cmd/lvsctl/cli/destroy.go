package cli

import (
	"github.com/spf13/cobra"
)

func newDestroyCommand(stdio IO) *cobra.Command {
	o := applyOptions{destroy: true}
	cmd := &cobra.Command{
		Annotations: map[string]string{changesHostsKey: "true"},
		Use:         "destroy [PATH]",
		Short:       "Remove everything lvsctl made on the hosts, and restore what it changed",
		Long: `Destroy plans and applies the removal of all that lvsctl created on the hosts
of the configuration (IPVS services, VIP addresses, routes) and puts back the
sysctls, routes and timeouts it changed, in the same safe order as apply:
directors stop sending to a real server before it loses its VIP. What lvsctl
did not create is left alone.

Deleting a host's block does the same for that host at the next apply (the
other hosts' records remember it); destroy is for taking hosts out of
lvsctl's hands while their blocks stay.`,
		Example: `  lvsctl destroy -target web7 ./cluster
  lvsctl destroy -auto-approve examples/dr-lab.hcl`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.path = pathArg(args)
			if isPlanFile(o.path) {
				return &exitError{code: 1, err: errPlanFileToDestroy}
			}
			return runApply(cmd.Context(), stdio, &o)
		},
	}
	o.addFlags(cmd.Flags(), false)
	cmd.Flags().BoolVar(&o.autoApprove, "auto-approve", false, "destroy without asking for confirmation")
	o.addApplyFlags(cmd.Flags())
	return cmd
}
