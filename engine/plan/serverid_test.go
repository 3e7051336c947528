package plan

import (
	"net/netip"
	"testing"

	"github.com/lvsctl/lvsctl/engine/state"
)

// FuzzServerID: the map key the diff pairs servers by is the same identity
// as their Key: two servers have the same serverID exactly when they have
// the same Key, for any addresses (IPv4, IPv6 with a zone, IPv4 in IPv6,
// none) and ports.
func FuzzServerID(f *testing.F) {
	f.Add([]byte{10, 0, 0, 1}, uint16(80), "", []byte{10, 0, 0, 1}, uint16(80), "")
	f.Add([]byte{10, 0, 0, 1}, uint16(80), "", []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1}, uint16(80), "")
	f.Add([]byte{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, uint16(0), "eth0", []byte{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, uint16(0), "eth1")
	f.Add([]byte{}, uint16(1), "", []byte{}, uint16(2), "")
	f.Fuzz(func(t *testing.T, a []byte, pa uint16, za string, b []byte, pb uint16, zb string) {
		server := func(raw []byte, port uint16, zone string) state.Server {
			ip, _ := netip.AddrFromSlice(raw)
			if ip.Is6() && zone != "" {
				ip = ip.WithZone(zone)
			}
			return state.Server{Address: ip, Port: port}
		}
		x, y := server(a, pa, za), server(b, pb, zb)
		if (serverID(&x) == serverID(&y)) != (x.Key() == y.Key()) {
			t.Errorf("%q and %q: same serverID %v, same Key %v", x.Key(), y.Key(), serverID(&x) == serverID(&y), x.Key() == y.Key())
		}
	})
}
