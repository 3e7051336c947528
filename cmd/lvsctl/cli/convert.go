package cli

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lvsctl/lvsctl/engine/convert"
	"github.com/lvsctl/lvsctl/engine/convert/keepalived"
	"github.com/lvsctl/lvsctl/engine/convert/shell"
)

type convertOptions struct {
	from    string
	out     string
	args    []string
	branch  string
	netns   bool
	resolve bool
	hosts   string
}

func newConvertCommand(stdio IO) *cobra.Command {
	var o convertOptions
	cmd := &cobra.Command{
		Use:   "convert [flags] [NAME[@ADDRESS]=]FILE...",
		Short: "Turn LVS scripts, ipvsadm-save files and keepalived.conf into lvsctl HCL",
		Long: `Convert reads what runs an LVS cluster today and writes one formatted
cluster file: init scripts (run, not pattern-matched: variables, loops,
functions and case "$1" branches are followed, nothing is executed),
ipvsadm-save output, keepalived.conf, ifcfg files and sysctl.conf.

Each FILE describes one host, named after the file; NAME=FILE names it, and
NAME@ADDRESS=FILE also gives its address (a real server's RIP). Files with
the same NAME describe one host, e.g. a script and the sysctl.conf its
"sysctl -p" loads. A real server's VIP, ARP settings and host route are not
written when lvsctl derives the same from the director's services.

Everything not converted is reported on stderr with file:line and why, and
written as a comment in the output. Exit status: 0 all converted, 1 error,
2 converted with things left out or different (see the comments).`,
		Example: `  lvsctl convert /etc/init.d/lvs-director web1=lvs-rs web2=lvs-rs > cluster.hcl
  lvsctl convert --from ipvsadm-save -o cluster.hcl /etc/sysconfig/ipvsadm
  lvsctl convert ds1=ds1/keepalived.conf ds2=ds2/keepalived.conf
  lvsctl convert --branch start lvs-menu.sh
  lvsctl convert web1@172.25.0.31=lvs-rs web1@172.25.0.31=/etc/sysctl.conf lvs=lvs-director`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConvert(cmd.Context(), stdio, o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.from, "from", "auto", "input kind: auto, "+strings.Join(convert.Kinds(), ", "))
	f.StringVarP(&o.out, "output", "o", "", "write the HCL to `FILE` instead of stdout")
	f.StringArrayVar(&o.args, "arg", nil, "a positional parameter for scripts (repeatable; default: start)")
	f.StringVar(&o.branch, "branch", "", "the branch a script takes: $1, and the answer to a select menu or read")
	f.BoolVar(&o.netns, "netns", false, "reach each host in the network namespace of its NAME (netns = \"NAME\"), as in a lab")
	f.BoolVar(&o.resolve, "resolve", false, "resolve host names (ipvsadm-save without -n) through the system resolver, each reported")
	f.StringVar(&o.hosts, "hosts", "", "resolve host names from `FILE` (hosts(5) format, e.g. the director's /etc/hosts) instead of DNS; implies --resolve")
	return cmd
}

// input is one FILE argument.
type input struct {
	name, file string
	addr       netip.Addr
	named      bool
	src        []byte
	kind       string
}

func parseInput(arg string) (input, error) {
	in := input{file: arg}
	if name, file, ok := strings.Cut(arg, "="); ok && name != "" && !strings.Contains(name, "/") {
		in.name, in.file, in.named = name, file, true
		if n, a, ok := strings.Cut(name, "@"); ok {
			addr, err := netip.ParseAddr(a)
			if err != nil {
				return in, fmt.Errorf("%s: %q is not an address; write NAME@ADDRESS=FILE", arg, a)
			}
			in.name, in.addr = n, addr
		}
	}
	if !in.named {
		base := filepath.Base(in.file)
		in.name = strings.TrimSuffix(base, filepath.Ext(base))
	}
	return in, nil
}

func runConvert(ctx context.Context, stdio IO, o convertOptions, args []string) error {
	if o.from != "auto" && !slices.Contains(convert.Kinds(), o.from) {
		return fmt.Errorf("--from %s: use auto or one of %s", o.from, strings.Join(convert.Kinds(), ", "))
	}
	var inputs []input
	for _, a := range args {
		in, err := parseInput(a)
		if err != nil {
			return err
		}
		if in.src, err = os.ReadFile(in.file); err != nil {
			return err
		}
		in.kind = o.from
		if in.kind == "auto" {
			in.kind = convert.Detect(in.file, in.src)
		}
		inputs = append(inputs, in)
	}
	hosts := hostsFor(inputs)
	resolver, err := o.resolver()
	if err != nil {
		return err
	}
	for _, h := range hosts {
		h.Resolver = resolver
	}
	// sysctl.conf files first: a script's `sysctl -p` applies them.
	for i, in := range inputs {
		if in.kind == convert.KindSysctl {
			hosts[i].SysctlFiles[in.file] = convert.ParseSysctlConf(in.file, in.src)
		}
	}
	for i, in := range inputs {
		h := hosts[i]
		switch in.kind {
		case convert.KindScript:
			err := shell.Run(ctx, h, in.file, in.src, shell.Options{Args: o.args, Branch: o.branch, Hostname: h.Name})
			if err != nil {
				return err
			}
		case convert.KindIPVSSave:
			if err := convert.FromIPVSSave(h, in.file, strings.NewReader(string(in.src))); err != nil {
				return err
			}
		case convert.KindKeepalived:
			if err := keepalived.Convert(h, in.file, in.src, os.ReadFile); err != nil {
				return err
			}
		case convert.KindIfcfg:
			convert.FromIfcfg(h, in.file, in.src)
		}
	}
	// A sysctl.conf no script loaded applies as at boot.
	for i, in := range inputs {
		if h := hosts[i]; in.kind == convert.KindSysctl && !h.SysctlUsed[in.file] {
			h.Files = append(h.Files, in.file)
			h.ApplySysctlFile(h.SysctlFiles[in.file])
		}
	}
	res, err := convert.Convert(unique(hosts), convert.Options{Netns: o.netns})
	if err != nil {
		return err
	}
	return writeConversion(stdio, res, o.out)
}

// resolver is what --resolve and --hosts ask for, or nil.
func (o convertOptions) resolver() (*convert.Resolver, error) {
	switch {
	case o.hosts != "":
		src, err := os.ReadFile(o.hosts)
		if err != nil {
			return nil, fmt.Errorf("--hosts: %w", err)
		}
		return &convert.Resolver{Lookup: convert.ParseHosts(src), Via: "the hosts file " + o.hosts}, nil
	case o.resolve:
		return convert.SystemResolver(), nil
	}
	return nil, nil
}

// hostsFor gives each input its host: named inputs with one NAME share
// one, unnamed inputs each get their own, named after the file.
func hostsFor(inputs []input) []*convert.Host {
	byName := map[string]*convert.Host{}
	taken := map[string]bool{}
	for _, in := range inputs {
		if in.named {
			taken[in.name] = true
		}
	}
	out := make([]*convert.Host, len(inputs))
	for i, in := range inputs {
		if h, ok := byName[in.name]; ok && in.named {
			out[i] = h
			if in.addr.IsValid() {
				h.Address = in.addr
			}
			continue
		}
		name := in.name
		for n := 2; !in.named && taken[name]; n++ {
			name = fmt.Sprintf("%s-%d", in.name, n)
		}
		taken[name] = true
		h := convert.NewHost(name)
		h.Address = in.addr
		byName[name] = h
		out[i] = h
	}
	return out
}

// unique keeps each host once, in order of first appearance.
func unique(hosts []*convert.Host) []*convert.Host {
	var out []*convert.Host
	for _, h := range hosts {
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}
