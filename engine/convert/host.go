// Package convert turns what old LVS artefacts do — init scripts,
// ipvsadm-save files, keepalived.conf, ifcfg and sysctl.conf files — into
// one lvsctl cluster file. Each input is first replayed into a Host: the
// kernel state it leaves behind (in engine/state's shape), where each piece
// came from, and Notes for what was ignored or left out. Build merges the
// hosts into a cluster, Write prints it as formatted HCL, and Convert checks
// the result by compiling it and comparing each host's derived state with
// what the input did.
package convert

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/lvsctl/lvsctl/engine/state"
)

// Pos is a place in an input file.
type Pos struct {
	File string
	Line int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Kind says what a note means for the conversion.
type Kind int

const (
	// Ignored lines have no effect on what lvsctl manages (iptables -F,
	// sleep, ipvsadm -L); they do not change the exit status.
	Ignored Kind = iota
	// Info is something the user should know that changes nothing.
	Info
	// LeftOut is something the input does that the output does not say.
	LeftOut
	// Failed is a command that would fail when run; the output follows
	// what really happens (the command has no effect).
	Failed
	// Differs is something lvsctl derives that the input did not do.
	Differs
)

var kindNames = map[Kind]string{Ignored: "ignored", Info: "note", LeftOut: "left out", Failed: "would fail", Differs: "differs"}

func (k Kind) String() string { return kindNames[k] }

// Incomplete reports whether a note of this kind means the output is not
// the whole of the input (exit status 2).
func (k Kind) Incomplete() bool { return k >= LeftOut }

// Note is one thing the conversion reports on stderr and, unless ignored,
// as a comment in the output near where it belongs.
type Note struct {
	Pos  Pos
	Kind Kind
	What string // the command or line, as written or expanded
	Why  string
	// Target is the block the comment goes in: "director NAME",
	// "virtual_server NAME", "real_server NAME", or "" for the top.
	Target string
}

func (n Note) String() string {
	s := fmt.Sprintf("%s: %s: ", n.Pos, n.Kind)
	if n.What != "" {
		s += n.What + ": "
	}
	return s + n.Why
}

// Host is what the inputs naming one host did to it.
type Host struct {
	Name string
	// Address is the host's own address when an input says it (NAME@ADDR,
	// a DIP variable, an address on a non-VIP interface).
	Address netip.Addr
	// Files are the inputs that describe the host, in order.
	Files []string
	// State is the kernel state the inputs leave: IPVS services in the
	// order they were added, addresses, routes, sysctls, timeouts.
	State state.Host
	// Role, when set, is the host's role as a snapshot records it;
	// otherwise Build decides from what the inputs did.
	Role state.Role
	// Interface and VRRP come from keepalived: VRRP moves the VIPs on
	// Interface, so lvsctl must not alias them.
	Interface string
	VRRP      bool
	Notes     []Note
	// Comments are the input's comment lines directly above a line, by
	// position; the comments above `ipvsadm -A` describe the service.
	Comments map[Pos][]string
	// Header is the input's leading comment block, which usually says what
	// the script is for.
	Header []string
	// Vars names values the input held in variables (VIP=...), value → name.
	Vars map[string]string
	// SysctlFiles are sysctl.conf inputs for `sysctl -p`, by path.
	SysctlFiles map[string][]SysctlLine
	// SysctlUsed are the SysctlFiles a script applied with sysctl -p.
	SysctlUsed map[string]bool
	// Resolver, when set, resolves the host names of ipvsadm commands;
	// without it they are reported and left out.
	Resolver          *Resolver
	hints             map[string]hint
	seen              map[Note]bool
	calls, lastFailed int
	// origin is where each piece of State came from, by kind and key.
	origin map[string]Pos
	// skip says, by the same keys, why a piece of State is not written.
	skip map[string]string
}

// Hints are addresses an input declares without using them (DIP=..., RIP=...),
// by the role whose own address they would be.
const (
	DirectorHint   = "director"
	RealServerHint = "real_server"
)

// SetHint records that the input declares addr as the host's own address
// should it be a host of that role; name is where it came from.
func (h *Host) SetHint(role string, addr netip.Addr, pos Pos, name string) {
	if h.hints == nil {
		h.hints = map[string]hint{}
	}
	if _, ok := h.hints[role]; !ok {
		h.hints[role] = hint{addr, pos, name}
	}
}

type hint struct {
	addr netip.Addr
	pos  Pos
	name string
}

// hint returns the address declared for role, and notes that it is used.
func (h *Host) hint(role string) netip.Addr {
	x, ok := h.hints[role]
	if !ok {
		return netip.Addr{}
	}
	h.Note(x.pos, Info, x.name+"="+x.addr.String(), "taken as this host's own address")
	return x.addr
}

// SysctlLine is one setting of a sysctl.conf file.
type SysctlLine struct {
	Pos         Pos
	Name, Value string
}

// NewHost returns an empty host named name.
func NewHost(name string) *Host {
	return &Host{Name: name, Comments: map[Pos][]string{}, Vars: map[string]string{}, SysctlFiles: map[string][]SysctlLine{}, SysctlUsed: map[string]bool{}, origin: map[string]Pos{}, skip: map[string]string{}}
}

// Note records a note about the host at pos.
// The same note twice (a loop, a group of services) is kept once.
func (h *Host) Note(pos Pos, kind Kind, what, why string) {
	n := Note{Pos: pos, Kind: kind, What: what, Why: why}
	h.calls++
	if kind == Failed {
		h.lastFailed = h.calls
	}
	if h.seen == nil {
		h.seen = map[Note]bool{}
	}
	if !h.seen[n] {
		h.seen[n] = true
		h.Notes = append(h.Notes, n)
	}
}

// NoteCount is the number of notes, counting repeats that Note dropped,
// for FailedSince.
func (h *Host) NoteCount() int { return h.calls }

// FailedSince reports whether a Failed note was made (or repeated) since
// NoteCount returned n: the command that caused it exits non-zero.
func (h *Host) FailedSince(n int) bool { return h.lastFailed > n }

// Origin returns where the piece with the given origin key came from.
func (h *Host) Origin(key string) (Pos, bool) {
	p, ok := h.origin[key]
	return p, ok
}

// AddAddress puts an address on the host, as `ip addr add` does: adding
// an address already there fails.
func (h *Host) AddAddress(pos Pos, what string, a state.Address) {
	if a.Label == a.Interface {
		a.Label = ""
	}
	for _, o := range h.State.Addresses {
		if o.Key() == a.Key() {
			h.Note(pos, Failed, what, fmt.Sprintf("%s is already on %s (RTNETLINK answers: File exists); the command changes nothing", a.Prefix, a.Interface))
			return
		}
	}
	h.State.Addresses = append(h.State.Addresses, a)
	h.origin["addr:"+a.Key()] = pos
}

// SetAddress gives an interface or alias label one address, replacing the
// one it had, as ifconfig does.
func (h *Host) SetAddress(pos Pos, a state.Address) {
	label := a.Label
	if label == "" {
		label = a.Interface
	}
	h.State.Addresses = slices.DeleteFunc(h.State.Addresses, func(o state.Address) bool {
		return o.Interface == a.Interface && (o.Label == label || o.Label == "" && label == a.Interface) && o.Prefix.Addr().Is4() == a.Prefix.Addr().Is4()
	})
	h.AddAddress(pos, "", a)
}

// DeleteAddresses removes the addresses match selects and reports whether
// there were any.
func (h *Host) DeleteAddresses(match func(state.Address) bool) bool {
	n := len(h.State.Addresses)
	h.State.Addresses = slices.DeleteFunc(h.State.Addresses, match)
	return len(h.State.Addresses) != n
}

// AddRoute adds a route; an equal one already there fails, as in the kernel.
func (h *Host) AddRoute(pos Pos, what string, r state.Route) {
	for _, o := range h.State.Routes {
		if o.Key() == r.Key() {
			h.Note(pos, Failed, what, fmt.Sprintf("the route %s exists already (File exists); the command changes nothing", r.Destination))
			return
		}
	}
	h.State.Routes = append(h.State.Routes, r)
	h.origin["route:"+r.Key()] = pos
}

// DeleteRoute removes the routes to dest and reports whether there were any.
func (h *Host) DeleteRoute(dest netip.Prefix) bool {
	n := len(h.State.Routes)
	h.State.Routes = slices.DeleteFunc(h.State.Routes, func(r state.Route) bool { return r.Destination == dest })
	return len(h.State.Routes) != n
}

// SetSysctl sets a sysctl by its dotted name.
func (h *Host) SetSysctl(pos Pos, name, value string) {
	name = strings.ReplaceAll(strings.Trim(name, "./"), "/", ".")
	value = strings.TrimSpace(value)
	for i := range h.State.Sysctls {
		if h.State.Sysctls[i].Name == name {
			h.State.Sysctls[i].Value = value
			h.origin["sysctl:"+name] = pos
			return
		}
	}
	h.State.Sysctls = append(h.State.Sysctls, state.Sysctl{Name: name, Value: value})
	h.origin["sysctl:"+name] = pos
}

// ApplySysctlFile applies a sysctl.conf's settings, as `sysctl -p` does.
func (h *Host) ApplySysctlFile(lines []SysctlLine) {
	for _, l := range lines {
		h.SetSysctl(l.Pos, l.Name, l.Value)
	}
}

// service returns the index of the service with key, or -1.
func (h *Host) service(key string) int {
	return slices.IndexFunc(h.State.Services, func(s state.Service) bool { return s.Key() == key })
}

// Comment returns the comment lines directly above pos.
func (h *Host) Comment(pos Pos) []string { return h.Comments[pos] }
