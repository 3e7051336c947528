package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

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
	targets, err := loadTargets(stdio, &o.configOptions)
	if err != nil {
		return err
	}
	sess, err := openSession(ctx, targets, &o.configOptions)
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
	for i, h := range live {
		if i > 0 {
			fmt.Fprintln(stdio.Out)
		}
		writeHostText(stdio.Out, h)
	}
	return nil
}

// writeHostText prints a host the way an operator reads ipvsadm -Ln and ip addr.
func writeHostText(w io.Writer, h state.Host) {
	fmt.Fprintf(w, "# %s %q\n", h.Role, h.Name)
	owned := ownedSet(h.Owned)
	mark := func(key string) string {
		if owned[key] {
			return "  (lvsctl)"
		}
		return ""
	}
	if len(h.Services) > 0 {
		fmt.Fprintln(w, "IPVS services:")
		for _, s := range h.Services {
			extra := ""
			if s.Persistence > 0 {
				extra += fmt.Sprintf(" persistent %d", s.Persistence)
			}
			if len(s.Flags) > 0 {
				extra += " flags " + strings.Join(s.Flags, ",")
			}
			if s.OnePacket {
				extra += " one-packet"
			}
			fmt.Fprintf(w, "  %s %s%s%s\n", s.Key(), s.Scheduler, extra, mark("service "+s.Key()))
			for _, d := range s.Servers {
				fmt.Fprintf(w, "    -> %s %s weight %d\n", d.Key(), d.Method, d.Weight)
			}
		}
	}
	if h.Timeouts != nil {
		fmt.Fprintf(w, "IPVS timeouts: tcp %d tcpfin %d udp %d\n", h.Timeouts.TCP, h.Timeouts.TCPFin, h.Timeouts.UDP)
	}
	if len(h.Addresses) > 0 {
		fmt.Fprintln(w, "Addresses:")
		for _, a := range h.Addresses {
			label := ""
			if a.Label != "" && a.Label != a.Interface {
				label = " label " + a.Label
			}
			fmt.Fprintf(w, "  %s dev %s%s%s\n", a.Prefix, a.Interface, label, mark("address "+a.Key()))
		}
	}
	if len(h.Routes) > 0 {
		fmt.Fprintln(w, "Routes:")
		for _, r := range h.Routes {
			via := ""
			if r.Gateway.IsValid() {
				via = " via " + r.Gateway.String()
			}
			dev := ""
			if r.Interface != "" {
				dev = " dev " + r.Interface
			}
			fmt.Fprintf(w, "  %s%s%s%s\n", r.Key(), via, dev, mark("route "+r.Key()))
		}
	}
	if len(h.Sysctls) > 0 {
		fmt.Fprintln(w, "Sysctls:")
		for _, s := range h.Sysctls {
			fmt.Fprintf(w, "  %s = %s%s\n", s.Name, s.Value, mark("sysctl "+s.Name))
		}
	}
}

// ownedSet lists what the record says lvsctl owns, as "kind key".
func ownedSet(r *state.Record) map[string]bool {
	m := map[string]bool{}
	if r == nil {
		return m
	}
	for k := range r.Services {
		m["service "+k] = true
	}
	for _, k := range r.Addresses {
		m["address "+k] = true
	}
	for _, k := range r.Routes {
		m["route "+k] = true
	}
	for k := range r.RouteOriginals {
		m["route "+k] = true
	}
	for k := range r.Sysctls {
		m["sysctl "+k] = true
	}
	return m
}

// showPlanFile prints a saved plan as plan printed it, or its JSON; no host
// is reached.
func showPlanFile(stdio IO, o *showOptions) error {
	p, err := readPlanFile(o.path)
	if err != nil {
		return err
	}
	if o.output == "json" {
		p.Connections = nil
		return plan.WritePlan(stdio.Out, p)
	}
	return render.Human(stdio.Out, p, render.Options{Color: o.color(stdio)})
}
