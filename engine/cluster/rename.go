package cluster

import (
	"fmt"
	"maps"
	"slices"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// A host is the machine (or namespace) it is reached at, not the name of its
// block: people rename blocks. A host the records remember under a name the
// configuration no longer has, reached the same way as a host the
// configuration does have, is that host renamed. Planning it as removed
// would have the same machine both cleaned up and kept.

// SameMachine reports whether two connections reach the same host: the same
// namespace on this machine, or the same SSH host and port (who logs in,
// and with which key, does not change the machine), or both this machine.
func SameMachine(a, b state.Connection) bool {
	if a.Netns != b.Netns || (a.SSH == nil) != (b.SSH == nil) {
		return false
	}
	if a.SSH == nil {
		return true
	}
	return a.SSH.Host == b.SSH.Host && sshPort(a.SSH.Port) == sshPort(b.SSH.Port)
}

func sshPort(p int) int {
	if p == 0 {
		return 22
	}
	return p
}

// renames takes out of remembered the hosts that are configured hosts
// renamed, and returns them as old name -> new name.
func renames(remembered, configured map[string]state.Peer) map[string]string {
	out := map[string]string{}
	for _, old := range slices.Sorted(maps.Keys(remembered)) {
		for _, name := range slices.Sorted(maps.Keys(configured)) {
			if SameMachine(remembered[old].Connection, configured[name].Connection) {
				out[old] = name
				delete(remembered, old)
				break
			}
		}
	}
	return out
}

// renameHints warns where a removed host may be a configured one renamed
// and reached another way (a new SSH address): nothing proves it, and if it
// is, the clean-up of the removed host takes from the new one what it needs.
func renameHints(removed map[string]state.Peer, configured map[string]state.Peer, live []state.Host) []plan.Warning {
	known := map[string]bool{}
	for _, h := range live {
		if h.Owned != nil {
			for n := range h.Owned.Peers {
				known[n] = true
			}
		}
	}
	var out []plan.Warning
	for _, old := range slices.Sorted(maps.Keys(removed)) {
		for _, name := range slices.Sorted(maps.Keys(configured)) {
			if known[name] || configured[name].Role != removed[old].Role {
				continue
			}
			out = append(out, plan.Warning{Host: old, Summary: "Removed host or renamed host?", Detail: fmt.Sprintf(
				"%s %q is no longer in the configuration and %q is new, but they are reached differently, so lvsctl treats them as two hosts: what lvsctl made on %q is removed. If %q is the same machine renamed, give it the connection %q had for one apply (the plan then shows only the rename), then change it.",
				removed[old].Role, old, name, old, name, old)})
		}
	}
	return out
}
