package ipvs

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// attrs walks netlink attributes in place, as mdlayher/netlink's
// AttributeDecoder does (the same checks, the same values), without its
// copies: that decoder copies every attribute's data and allocates a
// decoder per nested attribute, which was a tenth of an agent's read of a
// big table. Data stays valid as long as the buffer it came from (the
// socket's, until the next recv). decode_test.go holds the two to each
// other.
type attrs struct {
	b    []byte
	i    int
	typ  uint16
	data []byte
	err  error
}

// errInvalidAttr is a header that is too short or longer than what is left.
var errInvalidAttr = errors.New("netlink: invalid attribute; length too short or too large")

// newAttrs checks that b is a whole run of attribute headers.
func newAttrs(b []byte) (attrs, error) {
	for i := 0; i < len(b); {
		if len(b)-i < 4 {
			return attrs{}, errInvalidAttr
		}
		i += attrStep(binary.NativeEndian.Uint16(b[i:]))
	}
	return attrs{b: b}, nil
}

func attrStep(l uint16) int {
	if l < 4 {
		return 4
	}
	return (int(l) + 3) &^ 3
}

// next moves to the next attribute; false at the end or on an error.
func (a *attrs) next() bool {
	if a.err != nil || a.i >= len(a.b) {
		return false
	}
	rest := a.b[a.i:]
	if len(rest) < 4 {
		a.err = errInvalidAttr
		return false
	}
	l := binary.NativeEndian.Uint16(rest)
	if int(l) > len(rest) || l != 0 && l < 4 {
		a.err = errInvalidAttr
		return false
	}
	a.typ = binary.NativeEndian.Uint16(rest[2:]) & 0x3fff // without NLA_F_NESTED, NLA_F_NET_BYTEORDER
	a.data = rest[min(4, int(l)):l]
	a.i += attrStep(l)
	return true
}

func (a *attrs) uint8() uint8 {
	if a.err == nil && len(a.data) != 1 {
		a.err = fmt.Errorf("netlink: attribute %d is not a uint8; length: %d", a.typ, len(a.data))
	}
	if a.err != nil {
		return 0
	}
	return a.data[0]
}

func (a *attrs) uint16() uint16 {
	if a.err == nil && len(a.data) != 2 {
		a.err = fmt.Errorf("netlink: attribute %d is not a uint16; length: %d", a.typ, len(a.data))
	}
	if a.err != nil {
		return 0
	}
	return binary.NativeEndian.Uint16(a.data)
}

func (a *attrs) uint32() uint32 {
	if a.err == nil && len(a.data) != 4 {
		a.err = fmt.Errorf("netlink: attribute %d is not a uint32; length: %d", a.typ, len(a.data))
	}
	if a.err != nil {
		return 0
	}
	return binary.NativeEndian.Uint32(a.data)
}

// string is the data without its trailing NULs, as nlenc.String.
func (a *attrs) string() string {
	if a.err != nil {
		return ""
	}
	b := a.data
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return string(b)
}

// nested runs fn on the attributes inside the current one; its error (or
// theirs) becomes a's.
func (a *attrs) nested(fn func(*attrs) error) {
	if a.err != nil {
		return
	}
	n, err := newAttrs(a.data)
	if err == nil {
		if err = fn(&n); err == nil {
			err = n.err
		}
	}
	a.err = err
}
