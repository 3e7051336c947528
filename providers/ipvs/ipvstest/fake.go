// Package ipvstest has a stateful in-memory IPVS for tests, and the
// conformance suite that holds it to the kernel's behaviour.
package ipvstest

import (
	"encoding/binary"
	"math"
	"net/netip"
	"os"
	"slices"
	"sync"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/cloudflare/ipvs/netmask"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/engine/state"
)

// hz is the kernel tick rate the fake assumes (Debian's CONFIG_HZ_250). It
// only bounds the timeouts: the kernel keeps them in jiffies and refuses more
// than INT_MAX/HZ seconds.
const hz = 250

// Fake is an in-memory IPVS table behind the cloudflare/ipvs Client
// interface. It answers as the kernel (net/netfilter/ipvs/ip_vs_ctl.c) seen
// through cloudflare/ipvs does: the same errnos in the same order of checks,
// ServiceHashed set on every service, zero timeouts leaving a value alone,
// and empty listings reported as os.ErrNotExist. Services and servers are
// listed newest first, an order that is stable but not sorted, so callers
// that rely on the kernel's order fail against it.
//
// Not modelled: statistics (always zero, but for the active connections a
// test sets with SetActiveConnections), persistence engines, the kernel
// turning a server whose address is local into method Local, the refusal of
// every IPv4 server while the namespace has no IPv4 address (no local
// routing table), and what the sync daemons send and receive (only their
// settings are kept). It is safe for
// concurrent use. The conformance suite in this package passes against both
// the Fake and the kernel (Debian's 6.1, in the e2e VM).
type Fake struct {
	mu       sync.Mutex
	services []*fakeService // in creation order
	byID     map[serviceID]*fakeService
	config   cfipvs.Config
	// missing schedulers behave as modules absent from the kernel.
	missing map[string]bool
	// daemons are the running sync daemons by state; ifaces the
	// interfaces they may use.
	daemons map[string]state.SyncDaemon
	ifaces  []string
	// batches are the sizes of the batches Write was given.
	batches []int
	// loseFrom, when > 0, makes the next batch lose the answers of its
	// requests from index loseFrom-1 on (see LoseAnswers).
	loseFrom int
}

type fakeService struct {
	svc   cfipvs.Service
	dests []cfipvs.Destination // in creation order
	// active counts established connections per server, as set by
	// SetActiveConnections: the only statistic the fake keeps.
	active map[netip.AddrPort]uint32
}

var _ cfipvs.Client = (*Fake)(nil)

// NewFake returns an empty table with the kernel's default timeouts and every
// scheduler of a stock kernel available.
func NewFake() *Fake {
	return &Fake{
		config:  cfipvs.Config{TCPTimeout: 900, TCPFinTimeout: 120, UDPTimeout: 300},
		byID:    map[serviceID]*fakeService{},
		missing: map[string]bool{},
		ifaces:  []string{"lo"},
	}
}

// UnloadScheduler makes a scheduler behave as if its module were missing
// from the kernel: creating or updating a service with it fails with ENOENT.
func (f *Fake) UnloadScheduler(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.missing[name] = true
}

// kernelScheduler reports whether a stock kernel has the scheduler (as a
// module ip_vs_NAME), "none" being handled by the callers.
func kernelScheduler(name string) bool {
	switch name {
	case "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos":
		return true
	}
	return false
}

// errno returns a kernel error the way cloudflare/ipvs hands it over: a
// netlink.OpError around the errno.
func errno(e unix.Errno) error { return &netlink.OpError{Op: "receive", Err: e} }

// Info implements cfipvs.Client.
func (f *Fake) Info() (cfipvs.Info, error) {
	return cfipvs.Info{Version: [3]int{1, 2, 1}, ConnectionTableSize: 4096}, nil
}

// Config implements cfipvs.Client.
func (f *Fake) Config() (cfipvs.Config, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.config, nil
}

// SetConfig implements cfipvs.Client. As ip_vs_set_timeout: every value is
// checked before any is set, and zero means "leave as it is".
func (f *Fake) SetConfig(c cfipvs.Config) error {
	for _, v := range []uint32{c.TCPTimeout, c.TCPFinTimeout, c.UDPTimeout} {
		if v > math.MaxInt32/hz {
			return errno(unix.EINVAL)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if c.TCPTimeout != 0 {
		f.config.TCPTimeout = c.TCPTimeout
	}
	if c.TCPFinTimeout != 0 {
		f.config.TCPFinTimeout = c.TCPFinTimeout
	}
	if c.UDPTimeout != 0 {
		f.config.UDPTimeout = c.UDPTimeout
	}
	return nil
}

// Services implements cfipvs.Client.
func (f *Fake) Services() ([]cfipvs.ServiceExtended, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.services) == 0 {
		return nil, os.ErrNotExist // an empty dump, as cloudflare/ipvs reports it
	}
	out := make([]cfipvs.ServiceExtended, 0, len(f.services))
	for _, s := range slices.Backward(f.services) {
		out = append(out, cfipvs.ServiceExtended{Service: s.svc})
	}
	return out, nil
}

// Service implements cfipvs.Client.
func (f *Fake) Service(svc cfipvs.Service) (cfipvs.ServiceExtended, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.lookup(svc)
	if err != nil {
		return cfipvs.ServiceExtended{}, err
	}
	if s == nil {
		return cfipvs.ServiceExtended{}, errno(unix.ESRCH)
	}
	return cfipvs.ServiceExtended{Service: s.svc}, nil
}

// CreateService implements cfipvs.Client.
func (f *Fake) CreateService(svc cfipvs.Service) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.lookupFull(svc)
	if err != nil {
		return err
	}
	if s != nil {
		return errno(unix.EEXIST)
	}
	s = &fakeService{}
	if err := f.setService(s, svc); err != nil {
		return err
	}
	f.services = append(f.services, s)
	f.byID[identity(s.svc)] = s
	return nil
}

// UpdateService implements cfipvs.Client.
func (f *Fake) UpdateService(svc cfipvs.Service) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.lookupFull(svc)
	if err != nil {
		return err
	}
	if s == nil {
		return errno(unix.ESRCH)
	}
	return f.setService(s, svc)
}

// RemoveService implements cfipvs.Client.
func (f *Fake) RemoveService(svc cfipvs.Service) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.lookup(svc)
	if err != nil {
		return err
	}
	if s == nil {
		return errno(unix.ESRCH)
	}
	f.services = slices.DeleteFunc(f.services, func(x *fakeService) bool { return x == s })
	delete(f.byID, identity(s.svc))
	return nil
}

// lookup parses a service's identity as ip_vs_genl_parse_service does and
// finds it; a nil service and nil error mean there is none.
func (f *Fake) lookup(svc cfipvs.Service) (*fakeService, error) {
	if svc.Family != cfipvs.INET && svc.Family != cfipvs.INET6 {
		return nil, errno(unix.EAFNOSUPPORT)
	}
	return f.byID[identity(svc)], nil
}

// lookupFull is lookup for commands that need a full service: without a
// netmask attribute (cloudflare/ipvs sends none for an invalid Mask) the
// kernel refuses the request.
func (f *Fake) lookupFull(svc cfipvs.Service) (*fakeService, error) {
	s, err := f.lookup(svc)
	if err != nil {
		return nil, err
	}
	if !svc.Netmask.IsValid() {
		return nil, errno(unix.EINVAL)
	}
	return s, nil
}

// serviceID is what the kernel hashes a service by.
type serviceID struct {
	family   cfipvs.AddressFamily
	fwmark   uint32
	protocol cfipvs.Protocol
	addr     netip.Addr
	port     uint16
}

func identity(svc cfipvs.Service) serviceID {
	if svc.FWMark != 0 {
		return serviceID{family: svc.Family, fwmark: svc.FWMark}
	}
	return serviceID{family: svc.Family, protocol: svc.Protocol, addr: wireAddr(svc.Family, svc.Address), port: svc.Port}
}

// wireAddr is the address as the kernel stores it: an invalid netip.Addr is
// sent as zero bytes and read as the zero address of the family.
func wireAddr(fam cfipvs.AddressFamily, a netip.Addr) netip.Addr {
	if a.IsValid() {
		return a
	}
	if fam == cfipvs.INET {
		return netip.IPv4Unspecified()
	}
	return netip.IPv6Unspecified()
}

// setService applies the checks of ip_vs_add_service and ip_vs_edit_service
// and then stores the service as the kernel reports it back.
func (f *Fake) setService(s *fakeService, svc cfipvs.Service) error {
	if svc.Scheduler != "none" && (!kernelScheduler(svc.Scheduler) || f.missing[svc.Scheduler]) {
		return errno(unix.ENOENT)
	}
	mask := kernelNetmask(svc.Family, svc.Netmask)
	if svc.Family == cfipvs.INET6 && (mask.Bits() < 1 || mask.Bits() > 128) {
		return errno(unix.EINVAL)
	}
	stored := cfipvs.Service{
		Family:    svc.Family,
		Scheduler: svc.Scheduler,
		Timeout:   svc.Timeout,
		Netmask:   mask,
		Flags:     svc.Flags | cfipvs.ServiceHashed,
	}
	if s.svc.Family != 0 {
		// Identity never changes on an update.
		stored.Address, stored.Port, stored.Protocol, stored.FWMark = s.svc.Address, s.svc.Port, s.svc.Protocol, s.svc.FWMark
	} else if svc.FWMark != 0 {
		// The kernel reports neither protocol nor address of a fwmark service.
		stored.FWMark = svc.FWMark
	} else {
		stored.Address, stored.Port, stored.Protocol = wireAddr(svc.Family, svc.Address), svc.Port, svc.Protocol
	}
	s.svc = stored
	return nil
}

// kernelNetmask is the netmask as it comes back from the kernel. The kernel
// keeps the attribute's four bytes as they are, and cloudflare/ipvs encodes
// an IPv4 mask as bytes but an IPv6 prefix length as a native-endian
// integer, then decodes by the service's family; a mask of the other family
// therefore comes back reinterpreted.
func kernelNetmask(fam cfipvs.AddressFamily, m netmask.Mask) netmask.Mask {
	var raw [4]byte
	switch {
	case m.Is4():
		copy(raw[:], m.AsSlice())
	case m.Is6():
		binary.NativeEndian.PutUint32(raw[:], uint32(m.Bits()))
	}
	if fam == cfipvs.INET {
		return netmask.MaskFrom4(raw)
	}
	return netmask.MaskFrom(int(binary.NativeEndian.Uint32(raw[:])), 128)
}
