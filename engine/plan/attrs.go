package plan

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/lvsctl/lvsctl/engine/state"
)

// Attr is one attribute of a resource as a plan shows it: named as in the
// HCL and valued in HCL syntax, so a reviewer reads the plan in the same
// words as the config. ForcesReplacement uses the same names.
type Attr struct {
	Name  string
	Value string
}

// Attrs returns the set attributes of the resource in a fixed order. The
// parts of a resource's identity that its change address already shows are
// left out (a server's address, an address's interface and prefix, a route's
// destination), except for a service, whose identity attributes are what a
// replacement changes.
func (r *Resource) Attrs() []Attr {
	if r == nil {
		return nil
	}
	var a attrs
	switch {
	case r.Service != nil:
		s := r.Service
		a.str("protocol", s.Protocol)
		if s.Address.IsValid() {
			a.str("vip", s.Address.String())
		}
		a.num("port", uint64(s.Port))
		a.num("fwmark", uint64(s.FWMark))
		a.str("family", string(s.Family))
		a.str("scheduler", string(s.Scheduler))
		if len(s.Flags) > 0 {
			a.add("flags", quoteList(s.Flags))
		}
		a.num("persistence", uint64(s.Persistence))
		if n := effectiveNetmask(*s); n != state.FullNetmask(s.Family) {
			a.add("persistence_netmask", strconv.Itoa(n))
		}
		if s.OnePacket {
			a.add("one_packet", "true")
		}
	case r.Server != nil:
		d := r.Server
		a.str("method", string(d.Method))
		a.add("weight", strconv.FormatUint(uint64(d.Weight), 10))
		a.num("upper_threshold", uint64(d.UpperThreshold))
		a.num("lower_threshold", uint64(d.LowerThreshold))
		a.str("tunnel_type", string(d.TunnelType))
		a.num("tunnel_port", uint64(d.TunnelPort))
		a.str("tunnel_checksum", d.TunnelChecksum)
	case r.Address != nil:
		a.str("label", r.Address.Label)
		a.str("scope", r.Address.Scope)
	case r.Route != nil:
		if r.Route.Gateway.IsValid() {
			a.str("gateway", r.Route.Gateway.String())
		}
		a.str("interface", r.Route.Interface)
	case r.Sysctl != nil:
		a.add("value", strconv.Quote(r.Sysctl.Value))
	case r.Timeouts != nil:
		a.add("tcp", strconv.FormatUint(uint64(r.Timeouts.TCP), 10))
		a.add("tcpfin", strconv.FormatUint(uint64(r.Timeouts.TCPFin), 10))
		a.add("udp", strconv.FormatUint(uint64(r.Timeouts.UDP), 10))
	case r.SyncDaemon != nil:
		d := r.SyncDaemon
		a.str("interface", d.Interface)
		a.add("sync_id", strconv.Itoa(int(d.SyncID)))
		if d.Group.IsValid() {
			a.str("group", d.Group.String())
		}
		a.num("port", uint64(d.Port))
		a.num("ttl", uint64(d.TTL))
		a.num("max_len", uint64(d.MaxLen))
	case r.Peers != nil:
		a.add("hosts", quoteList(slices.Sorted(maps.Keys(r.Peers.Hosts))))
	case r.Boot != nil:
		a.add("restore_at_boot", strconv.FormatBool(r.Boot.Desired != nil))
	}
	return a
}

// attrs collects attributes, skipping unset (zero) values.
type attrs []Attr

func (a *attrs) add(name, value string) { *a = append(*a, Attr{Name: name, Value: value}) }

func (a *attrs) str(name, v string) {
	if v != "" {
		a.add(name, strconv.Quote(v))
	}
}

func (a *attrs) num(name string, v uint64) {
	if v != 0 {
		a.add(name, strconv.FormatUint(v, 10))
	}
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// effectiveNetmask reads an unset (0) netmask as the family's full length,
// which is what the kernel reports for it.
func effectiveNetmask(s state.Service) int {
	if s.Netmask == 0 {
		return state.FullNetmask(s.Family)
	}
	return s.Netmask
}
