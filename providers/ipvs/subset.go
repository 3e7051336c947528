package ipvs

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/engine/state"
)

// ServicesOf returns the services of the table with the identities ids,
// each with its servers, sorted as Services sorts them; one not in the
// table is left out. It asks the kernel for each service (GET_SERVICE) and
// dumps the servers of those there: 2 requests per service, whatever the
// size of the table, where Services dumps it all. Reading back what an
// apply touched costs what the apply did, not what the table holds.
func (p *Provider) ServicesOf(ids []state.ServiceID) ([]state.Service, error) {
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
