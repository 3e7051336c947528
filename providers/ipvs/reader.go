package ipvs

import (
	"encoding/binary"
	"errors"
	"io"
	"net/netip"
	"os"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/cloudflare/ipvs/netmask"
	"github.com/mdlayher/genetlink"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// More attributes of the dumps (include/uapi/linux/ip_vs.h).
const (
	cmdGetService = 4 // IPVS_CMD_GET_SERVICE
	cmdGetDest    = 8 // IPVS_CMD_GET_DEST

	destAttrActiveConns = 7 // u32
)

// Reader reads the IPVS table, one dump of the services and one of the
// servers of each (as cloudflare/ipvs and ipvsadm do), over a socket of its
// own read in big pieces (a 1,000-service dump in a few system calls), and
// decodes only what the provider converts: no statistics, and of the
// connection counters only the active ones. What it decodes it decodes as
// cloudflare/ipvs does; the conformance suite compares the two.
type Reader struct{ s *nlsock }

// DialReader opens the IPVS generic netlink family for reading, in the
// caller's network namespace.
func DialReader() (*Reader, error) {
	s, err := dialSock()
	if err != nil {
		return nil, err
	}
	return &Reader{s: s}, nil
}

// Close closes the socket.
func (r *Reader) Close() error { return r.s.c.Close() }

// Services lists the services, as cloudflare/ipvs's client does: an empty
// table is os.ErrNotExist.
func (r *Reader) Services() ([]cfipvs.ServiceExtended, error) {
	var out []cfipvs.ServiceExtended
	err := r.dump(cmdGetService, nil, func(ad *netlink.AttributeDecoder) {
		if ad.Type() != cmdAttrService {
			return
		}
		var s cfipvs.ServiceExtended
		ad.Nested(func(nad *netlink.AttributeDecoder) error { return decodeService(nad, &s.Service) })
		out = append(out, s)
	})
	if err == nil && len(out) == 0 {
		err = os.ErrNotExist
	}
	return out, err
}

// Destinations lists the servers of a service, as cloudflare/ipvs's client
// does: none, or no such service, is os.ErrNotExist.
func (r *Reader) Destinations(svc cfipvs.Service) ([]cfipvs.DestinationExtended, error) {
	data, err := encodeRequest(Request{Service: svc})
	if err != nil {
		return nil, err
	}
	var out []cfipvs.DestinationExtended
	err = r.dump(cmdGetDest, data, func(ad *netlink.AttributeDecoder) {
		if ad.Type() != cmdAttrDest {
			return
		}
		// Kernels before 3.18 send no family of the server: the service's.
		d := cfipvs.DestinationExtended{Destination: cfipvs.Destination{Family: svc.Family}}
		ad.Nested(func(nad *netlink.AttributeDecoder) error { return decodeDest(nad, &d) })
		out = append(out, d)
	})
	if err == nil && len(out) == 0 {
		err = os.ErrNotExist
	}
	return out, err
}

// dump sends a dump request and calls fn on each top-level attribute of
// each answer, until the kernel says it is done.
func (r *Reader) dump(cmd uint8, data []byte, fn func(*netlink.AttributeDecoder)) error {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	b, err := (&genetlink.Message{Header: genetlink.Header{Command: cmd, Version: r.s.family.Version}, Data: data}).MarshalBinary()
	if err != nil {
		return err
	}
	req, err := r.s.c.Send(netlink.Message{
		Header: netlink.Header{Type: netlink.HeaderType(r.s.family.ID), Flags: netlink.Request | netlink.Dump},
		Data:   b,
	})
	if err != nil {
		return err
	}
	for {
		msgs, err := r.s.recv()
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if m.Header.Seq != req.Header.Sequence {
				continue // left over from an earlier request
			}
			switch m.Header.Type {
			case unix.NLMSG_DONE:
				// A dump's end may carry its error.
				if len(m.Data) >= 4 {
					return ackError(m.Data)
				}
				return nil
			case unix.NLMSG_ERROR:
				if err := ackError(m.Data); err != nil {
					return err
				}
				continue
			}
			var gm genetlink.Message
			if err := gm.UnmarshalBinary(m.Data); err != nil {
				return err
			}
			ad, err := netlink.NewAttributeDecoder(gm.Data)
			if err != nil {
				return err
			}
			for ad.Next() {
				fn(ad)
			}
			if err := ad.Err(); err != nil {
				return err
			}
		}
	}
}

func decodeService(ad *netlink.AttributeDecoder, s *cfipvs.Service) error {
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

func decodeDest(ad *netlink.AttributeDecoder, d *cfipvs.DestinationExtended) error {
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

// port decodes a port in network byte order; anything else is port 0.
func port(b []byte) uint16 {
	if len(b) != 2 {
		return 0
	}
	return binary.BigEndian.Uint16(b)
}

// leanClient is cloudflare's client with the table's dumps read by a
// Reader.
type leanClient struct {
	cfipvs.Client
	r *Reader
}

// dialLean opens cloudflare's client and a Reader beside it.
func dialLean() (cfipvs.Client, error) {
	c, err := cfipvs.New()
	if err != nil {
		return nil, err
	}
	r, err := DialReader()
	if err != nil {
		if cl, ok := c.(io.Closer); ok {
			_ = cl.Close()
		}
		return nil, err
	}
	return leanClient{Client: c, r: r}, nil
}

func (l leanClient) Services() ([]cfipvs.ServiceExtended, error) { return l.r.Services() }

func (l leanClient) Destinations(s cfipvs.Service) ([]cfipvs.DestinationExtended, error) {
	return l.r.Destinations(s)
}

func (l leanClient) Close() error {
	err := l.r.Close()
	if cl, ok := l.Client.(io.Closer); ok {
		err = errors.Join(err, cl.Close())
	}
	return err
}
