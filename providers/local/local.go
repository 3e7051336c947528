// Package local is the host lvsctl runs on (or the network namespace it
// runs in), reached in-process through the providers: it reads the live
// state, applies changes in the kernel, and keeps the ownership record of
// what lvsctl made there. `lvsctl agent` serves one of these to a client
// elsewhere (transport/agent).
package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/netlink"
	"github.com/lvsctl/lvsctl/providers/sysctl"
)

// Options configure a local host. Nil providers are opened on the
// kernel of the network namespace the process runs in.
type Options struct {
	// Name is the host's name in the configuration; errors carry it.
	Name string
	// IPVS nil opens the kernel's IPVS lazily, only when a read asks for
	// the IPVS table or a change needs it, so a real server without the
	// ip_vs module works.
	IPVS IPVS
	// OpenIPVS opens the IPVS table when IPVS is nil; nil means the kernel
	// provider (providers/ipvs.Open).
	OpenIPVS func() (IPVS, error)
	Netlink  *netlink.Provider
	Sysctl   *sysctl.Provider
	// RecordPath is the ownership record file; see RecordPath.
	RecordPath string
	// Executable is the lvsctl binary the boot unit runs a copy of; ""
	// means this process's own.
	Executable string
}

// Host is this machine (or the namespace the process is in), reached
// in-process through the providers.
type Host struct {
	name       string
	recordPath string
	nl         *netlink.Provider
	sys        *sysctl.Provider
	ipvs       IPVS
	openIPVS   func() (IPVS, error)
	// closers are the providers the host opened itself and must release.
	closers []func() error
	// lock is the host's lock, when this run holds it (Lock).
	lock *Lock
	// recordWrites counts the writes of the record file.
	recordWrites int
	// cache is the record file as last read or written under the lock.
	cache *recordCache
	// executable is Options.Executable.
	executable string
}

var _ cluster.Host = (*Host)(nil)

// New returns the local host, opening the providers opts leaves nil.
func New(opts Options) (*Host, error) {
	if opts.RecordPath == "" {
		return nil, fmt.Errorf("host %s: no ownership record path: use RecordPath(RecordDir(), \"local\")", opts.Name)
	}
	l := &Host{
		name:       opts.Name,
		recordPath: opts.RecordPath,
		nl:         opts.Netlink,
		sys:        opts.Sysctl,
		ipvs:       opts.IPVS,
		openIPVS:   opts.OpenIPVS,
		executable: opts.Executable,
	}
	if l.nl == nil {
		p, err := netlink.Open()
		if err != nil {
			return nil, fmt.Errorf("host %s: %w", l.name, readError(err, "open netlink"))
		}
		l.nl = p
		l.closers = append(l.closers, p.Close)
	}
	if l.sys == nil {
		l.sys = &sysctl.Provider{}
	}
	if l.openIPVS == nil {
		l.openIPVS = openKernelIPVS
	}
	return l, nil
}

// readError wraps err with what was being read, marking permission
// problems. Read errors do not name the host: the caller reading many
// hosts does (engine/cluster: "read host NAME: ...").
func readError(err error, format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), checkPermission(err))
}

// ipvsTable returns the IPVS table, opening it on first use.
func (l *Host) ipvsTable() (IPVS, error) {
	if l.ipvs != nil {
		return l.ipvs, nil
	}
	p, err := l.openIPVS()
	if err != nil {
		return nil, err
	}
	l.ipvs = p
	l.closers = append(l.closers, p.Close)
	return p, nil
}

// Read returns the live state: the ownership record, every address and
// route, the sysctls asked for plus those the record keeps an original of
// (so restores can be planned), and the IPVS table when asked (only the
// services req.Only names, when it names some). A sysctl
// that does not exist on this kernel is left out.
func (l *Host) Read(ctx context.Context, req cluster.ReadRequest) (state.Host, error) {
	if err := ctx.Err(); err != nil {
		return state.Host{}, err
	}
	h := state.Host{Name: l.name}
	file, err := l.loadRecord()
	if err != nil {
		return h, err
	}
	var rec *state.Record
	var intents *Intents
	if file != nil {
		rec, intents = &file.Record, file.Intents
	}
	h.Owned = rec
	if h.Addresses, h.Routes, err = l.nl.AddressesAndRoutes(); err != nil {
		return h, readError(err, "read addresses and routes")
	}
	names := slices.Clone(req.Sysctls)
	if rec != nil {
		names = append(names, slices.Collect(maps.Keys(rec.Sysctls))...)
	}
	if !intents.empty() && intents.Create != nil {
		names = append(names, slices.Collect(maps.Keys(intents.Create.Sysctls))...)
	}
	slices.Sort(names)
	for _, name := range slices.Compact(names) {
		v, err := l.sys.Get(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return h, readError(err, "read sysctl")
		}
		h.Sysctls = append(h.Sysctls, state.Sysctl{Name: name, Value: v})
	}
	// What lvsctl created in IPVS must be read to be removed, even when the
	// desired state no longer asks for IPVS; so must what a stopped run may
	// have created.
	if req.IPVS || ownsIPVS(rec) || (intents != nil && ownsIPVS(intents.Create)) {
		t, err := l.ipvsTable()
		if err != nil {
			return h, readError(err, "read IPVS")
		}
		if req.Only != nil {
			h.Services, err = t.ServicesOf(req.Only.Services)
		} else {
			h.Services, err = t.Services()
		}
		if err != nil {
			return h, readError(err, "read IPVS services")
		}
		if !req.Connections {
			for i := range h.Services {
				for j := range h.Services[i].Servers {
					h.Services[i].Servers[j].ActiveConnections = 0
				}
			}
		}
		to, err := t.Timeouts()
		if err != nil {
			return h, readError(err, "read IPVS timeouts")
		}
		h.Timeouts = &to
		if h.SyncDaemons, err = t.SyncDaemons(); err != nil {
			return h, readError(err, "read IPVS sync daemons")
		}
		var own *state.Record
		if file != nil {
			own = &file.Record
		}
		if err := l.hideOthers(&h, own); err != nil {
			return h, err
		}
	}
	if err := l.settle(file, &h, req.Only != nil); err != nil {
		return h, err
	}
	if err := l.readShared(&h); err != nil {
		return h, err
	}
	h.Normalize()
	return h, nil
}

func ownsIPVS(r *state.Record) bool {
	return r != nil && (len(r.Services) > 0 || len(r.ServiceOriginals) > 0 || r.Timeouts != nil || len(r.SyncDaemons) > 0)
}

// settle reconciles the intents a stopped run left in the record against
// the live state h, and gives h the record as settled. Holding the host's
// lock, it writes the settled record back; otherwise (plan only reads) the
// file is left as it is and only h sees the result.
func (l *Host) settle(file *recordFile, h *state.Host, partial bool) error {
	if file == nil || file.Intents.empty() {
		return nil
	}
	rec := cloneRecord(&file.Record)
	reconcile(rec, file.Intents, h)
	h.Owned = rec
	// A read of some services only cannot settle an intent about another
	// one (it would look gone): the intents stay for a whole read.
	if l.lock == nil || partial {
		return nil
	}
	if err := l.saveRecord(&recordFile{Record: *rec}); err != nil {
		return fmt.Errorf("settle what a stopped run left in the ownership record %s: %w", l.recordPath, err)
	}
	return nil
}

// Lock takes the host's lock (see AcquireLock) for as long as the host is
// open: a run that changes the host calls it before its first Read, so
// that what it plans from is still true when it applies. Close releases it.
func (l *Host) Lock(ctx context.Context, opts LockOptions) error {
	if l.lock != nil {
		return nil
	}
	lk, err := AcquireLock(ctx, l.recordPath, opts)
	if err != nil {
		return fmt.Errorf("host %s: %w", l.name, err)
	}
	l.lock = lk
	return nil
}

// Close releases the providers the host opened itself, then its lock.
func (l *Host) Close() error {
	var errs []error
	for _, c := range l.closers {
		errs = append(errs, c())
	}
	l.closers = nil
	errs = append(errs, l.lock.Release())
	l.lock = nil
	l.cache = nil
	return errors.Join(errs...)
}
