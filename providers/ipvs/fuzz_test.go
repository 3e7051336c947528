package ipvs_test

import (
	"net/netip"
	"testing"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/cloudflare/ipvs/netmask"
	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/providers/ipvs"
)

// FuzzServiceFromWire feeds arbitrary kernel answers to the conversion: it
// must not panic, and whatever it makes of them must be stable: if the
// result converts back, converting that again gives the same state.
func FuzzServiceFromWire(f *testing.F) {
	f.Add(uint16(2), uint16(6), []byte{10, 0, 0, 1}, uint16(80), uint32(0), "wlc", uint32(2), uint32(0), []byte{255, 255, 255, 255})
	f.Add(uint16(10), uint16(17), netip.MustParseAddr("2001:db8::1").AsSlice(), uint16(53), uint32(0), "sh", uint32(0x1b), uint32(300), []byte{64})
	f.Add(uint16(2), uint16(0), []byte{}, uint16(0), uint32(1), "mh", uint32(0x3f), uint32(1), []byte{255, 0, 255, 0})
	f.Add(uint16(99), uint16(99), []byte{1}, uint16(1), uint32(0), "", uint32(0xffffffff), uint32(0xffffffff), []byte{})
	f.Fuzz(func(t *testing.T, fam, proto uint16, addr []byte, port uint16, fwmark uint32, sched string, flags, timeout uint32, mask []byte) {
		w := cfipvs.Service{
			Family:    cfipvs.AddressFamily(fam),
			Protocol:  cfipvs.Protocol(proto),
			Port:      port,
			FWMark:    fwmark,
			Scheduler: sched,
			Flags:     cfipvs.Flags(flags),
			Timeout:   timeout,
		}
		w.Address, _ = netip.AddrFromSlice(addr)
		if len(mask) == 1 {
			w.Netmask = netmask.MaskFrom(int(mask[0]), 128)
		} else {
			w.Netmask, _ = netmask.MaskFromSlice(mask)
		}
		s := ipvs.ServiceFromWire(w)
		_ = s.Key()
		back, err := ipvs.ServiceToWire(s)
		if err != nil {
			return // values lvsctl cannot write (unknown protocol, odd mask, ...)
		}
		if diff := cmp.Diff(s, ipvs.ServiceFromWire(back), wireOpts()); diff != "" {
			t.Errorf("state %+v does not survive a round trip (-first +second):\n%s", s, diff)
		}
	})
}

// FuzzServerFromWire is FuzzServiceFromWire for servers.
func FuzzServerFromWire(f *testing.F) {
	f.Add([]byte{10, 0, 0, 2}, uint16(80), uint32(3), uint32(1), uint32(0), uint32(0), uint8(0), uint16(0), uint16(0))
	f.Add(netip.MustParseAddr("2001:db8::2").AsSlice(), uint16(80), uint32(2), uint32(5), uint32(10), uint32(1), uint8(1), uint16(6080), uint16(1))
	f.Add([]byte{}, uint16(0), uint32(7), uint32(1<<31), uint32(1), uint32(2), uint8(200), uint16(0), uint16(9))
	f.Fuzz(func(t *testing.T, addr []byte, port uint16, fwd, weight, upper, lower uint32, tunType uint8, tunPort, tunFlags uint16) {
		d := cfipvs.Destination{
			Port:           port,
			FwdMethod:      cfipvs.ForwardType(fwd),
			Weight:         weight,
			UpperThreshold: upper,
			LowerThreshold: lower,
			TunnelType:     cfipvs.TunnelType(tunType),
			TunnelPort:     tunPort,
			TunnelFlags:    cfipvs.TunnelFlags(tunFlags),
		}
		d.Address, _ = netip.AddrFromSlice(addr)
		s := ipvs.ServerFromWire(d)
		_ = s.Key()
		back, err := ipvs.ServerToWire(s)
		if err != nil {
			return
		}
		if diff := cmp.Diff(s, ipvs.ServerFromWire(back), wireOpts()); diff != "" {
			t.Errorf("server %+v does not survive a round trip (-first +second):\n%s", s, diff)
		}
	})
}
