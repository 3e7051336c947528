package plan

import "github.com/lvsctl/lvsctl/engine/state"

// syncDaemons reconciles the IPVS sync daemons by state. The kernel cannot
// change a running daemon, so any difference replaces it (stop, start).
// Settings a desired daemon leaves at zero (group, port, TTL, length) are
// the kernel's defaults and match whatever the live one has.
func (d *differ) syncDaemons() {
	owned := set(d.rec.SyncDaemons)
	live := make(map[string]*state.SyncDaemon, len(d.live.SyncDaemons))
	for i := range d.live.SyncDaemons {
		live[d.live.SyncDaemons[i].Key()] = &d.live.SyncDaemons[i]
	}
	for i := range d.desired.SyncDaemons {
		want := &d.desired.SyncDaemons[i]
		key := want.Key()
		have, ok := live[key]
		delete(live, key)
		switch {
		case !ok:
			d.add(Change{Kind: KindSyncDaemon, Action: Create, Address: Address(KindSyncDaemon, key),
				After: &Resource{SyncDaemon: ptr(*want)}, Own: OwnCreate})
		case !sameDaemon(want, have):
			// One lvsctl started stays recorded; one started by hand
			// becomes lvsctl's (and a rollback forgets it again).
			own := OwnNone
			if !owned[key] {
				own = OwnCreate
			}
			d.add(Change{Kind: KindSyncDaemon, Action: Replace, Address: Address(KindSyncDaemon, key),
				Before: &Resource{SyncDaemon: ptr(*have)}, After: &Resource{SyncDaemon: ptr(restarted(*want, *have))},
				ForcesReplacement: daemonDifferences(want, have), Own: own,
				Reason: "the kernel cannot change a running sync daemon: it is stopped and started again"})
		}
	}
	for i := range d.live.SyncDaemons {
		have := &d.live.SyncDaemons[i]
		key := have.Key()
		if _, undeclared := live[key]; !undeclared {
			continue
		}
		if owned[key] {
			d.add(Change{Kind: KindSyncDaemon, Action: Delete, Address: Address(KindSyncDaemon, key),
				Before: &Resource{SyncDaemon: ptr(*have)}, Own: OwnForget})
			continue
		}
		d.unmanaged = append(d.unmanaged, Address(KindSyncDaemon, key))
	}
}

func sameDaemon(want, have *state.SyncDaemon) bool {
	return len(daemonDifferences(want, have)) == 0
}

// daemonDifferences names the attributes in which have differs from want.
func daemonDifferences(want, have *state.SyncDaemon) []string {
	var out []string
	if want.Interface != have.Interface {
		out = append(out, "interface")
	}
	if want.SyncID != have.SyncID {
		out = append(out, "sync_id")
	}
	if want.Group.IsValid() && want.Group != have.Group {
		out = append(out, "group")
	}
	if want.Port != 0 && want.Port != have.Port {
		out = append(out, "port")
	}
	if want.TTL != 0 && want.TTL != have.TTL {
		out = append(out, "ttl")
	}
	if want.MaxLen != 0 && want.MaxLen != have.MaxLen {
		out = append(out, "max_len")
	}
	return out
}

// restarted is want with the settings it leaves to the kernel taken from
// have, which the kernel would choose again: the same defaults, and the
// same message length on the same interface. The plan then shows only what
// changes.
func restarted(want, have state.SyncDaemon) state.SyncDaemon {
	if !want.Group.IsValid() {
		want.Group = have.Group
	}
	if want.Port == 0 {
		want.Port = have.Port
	}
	if want.TTL == 0 {
		want.TTL = have.TTL
	}
	if want.MaxLen == 0 && want.Interface == have.Interface {
		want.MaxLen = have.MaxLen
	}
	return want
}
