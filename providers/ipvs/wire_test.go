package ipvs

import (
	"net/netip"
	"testing"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/cloudflare/ipvs/netmask"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// decodeRequest decodes what encodeRequest encoded, with the reader's
// decoders: the layout the writer sends is the one the kernel sends back.
func decodeRequest(t *testing.T, b []byte) (cfipvs.Service, cfipvs.DestinationExtended) {
	t.Helper()
	ad, err := newAttrs(b)
	if err != nil {
		t.Fatal(err)
	}
	var (
		s cfipvs.Service
		d cfipvs.DestinationExtended
	)
	for ad.next() {
		switch ad.typ {
		case cmdAttrService:
			ad.nested(func(nad *attrs) error { return decodeService(nad, &s) })
		case cmdAttrDest:
			ad.nested(func(nad *attrs) error { return decodeDest(nad, &d) })
		}
	}
	if ad.err != nil {
		t.Fatal(ad.err)
	}
	return s, d
}

func TestRequestsDecodeAsEncoded(t *testing.T) {
	for _, r := range []Request{
		{Cmd: CmdNewService, Service: cfipvs.Service{Family: cfipvs.INET, Protocol: cfipvs.TCP, Address: netip.MustParseAddr("10.0.0.1"), Port: 80,
			Scheduler: "sh", Flags: cfipvs.ServicePersistent | cfipvs.ServiceSchedulerOpt2, Timeout: 300, Netmask: netmask.MaskFrom(24, 32)}},
		{Cmd: CmdSetService, Service: cfipvs.Service{Family: cfipvs.INET6, Protocol: cfipvs.UDP, Address: netip.MustParseAddr("2001:db8::1"), Port: 53,
			Scheduler: "rr", Flags: cfipvs.ServiceOnePacket, Netmask: netmask.MaskFrom(64, 128)}},
		{Cmd: CmdDelService, Service: cfipvs.Service{Family: cfipvs.INET6, FWMark: 7}},
		{Cmd: CmdNewDest, Service: cfipvs.Service{Family: cfipvs.INET, FWMark: 1},
			Dest: cfipvs.Destination{Family: cfipvs.INET6, Address: netip.MustParseAddr("2001:db8::2"), Port: 8080, FwdMethod: cfipvs.Tunnel,
				Weight: 65535, UpperThreshold: 10, LowerThreshold: 5, TunnelType: cfipvs.GUE, TunnelPort: 6080, TunnelFlags: cfipvs.TunnelEncapRemoteChecksum}},
		{Cmd: CmdSetDest, Service: cfipvs.Service{Family: cfipvs.INET, Protocol: cfipvs.SCTP, Address: netip.MustParseAddr("10.0.0.1"), Port: 5060},
			Dest: cfipvs.Destination{Family: cfipvs.INET, Address: netip.MustParseAddr("10.0.1.1"), Port: 5060, FwdMethod: cfipvs.Masquerade, Weight: 1}},
	} {
		b, err := encodeRequest(r)
		if err != nil {
			t.Fatal(err)
		}
		s, d := decodeRequest(t, b)
		if diff := cmp.Diff(r.Service, s, cmpopts.EquateComparable(netip.Addr{}, netmask.Mask{})); diff != "" {
			t.Errorf("command %d: service decoded (-encoded +decoded):\n%s", r.Cmd, diff)
		}
		want := cfipvs.DestinationExtended{}
		if r.Cmd.isDest() {
			want.Destination = r.Dest
		}
		if diff := cmp.Diff(want, d, cmpopts.EquateComparable(netip.Addr{}, netmask.Mask{})); diff != "" {
			t.Errorf("command %d: server decoded (-encoded +decoded):\n%s", r.Cmd, diff)
		}
	}
}
