package ipvs

import (
	"errors"
	"os"
	"slices"

	cfipvs "github.com/cloudflare/ipvs"
	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/engine/state"
)

// listFrom is how many services ServicesOf asks for before it lists the
// table instead of asking for each: one dump of the service list (many
// services per message) costs less than as many lookups, each a request
// and an answer, once the services asked for are a few hundred (an apply
// that made most of a table, from empty). Below it, a small change to a
// big table does not pay for listing it all.
const listFrom = 256

// ServicesOf returns the services of the table with the identities ids,
// each with its servers, sorted as Services sorts them; one not in the
// table is left out. It asks the kernel for each service (GET_SERVICE) and
// dumps the servers of those there: 2 requests per service, whatever the
// size of the table, where Services dumps it all. Reading back what an
// apply touched costs what the apply did, not what the table holds. From
// listFrom services on, it lists the table's services instead of looking
// each up, and dumps the servers of those asked for, as Services does
// (with its parallel readers).
func (p *Provider) ServicesOf(ids []state.ServiceID) ([]state.Service, error) {
	if len(ids) >= listFrom {
		return p.servicesListed(ids)
	}
	return p.servicesOneByOne(ids)
}

// servicesListed is ServicesOf by a dump of the service list.
func (p *Provider) servicesListed(ids []state.ServiceID) ([]state.Service, error) {
	ws, err := p.c.Services()
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil // an empty table
	}
	if err != nil {
		return nil, newError("read services", "", err)
	}
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id.Key()] = true
	}
	ws = slices.DeleteFunc(ws, func(w cfipvs.ServiceExtended) bool { return !want[ServiceFromWire(w.Service).Key()] })
	return p.withServers(ws)
}

// servicesOneByOne is ServicesOf by a lookup of each service.
func (p *Provider) servicesOneByOne(ids []state.ServiceID) ([]state.Service, error) {
	out := make([]state.Service, 0, len(ids))
	for _, id := range ids {
		s := id.Service()
		w, err := ServiceIdentityToWire(s)
		if err != nil {
			return nil, &Error{Op: "read service", Resource: s.Key(), Err: err}
		}
		got, err := p.c.Service(w)
		if absent(err) {
			continue
		}
		if err != nil {
			return nil, newError("read service", s.Key(), err)
		}
		s = ServiceFromWire(got.Service)
		ds, err := p.c.Destinations(got.Service)
		if err != nil && !absent(err) {
			return nil, newError("read servers of service", s.Key(), err)
		}
		for _, d := range ds {
			srv := ServerFromWire(d.Destination)
			srv.ActiveConnections = d.ActiveConnections
			s.Servers = append(s.Servers, srv)
		}
		out = append(out, s)
	}
	h := state.Host{Services: out}
	h.Normalize()
	return h.Services, nil
}

// absent reports whether err is the kernel saying there is no such
// service (ESRCH), or an empty dump (cloudflare/ipvs: os.ErrNotExist): a
// service deleted since, or one without servers.
func absent(err error) bool {
	return errors.Is(err, unix.ESRCH) || errors.Is(err, os.ErrNotExist)
}
