package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Commit is the git commit lvsctl was built from, set with -ldflags
// "-X .../cli.Commit=abc123" (make build, make release). Without it, the
// revision go build stamps into the binary is used, if any.
var Commit = ""

func newVersionCommand(stdio IO) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version of lvsctl, its commit and its file formats",
		Example: "  lvsctl version",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(stdio.Out, "lvsctl %s (commit %s, %s, %s/%s)\nplan format %s, state format %s\n",
				Version, commit(), runtime.Version(), runtime.GOOS, runtime.GOARCH, plan.FormatVersion, state.FormatVersion)
			return nil
		},
	}
}

// commit is Commit, or else the VCS revision in the build information.
func commit() string {
	if Commit != "" {
		return Commit
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "unknown"
	}
	rev = rev[:min(12, len(rev))]
	if dirty {
		rev += "-dirty"
	}
	return rev
}
