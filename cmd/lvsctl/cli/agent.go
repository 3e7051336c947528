package cli

import (
	"os/signal"
	"syscall"

	"github.com/lvsctl/lvsctl/providers/local"
	"github.com/lvsctl/lvsctl/transport/agent"
	"github.com/spf13/cobra"
)

type agentOptions struct {
	name   string
	record string
}

func newAgentCommand(stdio IO) *cobra.Command {
	var o agentOptions
	cmd := &cobra.Command{
		Annotations: map[string]string{changesHostsKey: "true"},
		Use:         "agent",
		Short:       "Serve this host's state to another lvsctl over stdin/stdout",
		Long: `Agent is what lvsctl runs on a host it reaches indirectly: inside a network
namespace (ip netns exec NS lvsctl agent), and over SSH, where lvsctl copies
itself to the host and runs /var/lib/lvsctl/bin/lvsctl-SHA256 agent (or
sudo -n ~/.cache/lvsctl/bin/lvsctl agent for a user who is not root). It
reads requests on standard input and answers on standard output. People do
not run it by hand.`,
		Example: "  ip netns exec lvs1 lvsctl agent --name lvs1 --record /var/lib/lvsctl/netns-lvs1.json",
		Hidden:  true,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// A client gone while an answer is written must not kill the
			// agent before it has finished: make the write fail instead.
			signal.Ignore(syscall.SIGPIPE)
			// The client's setup request names the cluster (whose record is
			// beside --record) and asks for the host's lock: an SSH agent's
			// command line is fixed, for sudoers, so it takes no flags.
			hosts := agent.LocalHosts{Options: local.Options{Name: o.name, RecordPath: o.record}}
			return agent.ServeHosts(cmd.Context(), stdio.In, stdio.Out, hosts)
		},
	}
	cmd.Flags().StringVar(&o.name, "name", "", "the host's name in the configuration, for messages")
	cmd.Flags().StringVar(&o.record, "record", local.RecordPath(local.RecordDir(), "local"), "the ownership record file of this host's unnamed cluster (a named cluster's is beside it)")
	return cmd
}
