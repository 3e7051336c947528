package config

import (
	"net/netip"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/lvsctl/lvsctl/engine/state"
)

// SyncDaemon is a `sync_daemon "master"` (or "backup") block of a director:
// ipvsadm --start-daemon STATE --mcast-interface IF --syncid N.
type SyncDaemon struct {
	State     string
	Interface string
	SyncID    uint8
	// Group, Port, TTL and MaxLen are zero for the kernel's defaults.
	Group  netip.Addr
	Port   uint16
	TTL    uint8
	MaxLen uint16
	Source
}

func syncDaemonSchema() *hcl.BodySchema {
	return &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "interface", Required: true}, {Name: "sync_id"}, {Name: "group"}, {Name: "port"},
		{Name: "ttl"}, {Name: "max_len"},
	}}
}

func decodeSyncDaemons(blocks hcl.Blocks, ctx *hcl.EvalContext, diags *hcl.Diagnostics) []*SyncDaemon {
	var out []*SyncDaemon
	for _, b := range blocks.OfType("sync_daemon") {
		d := &SyncDaemon{State: b.Labels[0]}
		r, _ := openBlock(b, syncDaemonSchema(), ctx, &d.Source, diags)
		if d.State != state.SyncMaster && d.State != state.SyncBackup {
			r.errorf(b.LabelRanges[0], "Unknown sync daemon state", "%q is not a sync daemon state: use sync_daemon \"master\" (sends the connections) or \"backup\" (receives them).", d.State)
			continue
		}
		if i := slices.IndexFunc(out, func(o *SyncDaemon) bool { return o.State == d.State }); i >= 0 {
			r.errorf(b.DefRange, "Duplicate sync daemon", "A director runs one %s sync daemon; another is declared at %s.", d.State, out[i].DefRange)
			continue
		}
		if d.Interface, _ = r.str("interface"); d.Interface != "" {
			checkInterfaceName(r, "interface", d.Interface)
		}
		d.SyncID = uint8(r.intDefault("sync_id", 0, 0, 255, "a sync id is 0..255 (ipvsadm --syncid)"))
		if d.Group = r.addr("group"); d.Group.IsValid() && !d.Group.IsMulticast() {
			r.errorf(d.AttrRange("group"), "Invalid sync group", "%s is not a multicast address; the default is 224.0.0.81.", d.Group)
		}
		d.Port = uint16(r.intDefault("port", 0, 1, 65535, "a sync port is 1..65535 (default 8848)"))
		d.TTL = uint8(r.intDefault("ttl", 0, 1, 255, "a multicast TTL is 1..255 (default 1)"))
		d.MaxLen = uint16(r.intDefault("max_len", 0, 1, 65535, "a sync message length is 1..65535 bytes (default: from the interface's MTU)"))
		out = append(out, d)
	}
	return out
}

// checkSyncDaemons: the kernel refuses a sync daemon while any service has
// a server of the other family (the sync protocol cannot carry it).
func checkSyncDaemons(cfg *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, d := range cfg.Directors {
		if len(d.SyncDaemons) == 0 {
			continue
		}
	services:
		for _, vs := range cfg.VirtualServers {
			if !slices.Contains(vs.Directors, d.Name) || vs.Family == "" {
				continue
			}
			for _, s := range vs.Servers {
				if state.FamilyOf(s.Address) != vs.Family {
					diags = append(diags, errorAt(d.SyncDaemons[0].DefRange, "Sync daemon beside a mixed-family server",
						"Director %q runs a sync daemon, but virtual_server %q has the %s server %s; the kernel refuses either while the other exists, as the sync protocol cannot carry such connections. Remove the sync daemon or use a server of the service's family.",
						d.Name, vs.Name, state.FamilyOf(s.Address), s.Address))
					break services
				}
			}
		}
	}
	return diags
}
