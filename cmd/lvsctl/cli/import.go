package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/convert"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/atomicfile"
	"github.com/lvsctl/lvsctl/providers/snapshot"
)

type importOptions struct {
	configOptions
	out string
}

func newImportCommand(stdio IO) *cobra.Command {
	var o importOptions
	cmd := &cobra.Command{
		Use:   "import [-o FILE] SNAPSHOT | PATH",
		Short: "Write the configuration of a cluster as it is, from its live hosts or a snapshot",
		Long: `Import writes the cluster configuration that describes what is on the hosts:
the directors' services, VIP aliases, forwarding and timeouts, and the real
servers' VIPs, routes and ARP settings, so that a plan against them shows no
changes. What the language cannot describe is reported, as with lvsctl convert.

It reads either a state snapshot (written by lvsctl show -o json), or the live
hosts named by a configuration PATH: a file listing only the hosts (director
and real_server blocks with their netns or ssh settings, and the real servers'
addresses) is enough, and the output keeps those connections.

Exit status: 0 all imported, 1 error, 2 imported with things left out or
different (see the comments in the output).`,
		Example: `  lvsctl import -o cluster.hcl hosts.hcl       # read the hosts hosts.hcl names
  lvsctl show -o json ./cluster > live.json
  lvsctl import -o adopted.hcl live.json
  lvsctl plan --state live.json adopted.hcl     # no changes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.path = args[0]
			return runImport(cmd.Context(), stdio, &o)
		},
	}
	o.addFlags(cmd.Flags(), false)
	cmd.Flags().StringVarP(&o.out, "output", "o", "", "write the HCL to `FILE` instead of stdout")
	return cmd
}

func runImport(ctx context.Context, stdio IO, o *importOptions) error {
	if b, err := os.ReadFile(o.path); err == nil && isSnapshot(b) {
		snap, err := snapshot.Load(o.path)
		if err != nil {
			return err
		}
		res, err := convert.Convert(convert.FromSnapshot(o.path, snap), convert.Options{})
		if err != nil {
			return err
		}
		return writeConversion(stdio, res, o.out)
	}
	targets, err := loadTargets(stdio, &o.configOptions)
	if err != nil {
		return err
	}
	sess, err := openSession(ctx, targets, &o.configOptions)
	if err != nil {
		return err
	}
	defer sess.close()
	hosts, err := cluster.ReadAllWith(ctx, sess.members, o.parallelism, importRequest)
	if err != nil {
		return err
	}
	snap := state.Snapshot{FormatVersion: state.FormatVersion, Hosts: hosts}
	res, err := convert.Convert(convert.FromSnapshot(o.path, snap), convert.Options{Connections: sess.connections()})
	if err != nil {
		return err
	}
	return writeConversion(stdio, res, o.out)
}

// importRequest reads, besides addresses and routes, what import can
// describe whatever the configuration says: a director's IPVS table and
// forwarding, a real server's ARP and rp_filter settings.
func importRequest(desired state.Host) cluster.ReadRequest {
	if desired.Role == state.RoleDirector {
		return cluster.ReadRequest{IPVS: true, Sysctls: []string{"net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"}}
	}
	// As compile derives them: ARP on all and lo (DR), rp_filter on all and
	// tunl0 (TUN).
	names := []string{
		"net.ipv4.conf.all.arp_ignore", "net.ipv4.conf.all.arp_announce",
		"net.ipv4.conf.lo.arp_ignore", "net.ipv4.conf.lo.arp_announce",
		"net.ipv4.conf.all.rp_filter", "net.ipv4.conf.tunl0.rp_filter",
	}
	return cluster.ReadRequest{Sysctls: names}
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
