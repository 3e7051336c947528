package ipvs

import cfipvs "github.com/cloudflare/ipvs"

// OpenError exposes openError to the tests: Open itself needs a kernel.
var OpenError = openError

// NewWithReaders is New with extra clients for parallel reads: dial hands
// out more clients on the same table.
func NewWithReaders(c cfipvs.Client, dial func() (cfipvs.Client, error)) *Provider {
	p := New(c)
	p.dial = dial
	return p
}
