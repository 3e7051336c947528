// Package ipvs reads and changes the kernel's IPVS table (what ipvsadm
// does) in terms of engine/state: services with their servers, and the
// connection timeouts. It is built on the ipvs.Client interface of
// github.com/cloudflare/ipvs, so tests run it against the stateful fake of
// package ipvstest, and the conformance suite there pins that fake to the
// kernel. On the kernel, two things go around cloudflare/ipvs over
// sockets of their own: reading the table (Reader, a leaner decoder) and
// writing many services and servers at once (WriteBatch over a Writer,
// many requests per system call); the conformance suite holds both to
// cloudflare's client and to the kernel.
//
// Every error names the operation and the resource (service key, or
// "service -> server") and explains the kernel's errno in words an operator
// can act on; the errno itself stays reachable through errors.Is.
package ipvs

import (
	"errors"
	"io"
	"os"

	cfipvs "github.com/cloudflare/ipvs"
	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/engine/state"
)

// Provider is the IPVS table of one host (one network namespace: the one
// the client's netlink socket was opened in).
type Provider struct {
	c cfipvs.Client
	// d runs the sync daemons when c cannot (the kernel's cloudflare client).
	d DaemonClient
	// dial opens another client on the same table, for reading the
	// servers of many services over several sockets at once; nil reads
	// over c alone.
	dial func() (cfipvs.Client, error)
	// readers are the extra clients dial opened, kept until Close.
	readers []cfipvs.Client
	// w writes batches when c cannot (the kernel's cloudflare client).
	w *Writer
}

// Open connects to the kernel's IPVS over generic netlink. It fails with an
// error matching ErrUnavailable when the ip_vs module is not loaded, and one
// matching fs.ErrPermission without CAP_NET_ADMIN.
func Open() (*Provider, error) {
	c, err := dialLean()
	if err != nil {
		return nil, openError(err)
	}
	p := New(c)
	d, err := DialDaemons()
	if err != nil {
		_ = p.Close()
		return nil, openError(err)
	}
	p.d = d
	if p.w, err = DialWriter(); err != nil {
		_ = p.Close()
		return nil, openError(err)
	}
	p.dial = dialLean
	// Looking up the netlink family works for anyone; the IPVS commands
	// need CAP_NET_ADMIN. Ask once now so a missing privilege is reported
	// here rather than in the middle of a read.
	if _, err := c.Info(); err != nil {
		_ = p.Close()
		return nil, openError(err)
	}
	return p, nil
}

// New returns a provider over any client, such as ipvstest.Fake.
func New(c cfipvs.Client) *Provider { return &Provider{c: c} }

// Close releases the clients' netlink sockets, if they have any.
func (p *Provider) Close() error {
	var errs []error
	if c, ok := p.d.(io.Closer); ok {
		errs = append(errs, c.Close())
	}
	if p.w != nil {
		errs = append(errs, p.w.Close())
		p.w = nil
	}
	for _, c := range append([]cfipvs.Client{p.c}, p.readers...) {
		if c, ok := c.(io.Closer); ok {
			errs = append(errs, c.Close())
		}
	}
	p.readers = nil
	return errors.Join(errs...)
}

// Services returns every service in the table with its servers, sorted as
// state.Host.Normalize sorts them (by key, servers too), whatever order the
// kernel lists them in.
func (p *Provider) Services() ([]state.Service, error) {
	ws, err := p.c.Services()
	if errors.Is(err, os.ErrNotExist) {
		// cloudflare/ipvs reports an empty dump as ErrNotExist.
		return nil, nil
	}
	if err != nil {
		return nil, newError("read services", "", err)
	}
	return p.withServers(ws)
}

// withServers reads the servers of the listed services ws, and returns
// them sorted.
func (p *Provider) withServers(ws []cfipvs.ServiceExtended) ([]state.Service, error) {
	out := make([]state.Service, len(ws))
	err := p.eachService(len(ws), func(c cfipvs.Client, i int) error {
		w := ws[i]
		s := ServiceFromWire(w.Service)
		ds, err := c.Destinations(w.Service)
		switch {
		case errors.Is(err, os.ErrNotExist):
			// No servers, or the service went away since the list: the
			// kernel answers both with an empty dump.
		case err != nil:
			return newError("read servers of service", s.Key(), err)
		}
		for _, d := range ds {
			srv := ServerFromWire(d.Destination)
			srv.ActiveConnections = d.ActiveConnections
			s.Servers = append(s.Servers, srv)
		}
		out[i] = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Sorted as every state is (servers within each service too).
	h := state.Host{Services: out}
	h.Normalize()
	return h.Services, nil
}

// Timeouts returns the connection timeouts (ipvsadm -L --timeout).
func (p *Provider) Timeouts() (state.Timeouts, error) {
	c, err := p.c.Config()
	if err != nil {
		return state.Timeouts{}, newError("read timeouts", "", err)
	}
	return TimeoutsFromWire(c), nil
}

// SetTimeouts sets the connection timeouts (ipvsadm --set); a zero leaves
// that timeout as it is, as in the kernel.
func (p *Provider) SetTimeouts(t state.Timeouts) error {
	if err := p.c.SetConfig(TimeoutsToWire(t)); err != nil {
		e := newError("set timeouts", "", err)
		if e.Reason == "" && errors.Is(err, unix.EINVAL) {
			e.Reason = "a timeout is out of range for this kernel (at most INT_MAX/HZ seconds)"
		}
		return e
	}
	return nil
}

// CreateService adds the service, without its servers (ipvsadm -A).
func (p *Provider) CreateService(s state.Service) error {
	return p.serviceOp("create service", s, ServiceToWire, p.c.CreateService)
}

// UpdateService changes the scheduler, flags, persistence and netmask of an
// existing service in place (ipvsadm -E): its servers and connections stay.
func (p *Provider) UpdateService(s state.Service) error {
	return p.serviceOp("update service", s, ServiceToWire, p.c.UpdateService)
}

// DeleteService removes the service and, with it, all its servers (ipvsadm -D).
func (p *Provider) DeleteService(s state.Service) error {
	return p.serviceOp("delete service", s, ServiceIdentityToWire, p.c.RemoveService)
}

func (p *Provider) serviceOp(op string, s state.Service, convert func(state.Service) (cfipvs.Service, error), call func(cfipvs.Service) error) error {
	w, err := convert(s)
	if err != nil {
		return &Error{Op: op, Resource: s.Key(), Err: err}
	}
	if err := call(w); err != nil {
		return serviceError(op, s, err)
	}
	return nil
}

// CreateServer adds a server to an existing service (ipvsadm -a).
func (p *Provider) CreateServer(svc state.Service, s state.Server) error {
	return p.serverOp("create server", svc, s, ServerToWire, p.c.CreateDestination)
}

// UpdateServer changes the weight, method, tunnel settings and thresholds of
// an existing server in place (ipvsadm -e).
func (p *Provider) UpdateServer(svc state.Service, s state.Server) error {
	return p.serverOp("update server", svc, s, ServerToWire, p.c.UpdateDestination)
}

// DeleteServer removes a server from its service (ipvsadm -d). Only the
// server's address and port matter, so a server read back with a method
// lvsctl has no name for can still be deleted.
func (p *Provider) DeleteServer(svc state.Service, s state.Server) error {
	return p.serverOp("delete server", svc, s, ServerIdentityToWire, p.c.RemoveDestination)
}

func (p *Provider) serverOp(op string, svc state.Service, s state.Server, convert func(state.Server) (cfipvs.Destination, error), call func(cfipvs.Service, cfipvs.Destination) error) error {
	ws, err := ServiceIdentityToWire(svc)
	if err != nil {
		return &Error{Op: op, Resource: svc.Key() + " -> " + s.Key(), Err: err}
	}
	d, err := convert(s)
	if err != nil {
		return &Error{Op: op, Resource: svc.Key() + " -> " + s.Key(), Err: err}
	}
	if err := call(ws, d); err != nil {
		return serverError(op, svc, s, err)
	}
	return nil
}
