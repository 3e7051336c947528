package ipvstest

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"os"
	"strings"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/cloudflare/ipvs/netmask"
	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/providers/ipvs"
)

// Cases on the kernel's answers to bad requests, through the raw client, and
// on how the provider explains them.

// rawService is a plain IPv4 TCP service at 198.51.100.host:80 in wire form.
func rawService(host byte) cfipvs.Service {
	return cfipvs.Service{
		Address:   netip.AddrFrom4([4]byte{198, 51, 100, host}),
		Port:      80,
		Protocol:  cfipvs.TCP,
		Family:    cfipvs.INET,
		Scheduler: "rr",
		Netmask:   netmask.MaskFrom(32, 32),
	}
}

// rawDest is a direct-routing server at 198.51.100.host:80 in wire form.
func rawDest(host byte) cfipvs.Destination {
	return cfipvs.Destination{
		Address:   netip.AddrFrom4([4]byte{198, 51, 100, host}),
		Port:      80,
		Family:    cfipvs.INET,
		FwdMethod: cfipvs.DirectRoute,
		Weight:    1,
	}
}

func testServiceErrors(e *env) {
	base := rawService(12)

	_, err := e.c.Service(base)
	e.wantErrno("Service of a missing service", err, unix.ESRCH)
	e.wantErrno("UpdateService of a missing service", e.c.UpdateService(base), unix.ESRCH)
	e.wantErrno("RemoveService of a missing service", e.c.RemoveService(base), unix.ESRCH)
	if _, err := e.c.Destinations(base); !errors.Is(err, os.ErrNotExist) {
		// The kernel answers with an empty dump, not an error.
		e.t.Errorf("Destinations of a missing service: got %v, want os.ErrNotExist", err)
	}

	noMask := base
	noMask.Netmask = netmask.Mask{}
	e.wantErrno("CreateService without a netmask", e.c.CreateService(noMask), unix.EINVAL)
	badSched := base
	badSched.Scheduler = "nosuch"
	e.wantErrno("CreateService with an unknown scheduler", e.c.CreateService(badSched), unix.ENOENT)
	v6 := cfipvs.Service{Address: addr6(12), Port: 80, Protocol: cfipvs.TCP, Family: cfipvs.INET6, Scheduler: "rr", Netmask: netmask.MaskFrom(0, 128)}
	e.wantErrno("CreateService with IPv6 netmask /0", e.c.CreateService(v6), unix.EINVAL)
	if keys := e.ourKeys(); len(keys) != 0 {
		e.t.Errorf("failed creates left services behind: %v", keys)
	}

	e.rawCreate(base)
	e.wantErrno("CreateService twice", e.c.CreateService(base), unix.EEXIST)
	other := base
	other.Scheduler, other.Timeout, other.Flags = "wlc", 10, cfipvs.ServicePersistent
	e.wantErrno("CreateService of the same identity with other settings", e.c.CreateService(other), unix.EEXIST)
	if _, err := e.c.Destinations(base); !errors.Is(err, os.ErrNotExist) {
		e.t.Errorf("Destinations of a service without servers: got %v, want os.ErrNotExist", err)
	}
	e.wantErrno("UpdateService to an unknown scheduler", e.c.UpdateService(badSched), unix.ENOENT)
	if got, err := e.c.Service(base); err != nil || got.Scheduler != "rr" {
		e.t.Errorf("after a failed update: got scheduler %q, %v; want rr unchanged", got.Scheduler, err)
	}

	udp := base
	udp.Protocol = cfipvs.UDP
	_, err = e.c.Service(udp)
	e.wantErrno("Service of the same address and port in udp", err, unix.ESRCH)
}

func testServerErrors(e *env) {
	base := rawService(13)
	missing := rawService(13)
	missing.Port = 81
	dest := rawDest(113)

	e.wantErrno("CreateDestination in a missing service", e.c.CreateDestination(missing, dest), unix.ESRCH)
	e.wantErrno("UpdateDestination in a missing service", e.c.UpdateDestination(missing, dest), unix.ESRCH)
	e.wantErrno("RemoveDestination in a missing service", e.c.RemoveDestination(missing, dest), unix.ESRCH)

	e.rawCreate(base)
	e.wantErrno("UpdateDestination of a missing server", e.c.UpdateDestination(base, dest), unix.ENOENT)
	e.wantErrno("RemoveDestination of a missing server", e.c.RemoveDestination(base, dest), unix.ENOENT)
	if err := e.c.CreateDestination(base, dest); err != nil {
		e.t.Fatalf("CreateDestination: %v", err)
	}
	e.wantErrno("CreateDestination twice", e.c.CreateDestination(base, dest), unix.EEXIST)

	// Each bad value is refused by a create of a new server and, unless it
	// is about the server's identity, by an update of the existing one.
	bad := []struct {
		what     string
		change   func(*cfipvs.Destination)
		want     unix.Errno
		onUpdate bool
	}{
		{"lower threshold above upper", func(d *cfipvs.Destination) { d.UpperThreshold, d.LowerThreshold = 5, 10 }, unix.ERANGE, true},
		{"lower threshold without upper", func(d *cfipvs.Destination) { d.LowerThreshold = 10 }, unix.ERANGE, true},
		{"weight beyond INT_MAX", func(d *cfipvs.Destination) { d.Weight = 1 << 31 }, unix.ERANGE, true},
		{"gue without a port", func(d *cfipvs.Destination) { d.FwdMethod, d.TunnelType = cfipvs.Tunnel, cfipvs.GUE }, unix.EINVAL, true},
		{"IPv6 dr server in an IPv4 service", func(d *cfipvs.Destination) { d.Address, d.Family = addr6(0x113), cfipvs.INET6 }, unix.EINVAL, false},
	}
	for _, tc := range bad {
		d := rawDest(114)
		tc.change(&d)
		e.wantErrno("CreateDestination with "+tc.what, e.c.CreateDestination(base, d), tc.want)
		if tc.onUpdate {
			d.Address = dest.Address
			e.wantErrno("UpdateDestination with "+tc.what, e.c.UpdateDestination(base, d), tc.want)
		}
	}
	for _, a := range []string{"224.0.0.1", "255.255.255.255", "0.0.0.0"} {
		d := rawDest(0)
		d.Address = netip.MustParseAddr(a)
		e.wantErrno("CreateDestination of non-unicast "+a, e.c.CreateDestination(base, d), unix.EINVAL)
	}
	// Tunnelling crosses families, but not to a link-local address.
	ll := rawDest(0)
	ll.Address, ll.Family, ll.FwdMethod = netip.MustParseAddr("fe80::1"), cfipvs.INET6, cfipvs.Tunnel
	e.wantErrno("CreateDestination of a link-local IPv6 tun server", e.c.CreateDestination(base, ll), unix.EINVAL)

	// None of the failures changed anything.
	ds, err := e.c.Destinations(base)
	if err != nil {
		e.t.Fatalf("Destinations: %v", err)
	}
	if len(ds) != 1 || ds[0].Destination != dest {
		e.t.Errorf("after failed calls: servers %+v, want only %+v", ds, dest)
	}

	if err := e.c.RemoveDestination(base, dest); err != nil {
		e.t.Fatalf("RemoveDestination: %v", err)
	}
	if _, err := e.c.Destinations(base); !errors.Is(err, os.ErrNotExist) {
		e.t.Errorf("Destinations after removing the last server: got %v, want os.ErrNotExist", err)
	}
}

func testProviderErrors(e *env) {
	s := svc4(14, 80, "rr")
	e.create(s)

	check := func(err error, errno unix.Errno, resource string, words ...string) {
		e.t.Helper()
		e.wantErrno(resource, err, errno)
		var ie *ipvs.Error
		if !errors.As(err, &ie) || ie.Resource != resource {
			e.t.Errorf("error %v: want an *ipvs.Error for %s", err, resource)
			return
		}
		for _, w := range words {
			if !strings.Contains(err.Error(), w) {
				e.t.Errorf("error %q does not say %q", err, w)
			}
		}
	}
	check(e.p.CreateService(s), unix.EEXIST, s.Key(), "create service "+s.Key(), "already exists")
	bad := svc4(14, 81, "nosuch")
	check(e.p.CreateService(bad), unix.ENOENT, bad.Key(), `scheduler "nosuch" is not loaded`, "modprobe ip_vs_nosuch")
	check(e.p.UpdateService(bad), unix.ESRCH, bad.Key(), "does not exist")
	check(e.p.DeleteService(bad), unix.ESRCH, bad.Key(), "delete service")

	d := server(115, 80)
	key := s.Key() + " -> " + d.Key()
	check(e.p.UpdateServer(s, d), unix.ENOENT, key, "update server", "does not exist")
	check(e.p.DeleteServer(s, d), unix.ENOENT, key, "does not exist")
	d.LowerThreshold = 7
	check(e.p.CreateServer(s, d), unix.ERANGE, key, "lower_threshold 7 is above upper_threshold 0")
	d.LowerThreshold = 0
	check(e.p.CreateServer(bad, d), unix.ESRCH, bad.Key()+" -> "+d.Key(), "service does not exist")
	if err := e.p.CreateServer(s, d); err != nil {
		e.t.Fatal(err)
	}
	check(e.p.CreateServer(s, d), unix.EEXIST, key, "already exists")
}

func testReadBackFlags(e *env) {
	// The kernel marks every service it holds as hashed.
	persistent := rawService(15)
	persistent.Scheduler, persistent.Flags, persistent.Timeout = "sh", cfipvs.ServicePersistent|cfipvs.ServiceSchedulerOpt1, 60
	persistent.Netmask = netmask.MaskFrom(24, 32)
	e.rawCreate(persistent)
	want := persistent
	want.Flags |= cfipvs.ServiceHashed
	got, err := e.c.Service(persistent)
	if err != nil {
		e.t.Fatalf("Service: %v", err)
	}
	if got.Service != want {
		e.t.Errorf("Service read back %+v, want %+v", got.Service, want)
	}

	// A fwmark service comes back without protocol, address or port.
	fw := cfipvs.Service{FWMark: fwmarkBase + 15, Family: cfipvs.INET6, Scheduler: "rr", Netmask: netmask.MaskFrom(128, 128)}
	e.rawCreate(fw)
	got, err = e.c.Service(fw)
	if err != nil {
		e.t.Fatalf("Service: %v", err)
	}
	want = fw
	want.Flags = cfipvs.ServiceHashed
	if got.Service != want {
		e.t.Errorf("fwmark Service read back %+v, want %+v", got.Service, want)
	}

	// A scheduler flag lvsctl has no name for is still shown.
	odd := rawService(16)
	odd.Flags = cfipvs.ServiceSchedulerOpt3
	e.rawCreate(odd)
	s, ok := e.read(ipvs.ServiceFromWire(odd).Key())
	if !ok || len(s.Flags) != 1 || s.Flags[0] != "flag-3" {
		e.t.Errorf("service with scheduler option 3 read as %+v, want flags [flag-3]", s)
	}

	all, err := e.c.Services()
	if err != nil {
		e.t.Fatalf("Services: %v", err)
	}
	listed := map[string]cfipvs.Flags{}
	for _, s := range all {
		listed[ipvs.ServiceFromWire(s.Service).Key()] = s.Flags
	}
	for _, s := range []cfipvs.Service{persistent, fw, odd} {
		key := ipvs.ServiceFromWire(s).Key()
		if flags, ok := listed[key]; !ok || flags != s.Flags|cfipvs.ServiceHashed {
			e.t.Errorf("Services: %s listed %v with flags %v, want flags %v", key, ok, flags, s.Flags|cfipvs.ServiceHashed)
		}
	}
}

func testCrossFamilyNetmask(e *env) {
	// cloudflare/ipvs encodes an IPv4 mask as its four bytes and an IPv6
	// prefix length as a native-endian integer; the kernel keeps the bytes
	// and the library decodes them by the service's family. A mask of the
	// wrong family thus comes back reinterpreted, not refused.
	var raw [4]byte
	binary.NativeEndian.PutUint32(raw[:], 24)
	v4 := rawService(17)
	v4.Netmask = netmask.MaskFrom(24, 128)
	e.rawCreate(v4)
	got, err := e.c.Service(v4)
	if err != nil {
		e.t.Fatalf("Service: %v", err)
	}
	if want := netmask.MaskFrom4(raw); got.Netmask != want {
		e.t.Errorf("IPv4 service created with IPv6 netmask /24: read back %v, want %v", got.Netmask, want)
	}

	v6 := cfipvs.Service{Address: addr6(17), Port: 80, Protocol: cfipvs.TCP, Family: cfipvs.INET6, Scheduler: "rr", Netmask: netmask.MaskFrom4(raw)}
	e.rawCreate(v6)
	got, err = e.c.Service(v6)
	if err != nil {
		e.t.Fatalf("Service: %v", err)
	}
	if want := netmask.MaskFrom(24, 128); got.Netmask != want {
		e.t.Errorf("IPv6 service created with IPv4 netmask %v: read back %v, want %v", v6.Netmask, got.Netmask, want)
	}
}
