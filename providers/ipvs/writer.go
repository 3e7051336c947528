package ipvs

import (
	"encoding/binary"
	"fmt"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/mdlayher/genetlink"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// Attributes of the service and server requests (include/uapi/linux/ip_vs.h),
// sent as cloudflare/ipvs sends them, so a batch makes in the kernel what
// its per-request calls make.
const (
	cmdAttrService = 1 // IPVS_CMD_ATTR_SERVICE
	cmdAttrDest    = 2 // IPVS_CMD_ATTR_DEST

	svcAttrAF        = 1 // u16
	svcAttrProtocol  = 2 // u16
	svcAttrAddr      = 3 // in_addr or in6_addr
	svcAttrPort      = 4 // be16
	svcAttrFWMark    = 5 // u32
	svcAttrSchedName = 6 // string
	svcAttrFlags     = 7 // struct ip_vs_flags: flags, mask
	svcAttrTimeout   = 8 // u32
	svcAttrNetmask   = 9 // IPv4 mask bytes, or an IPv6 prefix length as u32

	destAttrAddr      = 1  // in_addr or in6_addr
	destAttrPort      = 2  // be16
	destAttrFwdMethod = 3  // u32
	destAttrWeight    = 4  // u32
	destAttrUThresh   = 5  // u32
	destAttrLThresh   = 6  // u32
	destAttrAddrFam   = 11 // u16
	destAttrTunType   = 13 // u8
	destAttrTunPort   = 14 // be16
	destAttrTunFlags  = 15 // u16
)

// perSend is how many requests go in one sendmsg. The kernel answers each
// with an acknowledgement queued on the socket before the first is read,
// so a batch must fit the socket's receive buffer: an acknowledgement
// costs the buffer about 1 KiB (the default buffer is 208 KiB), and one
// that does not fit is dropped.
const perSend = 128

// Writer writes IPVS services and servers over a generic netlink socket of
// its own, many requests per system call (cloudflare/ipvs sends one and
// waits for its answer each time).
type Writer struct{ s *nlsock }

// DialWriter opens the IPVS generic netlink family for writing, in the
// caller's network namespace.
func DialWriter() (*Writer, error) {
	s, err := dialSock()
	if err != nil {
		return nil, err
	}
	// A failed request's acknowledgement then carries only its header,
	// not the whole request back; and room for a batch's answers.
	_ = s.c.SetOption(netlink.CapAcknowledge, true)
	_ = s.c.SetReadBuffer(1 << 20)
	return &Writer{s: s}, nil
}

// Close closes the socket.
func (w *Writer) Close() error { return w.s.c.Close() }

var _ BatchClient = (*Writer)(nil)

// Write implements BatchClient: perSend requests per sendmsg, each asking
// for an acknowledgement (NLM_F_ACK), matched back to its request by
// sequence number.
func (w *Writer) Write(reqs []Request) []error {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	errs := make([]error, len(reqs))
	for start := 0; start < len(reqs); start += perSend {
		end := min(start+perSend, len(reqs))
		w.send(reqs[start:end], errs[start:end])
	}
	return errs
}

// send sends one sendmsg of requests and reads their acknowledgements into
// errs. A request that cannot be encoded is not sent.
func (w *Writer) send(reqs []Request, errs []error) {
	msgs := make([]netlink.Message, 0, len(reqs))
	index := make([]int, 0, len(reqs)) // request of each message
	for i, r := range reqs {
		data, err := encodeRequest(r)
		if err == nil {
			data, err = (&genetlink.Message{
				Header: genetlink.Header{Command: uint8(r.Cmd), Version: w.s.family.Version},
				Data:   data,
			}).MarshalBinary()
		}
		if err != nil {
			errs[i] = fmt.Errorf("encode the request: %w", err)
			continue
		}
		msgs = append(msgs, netlink.Message{
			Header: netlink.Header{Type: netlink.HeaderType(w.s.family.ID), Flags: netlink.Request | netlink.Acknowledge},
			Data:   data,
		})
		index = append(index, i)
	}
	if len(msgs) == 0 {
		return
	}
	sent, err := w.s.c.SendMessages(msgs)
	if err != nil {
		// Nothing of a failed sendmsg reaches the kernel.
		for _, i := range index {
			errs[i] = err
		}
		return
	}
	bySeq := make(map[uint32]int, len(sent))
	for k, m := range sent {
		bySeq[m.Header.Sequence] = index[k]
	}
	if err := w.acks(bySeq, errs); err != nil {
		for _, i := range bySeq {
			errs[i] = fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
		}
	}
}

// acks reads acknowledgements until every request of bySeq has one,
// removing each from bySeq and setting its error. Acknowledgements of
// other sequence numbers (left over from an earlier batch that failed)
// are skipped. It fails when the socket does, e.g. with ENOBUFS when an
// acknowledgement did not fit the receive buffer.
func (w *Writer) acks(bySeq map[uint32]int, errs []error) error {
	for len(bySeq) > 0 {
		msgs, err := w.s.recv()
		if err != nil {
			return err
		}
		for _, m := range msgs {
			i, ok := bySeq[m.Header.Seq]
			if !ok || m.Header.Type != unix.NLMSG_ERROR {
				continue
			}
			delete(bySeq, m.Header.Seq)
			errs[i] = ackError(m.Data)
		}
	}
	return nil
}

// encodeRequest encodes the attributes of a request as cloudflare/ipvs does
// for the same call.
func encodeRequest(r Request) ([]byte, error) {
	ae := netlink.NewAttributeEncoder()
	// Do, not Nested: cloudflare/ipvs does not set NLA_F_NESTED either
	// (the kernel takes both).
	ae.Do(cmdAttrService, nested(func(nae *netlink.AttributeEncoder) { encodeService(nae, r.Service) }))
	if r.Cmd.isDest() {
		ae.Do(cmdAttrDest, nested(func(nae *netlink.AttributeEncoder) { encodeDest(nae, r.Dest) }))
	}
	return ae.Encode()
}

// nested encodes the attributes fn adds, as the payload of another.
func nested(fn func(*netlink.AttributeEncoder)) func() ([]byte, error) {
	return func() ([]byte, error) {
		ae := netlink.NewAttributeEncoder()
		fn(ae)
		return ae.Encode()
	}
}

func encodeService(ae *netlink.AttributeEncoder, s cfipvs.Service) {
	// struct ip_vs_flags: the flags, then the mask of those to set (all).
	flags := make([]byte, 8)
	binary.NativeEndian.PutUint32(flags[0:4], uint32(s.Flags))
	binary.NativeEndian.PutUint32(flags[4:8], 0xffffffff)

	ae.Uint16(svcAttrAF, uint16(s.Family))
	ae.String(svcAttrSchedName, s.Scheduler)
	ae.Bytes(svcAttrFlags, flags)
	ae.Uint32(svcAttrTimeout, s.Timeout)
	switch {
	case s.Netmask.Is4():
		ae.Bytes(svcAttrNetmask, s.Netmask.AsSlice())
	case s.Netmask.Is6():
		if ones := s.Netmask.Bits(); ones >= 0 {
			ae.Uint32(svcAttrNetmask, uint32(ones))
		}
	}
	if s.FWMark != 0 {
		ae.Uint32(svcAttrFWMark, s.FWMark)
		return
	}
	ae.Uint16(svcAttrProtocol, uint16(s.Protocol))
	ae.Bytes(svcAttrAddr, s.Address.AsSlice())
	ae.Bytes(svcAttrPort, be16(s.Port))
}

func encodeDest(ae *netlink.AttributeEncoder, d cfipvs.Destination) {
	ae.Uint16(destAttrAddrFam, uint16(d.Family))
	ae.Bytes(destAttrAddr, d.Address.AsSlice())
	ae.Bytes(destAttrPort, be16(d.Port))
	ae.Uint32(destAttrFwdMethod, uint32(d.FwdMethod))
	ae.Uint32(destAttrWeight, d.Weight)
	ae.Uint32(destAttrUThresh, d.UpperThreshold)
	ae.Uint32(destAttrLThresh, d.LowerThreshold)
	ae.Uint8(destAttrTunType, uint8(d.TunnelType))
	ae.Bytes(destAttrTunPort, be16(d.TunnelPort))
	ae.Uint16(destAttrTunFlags, uint16(d.TunnelFlags))
}

// be16 is a port in network byte order, as the kernel takes it.
func be16(port uint16) []byte { return binary.BigEndian.AppendUint16(nil, port) }
