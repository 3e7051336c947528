package ipvs

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"testing"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/cloudflare/ipvs/netmask"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/mdlayher/netlink"
)

// The reader decodes the kernel's answers with attrs, in place; these are
// the decoders it had on mdlayher/netlink's AttributeDecoder, the
// reference FuzzDecodeSameAsReference holds it to.

func refDecodeService(ad *netlink.AttributeDecoder, s *cfipvs.Service) error {
	var addr, flags, mask []byte
	for ad.Next() {
		switch ad.Type() {
		case svcAttrAF:
			s.Family = cfipvs.AddressFamily(ad.Uint16())
		case svcAttrProtocol:
			s.Protocol = cfipvs.Protocol(ad.Uint16())
		case svcAttrAddr:
			addr = ad.Bytes()
		case svcAttrPort:
			s.Port = port(ad.Bytes())
		case svcAttrFWMark:
			s.FWMark = ad.Uint32()
		case svcAttrSchedName:
			s.Scheduler = ad.String()
		case svcAttrFlags:
			flags = ad.Bytes()
		case svcAttrTimeout:
			s.Timeout = ad.Uint32()
		case svcAttrNetmask:
			mask = ad.Bytes()
		}
	}
	if s.FWMark == 0 {
		if s.Family == cfipvs.INET && len(addr) >= 4 {
			addr = addr[:4]
		}
		if a, ok := netip.AddrFromSlice(addr); ok {
			s.Address = a
		}
	}
	if len(mask) == 4 {
		switch s.Family {
		case cfipvs.INET:
			if m, ok := netmask.MaskFromSlice(mask); ok {
				s.Netmask = m
			}
		case cfipvs.INET6:
			s.Netmask = netmask.MaskFrom(int(binary.NativeEndian.Uint32(mask)), 128)
		}
	}
	if len(flags) != 8 {
		return errors.New("ipvs: the service's flags are not a struct ip_vs_flags")
	}
	s.Flags = cfipvs.Flags(binary.NativeEndian.Uint32(flags))
	return ad.Err()
}

func refDecodeDest(ad *netlink.AttributeDecoder, d *cfipvs.DestinationExtended) error {
	var addr []byte
	for ad.Next() {
		switch ad.Type() {
		case destAttrAddr:
			addr = ad.Bytes()
		case destAttrPort:
			d.Port = port(ad.Bytes())
		case destAttrFwdMethod:
			d.FwdMethod = cfipvs.ForwardType(ad.Uint32())
		case destAttrWeight:
			d.Weight = ad.Uint32()
		case destAttrUThresh:
			d.UpperThreshold = ad.Uint32()
		case destAttrLThresh:
			d.LowerThreshold = ad.Uint32()
		case destAttrActiveConns:
			d.ActiveConnections = ad.Uint32()
		case destAttrAddrFam:
			d.Family = cfipvs.AddressFamily(ad.Uint16())
		case destAttrTunType:
			d.TunnelType = cfipvs.TunnelType(ad.Uint8())
		case destAttrTunPort:
			d.TunnelPort = port(ad.Bytes())
		case destAttrTunFlags:
			d.TunnelFlags = cfipvs.TunnelFlags(ad.Uint16())
		}
	}
	if d.Family == cfipvs.INET && len(addr) >= 4 {
		addr = addr[:4]
	}
	if a, ok := netip.AddrFromSlice(addr); ok {
		d.Address = a
	}
	return ad.Err()
}

// FuzzDecodeSameAsReference: whatever the bytes, attrs walks them as
// mdlayher's decoder does (types, data, errors), and the reader's
// decoders give what the reference ones gave, error or not.
func FuzzDecodeSameAsReference(f *testing.F) {
	for _, r := range []Request{
		{Cmd: CmdNewDest, Service: cfipvs.Service{Family: cfipvs.INET, Protocol: cfipvs.TCP, Address: netip.MustParseAddr("10.0.0.1"), Port: 80, Scheduler: "wrr", Netmask: netmask.MaskFrom(32, 32)},
			Dest: cfipvs.Destination{Family: cfipvs.INET, Address: netip.MustParseAddr("10.0.1.1"), Port: 80, Weight: 1}},
		{Cmd: CmdNewService, Service: cfipvs.Service{Family: cfipvs.INET6, FWMark: 3, Netmask: netmask.MaskFrom(128, 128)}},
		{Cmd: CmdNewDest, Service: cfipvs.Service{Family: cfipvs.INET6, Protocol: cfipvs.UDP, Address: netip.MustParseAddr("2001:db8::1"), Port: 53, Scheduler: "sh"},
			Dest: cfipvs.Destination{Family: cfipvs.INET6, Address: netip.MustParseAddr("2001:db8::2"), Port: 53, FwdMethod: cfipvs.Tunnel, Weight: 3,
				TunnelType: cfipvs.GUE, TunnelPort: 6080, TunnelFlags: cfipvs.TunnelEncapRemoteChecksum}},
	} {
		b, err := encodeRequest(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{4, 0, 1, 0})
	f.Add([]byte{0, 0, 1, 0, 5, 0})
	f.Add([]byte{3, 0, 1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		ref, rerr := netlink.NewAttributeDecoder(b)
		ad, err := newAttrs(b)
		if (rerr == nil) != (err == nil) {
			t.Fatalf("newAttrs error %v, reference %v", err, rerr)
		}
		if err != nil {
			return
		}
		for {
			more, refMore := ad.next(), ref.Next()
			if more != refMore {
				t.Fatalf("next %v, reference %v", more, refMore)
			}
			if !more {
				break
			}
			if ad.typ != ref.Type() || string(ad.data) != string(ref.Bytes()) {
				t.Fatalf("attribute %d %x, reference %d %x", ad.typ, ad.data, ref.Type(), ref.Bytes())
			}
			var s, rs cfipvs.Service
			var d, rd cfipvs.DestinationExtended
			sErr := decodeNested(ad.data, func(n *attrs) error { return decodeService(n, &s) })
			rsErr := refNested(ref.Bytes(), func(n *netlink.AttributeDecoder) error { return refDecodeService(n, &rs) })
			dErr := decodeNested(ad.data, func(n *attrs) error { return decodeDest(n, &d) })
			rdErr := refNested(ref.Bytes(), func(n *netlink.AttributeDecoder) error { return refDecodeDest(n, &rd) })
			if (sErr == nil) != (rsErr == nil) || (dErr == nil) != (rdErr == nil) {
				t.Fatalf("errors %v, %v; reference %v, %v", sErr, dErr, rsErr, rdErr)
			}
			opts := cmpopts.EquateComparable(netip.Addr{}, netmask.Mask{})
			if diff := cmp.Diff(rs, s, opts); diff != "" {
				t.Fatalf("service (-reference +attrs):\n%s", diff)
			}
			if diff := cmp.Diff(rd, d, opts); diff != "" {
				t.Fatalf("server (-reference +attrs):\n%s", diff)
			}
		}
		if (ad.err == nil) != (ref.Err() == nil) {
			t.Fatalf("error %v, reference %v", ad.err, ref.Err())
		}
	})
}

func decodeNested(b []byte, fn func(*attrs) error) error {
	a := attrs{data: b}
	a.nested(fn)
	return a.err
}

func refNested(b []byte, fn func(*netlink.AttributeDecoder) error) error {
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return err
	}
	if err := fn(ad); err != nil {
		return err
	}
	return ad.Err()
}

// TestAttrsErrors: the cases mdlayher's decoder refuses, refused.
func TestAttrsErrors(t *testing.T) {
	hdr := func(l, typ uint16) []byte {
		b := make([]byte, 4)
		binary.NativeEndian.PutUint16(b, l)
		binary.NativeEndian.PutUint16(b[2:], typ)
		return b
	}
	if _, err := newAttrs([]byte{1, 2}); !errors.Is(err, errInvalidAttr) {
		t.Errorf("a short header: %v", err)
	}
	a, err := newAttrs(append(hdr(12, 1), 0, 0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if a.next() || !errors.Is(a.err, errInvalidAttr) {
		t.Errorf("a length past the end: %v", a.err)
	}
	a, _ = newAttrs(append(hdr(6, 1), 1, 2, 0, 0))
	if !a.next() || a.uint32() != 0 || a.err == nil {
		t.Errorf("a uint32 of 2 bytes: %v", a.err)
	}
}

// BenchmarkDecodeDests decodes the answer to one server dump of 10 NAT
// servers, as the reader does (attrs) and as it did (reference).
func BenchmarkDecodeDests(b *testing.B) {
	ae := netlink.NewAttributeEncoder()
	for i := range 10 {
		d := cfipvs.Destination{Family: cfipvs.INET, Address: netip.AddrFrom4([4]byte{172, 25, 1, byte(i + 1)}), Port: 80, FwdMethod: cfipvs.Masquerade, Weight: 1}
		ae.Do(cmdAttrDest, nested(func(nae *netlink.AttributeEncoder) { encodeDest(nae, d) }))
	}
	msg, err := ae.Encode()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("attrs", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out []cfipvs.DestinationExtended
			ad, _ := newAttrs(msg)
			for ad.next() {
				var d cfipvs.DestinationExtended
				ad.nested(func(n *attrs) error { return decodeDest(n, &d) })
				out = append(out, d)
			}
			if ad.err != nil || len(out) != 10 {
				b.Fatal(ad.err, len(out))
			}
		}
	})
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out []cfipvs.DestinationExtended
			ad, _ := netlink.NewAttributeDecoder(msg)
			for ad.Next() {
				var d cfipvs.DestinationExtended
				ad.Nested(func(n *netlink.AttributeDecoder) error { return refDecodeDest(n, &d) })
				out = append(out, d)
			}
			if ad.Err() != nil || len(out) != 10 {
				b.Fatal(ad.Err(), len(out))
			}
		}
	})
}
