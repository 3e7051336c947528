package ipvs

import (
	cfipvs "github.com/cloudflare/ipvs"

	"github.com/lvsctl/lvsctl/engine/state"
)

// OpenError exposes openError to the tests: Open itself needs a kernel.
var OpenError = openError

// NewWithReaders is New with extra clients for parallel reads: dial hands
// out more clients on the same table.
func NewWithReaders(c cfipvs.Client, dial func() (cfipvs.Client, error)) *Provider {
	p := New(c)
	p.dial = dial
	return p
}

// ListFrom, ServicesListed and ServicesOneByOne expose ServicesOf's two
// ways, to compare them.
const ListFrom = listFrom

func (p *Provider) ServicesListed(ids []state.ServiceID) ([]state.Service, error) {
	return p.servicesListed(ids)
}

func (p *Provider) ServicesOneByOne(ids []state.ServiceID) ([]state.Service, error) {
	return p.servicesOneByOne(ids)
}
