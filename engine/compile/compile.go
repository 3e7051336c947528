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
	"net/netip"
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

// findVIP returns the vip block of a host for vip, or nil.
func findVIP(vips []*config.VIP, vip netip.Addr) *config.VIP {
	for _, v := range vips {
		if v.Address == vip {
			return v
		}
	}
	return nil
}

// vipAddress is the address a VIP becomes on iface: a full-length prefix
// labelled IFACE:N (IPv4) unless a vip block says otherwise.
func vipAddress(vip netip.Addr, iface string, ov *config.VIP, labels *labeler, rng hcl.Range, diags *hcl.Diagnostics) (state.Address, bool) {
	a := state.Address{Interface: iface, Prefix: netip.PrefixFrom(vip, vip.BitLen())}
	if ov != nil {
		if ov.Prefix != 0 {
			a.Prefix = netip.PrefixFrom(vip, ov.Prefix)
		}
		a.Scope = ov.Scope
		if ov.Label != nil {
			a.Label = *ov.Label
			return a, true
		}
	}
	if vip.Is4() { // labels are an IPv4 notion
		var ok bool
		if a.Label, ok = labels.next(iface, rng, diags); !ok {
			return a, false
		}
	}
	return a, true
}

// declareSysctls adds the declared sysctls to the derived ones; a declared
// value wins over a derived one of the same name.
func declareSysctls(derived []state.Sysctl, declared []config.Sysctl) []state.Sysctl {
	for _, s := range declared {
		derived = slices.DeleteFunc(derived, func(o state.Sysctl) bool { return o.Name == s.Name })
		derived = append(derived, state.Sysctl{Name: s.Name, Value: s.Value})
	}
	return derived
}

// declareRoutes adds the declared routes; a declared route replaces a
// derived one of the same key.
func declareRoutes(derived []state.Route, declared []*config.Route) []state.Route {
	for _, r := range declared {
		rt := state.Route{Destination: r.Destination, Gateway: r.Gateway, Interface: r.Interface, Table: r.Table, Metric: r.Metric}
		derived = slices.DeleteFunc(derived, func(o state.Route) bool { return o.Key() == rt.Key() })
		derived = append(derived, rt)
	}
	return derived
}
