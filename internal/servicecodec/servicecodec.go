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
		b = AppendService(b, &services[i])
	}
	return b
}

// appendService appends the compact form of one service, servers
// included (an apply's service changes carry theirs the same way).
func AppendService(b []byte, s *state.Service) []byte {
	b = AppendString(b, s.Name)
	b = AppendString(b, s.Protocol)
	b = AppendAddr(b, s.Address)
	b = binary.AppendUvarint(b, uint64(s.Port))
	b = binary.AppendUvarint(b, uint64(s.FWMark))
	b = AppendString(b, string(s.Family))
	b = AppendString(b, string(s.Scheduler))
	b = binary.AppendUvarint(b, uint64(len(s.Flags)))
	for _, f := range s.Flags {
		b = AppendString(b, f)
	}
	b = binary.AppendUvarint(b, uint64(s.Persistence))
	b = binary.AppendVarint(b, int64(s.Netmask))
	b = AppendBool(b, s.OnePacket)
	b = AppendBool(b, s.DrainTimeout != nil)
	if s.DrainTimeout != nil {
		b = binary.AppendUvarint(b, uint64(*s.DrainTimeout))
	}
	b = binary.AppendUvarint(b, uint64(len(s.Servers)))
	for j := range s.Servers {
		b = AppendServer(b, &s.Servers[j])
	}
	return b
}

// appendServer appends the compact form of one server.
func AppendServer(b []byte, d *state.Server) []byte {
	b = AppendAddr(b, d.Address)
	b = binary.AppendUvarint(b, uint64(d.Port))
	b = AppendString(b, string(d.Method))
	b = AppendString(b, string(d.TunnelType))
	b = binary.AppendUvarint(b, uint64(d.TunnelPort))
	b = AppendString(b, d.TunnelChecksum)
	b = binary.AppendUvarint(b, uint64(d.Weight))
	b = binary.AppendUvarint(b, uint64(d.UpperThreshold))
	b = binary.AppendUvarint(b, uint64(d.LowerThreshold))
	b = binary.AppendUvarint(b, uint64(d.ActiveConnections))
	return b
}

func AppendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func AppendAddr(b []byte, a netip.Addr) []byte {
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

func AppendBool(b []byte, v bool) []byte {
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
	r := NewReader(b, nil)
	n := r.Count()
	var out []state.Service
	if n > 0 {
		out = make([]state.Service, 0, n)
	}
	for range n {
		s := r.Service()
		if r.err != nil {
			return nil, r.err
		}
		out = append(out, s)
	}
	if r.err == nil && len(r.b) > 0 {
		r.Fail("%d bytes left over", len(r.b))
	}
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}

// service reads what appendService wrote.
func (r *Reader) Service() state.Service {
	var s state.Service
	s.Name = r.Str()
	s.Protocol = r.Str()
	s.Address = r.Addr()
	s.Port = uint16(r.Uint(math.MaxUint16))
	s.FWMark = uint32(r.Uint(math.MaxUint32))
	s.Family = state.Family(r.Str())
	s.Scheduler = state.Scheduler(r.Str())
	if nf := r.Count(); nf > 0 {
		s.Flags = make([]string, nf)
		for k := range s.Flags {
			s.Flags[k] = r.Str()
		}
	}
	s.Persistence = uint32(r.Uint(math.MaxUint32))
	s.Netmask = r.Int()
	s.OnePacket = r.Bool()
	if r.Bool() {
		v := uint32(r.Uint(math.MaxUint32))
		s.DrainTimeout = &v
	}
	if ns := r.Count(); ns > 0 {
		s.Servers = make([]state.Server, ns)
		for k := range s.Servers {
			r.Server(&s.Servers[k])
		}
	}
	return s
}

// server reads what appendServer wrote into d.
func (r *Reader) Server(d *state.Server) {
	d.Address = r.Addr()
	d.Port = uint16(r.Uint(math.MaxUint16))
	d.Method = state.Method(r.Str())
	d.TunnelType = state.TunnelType(r.Str())
	d.TunnelPort = uint16(r.Uint(math.MaxUint16))
	d.TunnelChecksum = r.Str()
	d.Weight = uint32(r.Uint(math.MaxUint32))
	d.UpperThreshold = uint32(r.Uint(math.MaxUint32))
	d.LowerThreshold = uint32(r.Uint(math.MaxUint32))
	d.ActiveConnections = uint32(r.Uint(math.MaxUint32))
}

// Reader takes values off the front of b, for Decode and for forms built
// on this one (an apply's compact changes); after the first error every
// value is zero and Err says what was wrong.
type Reader struct {
	b   []byte
	err error
	// strings keeps one copy of each short string read: a table has a
	// handful of methods and schedulers, repeated thousands of times.
	strings map[string]string
	// form is what the errors say could not be read (nil: errServices).
	form error
}

// NewReader reads b; form is the error its failures wrap (nil: that the
// input is not services in this form).
func NewReader(b []byte, form error) *Reader {
	return &Reader{b: b, strings: map[string]string{}, form: form}
}

// Err is the first failure, if any.
func (r *Reader) Err() error { return r.err }

// Len is how many bytes are left.
func (r *Reader) Len() int { return len(r.b) }

// Byte takes one byte, failing when there is none left.
func (r *Reader) Byte() (byte, bool) {
	if r.err != nil {
		return 0, false
	}
	if len(r.b) == 0 {
		r.Fail("cut short")
		return 0, false
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v, true
}

// Unique reads a string that is seldom repeated (a change's address): not
// kept for sharing.
func (r *Reader) Unique() string { return string(r.Bytes()) }

// Fail records the first failure and empties the reader.
func (r *Reader) Fail(format string, args ...any) {
	if r.err == nil {
		form := r.form
		if form == nil {
			form = errServices
		}
		r.err = fmt.Errorf("%w (%s)", form, fmt.Sprintf(format, args...))
	}
	r.b = nil
}

func (r *Reader) Uint(max uint64) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > max {
		r.Fail("a number out of range")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *Reader) Int() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 || v > math.MaxInt32 || v < math.MinInt32 {
		r.Fail("a number out of range")
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

// count reads a number of things to come, each at least a byte long: no
// more than there are bytes left after it.
func (r *Reader) Count() int {
	v := r.Uint(math.MaxInt32)
	if uint64(len(r.b)) < v {
		r.Fail("a count beyond the end")
		return 0
	}
	return int(v)
}

func (r *Reader) Bytes() []byte {
	n := r.Count()
	if r.err != nil {
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *Reader) Str() string {
	v := r.Bytes()
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

func (r *Reader) Addr() netip.Addr {
	v := r.Bytes()
	var a netip.Addr
	if err := a.UnmarshalBinary(v); err != nil {
		r.Fail("an address: %v", err)
	}
	return a
}

func (r *Reader) Bool() bool {
	if r.err != nil {
		return false
	}
	if len(r.b) == 0 || r.b[0] > 1 {
		r.Fail("a flag out of range")
		return false
	}
	v := r.b[0] == 1
	r.b = r.b[1:]
	return v
}
