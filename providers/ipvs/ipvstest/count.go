package ipvstest

import (
	"sync/atomic"

	cfipvs "github.com/cloudflare/ipvs"
)

// Counting is a Fake that counts the read requests it answers: tests hold
// a read to its cost in kernel requests, which is what takes the time on
// a big table.
type Counting struct {
	*Fake
	// ServiceDumps, ServiceGets and ServerDumps count the dumps of all
	// services, the lookups of one, and the dumps of one's servers.
	ServiceDumps, ServiceGets, ServerDumps atomic.Int64
}

// Reads is every read request counted so far.
func (c *Counting) Reads() int64 {
	return c.ServiceDumps.Load() + c.ServiceGets.Load() + c.ServerDumps.Load()
}

// Reset sets the counts back to zero.
func (c *Counting) Reset() {
	c.ServiceDumps.Store(0)
	c.ServiceGets.Store(0)
	c.ServerDumps.Store(0)
}

// Services implements cfipvs.Client.
func (c *Counting) Services() ([]cfipvs.ServiceExtended, error) {
	c.ServiceDumps.Add(1)
	return c.Fake.Services()
}

// Service implements cfipvs.Client.
func (c *Counting) Service(s cfipvs.Service) (cfipvs.ServiceExtended, error) {
	c.ServiceGets.Add(1)
	return c.Fake.Service(s)
}

// Destinations implements cfipvs.Client.
func (c *Counting) Destinations(s cfipvs.Service) ([]cfipvs.DestinationExtended, error) {
	c.ServerDumps.Add(1)
	return c.Fake.Destinations(s)
}

// NewCounting returns an empty Fake that counts its reads.
func NewCounting() *Counting { return &Counting{Fake: NewFake()} }
