package ipvstest

import (
	"fmt"
	"slices"

	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/providers/ipvs"
)

var _ ipvs.BatchClient = (*Fake)(nil)

// Write implements ipvs.BatchClient as the kernel does a sendmsg of many
// requests: each is made in order, and one that fails does not stop the
// later ones.
func (f *Fake) Write(reqs []ipvs.Request) []error {
	f.mu.Lock()
	f.batches = append(f.batches, len(reqs))
	lose := f.loseFrom - 1
	f.loseFrom = 0
	f.mu.Unlock()
	errs := make([]error, len(reqs))
	for i, r := range reqs {
		switch r.Cmd {
		case ipvs.CmdNewService:
			errs[i] = f.CreateService(r.Service)
		case ipvs.CmdSetService:
			errs[i] = f.UpdateService(r.Service)
		case ipvs.CmdDelService:
			errs[i] = f.RemoveService(r.Service)
		case ipvs.CmdNewDest:
			errs[i] = f.CreateDestination(r.Service, r.Dest)
		case ipvs.CmdSetDest:
			errs[i] = f.UpdateDestination(r.Service, r.Dest)
		case ipvs.CmdDelDest:
			errs[i] = f.RemoveDestination(r.Service, r.Dest)
		default:
			errs[i] = errno(unix.EOPNOTSUPP) // the kernel has no such command
		}
		if lose >= 0 && i >= lose {
			// Made (or not) as the kernel would, but its answer is lost.
			errs[i] = fmt.Errorf("%w: %w", ipvs.ErrOutcomeUnknown, errno(unix.ENOBUFS))
		}
	}
	return errs
}

// LoseAnswers makes the next batch lose the answers of its requests from
// index i on, as a receive buffer too small for the acknowledgements
// (ENOBUFS) does: the requests are made, their outcome unknown to the
// caller.
func (f *Fake) LoseAnswers(i int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loseFrom = i + 1
}

// Batches returns the number of requests of each batch written so far.
func (f *Fake) Batches() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.batches)
}
