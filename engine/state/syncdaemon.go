package state

import "net/netip"

// SyncDaemon is an IPVS connection synchronisation daemon (ipvsadm
// --start-daemon): a master sends the director's connections to a
// multicast group, a backup receives them into its own table, so a backup
// that takes over the VIP keeps the established connections. A director
// runs at most one of each state.
type SyncDaemon struct {
	// State is "master" or "backup".
	State string `json:"state"`
	// Interface sends or receives the multicast (--mcast-interface).
	Interface string `json:"interface"`
	// SyncID tells clusters on one network apart (--syncid, 0..255).
	SyncID uint8 `json:"sync_id"`
	// The rest are 0 (or the zero Addr) for the kernel's defaults in a
	// desired state: group 224.0.0.81, port 8848, TTL 1, and a message
	// length from the interface's MTU. A live state has the actual values.
	Group  netip.Addr `json:"group,omitzero"`
	Port   uint16     `json:"port,omitempty"`
	TTL    uint8      `json:"ttl,omitempty"`
	MaxLen uint16     `json:"max_len,omitempty"`
}

// Sync daemon states.
const (
	SyncMaster = "master"
	SyncBackup = "backup"
)

// Key identifies a sync daemon: its state, as a host runs one of each.
func (d SyncDaemon) Key() string { return d.State }
