package agent

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/lvsctl/lvsctl/engine/cluster"
)

// NetnsDir is where `ip netns` keeps its named namespaces.
const NetnsDir = "/run/netns"

// Netns starts an agent inside network namespace netns on this machine, as
// `ip netns exec NETNS COMMAND...`, and greets it. command runs the agent
// (lvsctl agent --name NAME --record PATH): it runs in the namespace but on
// this machine's file system, so each namespace needs a record of its own.
func Netns(ctx context.Context, name, netns string, command []string) (*Client, error) {
	if netns == "" || strings.ContainsAny(netns, "/\x00") || netns == "." || netns == ".." {
		return nil, fmt.Errorf("host %s: %q is not a network namespace name", name, netns)
	}
	if len(command) == 0 {
		return nil, fmt.Errorf("host %s: no agent command to run in network namespace %s", name, netns)
	}
	if _, err := os.Stat(filepath.Join(NetnsDir, netns)); err != nil {
		return nil, fmt.Errorf("host %s: network namespace %s does not exist (%v): create it with `ip netns add %s` or fix the host's netns setting",
			name, netns, err, netns)
	}
	ip, err := exec.LookPath("ip")
	if err != nil {
		return nil, fmt.Errorf("host %s: the ip command (iproute2) is needed to enter network namespace %s: install iproute2: %w", name, netns, err)
	}
	a, err := Exec(ctx, name, append([]string{ip, "netns", "exec", netns}, command...))
	if err != nil && os.Geteuid() != 0 {
		// `ip netns exec` reports a failed setns on stderr only; without
		// root that is the likely cause, and the way out is the same.
		return nil, cluster.PermissionError(fmt.Errorf("%w (entering a network namespace needs root)", err))
	}
	return a, err
}
