package main

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// The IPVS generic netlink commands (include/uapi/linux/ip_vs.h).
var commands = map[uint8]struct {
	name  string
	write bool
}{
	1: {"new_service", true}, 2: {"set_service", true}, 3: {"del_service", true}, 4: {"get_service", false},
	5: {"new_dest", true}, 6: {"set_dest", true}, 7: {"del_dest", true}, 8: {"get_dest", false},
	9: {"new_daemon", true}, 10: {"del_daemon", true}, 11: {"get_daemon", false},
	12: {"set_config", true}, 13: {"get_config", false}, 14: {"set_info", true}, 15: {"get_info", false},
	16: {"zero", true}, 17: {"flush", true},
}

// counter counts IPVS requests by command.
type counter struct {
	family  uint16
	byCmd   map[string]int
	writes  int
	reads   int
	bad     int // messages cut short
	dropped int
}

func newCounter(family uint16) *counter { return &counter{family: family, byCmd: map[string]int{}} }

// add counts the netlink messages of one packet: a process may send
// several in one sendmsg, each with its own header.
func (c *counter) add(b []byte) {
	for len(b) > 0 {
		if len(b) < 16 {
			c.bad++
			return
		}
		n := int(binary.NativeEndian.Uint32(b[0:4]))
		typ := binary.NativeEndian.Uint16(b[4:6])
		flags := binary.NativeEndian.Uint16(b[6:8])
		if n < 16 || n > len(b) {
			c.bad++
			return
		}
		// A request (NLM_F_REQUEST), not the kernel's answer: replies,
		// dump parts and acks never carry the flag.
		if typ == c.family && flags&unix.NLM_F_REQUEST != 0 && n >= 20 {
			cmd := b[16]
			k, ok := commands[cmd]
			if !ok {
				k.name = fmt.Sprintf("cmd%d", cmd)
			}
			c.byCmd[k.name]++
			if k.write {
				c.writes++
			} else {
				c.reads++
			}
		}
		b = b[min(len(b), (n+3)&^3):] // messages are 4-byte aligned
	}
}

func (c *counter) String() string {
	parts := []string{fmt.Sprintf("writes=%d", c.writes), fmt.Sprintf("reads=%d", c.reads)}
	var names []string
	for k := range c.byCmd {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%s=%d", k, c.byCmd[k]))
	}
	if c.bad > 0 {
		parts = append(parts, fmt.Sprintf("malformed=%d", c.bad))
	}
	return strings.Join(parts, " ")
}
