package cli

import (
	"fmt"
	"os"

	"github.com/lvsctl/lvsctl/internal/version"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newManCommand writes a man page for lvsctl and each of its commands into
// DIR (make release puts them in dist/man). Hidden: it is for packagers.
func newManCommand(stdio IO) *cobra.Command {
	return &cobra.Command{
		Use:     "man DIR",
		Short:   "Write the man pages of lvsctl and its commands into DIR",
		Example: "  lvsctl man dist/man",
		Args:    cobra.ExactArgs(1),
		Hidden:  true,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("man pages: %w", err)
			}
			root := cmd.Root()
			root.DisableAutoGenTag = true // the same pages from the same source: reproducible
			header := &doc.GenManHeader{Title: "LVSCTL", Section: "1", Source: "lvsctl " + version.String(), Manual: "lvsctl manual"}
			if err := doc.GenManTree(root, header, dir); err != nil {
				return fmt.Errorf("man pages into %s: %w", dir, err)
			}
			fmt.Fprintf(stdio.Out, "Wrote the man pages into %s\n", dir)
			return nil
		},
	}
}
