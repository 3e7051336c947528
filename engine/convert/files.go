package convert

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"net/netip"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/lvsctl/lvsctl/engine/convert/ipvsadm"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Input kinds, as --from names them.
const (
	KindScript     = "script"
	KindIPVSSave   = "ipvsadm-save"
	KindKeepalived = "keepalived"
	KindSysctl     = "sysctl"
	KindIfcfg      = "ifcfg"
)

// Kinds are the input kinds --from accepts besides auto.
func Kinds() []string {
	return []string{KindScript, KindIPVSSave, KindKeepalived, KindSysctl, KindIfcfg}
}

// The patterns Detect uses are compiled on first use, not at init: every
// lvsctl start (and every agent's) would pay for them, and only convert
// and import detect.
var (
	saveLine    = lazyRegexp(`^-[AaEeDdC]\s|^--set\s|^-[AaC]$`)
	sysctlLine  = lazyRegexp(`^-?[a-z0-9_]+(\.[A-Za-z0-9_\-/]+)+\s*=`)
	keepalivedW = lazyRegexp(`(?m)^\s*(virtual_server|vrrp_instance|global_defs|virtual_server_group|vrrp_sync_group)\b`)
	ifcfgLine   = lazyRegexp(`(?m)^\s*(DEVICE|IPADDR[0-9]*|NETMASK[0-9]*|PREFIX[0-9]*)=`)
)

func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// Detect guesses the kind of an input from its name and content.
func Detect(name string, src []byte) string {
	base := filepath.Base(name)
	if strings.HasPrefix(base, "ifcfg-") || ifcfgLine().Match(src) && !bytes.Contains(src, []byte("ipvsadm")) && !bytes.Contains(src, []byte("ifconfig")) {
		return KindIfcfg
	}
	if keepalivedW().Match(src) {
		return KindKeepalived
	}
	saves, sysctls, other := 0, 0, 0
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		t := strings.TrimSpace(sc.Text())
		switch {
		case t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";"):
		case saveLine().MatchString(t):
			saves++
		case sysctlLine().MatchString(t):
			sysctls++
		default:
			other++
		}
	}
	switch {
	case other == 0 && saves > 0 && sysctls == 0:
		return KindIPVSSave
	case other == 0 && sysctls > 0 && saves == 0:
		return KindSysctl
	}
	return KindScript
}

// ParseSysctlConf reads a sysctl.conf: "name = value" lines, # and ;
// comments; a leading "-" only means errors are ignored.
func ParseSysctlConf(file string, src []byte) []SysctlLine {
	var out []SysctlLine
	for i, line := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if t == "" || t[0] == '#' || t[0] == ';' {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(t, "-"), "=")
		if !ok {
			continue
		}
		out = append(out, SysctlLine{Pos: Pos{File: file, Line: i + 1}, Name: strings.TrimSpace(k), Value: strings.TrimSpace(v)})
	}
	return out
}

// FromIfcfg reads a Red Hat network-scripts file (ifcfg-eth0:0,
// ifcfg-lo:0): the address it puts on its device when the network starts.
func FromIfcfg(host *Host, file string, src []byte) {
	host.Files = append(host.Files, file)
	vals := map[string]string{}
	lines := map[string]int{}
	for i, line := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if t == "" || t[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			host.Note(Pos{File: file, Line: i + 1}, Ignored, t, "not a KEY=VALUE line")
			continue
		}
		vals[k] = strings.Trim(v, `"'`)
		lines[k] = i + 1
	}
	dev := vals["DEVICE"]
	if dev == "" {
		dev = strings.TrimPrefix(filepath.Base(file), "ifcfg-")
	}
	iface, label, _ := strings.Cut(dev, ":")
	if label != "" {
		label = dev
	}
	pos := func(k string) Pos { return Pos{File: file, Line: lines[k]} }
	used := map[string]bool{"DEVICE": true, "NAME": true}
	if a, err := netip.ParseAddr(vals["IPADDR"]); err == nil {
		bits := -1
		if p, err := strconv.Atoi(vals["PREFIX"]); err == nil {
			bits = p
		} else if n, ok := PrefixFromMask(vals["NETMASK"], true); ok && vals["NETMASK"] != "" {
			bits = n
		}
		if bits < 0 || bits > a.BitLen() {
			bits = a.BitLen()
			if a.Is4() {
				bits = ClassfulBits(a)
			}
			host.Note(pos("IPADDR"), Info, "IPADDR="+vals["IPADDR"], fmt.Sprintf("no NETMASK or PREFIX: the network scripts use /%d", bits))
		}
		host.AddAddress(pos("IPADDR"), "", state.Address{Interface: iface, Label: label, Prefix: netip.PrefixFrom(a, bits)})
		used["IPADDR"], used["PREFIX"], used["NETMASK"] = true, true, true
	} else if vals["IPADDR"] != "" {
		host.Note(pos("IPADDR"), Failed, "IPADDR="+vals["IPADDR"], "not an address; the network scripts refuse the file")
	}
	if g, err := netip.ParseAddr(vals["GATEWAY"]); err == nil {
		bits := 0
		host.AddRoute(pos("GATEWAY"), "", state.Route{Destination: netip.PrefixFrom(netip.IPv4Unspecified(), bits), Gateway: g, Interface: iface})
		used["GATEWAY"] = true
	}
	if vals["ONBOOT"] == "no" {
		host.Note(pos("ONBOOT"), Info, "ONBOOT=no", "the file applies only when the interface is brought up by hand; converted as if it were")
	}
	for k := range vals {
		if !used[k] {
			used[k] = true
			host.Note(pos(k), Ignored, k+"="+vals[k], "interface setting lvsctl leaves alone")
		}
	}
	sortNotes(host.Notes)
}

// sortNotes orders notes by file, in the order the files first appear,
// then by line; notes about a whole file come last for it.
func sortNotes(notes []Note) {
	order := map[string]int{}
	for _, n := range notes {
		if _, ok := order[n.Pos.File]; !ok {
			order[n.Pos.File] = len(order)
		}
	}
	line := func(n Note) int {
		if n.Pos.Line == 0 {
			return math.MaxInt
		}
		return n.Pos.Line
	}
	sort.SliceStable(notes, func(i, j int) bool {
		a, b := notes[i], notes[j]
		if order[a.Pos.File] != order[b.Pos.File] {
			return order[a.Pos.File] < order[b.Pos.File]
		}
		return line(a) < line(b)
	})
}

// PrefixFromMask reads a dotted IPv4 netmask or a prefix length; ok is
// false for anything else, a non-contiguous mask included.
func PrefixFromMask(mask string, is4 bool) (int, bool) { return ipvsadm.MaskBits(mask, !is4) }

// ClassfulBits is the netmask ifconfig and the network scripts give an
// IPv4 address without one: its class's.
func ClassfulBits(a netip.Addr) int {
	switch b := a.As4()[0]; {
	case b < 128:
		return 8
	case b < 192:
		return 16
	}
	return 24
}
