package state

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// FuzzAppendKey: the keys Normalize checks the order with, built without
// a string, are Key's, for any address (IPv4, IPv6 with a zone, IPv4 in
// IPv6, none), port, protocol and firewall mark; and a list is taken as
// sorted exactly when sorting it by Key would leave it as it is.
func FuzzAppendKey(f *testing.F) {
	f.Add([]byte{10, 0, 0, 1}, uint16(80), "tcp", uint32(0), "", []byte{10, 0, 0, 10}, uint16(8080))
	f.Add([]byte{0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, uint16(53), "udp", uint32(0), "eth0", []byte{}, uint16(0))
	f.Add([]byte{}, uint16(0), "", uint32(7), "", []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 2}, uint16(1))
	f.Fuzz(func(t *testing.T, a []byte, port uint16, proto string, mark uint32, zone string, b []byte, port2 uint16) {
		addr := func(raw []byte) netip.Addr {
			ip, _ := netip.AddrFromSlice(raw)
			if ip.Is6() && zone != "" && !strings.ContainsAny(zone, "%") {
				ip = ip.WithZone(zone)
			}
			return ip
		}
		servers := []Server{{Address: addr(a), Port: port}, {Address: addr(b), Port: port2}, {Address: addr(a), Port: port2}}
		for _, s := range servers {
			if got := string(s.appendKey([]byte("x"))); got != "x"+s.Key() {
				t.Errorf("server %+v: appendKey %q, Key %q", s, got, s.Key())
			}
		}
		services := []Service{
			{Protocol: proto, Address: addr(a), Port: port, FWMark: mark, Family: Inet},
			{Protocol: proto, Address: addr(b), Port: port2},
		}
		for _, s := range services {
			if got := string(s.appendKey([]byte("x"))); got != "x"+s.Key() {
				t.Errorf("service %+v: appendKey %q, Key %q", s, got, s.Key())
			}
		}
		sorted := func(keys []string) bool { return slices.IsSorted(keys) }
		var sk []string
		for _, s := range servers {
			sk = append(sk, s.Key())
		}
		if got := sortedByKey(servers, Server.appendKey, &keyBuffers{}); got != sorted(sk) {
			t.Errorf("servers %v: sortedByKey %v, keys sorted %v", sk, got, sorted(sk))
		}
		var vk []string
		for _, s := range services {
			vk = append(vk, s.Key())
		}
		if got := sortedByKey(services, Service.appendKey, &keyBuffers{}); got != sorted(vk) {
			t.Errorf("services %v: sortedByKey %v, keys sorted %v", vk, got, sorted(vk))
		}
	})
}
