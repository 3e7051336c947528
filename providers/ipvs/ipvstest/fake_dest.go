package ipvstest

import (
	"math"
	"net/netip"
	"os"
	"slices"

	cfipvs "github.com/cloudflare/ipvs"
	"golang.org/x/sys/unix"
)

// fwdMask is IP_VS_CONN_F_FWD_MASK: the kernel keeps only these bits of the
// forwarding method.
const fwdMask = 0x7

// Destinations implements cfipvs.Client. The kernel answers a missing
// service and a service without servers alike, with an empty dump, which
// cloudflare/ipvs reports as os.ErrNotExist.
func (f *Fake) Destinations(svc cfipvs.Service) ([]cfipvs.DestinationExtended, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.lookup(svc)
	if err != nil || s == nil || len(s.dests) == 0 {
		return nil, os.ErrNotExist
	}
	out := make([]cfipvs.DestinationExtended, 0, len(s.dests))
	// The kernel adds servers at the head of the service's list.
	for _, d := range slices.Backward(s.dests) {
		out = append(out, cfipvs.DestinationExtended{Destination: d, ActiveConnections: s.active[netip.AddrPortFrom(d.Address, d.Port)]})
	}
	return out, nil
}

// SetActiveConnections makes the kernel count n established connections to
// the server dest of svc (ESRCH or ENOENT when either is missing), as
// traffic would: what draining a server waits on.
func (f *Fake) SetActiveConnections(svc cfipvs.Service, dest cfipvs.Destination, n uint32) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, dest, err := f.destCommand(svc, dest, false)
	if err != nil {
		return err
	}
	if s.dest(dest) < 0 {
		return errno(unix.ENOENT)
	}
	if s.active == nil {
		s.active = map[netip.AddrPort]uint32{}
	}
	s.active[netip.AddrPortFrom(dest.Address, dest.Port)] = n
	return nil
}

// CreateDestination implements cfipvs.Client, with the checks of
// ip_vs_genl_set_cmd, ip_vs_add_dest and ip_vs_new_dest in their order.
func (f *Fake) CreateDestination(svc cfipvs.Service, dest cfipvs.Destination) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, dest, err := f.destCommand(svc, dest, true)
	if err != nil {
		return err
	}
	if err := checkDest(dest); err != nil {
		return err
	}
	if s.dest(dest) >= 0 {
		return errno(unix.EEXIST)
	}
	if !unicast(dest.Address) {
		return errno(unix.EINVAL)
	}
	s.dests = append(s.dests, dest)
	return nil
}

// UpdateDestination implements cfipvs.Client (ip_vs_edit_dest).
func (f *Fake) UpdateDestination(svc cfipvs.Service, dest cfipvs.Destination) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, dest, err := f.destCommand(svc, dest, true)
	if err != nil {
		return err
	}
	if err := checkDest(dest); err != nil {
		return err
	}
	i := s.dest(dest)
	if i < 0 {
		return errno(unix.ENOENT)
	}
	s.dests[i] = dest
	return nil
}

// RemoveDestination implements cfipvs.Client (ip_vs_del_dest).
func (f *Fake) RemoveDestination(svc cfipvs.Service, dest cfipvs.Destination) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, dest, err := f.destCommand(svc, dest, false)
	if err != nil {
		return err
	}
	i := s.dest(dest)
	if i < 0 {
		return errno(unix.ENOENT)
	}
	s.dests = slices.Delete(s.dests, i, i+1)
	delete(s.active, netip.AddrPortFrom(dest.Address, dest.Port))
	return nil
}

// destCommand does what ip_vs_genl_set_cmd does for every server command
// before the command itself: find the service (ESRCH when missing), default
// the server's family to the service's, and allow a server of the other
// family only for tunnelling. It returns the server as the kernel keeps it.
func (f *Fake) destCommand(svc cfipvs.Service, dest cfipvs.Destination, full bool) (*fakeService, cfipvs.Destination, error) {
	s, err := f.lookup(svc)
	if err != nil {
		return nil, dest, err
	}
	if s == nil {
		return nil, dest, errno(unix.ESRCH)
	}
	if dest.Family == 0 {
		dest.Family = s.svc.Family
	}
	if dest.Family != cfipvs.INET && dest.Family != cfipvs.INET6 {
		return nil, dest, errno(unix.EAFNOSUPPORT)
	}
	dest.Address = wireAddr(dest.Family, dest.Address)
	if !full {
		return s, dest, nil
	}
	dest.FwdMethod &= fwdMask
	if dest.Family != s.svc.Family && (dest.FwdMethod != cfipvs.Tunnel || len(f.daemons) > 0) {
		// Across families only by tunnel, and not while a sync daemon
		// runs: the sync protocol cannot carry such a connection.
		return nil, dest, errno(unix.EINVAL)
	}
	return s, dest, nil
}

// checkDest holds the value checks common to adding and editing a server.
func checkDest(d cfipvs.Destination) error {
	if d.Weight > math.MaxInt32 { // the kernel's weight is an int
		return errno(unix.ERANGE)
	}
	if d.LowerThreshold > d.UpperThreshold {
		return errno(unix.ERANGE)
	}
	if d.TunnelType == cfipvs.GUE && d.TunnelPort == 0 {
		return errno(unix.EINVAL)
	}
	return nil
}

// dest returns the index of the server with the identity of d, or -1.
func (s *fakeService) dest(d cfipvs.Destination) int {
	return slices.IndexFunc(s.dests, func(x cfipvs.Destination) bool {
		return x.Family == d.Family && x.Address == d.Address && x.Port == d.Port
	})
}

// unicast is the address check of ip_vs_new_dest: IPv4 must be unicast (not
// in 0.0.0.0/8, broadcast or multicast); IPv6 unicast and not link-local.
func unicast(a netip.Addr) bool {
	if a.Is4() {
		return a.As4()[0] != 0 && !a.IsMulticast() && a != netip.AddrFrom4([4]byte{255, 255, 255, 255})
	}
	return !a.IsUnspecified() && !a.IsMulticast() && !a.IsLinkLocalUnicast()
}
