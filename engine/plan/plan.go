// Package plan holds the machine form of a plan: per host, an ordered list of
// changes, each with an action, an address, and the before and after values.
// Renderers (engine/render) draw the human views from it; apply carries it out.
package plan

import (
	"slices"

	"github.com/lvsctl/lvsctl/engine/state"
)

// FormatVersion of the public JSON plan (`plan -json`, and the plan inside a
// saved plan). Bump the major part on incompatible changes; testdata/format
// pins it.
const FormatVersion = "1.0"

// Action is what a change does, drawn as its symbol.
type Action rune

const (
	NoOp    Action = 0
	Create  Action = '+'
	Update  Action = '~'
	Delete  Action = '-'
	Replace Action = '±' // drawn as "-/+": delete the old, create the new
)

// String returns the symbol of the action as the human plan draws it.
func (a Action) String() string {
	switch a {
	case Create:
		return "+"
	case Update:
		return "~"
	case Delete:
		return "-"
	case Replace:
		return "-/+"
	}
	return " "
}

// Verbs returns the action as terraform-style JSON verbs.
func (a Action) Verbs() []string {
	switch a {
	case Create:
		return []string{"create"}
	case Update:
		return []string{"update"}
	case Delete:
		return []string{"delete"}
	case Replace:
		return []string{"create", "delete"}
	}
	return []string{"no-op"}
}

// Kind is the type of resource a change acts on.
type Kind string

const (
	KindService  Kind = "service"
	KindServer   Kind = "server"
	KindAddress  Kind = "address"
	KindRoute    Kind = "route"
	KindSysctl   Kind = "sysctl"
	KindTimeouts Kind = "timeouts"
	// KindSyncDaemon is an IPVS sync daemon (ipvsadm --start-daemon).
	KindSyncDaemon Kind = "sync_daemon"
	// KindPeers writes the cluster's hosts into the host's ownership record.
	// Apply adds it after a successful apply; plans never list it.
	KindPeers Kind = "peers"
	// KindBoot keeps, beside the host's ownership record, the host's
	// desired state as last applied, and the boot unit that restores it
	// when the machine starts (`lvsctl boot`). Apply adds it after a
	// successful apply, as for peers; plans never list it.
	KindBoot Kind = "boot"
)

// kinds is every Kind, in the order `show` draws them. A kind added above
// must be added here too; TestKinds then says what else it needs (see
// "Adding a managed resource" in the README).
var kinds = []Kind{KindService, KindServer, KindTimeouts, KindSyncDaemon, KindAddress, KindRoute, KindSysctl, KindPeers, KindBoot}

// Kinds returns every kind of change.
func Kinds() []Kind { return slices.Clone(kinds) }

// Address names a resource of kind k with key for people: "KIND KEY"
// (`service tcp/10.0.0.1:80`, `address lo/10.0.0.1/32`), or just
// "timeouts", a host having one set. Plans, the ownership marks of `show`
// and messages all name resources with it.
func Address(k Kind, key string) string {
	if k == KindTimeouts {
		return string(k)
	}
	return string(k) + " " + key
}

// Known reports whether k is one of Kinds.
func (k Kind) Known() bool { return slices.Contains(kinds, k) }

// Resource holds exactly one value, the one named by the change's Kind.
// A Service here never carries its Servers: each server is its own change.
type Resource struct {
	Service  *state.Service  `json:"service,omitempty"`
	Server   *state.Server   `json:"server,omitempty"`
	Address  *state.Address  `json:"address,omitempty"`
	Route    *state.Route    `json:"route,omitempty"`
	Sysctl   *state.Sysctl   `json:"sysctl,omitempty"`
	Timeouts *state.Timeouts `json:"timeouts,omitempty"`
	// SyncDaemon is an IPVS sync daemon.
	SyncDaemon *state.SyncDaemon `json:"sync_daemon,omitempty"`
	Peers      *Peers            `json:"peers,omitempty"`
	Boot       *Boot             `json:"boot,omitempty"`
}

// Boot is what a host keeps to come back by itself after a reboot.
type Boot struct {
	// Desired is the host's desired state as last applied, for its
	// cluster; nil makes the host forget it (destroy, apply -no-boot), and
	// remove the boot unit when no cluster on the host has one left.
	Desired *state.Host `json:"desired,omitempty"`
	// Root is the directory the boot unit is installed under ("" or "/":
	// the host's own /etc); tests and labs redirect it (LVSCTL_BOOT_ROOT).
	Root string `json:"root,omitempty"`
}

// Peers is the set of hosts a record remembers; empty makes it forget.
type Peers struct {
	Hosts map[string]state.Peer `json:"hosts"`
}

// Ownership is what applying a change does to the host's ownership record.
// The diff decides it; the host carries it out after the kernel change
// succeeds, so the record never claims what does not exist.
type Ownership string

const (
	OwnNone Ownership = ""
	// OwnCreate records the resource (After's key) as created by lvsctl.
	// On a Replace whose keys differ (a service with a new VIP or port) it
	// also drops Before's key: the old resource is gone, and a stale entry
	// would let lvsctl later delete a service someone re-creates by hand.
	OwnCreate Ownership = "create"
	// OwnRemember records Before as the value to restore when lvsctl lets go.
	// Used for sysctls, timeouts and routes that existed before lvsctl.
	OwnRemember Ownership = "remember"
	// OwnForget drops the resource (Before's key) from the record.
	OwnForget Ownership = "forget"
)

// Change is one step of a plan on one host.
type Change struct {
	Kind Kind `json:"kind"`
	// Address names the resource for people: `service tcp/10.0.0.1:80`,
	// `server tcp/10.0.0.1:80 -> 10.0.0.2:80`, `address lo/10.0.0.1/32`.
	Address string `json:"address"`
	// Service is the identity of the parent service of a server change
	// (as JSON, its key).
	Service *state.ServiceID `json:"service,omitempty"`
	// Name is the config block that asked for this (virtual_server "http"), if any.
	Name   string    `json:"name,omitempty"`
	Action Action    `json:"-"`
	Before *Resource `json:"before,omitempty"`
	After  *Resource `json:"after,omitempty"`
	// ForcesReplacement lists the attributes whose change forces a Replace.
	ForcesReplacement []string `json:"forces_replacement,omitempty"`
	// Reason is for display only: why the change is there (derived from a
	// DR service, restoring the value from before lvsctl, ...).
	Reason string    `json:"reason,omitempty"`
	Own    Ownership `json:"ownership,omitempty"`
	// Drain, on a change that removes servers, makes apply drain them
	// first (see Drain).
	Drain *Drain `json:"drain,omitempty"`
	// Original, on a service change whose Own is OwnRemember or OwnForget,
	// is the adopted service as it was before lvsctl changed it, servers
	// included: what the record keeps, and later puts back.
	Original *state.Service `json:"original,omitempty"`
	// HandOver, on a change by which this cluster lets go of something
	// another cluster on the host declares too, names that cluster: the
	// kernel is left as it is and the other cluster's record takes over
	// what this one kept (HandedOver).
	HandOver *HandOver `json:"hand_over,omitempty"`
}

// HandOver names the cluster that takes over a resource.
type HandOver struct {
	Cluster string `json:"cluster"`
}

// HostPlan is the plan for one host.
type HostPlan struct {
	Host string     `json:"host"`
	Role state.Role `json:"role"`
	// LiveDigest identifies the live state the plan was made from; apply of a
	// saved plan refuses when the host's state no longer has this digest.
	LiveDigest string   `json:"live_digest"`
	Changes    []Change `json:"changes"`
	// Unmanaged lists what is on the host that lvsctl leaves alone, by address.
	Unmanaged []string `json:"unmanaged,omitempty"`
	// Desired is the state apply verifies against afterwards.
	Desired state.Host `json:"desired"`
	// Warnings are notes for the reviewer that do not stop the plan (in
	// JSON, see Warning).
	Warnings []Warning `json:"diagnostics,omitempty"`
	// Removed marks a host whose block is gone from the configuration but
	// whose peers remember it: the plan removes what lvsctl made there.
	Removed bool `json:"removed,omitempty"`
	// RenamedFrom are names the cluster's records know this host by: its
	// block was renamed, and it is reached as before, so it is the same
	// host. Applying the plan makes the records learn the new name.
	RenamedFrom []string `json:"renamed_from,omitempty"`
	// HeldBack are changes taken out of Changes because they depend on a
	// host that could not be reached (see cluster.HoldBack): apply leaves
	// them for a later run, and verify expects them still to differ.
	HeldBack []Change `json:"held_back,omitempty"`
}

// Plan is the whole plan across hosts.
type Plan struct {
	FormatVersion string     `json:"format_version"`
	Hosts         []HostPlan `json:"hosts"`
	// Peers is the cluster membership apply records on every host of the
	// plan (hosts marked Removed are made to forget it).
	Peers map[string]state.Peer `json:"peers,omitempty"`
	// Warnings concern the cluster rather than one host (in JSON, see
	// Warning).
	Warnings []Warning `json:"diagnostics,omitempty"`
}

// Result is the outcome of applying one change.
type Result struct {
	Address string `json:"address"`
	Error   string `json:"error,omitempty"`
}

// Counts returns how many changes add, change and destroy, as the footer
// "Plan: N to add, N to change, N to destroy." counts them (a replace counts
// as one add and one destroy).
func (p Plan) Counts() (add, change, destroy int) {
	for _, h := range p.Hosts {
		for _, c := range h.Changes {
			switch c.Action {
			case Create:
				add++
			case Update:
				change++
			case Delete:
				destroy++
			case Replace:
				add++
				destroy++
			}
		}
	}
	return
}

// HeldBack counts the changes held back for hosts that could not be reached.
func (p Plan) HeldBack() int {
	n := 0
	for _, h := range p.Hosts {
		n += len(h.HeldBack)
	}
	return n
}

// HasChanges reports whether applying the plan would change anything. A
// removed host counts even with nothing to remove there: applying the plan
// makes the cluster forget it; so does a renamed host, whose new name the
// records learn.
func (p Plan) HasChanges() bool {
	for _, h := range p.Hosts {
		if len(h.Changes) > 0 || h.Removed || len(h.RenamedFrom) > 0 {
			return true
		}
	}
	return false
}
