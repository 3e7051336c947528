// Package state is the host state model shared by the desired state (compiled
// from HCL) and the live state (read from a host). One shape for both keeps
// diffing, snapshots (`show -o json`, `plan --state`) and the remote agent
// protocol simple: they all move these values around as JSON.
package state

import (
	"bytes"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
)

// FormatVersion is written into snapshots and checked when they are read.
const FormatVersion = "1"

// Role is what a host does in the cluster.
type Role string

const (
	RoleDirector   Role = "director"
	RoleRealServer Role = "real_server"
)

// Host is everything lvsctl knows about one host. Slices are kept sorted by
// key (see Normalize) so that two equal states marshal to equal JSON.
type Host struct {
	Name      string    `json:"name"`
	Role      Role      `json:"role,omitempty"`
	Services  []Service `json:"services,omitempty"`
	Addresses []Address `json:"addresses,omitempty"`
	Routes    []Route   `json:"routes,omitempty"`
	Sysctls   []Sysctl  `json:"sysctls,omitempty"`
	// SyncDaemons are the IPVS sync daemons of a director, one per state.
	SyncDaemons []SyncDaemon `json:"sync_daemons,omitempty"`
	// Timeouts of the IPVS connection table (ipvsadm --set). Nil in a desired
	// state means "not managed"; in a live state of a host without IPVS, unknown.
	Timeouts *Timeouts `json:"timeouts,omitempty"`
	// OwnAllServices: lvsctl owns the whole IPVS table, so services it did
	// not create are removed too. Only meaningful in a desired state.
	OwnAllServices bool `json:"own_all_services,omitempty"`
	// NoBoot: the host keeps no state for `lvsctl boot` (boot = false).
	// Only meaningful in a desired state.
	NoBoot bool `json:"no_boot,omitempty"`
	// Owned is the ownership record kept on the host itself. Only set in a
	// live state; nil when the host has no record yet.
	Owned *Record `json:"owned,omitempty"`
	// Shared is what the other clusters on this host declared when last
	// applied, by cluster name ("" the unnamed one). Only in a live state:
	// what this cluster made and another one needs is handed over to it
	// rather than removed when this cluster lets go.
	Shared map[string]Uses `json:"shared,omitempty"`
}

// Uses lists what a cluster declares on a host, by key: the addresses and
// routes (Address.Key, Route.Key) and the sysctls by name.
type Uses struct {
	Addresses []string `json:"addresses,omitempty"`
	Routes    []string `json:"routes,omitempty"`
	Sysctls   []string `json:"sysctls,omitempty"`
}

// UsesOf lists what a desired state declares, for Host.Shared.
func UsesOf(h Host) Uses {
	var u Uses
	for _, a := range h.Addresses {
		u.Addresses = append(u.Addresses, a.Key())
	}
	for _, r := range h.Routes {
		u.Routes = append(u.Routes, r.Key())
	}
	for _, s := range h.Sysctls {
		u.Sysctls = append(u.Sysctls, s.Name)
	}
	return u
}

// Service is an IPVS virtual service with its real servers.
type Service struct {
	// Name is the virtual_server block this service was declared by. Only in
	// desired states (live ones learn it from the Record), and it is not part
	// of the kernel's identity: it lets a VIP or port change show as a
	// replacement of the same block rather than an unrelated add and delete.
	Name string `json:"name,omitempty"`
	// Protocol is tcp, udp or sctp; empty for a firewall-mark service.
	Protocol string     `json:"protocol,omitempty"`
	Address  netip.Addr `json:"address,omitzero"`
	Port     uint16     `json:"port,omitempty"`
	FWMark   uint32     `json:"fwmark,omitempty"`
	// Family is "inet" or "inet6"; it matters on its own only for fwmark services.
	Family    Family    `json:"family"`
	Scheduler Scheduler `json:"scheduler"`
	// Flags are scheduler flags: sh-fallback, sh-port, mh-fallback, mh-port. Sorted.
	Flags []string `json:"flags,omitempty"`
	// Persistence timeout in seconds; 0 means not persistent.
	Persistence uint32 `json:"persistence,omitempty"`
	// Netmask is the persistence granularity as a prefix length (ipvsadm -M);
	// 32 (or 128) is the kernel default and is what "unset" compiles to.
	Netmask   int  `json:"netmask"`
	OnePacket bool `json:"one_packet,omitempty"`
	// DrainTimeout is how long, in seconds, removing a server of this
	// service waits for its active connections to close; nil means the
	// default (DefaultDrainTimeout), 0 no wait. A setting of lvsctl, not of
	// the kernel: only desired states have it.
	DrainTimeout *uint32  `json:"drain_timeout,omitempty"`
	Servers      []Server `json:"servers,omitempty"`
}

// Server is a real server (an IPVS destination) of a service.
type Server struct {
	Address netip.Addr `json:"address"`
	Port    uint16     `json:"port"`
	// Method is dr, nat or tun.
	Method Method `json:"method"`
	// Tunnel settings apply to method tun only: type ipip (default), gue or gre.
	TunnelType     TunnelType `json:"tunnel_type,omitempty"`
	TunnelPort     uint16     `json:"tunnel_port,omitempty"`
	TunnelChecksum string     `json:"tunnel_checksum,omitempty"` // "", "csum" or "remcsum"
	Weight         uint32     `json:"weight"`
	UpperThreshold uint32     `json:"upper_threshold,omitempty"`
	LowerThreshold uint32     `json:"lower_threshold,omitempty"`
	// ActiveConnections is a statistic, not a setting: the connections the
	// kernel counts as established to the server. Only a read that asks for
	// it (cluster.ReadRequest.Connections, while draining) fills it; every
	// other state has 0 here, so it never shows in a diff or a digest.
	ActiveConnections uint32 `json:"active_connections,omitempty"`
}

// Address is an IP address on an interface, as `ip addr` shows it.
type Address struct {
	Interface string       `json:"interface"`
	Prefix    netip.Prefix `json:"prefix"`
	// Label is the ifconfig-style alias name, e.g. "lo:0" or "eth0:0".
	Label string `json:"label,omitempty"`
	// Scope is "host" or "link"; "" is global, the kernel's default.
	Scope string `json:"scope,omitempty"`
}

// Route is a route in a routing table.
type Route struct {
	Destination netip.Prefix `json:"destination"`
	Gateway     netip.Addr   `json:"gateway,omitzero"`
	Interface   string       `json:"interface,omitempty"`
	// Table 0 means the main table.
	Table  int `json:"table,omitempty"`
	Metric int `json:"metric,omitempty"`
}

// Sysctl is one kernel parameter, named in dotted form (net.ipv4.ip_forward).
type Sysctl struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Timeouts are the IPVS connection timeouts in seconds (ipvsadm --set tcp tcpfin udp).
type Timeouts struct {
	TCP    uint32 `json:"tcp"`
	TCPFin uint32 `json:"tcpfin"`
	UDP    uint32 `json:"udp"`
}

// Record is what lvsctl has created on a host, kept on the host itself so
// that every operator sees the same truth. Keys are the Key() of each
// resource. Sysctl and timeout entries remember the value from before
// lvsctl first changed them, so removing them from the config restores it.
type Record struct {
	FormatVersion string `json:"format_version"`
	// Services maps the key of each service lvsctl created to the name of
	// the virtual_server block that declared it.
	Services  map[string]string `json:"services,omitempty"`
	Addresses []string          `json:"addresses,omitempty"`
	Routes    []string          `json:"routes,omitempty"`
	// RouteOriginals holds routes that existed before lvsctl changed them,
	// by key, to be put back when the config no longer declares them.
	RouteOriginals map[string]Route  `json:"route_originals,omitempty"`
	Sysctls        map[string]string `json:"sysctls,omitempty"`
	// SyncDaemons are the states (master, backup) of the sync daemons
	// lvsctl started.
	SyncDaemons []string `json:"sync_daemons,omitempty"`
	// ServiceOriginals holds services lvsctl adopted (declared while they
	// existed, and changed in place) as they were before, servers
	// included, by key, to be put back when the config no longer declares
	// them.
	ServiceOriginals map[string]Service `json:"service_originals,omitempty"`
	// Timeouts holds the timeouts from before lvsctl set them, if it did.
	Timeouts *Timeouts `json:"timeouts,omitempty"`
	// Peers are the hosts of the cluster as of the last apply, this one
	// included. They let a later plan find a host whose block was deleted
	// from the configuration, reach it, and remove what lvsctl made there:
	// with no state off the hosts, only the hosts can remember it.
	Peers map[string]Peer `json:"peers,omitempty"`
	// LinksUp are interfaces that were down until lvsctl put an address on
	// them, which brings them up (tunl0 and ip6tnl0 come down when their
	// module loads): when the last address lvsctl made there goes, the
	// interface is put back down, as it was.
	LinksUp []string `json:"links_up,omitempty"`
}

// Peer is a host of the cluster as a record remembers it.
type Peer struct {
	Role       Role       `json:"role"`
	Connection Connection `json:"connection"`
}

// Key identifies a service: "tcp/10.0.0.1:80", "udp/[2001:db8::1]:53" or "fwmark/1/inet".
func (s Service) Key() string { return s.ID().Key() }

// Key identifies a server within its service: "10.0.0.2:80".
func (d Server) Key() string { return netip.AddrPortFrom(d.Address, d.Port).String() }

// Key identifies an address: "lo/10.0.0.100/32".
func (a Address) Key() string { return a.Interface + "/" + a.Prefix.String() }

// Key identifies a route: its destination, qualified by table and metric when set.
func (r Route) Key() string {
	k := r.Destination.String()
	if r.Table != 0 {
		k += fmt.Sprintf(" table %d", r.Table)
	}
	if r.Metric != 0 {
		k += fmt.Sprintf(" metric %d", r.Metric)
	}
	return k
}

// Key identifies a sysctl: its dotted name.
func (s Sysctl) Key() string { return s.Name }

// Server returns the server with the given key, if the service has it.
func (s Service) Server(key string) (Server, bool) {
	for _, d := range s.Servers {
		if d.Key() == key {
			return d, true
		}
	}
	return Server{}, false
}

// Sysctl returns the value of the named sysctl, if the state has it.
func (h Host) Sysctl(name string) (string, bool) {
	for _, s := range h.Sysctls {
		if s.Name == name {
			return s.Value, true
		}
	}
	return "", false
}

// Normalize sorts every list by key so equal states compare and marshal equal.
func (h *Host) Normalize() {
	kb := &keyBuffers{}
	for i := range h.Services {
		slices.Sort(h.Services[i].Flags)
		if !sortedByKey(h.Services[i].Servers, Server.appendKey, kb) {
			sortByKey(h.Services[i].Servers, Server.Key)
		}
	}
	if !sortedByKey(h.Services, Service.appendKey, kb) {
		sortByKey(h.Services, Service.Key)
	}
	sortByKey(h.Addresses, Address.Key)
	sortByKey(h.Routes, Route.Key)
	sortByKey(h.Sysctls, Sysctl.Key)
	sortByKey(h.SyncDaemons, SyncDaemon.Key)
	for name, u := range h.Shared {
		slices.Sort(u.Addresses)
		slices.Sort(u.Routes)
		slices.Sort(u.Sysctls)
		h.Shared[name] = u
	}
	if h.Owned != nil {
		slices.Sort(h.Owned.SyncDaemons)
		slices.Sort(h.Owned.Addresses)
		slices.Sort(h.Owned.Routes)
	}
}

// sortByKey sorts s stably by each element's key, computing every key once
// and moving the (large) elements once: calling Key() inside the comparison
// made big states slow, as each key is a fresh string.
func sortByKey[T any](s []T, key func(T) string) {
	if len(s) < 2 {
		return
	}
	type keyed struct {
		key string
		i   int
	}
	ks := make([]keyed, len(s))
	for i, v := range s {
		ks[i] = keyed{key(v), i}
	}
	byKey := func(a, b keyed) int { return strings.Compare(a.key, b.key) }
	if slices.IsSortedFunc(ks, byKey) {
		return
	}
	slices.SortStableFunc(ks, byKey)
	sorted := make([]T, len(s))
	for i, k := range ks {
		sorted[i] = s[k.i]
	}
	copy(s, sorted)
}

// sortedByKey reports whether s is sorted by key, as sortByKey would leave
// it, without a string per element: states read or normalized before (every
// plan normalizes the live and the desired state) are sorted already, and a
// fresh key per server was most of what normalizing them cost. appendKey
// appends what Key returns; kb are its buffers, kept from one list to the
// next.
func sortedByKey[T any](s []T, appendKey func(T, []byte) []byte, kb *keyBuffers) bool {
	prev, cur := kb.prev[:0], kb.cur[:0]
	defer func() { kb.prev, kb.cur = prev, cur }()
	for i := range s {
		cur = appendKey(s[i], cur[:0])
		if i > 0 && bytes.Compare(prev, cur) > 0 {
			return false
		}
		prev, cur = cur, prev
	}
	return true
}

// keyBuffers are sortedByKey's buffers for two keys.
type keyBuffers struct{ prev, cur []byte }

// appendKey appends Key to b.
func (d Server) appendKey(b []byte) []byte {
	if !d.Address.IsValid() {
		return append(b, d.Key()...) // "invalid AddrPort", where AppendTo writes nothing
	}
	return netip.AddrPortFrom(d.Address, d.Port).AppendTo(b)
}

// appendKey appends Key to b.
func (s Service) appendKey(b []byte) []byte {
	if s.FWMark != 0 || !s.Address.IsValid() {
		return append(b, s.Key()...)
	}
	b = append(b, s.Protocol...)
	b = append(b, '/')
	return netip.AddrPortFrom(s.Address, s.Port).AppendTo(b)
}

// Clone returns a deep copy of h, so a caller can sort or change it without
// touching the original.
func (h Host) Clone() Host {
	c := h
	if h.Services != nil {
		c.Services = make([]Service, len(h.Services))
		for i, s := range h.Services {
			s.Flags = slices.Clone(s.Flags)
			s.Servers = slices.Clone(s.Servers)
			c.Services[i] = s
		}
	}
	c.Addresses = slices.Clone(h.Addresses)
	c.Routes = slices.Clone(h.Routes)
	c.Sysctls = slices.Clone(h.Sysctls)
	c.SyncDaemons = slices.Clone(h.SyncDaemons)
	if h.Timeouts != nil {
		t := *h.Timeouts
		c.Timeouts = &t
	}
	if h.Shared != nil {
		c.Shared = make(map[string]Uses, len(h.Shared))
		for name, u := range h.Shared {
			c.Shared[name] = Uses{Addresses: slices.Clone(u.Addresses), Routes: slices.Clone(u.Routes), Sysctls: slices.Clone(u.Sysctls)}
		}
	}
	if h.Owned != nil {
		r := *h.Owned
		r.Services = maps.Clone(r.Services)
		r.Addresses = slices.Clone(r.Addresses)
		r.Routes = slices.Clone(r.Routes)
		r.RouteOriginals = maps.Clone(r.RouteOriginals)
		r.ServiceOriginals = maps.Clone(r.ServiceOriginals)
		r.Sysctls = maps.Clone(r.Sysctls)
		r.SyncDaemons = slices.Clone(r.SyncDaemons)
		r.Peers = maps.Clone(r.Peers)
		if r.Timeouts != nil {
			t := *r.Timeouts
			r.Timeouts = &t
		}
		c.Owned = &r
	}
	return c
}

// Snapshot is a set of host states, as `show -o json` writes and `plan --state` reads.
type Snapshot struct {
	FormatVersion string `json:"format_version"`
	Hosts         []Host `json:"hosts"`
}
