package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/version"
	"github.com/lvsctl/lvsctl/transport/agent"
)

func newVersionCommand(stdio IO) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version of lvsctl, its commit and its file formats",
		Example: "  lvsctl version",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(stdio.Out, "lvsctl %s (commit %s, %s, %s/%s)\nplan format %s, state format %s\nsaved plan format %s, agent protocol %d\n",
				version.String(), version.Revision(), runtime.Version(), runtime.GOOS, runtime.GOARCH, plan.FormatVersion, state.FormatVersion,
				plan.SavedFormatVersion, agent.ProtocolVersion)
			return nil
		},
	}
}
