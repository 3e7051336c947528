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
// (so restores can be planned), and the IPVS table when asked. A sysctl
// that does not exist on this kernel is left out.
func (l *Host) Read(ctx context.Context, req cluster.ReadRequest) (state.Host, error) {
	if err := ctx.Err(); err != nil {
		return state.Host{}, err
	}
	h := state.Host{Name: l.name}
	rec, err := LoadRecord(l.recordPath)
	if err != nil {
		return h, err
	}
	h.Owned = rec
	if h.Addresses, h.Routes, err = l.nl.AddressesAndRoutes(); err != nil {
		return h, readError(err, "read addresses and routes")
	}
	names := slices.Clone(req.Sysctls)
	if rec != nil {
		names = append(names, slices.Collect(maps.Keys(rec.Sysctls))...)
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
	// desired state no longer asks for IPVS.
	if req.IPVS || (rec != nil && (len(rec.Services) > 0 || len(rec.ServiceOriginals) > 0 || rec.Timeouts != nil)) {
		t, err := l.ipvsTable()
		if err != nil {
			return h, readError(err, "read IPVS")
		}
		if h.Services, err = t.Services(); err != nil {
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
	}
	h.Normalize()
	return h, nil
}

// Close releases the providers the host opened itself.
func (l *Host) Close() error {
	var errs []error
	for _, c := range l.closers {
		errs = append(errs, c())
	}
	l.closers = nil
	return errors.Join(errs...)
}
