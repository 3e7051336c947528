package main

import (
	"encoding/binary"
	"testing"

	"golang.org/x/sys/unix"
)

// msg builds a generic netlink request of family with the command cmd and
// attrs bytes of payload, as a process sends it.
func msg(family uint16, cmd uint8, attrs int) []byte {
	n := 20 + attrs
	b := make([]byte, (n+3)&^3)
	binary.NativeEndian.PutUint32(b[0:4], uint32(n))
	binary.NativeEndian.PutUint16(b[4:6], family)
	binary.NativeEndian.PutUint16(b[6:8], unix.NLM_F_REQUEST|unix.NLM_F_ACK)
	b[16] = cmd
	return b
}

// reply is the kernel's answer to a request: same family and command,
// without NLM_F_REQUEST.
func reply(family uint16, cmd uint8) []byte {
	b := msg(family, cmd, 8)
	binary.NativeEndian.PutUint16(b[6:8], unix.NLM_F_MULTI)
	return b
}

func TestCounterBatch(t *testing.T) {
	c := newCounter(42)
	var pkt []byte
	pkt = append(pkt, msg(42, 6, 3)...) // set_dest, padded
	pkt = append(pkt, msg(42, 5, 8)...) // new_dest
	pkt = append(pkt, msg(16, 3, 4)...) // another family: not counted
	pkt = append(pkt, msg(42, 8, 0)...) // get_dest
	pkt = append(pkt, reply(42, 5)...)  // the kernel's answer: not counted
	c.add(pkt)
	if c.writes != 2 || c.reads != 1 || c.byCmd["set_dest"] != 1 || c.byCmd["new_dest"] != 1 || c.bad != 0 {
		t.Fatalf("counted %s", c)
	}
	if got, want := c.String(), "writes=2 reads=1 get_dest=1 new_dest=1 set_dest=1"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestCounterTruncated(t *testing.T) {
	c := newCounter(42)
	m := msg(42, 6, 0)
	c.add(append(m, m[:10]...))
	if c.writes != 1 || c.bad != 1 {
		t.Fatalf("counted %s", c)
	}
}

func FuzzCounter(f *testing.F) {
	f.Add(msg(42, 6, 3))
	f.Add(append(msg(42, 5, 0), msg(42, 7, 1)...))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 42, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		c := newCounter(42)
		c.add(b)
		if c.writes+c.reads > len(b)/20 {
			t.Fatalf("%d messages counted in %d bytes", c.writes+c.reads, len(b))
		}
	})
}
