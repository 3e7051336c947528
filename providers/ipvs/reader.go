package ipvs

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net/netip"
	"os"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/cloudflare/ipvs/netmask"
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
	err := r.dump(context.Background(), cmdGetService, nil, func(ad *attrs) {
		if ad.typ != cmdAttrService {
			return
		}
		var s cfipvs.ServiceExtended
		ad.nested(func(nad *attrs) error { return decodeService(nad, &s.Service) })
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
	err = r.dump(context.Background(), cmdGetDest, data, func(ad *attrs) {
		if ad.typ != cmdAttrDest {
			return
		}
		// Kernels before 3.18 send no family of the server: the service's.
		d := cfipvs.DestinationExtended{Destination: cfipvs.Destination{Family: svc.Family}}
		ad.nested(func(nad *attrs) error { return decodeDest(nad, &d) })
		out = append(out, d)
	})
	if err == nil && len(out) == 0 {
		err = os.ErrNotExist
	}
	return out, err
}

// dump sends a dump request and calls fn on each top-level attribute of
// each answer, until the kernel says it is done. The dump is read to its
// end even after a malformed part (whose error it returns), and one left
// unfinished (an error or ctx's end while reading) is read out before the
// next request: the kernel takes no other dump on the socket until then.
// The reads are bounded by the socket's wait and by ctx.
func (r *Reader) dump(ctx context.Context, cmd uint8, data []byte, fn func(*attrs)) error {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	stop, err := s.watch(ctx)
	defer stop()
	if err != nil {
		return err
	}
	if err := s.finish(ctx); err != nil {
		return err
	}
	seq, err := s.sendDump(cmd, data)
	if err != nil {
		return err
	}
	var bad error // the first malformed part; the rest is read, not decoded
	for {
		msgs, err := s.recvDump(true)
		if err != nil {
			s.pending = seq
			return errors.Join(bad, s.readError(ctx, err))
		}
		for _, m := range msgs {
			if m.Header.Seq != seq {
				continue // left over from an earlier request
			}
			switch m.Header.Type {
			case unix.NLMSG_DONE:
				if bad != nil {
					return bad
				}
				// A dump's end may carry its error.
				if len(m.Data) >= 4 {
					return ackError(m.Data)
				}
				return nil
			case unix.NLMSG_ERROR:
				// The request refused: no dump runs.
				if err := ackError(m.Data); err != nil {
					return errors.Join(bad, err)
				}
				continue
			}
			if bad == nil {
				bad = decodeParts(m.Data, fn)
			}
		}
	}
}

// decodeParts calls fn on the top-level attributes of one answer.
func decodeParts(data []byte, fn func(*attrs)) error {
	if len(data) < genlHeaderLen {
		return errShortGenl
	}
	ad, err := newAttrs(data[genlHeaderLen:])
	if err != nil {
		return err
	}
	for ad.next() {
		fn(&ad)
	}
	return ad.err
}

func decodeService(ad *attrs, s *cfipvs.Service) error {
	var addr, flags, mask []byte
	for ad.next() {
		switch ad.typ {
		case svcAttrAF:
			s.Family = cfipvs.AddressFamily(ad.uint16())
		case svcAttrProtocol:
			s.Protocol = cfipvs.Protocol(ad.uint16())
		case svcAttrAddr:
			addr = ad.data
		case svcAttrPort:
			s.Port = port(ad.data)
		case svcAttrFWMark:
			s.FWMark = ad.uint32()
		case svcAttrSchedName:
			s.Scheduler = ad.string()
		case svcAttrFlags:
			flags = ad.data
		case svcAttrTimeout:
			s.Timeout = ad.uint32()
		case svcAttrNetmask:
			mask = ad.data
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
	return ad.err
}

func decodeDest(ad *attrs, d *cfipvs.DestinationExtended) error {
	var addr []byte
	for ad.next() {
		switch ad.typ {
		case destAttrAddr:
			addr = ad.data
		case destAttrPort:
			d.Port = port(ad.data)
		case destAttrFwdMethod:
			d.FwdMethod = cfipvs.ForwardType(ad.uint32())
		case destAttrWeight:
			d.Weight = ad.uint32()
		case destAttrUThresh:
			d.UpperThreshold = ad.uint32()
		case destAttrLThresh:
			d.LowerThreshold = ad.uint32()
		case destAttrActiveConns:
			d.ActiveConnections = ad.uint32()
		case destAttrAddrFam:
			d.Family = cfipvs.AddressFamily(ad.uint16())
		case destAttrTunType:
			d.TunnelType = cfipvs.TunnelType(ad.uint8())
		case destAttrTunPort:
			d.TunnelPort = port(ad.data)
		case destAttrTunFlags:
			d.TunnelFlags = cfipvs.TunnelFlags(ad.uint16())
		}
	}
	if d.Family == cfipvs.INET && len(addr) >= 4 {
		addr = addr[:4]
	}
	if a, ok := netip.AddrFromSlice(addr); ok {
		d.Address = a
	}
	return ad.err
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
