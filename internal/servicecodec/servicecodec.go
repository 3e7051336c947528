// Package servicecodec is the compact binary form of IPVS services that an
// agent's read answers and an apply's state kept for boot travel in, and
// that the boot state is kept in on the host.
package servicecodec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net/netip"

	"github.com/lvsctl/lvsctl/engine/state"
)

// A read's IPVS services travel in a compact binary form of their own
// (base64 in the response's JSON), not as JSON objects: a director of
// 1,000 services x 10 servers is 10,000 servers, and encoding/json spent
// more CPU on them than reading the kernel did (reflection per field, a
// new string per method and scheduler). The form is a sequence of
// unsigned varints; a string is its length then its bytes, an address
// netip.Addr's binary form after its length, a flag one byte, a missing
// pointer 0 and a present one 1 then its value. Services:
//
//	count, then per service: name, protocol, address, port, fwmark,
//	family, scheduler, flag count and flags, persistence, netmask,
//	one_packet, drain_timeout (pointer), server count, then per server:
//	address, port, method, tunnel_type, tunnel_port, tunnel_checksum,
//	weight, upper_threshold, lower_threshold, active_connections.
//
// Every field of state.Service and state.Server is there:
// TestServicesCodecEveryField fails when one is added and not here.

// Append appends the compact form of services to b.
func Append(b []byte, services []state.Service) []byte {
	b = binary.AppendUvarint(b, uint64(len(services)))
	for i := range services {
		s := &services[i]
		b = appendString(b, s.Name)
		b = appendString(b, s.Protocol)
		b = appendAddr(b, s.Address)
		b = binary.AppendUvarint(b, uint64(s.Port))
		b = binary.AppendUvarint(b, uint64(s.FWMark))
		b = appendString(b, string(s.Family))
		b = appendString(b, string(s.Scheduler))
		b = binary.AppendUvarint(b, uint64(len(s.Flags)))
		for _, f := range s.Flags {
			b = appendString(b, f)
		}
		b = binary.AppendUvarint(b, uint64(s.Persistence))
		b = binary.AppendVarint(b, int64(s.Netmask))
		b = appendBool(b, s.OnePacket)
		b = appendBool(b, s.DrainTimeout != nil)
		if s.DrainTimeout != nil {
			b = binary.AppendUvarint(b, uint64(*s.DrainTimeout))
		}
		b = binary.AppendUvarint(b, uint64(len(s.Servers)))
		for j := range s.Servers {
			d := &s.Servers[j]
			b = appendAddr(b, d.Address)
			b = binary.AppendUvarint(b, uint64(d.Port))
			b = appendString(b, string(d.Method))
			b = appendString(b, string(d.TunnelType))
			b = binary.AppendUvarint(b, uint64(d.TunnelPort))
			b = appendString(b, d.TunnelChecksum)
			b = binary.AppendUvarint(b, uint64(d.Weight))
			b = binary.AppendUvarint(b, uint64(d.UpperThreshold))
			b = binary.AppendUvarint(b, uint64(d.LowerThreshold))
			b = binary.AppendUvarint(b, uint64(d.ActiveConnections))
		}
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendAddr(b []byte, a netip.Addr) []byte {
	n := 0
	switch {
	case a.Is4():
		n = 4
	case a.IsValid():
		n = 16 + len(a.Zone())
	}
	b = binary.AppendUvarint(b, uint64(n))
	b, _ = a.AppendBinary(b) // never fails
	return b
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// errServices is what Decode says of input it cannot read: the
// two sides do not speak the same form.
var errServices = errors.New("services are not in the compact form this lvsctl reads: use the same lvsctl version on both sides")

// Decode reads what Append wrote. It allocates no more
// than the input can hold, whatever the counts in it say.
func Decode(b []byte) ([]state.Service, error) {
	r := reader{b: b, strings: map[string]string{}}
	n := r.count()
	var out []state.Service
	if n > 0 {
		out = make([]state.Service, 0, n)
	}
	for range n {
		var s state.Service
		s.Name = r.str()
		s.Protocol = r.str()
		s.Address = r.addr()
		s.Port = uint16(r.uint(math.MaxUint16))
		s.FWMark = uint32(r.uint(math.MaxUint32))
		s.Family = state.Family(r.str())
		s.Scheduler = state.Scheduler(r.str())
		if nf := r.count(); nf > 0 {
			s.Flags = make([]string, nf)
			for k := range s.Flags {
				s.Flags[k] = r.str()
			}
		}
		s.Persistence = uint32(r.uint(math.MaxUint32))
		s.Netmask = r.int()
		s.OnePacket = r.bool()
		if r.bool() {
			v := uint32(r.uint(math.MaxUint32))
			s.DrainTimeout = &v
		}
		if ns := r.count(); ns > 0 {
			s.Servers = make([]state.Server, ns)
			for k := range s.Servers {
				d := &s.Servers[k]
				d.Address = r.addr()
				d.Port = uint16(r.uint(math.MaxUint16))
				d.Method = state.Method(r.str())
				d.TunnelType = state.TunnelType(r.str())
				d.TunnelPort = uint16(r.uint(math.MaxUint16))
				d.TunnelChecksum = r.str()
				d.Weight = uint32(r.uint(math.MaxUint32))
				d.UpperThreshold = uint32(r.uint(math.MaxUint32))
				d.LowerThreshold = uint32(r.uint(math.MaxUint32))
				d.ActiveConnections = uint32(r.uint(math.MaxUint32))
			}
		}
		if r.err != nil {
			return nil, r.err
		}
		out = append(out, s)
	}
	if r.err == nil && len(r.b) > 0 {
		r.fail("%d bytes left over", len(r.b))
	}
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}

// reader takes values off the front of b; after the first error every
// value is zero and err says what was wrong.
type reader struct {
	b   []byte
	err error
	// strings keeps one copy of each short string read: a table has a
	// handful of methods and schedulers, repeated thousands of times.
	strings map[string]string
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w (%s)", errServices, fmt.Sprintf(format, args...))
	}
	r.b = nil
}

func (r *reader) uint(max uint64) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > max {
		r.fail("a number out of range")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) int() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 || v > math.MaxInt32 || v < math.MinInt32 {
		r.fail("a number out of range")
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

// count reads a number of things to come, each at least a byte long: no
// more than there are bytes left after it.
func (r *reader) count() int {
	v := r.uint(math.MaxInt32)
	if uint64(len(r.b)) < v {
		r.fail("a count beyond the end")
		return 0
	}
	return int(v)
}

func (r *reader) bytes() []byte {
	n := r.count()
	if r.err != nil {
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) str() string {
	v := r.bytes()
	if len(v) == 0 {
		return ""
	}
	if len(v) > 32 {
		return string(v)
	}
	if s, ok := r.strings[string(v)]; ok { // no allocation for the lookup
		return s
	}
	s := string(v)
	r.strings[s] = s
	return s
}

func (r *reader) addr() netip.Addr {
	v := r.bytes()
	var a netip.Addr
	if err := a.UnmarshalBinary(v); err != nil {
		r.fail("an address: %v", err)
	}
	return a
}

func (r *reader) bool() bool {
	if r.err != nil {
		return false
	}
	if len(r.b) == 0 || r.b[0] > 1 {
		r.fail("a flag out of range")
		return false
	}
	v := r.b[0] == 1
	r.b = r.b[1:]
	return v
}
