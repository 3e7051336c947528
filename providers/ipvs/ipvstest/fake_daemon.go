package ipvstest

import (
	"net/netip"
	"slices"

	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs"
)

var _ ipvs.DaemonClient = (*Fake)(nil)

// Kernel defaults of a sync daemon (include/net/ip_vs.h, ip_vs_sync.c).
const (
	defaultSyncPort = 8848
	defaultSyncTTL  = 1
	// The master sends at most an MTU of 1500 less the IPv4 (or IPv6) and
	// UDP headers; the fake's interfaces all have an MTU of 1500.
	maxLen4 = 1500 - 20 - 8
	maxLen6 = 1500 - 40 - 8
)

// SetInterfaces sets the interfaces a sync daemon may use; a new Fake has
// only lo, as a fresh network namespace.
func (f *Fake) SetInterfaces(names ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ifaces = slices.Clone(names)
}

// SyncDaemons lists the running daemons, master first, as the kernel does.
func (f *Fake) SyncDaemons() ([]state.SyncDaemon, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []state.SyncDaemon
	for _, st := range []string{state.SyncMaster, state.SyncBackup} {
		if d, ok := f.daemons[st]; ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// StartSyncDaemon starts a daemon with the kernel's checks in its order:
// the state, a running daemon of that state, then the interface.
func (f *Fake) StartSyncDaemon(d state.SyncDaemon) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d.State != state.SyncMaster && d.State != state.SyncBackup || d.Interface == "" {
		return unix.EINVAL
	}
	if d.Group.IsValid() && !d.Group.IsMulticast() {
		return unix.EINVAL
	}
	// The sync protocol cannot carry a connection to a server of the
	// other family, so the kernel refuses a daemon while there are any.
	for _, s := range f.services {
		for _, dst := range s.dests {
			if dst.Family != s.svc.Family {
				return unix.EINVAL
			}
		}
	}
	if _, running := f.daemons[d.State]; running {
		return unix.EEXIST
	}
	if !slices.Contains(f.ifaces, d.Interface) {
		return unix.ENODEV
	}
	if !d.Group.IsValid() {
		d.Group = netip.MustParseAddr("224.0.0.81")
	}
	if d.Port == 0 {
		d.Port = defaultSyncPort
	}
	if d.TTL == 0 {
		d.TTL = defaultSyncTTL
	}
	if d.MaxLen == 0 {
		d.MaxLen = maxLen4
		if d.Group.Is6() {
			d.MaxLen = maxLen6
		}
	}
	if f.daemons == nil {
		f.daemons = make(map[string]state.SyncDaemon)
	}
	f.daemons[d.State] = d
	return nil
}

// StopSyncDaemon stops the daemon of d.State: ESRCH when none runs.
func (f *Fake) StopSyncDaemon(d state.SyncDaemon) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d.State != state.SyncMaster && d.State != state.SyncBackup {
		return unix.EINVAL
	}
	if _, running := f.daemons[d.State]; !running {
		return unix.ESRCH
	}
	delete(f.daemons, d.State)
	return nil
}
