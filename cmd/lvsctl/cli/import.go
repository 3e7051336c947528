package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lvsctl/lvsctl/engine/convert"
	"github.com/lvsctl/lvsctl/internal/atomicfile"
	"github.com/lvsctl/lvsctl/providers/snapshot"
)

func newImportCommand(stdio IO) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "import [-o FILE] SNAPSHOT",
		Short: "Write the configuration of a cluster as it is, from a state snapshot",
		Long: `Import reads a state snapshot (written by lvsctl show -o json) and writes the
cluster configuration that describes what is there: the directors' services,
VIP aliases, forwarding and timeouts, and the real servers' VIPs, routes and
ARP settings, so that lvsctl plan --state SNAPSHOT shows no changes. What the
language cannot describe is reported, as with lvsctl convert.

Exit status: 0 all imported, 1 error, 2 imported with things left out or
different (see the comments in the output).`,
		Example: `  lvsctl show -o json ./cluster > live.json
  lvsctl import -o adopted.hcl live.json
  lvsctl plan --state live.json adopted.hcl     # no changes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			snap, err := snapshot.Load(args[0])
			if err != nil {
				return err
			}
			res, err := convert.Convert(convert.FromSnapshot(args[0], snap), convert.Options{})
			if err != nil {
				return err
			}
			return writeConversion(stdio, res, out)
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the HCL to `FILE` instead of stdout")
	return cmd
}

// writeConversion prints a conversion's notes and writes its HCL; exit
// status 2 when something was not converted.
func writeConversion(stdio IO, res *convert.Result, out string) error {
	incomplete := 0
	for _, n := range res.Stderr() {
		fmt.Fprintln(stdio.Err, n)
		if n.Kind.Incomplete() {
			incomplete++
		}
	}
	if out != "" {
		if err := atomicfile.Write(out, res.HCL, 0o644); err != nil {
			return err
		}
	} else if _, err := stdio.Out.Write(res.HCL); err != nil {
		return err
	}
	if incomplete > 0 {
		fmt.Fprintf(stdio.Err, "%d thing(s) not converted as the input does them: see above, and the comments in the output.\n", incomplete)
		return &exitError{code: 2}
	}
	return nil
}
