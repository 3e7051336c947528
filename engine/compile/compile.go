// Package compile turns a loaded configuration into the desired state of
// each host. Directors get their IPVS services, VIP aliases and forwarding;
// real servers get what their role in each service needs (the VIP hidden on
// lo with ARP suppressed for DR, the tunnel device for TUN, a route back
// through the director for NAT), derived from the one cluster description
// so the two halves cannot drift apart.
package compile

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/lvsctl/lvsctl/engine/config"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Target is one host to manage: how to reach it and what it should look like.
type Target struct {
	Connection state.Connection `json:"connection"`
	Desired    state.Host       `json:"desired"` // Normalize()d
}

// Compile derives the desired state of every host. Targets come directors
// first, then real servers, each by name. Problems found only by deriving
// (an alias label too long, a NAT real server without a way back) are
// returned as diagnostics pointing at the configuration.
func Compile(cfg *config.Config) ([]Target, hcl.Diagnostics) {
	var targets []Target
	var diags hcl.Diagnostics
	for _, d := range sortedByName(cfg.Directors, func(d *config.Director) string { return d.Name }) {
		t, ds := compileDirector(cfg, d)
		targets = append(targets, t)
		diags = append(diags, ds...)
	}
	for _, rs := range sortedByName(cfg.RealServers, func(rs *config.RealServer) string { return rs.Name }) {
		t, ds := compileRealServer(cfg, rs)
		targets = append(targets, t)
		diags = append(diags, ds...)
	}
	for i := range targets {
		targets[i].Desired.Normalize()
	}
	return targets, diags
}

func sortedByName[T any](items []T, name func(T) string) []T {
	return slices.SortedStableFunc(slices.Values(items), func(a, b T) int { return cmp.Compare(name(a), name(b)) })
}

func connection(netns string, ssh *config.SSH) state.Connection {
	c := state.Connection{Netns: netns}
	if ssh != nil {
		c.SSH = &state.SSH{Host: ssh.Host, User: ssh.User, Port: ssh.Port, IdentityFile: ssh.IdentityFile}
	}
	return c
}

// labeler hands out ifconfig-style alias labels, IFACE:0, IFACE:1, ... per
// interface in the order addresses are first asked for. One labeler serves
// one host, which gets at most one "label too long" error.
type labeler struct {
	used     map[string]int
	reported bool
}

// next returns the next label of iface. When the label is too long for the
// kernel, ok is false and the first such label of the host is reported in
// diags as an error at rng, the attribute that chose the interface.
func (l *labeler) next(iface string, rng hcl.Range, diags *hcl.Diagnostics) (label string, ok bool) {
	if l.used == nil {
		l.used = make(map[string]int)
	}
	n := l.used[iface]
	l.used[iface] = n + 1
	label = fmt.Sprintf("%s:%d", iface, n)
	if len(label) <= state.MaxLabelLen {
		return label, true
	}
	if !l.reported {
		l.reported = true
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Address label too long",
			Detail: fmt.Sprintf("The alias label %q is %d bytes, but the kernel takes at most %d. Use an interface with a shorter name (an altname or a rename), so that NAME:N fits.",
				label, len(label), state.MaxLabelLen),
			Subject: rng.Ptr(),
		})
	}
	return "", false
}

// sysctlName is the dotted name of a per-interface setting; dots in the
// interface name (eth0.100) become slashes, as sysctl(8) writes them.
func sysctlName(family, iface, setting string) string {
	return fmt.Sprintf("net.%s.conf.%s.%s", family, strings.ReplaceAll(iface, ".", "/"), setting)
}

func warning(rng hcl.Range, summary, detail string, args ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: summary, Detail: fmt.Sprintf(detail, args...), Subject: rng.Ptr()}
}
