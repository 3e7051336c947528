package ipvs

import (
	"runtime"
	"sync"

	cfipvs "github.com/cloudflare/ipvs"
)

// Reading a big table is one dump of the services, then one dump of the
// servers of each: one request at a time over one socket, the host waits
// for the kernel on every one. Above parallelFrom services the server
// dumps are spread over up to maxReaders sockets of their own (the kernel
// answers each independently), as many as the host has CPUs.
const (
	parallelFrom = 256
	maxReaders   = 4
)

// eachService calls fn for services 0..n-1, each with a client to use: all
// on p.c for a small table or without dial, else spread over extra clients.
// It returns the first error.
func (p *Provider) eachService(n int, fn func(c cfipvs.Client, i int) error) error {
	clients := []cfipvs.Client{p.c}
	if n >= parallelFrom && p.dial != nil {
		want := min(maxReaders, runtime.NumCPU()) - 1
		for len(p.readers) < want {
			c, err := p.dial()
			if err != nil {
				break // read with the sockets there are
			}
			p.readers = append(p.readers, c)
		}
		clients = append(clients, p.readers[:min(want, len(p.readers))]...)
	}
	if len(clients) == 1 {
		for i := range n {
			if err := fn(p.c, i); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for k, c := range clients {
		wg.Go(func() {
			// Interleaved, so every socket gets a share of big and small.
			for i := k; i < n; i += len(clients) {
				if err := fn(c, i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}
