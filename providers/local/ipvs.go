package local

import (
	"github.com/lvsctl/lvsctl/engine/state"
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
