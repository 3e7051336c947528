package ipvstest

import (
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
	}
	return errs
}

// Batches returns the number of requests of each batch written so far.
func (f *Fake) Batches() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.batches)
}
