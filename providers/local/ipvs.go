package local

import (
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs"
)

// IPVS is the IPVS table of a host: what providers/ipvs.Provider does,
// kept as an interface so a local host can run on the kernel provider or
// on one built over a fake client.
type IPVS interface {
	Services() ([]state.Service, error)
	// ServicesOf reads only the services named (those not there are left
	// out), for reading back what an apply touched.
	ServicesOf(ids []state.ServiceID) ([]state.Service, error)
	Timeouts() (state.Timeouts, error)
	SetTimeouts(state.Timeouts) error
	CreateService(state.Service) error
	UpdateService(state.Service) error
	DeleteService(state.Service) error
	CreateServer(svc state.Service, s state.Server) error
	UpdateServer(svc state.Service, s state.Server) error
	DeleteServer(svc state.Service, s state.Server) error
	SyncDaemons() ([]state.SyncDaemon, error)
	StartSyncDaemon(state.SyncDaemon) error
	StopSyncDaemon(state.SyncDaemon) error
	Close() error
}

// IPVSBatch is an IPVS table that also takes many writes at once, with one
// result per write (providers/ipvs.Provider.WriteBatch): apply sends runs
// of service and server changes through it. A table without it (a test's
// wrapper) gets them one by one.
type IPVSBatch interface {
	WriteBatch([]ipvs.Write) []error
}
