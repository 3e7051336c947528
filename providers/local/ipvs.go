package local

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/lvsctl/lvsctl/engine/state"
)

// IPVS is the IPVS table of a host: what providers/ipvs.Provider does,
// kept as an interface so a local host can run on the kernel provider or
// on one built over a fake client.
type IPVS interface {
	Services() ([]state.Service, error)
	Timeouts() (state.Timeouts, error)
	SetTimeouts(state.Timeouts) error
	CreateService(state.Service) error
	UpdateService(state.Service) error
	DeleteService(state.Service) error
	CreateServer(svc state.Service, s state.Server) error
	UpdateServer(svc state.Service, s state.Server) error
	DeleteServer(svc state.Service, s state.Server) error
	Close() error
}

// parseServiceKey turns a service key (state.Service.Key) back into the
// identity of the service: what a server change names its parent by.
func parseServiceKey(key string) (state.Service, error) {
	proto, rest, ok := strings.Cut(key, "/")
	if !ok {
		return state.Service{}, fmt.Errorf("service key %q: want PROTOCOL/VIP:PORT or fwmark/MARK/FAMILY", key)
	}
	if proto == "fwmark" {
		mark, family, ok := strings.Cut(rest, "/")
		m, err := strconv.ParseUint(mark, 10, 32)
		if !ok || err != nil || m == 0 || (family != "inet" && family != "inet6") {
			return state.Service{}, fmt.Errorf("service key %q: want fwmark/MARK/inet or fwmark/MARK/inet6", key)
		}
		return state.Service{FWMark: uint32(m), Family: family}, nil
	}
	ap, err := netip.ParseAddrPort(rest)
	if err != nil {
		return state.Service{}, fmt.Errorf("service key %q: %w", key, err)
	}
	return state.Service{Protocol: proto, Address: ap.Addr(), Port: ap.Port(), Family: state.Family(ap.Addr())}, nil
}
