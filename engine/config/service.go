package config

import (
	"fmt"
	"math"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/zclconf/go-cty/cty"
)

// The values the kernel (and ipvsadm) know, as functions so that no caller
// can change them; schedulers, methods, families and tunnel types are
// engine/state's.
func protocols() []string { return []string{"tcp", "udp", "sctp"} }
func checksums() []string { return []string{"csum", "remcsum"} }
func flagNames() []string { return []string{"sh-fallback", "sh-port", "mh-fallback", "mh-port"} }

// virtualServerSchema is made once, as serverSchema.
var virtualServerSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "directors", Required: true}, {Name: "protocol"}, {Name: "vip"}, {Name: "port"},
		{Name: "fwmark"}, {Name: "family"}, {Name: "scheduler"}, {Name: "flags"},
		{Name: "persistence"}, {Name: "persistence_netmask"}, {Name: "one_packet"},
		{Name: "method"}, {Name: "weight"}, {Name: "tunnel_type"}, {Name: "drain_timeout"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "server", LabelNames: []string{"address"}}},
}

// serverSchema is made once: a big director decodes 100,000 server blocks
// with it (hcl only reads a schema).
var serverSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "weight"}, {Name: "method"}, {Name: "upper_threshold"}, {Name: "lower_threshold"},
	{Name: "tunnel_type"}, {Name: "tunnel_port"}, {Name: "tunnel_checksum"},
}}

const (
	weightHint    = "a weight is 0..65535 (0 stops new connections to the server)"
	thresholdHint = "a connection threshold is 0 (no limit) to 4294967295"
)

func decodeVirtualServer(b *hcl.Block, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *VirtualServer {
	vs := &VirtualServer{Name: b.Labels[0]}
	r, blocks := openBlock(b, virtualServerSchema, ctx, &vs.Source, diags)
	vs.Directors = r.strings("directors")
	if r.src.Has("directors") && len(vs.Directors) == 0 {
		r.errorf(vs.AttrRange("directors"), "No directors", "The virtual server %q lists no directors; name at least one director block.", vs.Name)
	}
	decodeServiceAddress(r, vs)
	vs.Scheduler = enum(r, "scheduler", state.DefaultScheduler, state.Schedulers())
	vs.Flags = r.strings("flags")
	checkFlags(r, vs)
	vs.Persistence = uint32(r.intDefault("persistence", 0, 0, math.MaxUint32, "persistence is a timeout in seconds, 0 for none"))
	vs.PersistenceNetmask = decodeNetmask(r, vs)
	if vs.AllPorts && vs.Persistence == 0 {
		r.errorf(vs.AttrRange("port"), "Port 0 needs persistence",
			"A service on port 0 takes every port of the VIP, and IPVS accepts that only for a persistent service (ipvsadm -A -t VIP:0 -p 1800): set persistence = 1800 (seconds), or group the ports with a firewall mark (fwmark) instead.")
	}
	vs.OnePacket = r.boolean("one_packet", false)
	vs.Method = enum(r, "method", state.MethodDR, state.Methods())
	vs.Weight = uint32(r.intDefault("weight", 1, 0, 65535, weightHint))
	vs.TunnelType = enum(r, "tunnel_type", "", state.TunnelTypes())
	if n, ok := r.integer("drain_timeout", 0, math.MaxUint32, "drain_timeout is in seconds, 0 to remove servers without waiting for their connections"); ok {
		t := uint32(n)
		vs.DrainTimeout = &t
	}

	// Keyed by address and port, not by Key(): formatting 100,000 keys
	// was a tenth of a big director's allocations. A service of a few
	// servers is searched instead, without a map; the servers are made
	// in one slice.
	var seen map[netip.AddrPort]*Server
	if len(blocks) > dupScanMax {
		seen = make(map[netip.AddrPort]*Server, len(blocks))
	}
	slab := make([]Server, len(blocks))
	vs.Servers = make([]*Server, 0, len(blocks))
	for i, sb := range blocks {
		if sb.Type != "server" {
			continue
		}
		s := decodeServer(&slab[i], sb, vs, ctx, diags)
		if s == nil {
			continue
		}
		key := netip.AddrPortFrom(s.Address, s.Port)
		if prev, dup := findServer(vs.Servers, seen, key); dup {
			*diags = append(*diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate server",
				Detail:   fmt.Sprintf("The server %s is already in virtual_server %q at %s; a service has each address and port once. Remove one.", s.Key(), vs.Name, prev.DefRange),
				Subject:  sb.LabelRanges[0].Ptr(),
			})
			continue
		}
		if seen != nil {
			seen[key] = s
		}
		vs.Servers = append(vs.Servers, s)
	}
	if len(vs.Servers) == 0 {
		vs.Servers = nil // as the load without servers always made it
	}
	checkServiceTunnel(r, vs)
	return vs
}

// dupScanMax is how many servers a service may have for duplicates to be
// searched in its list rather than in a map.
const dupScanMax = 16

// findServer is the server of servers at key: through seen when there is
// one, else by a search.
func findServer(servers []*Server, seen map[netip.AddrPort]*Server, key netip.AddrPort) (*Server, bool) {
	if seen != nil {
		s, ok := seen[key]
		return s, ok
	}
	for _, s := range servers {
		if s.Address == key.Addr() && s.Port == key.Port() {
			return s, true
		}
	}
	return nil, false
}

// checkServiceTunnel reports a service's tunnel_type that no server takes:
// the same mistake as tunnel_type on a server that is not tun. A service
// without servers is judged by its method, the default of servers to come.
func checkServiceTunnel(r *reader, vs *VirtualServer) {
	a, ok := r.attrs["tunnel_type"]
	if !ok {
		return
	}
	used := vs.Method == state.MethodTUN
	if len(vs.Servers) > 0 {
		used = slices.ContainsFunc(vs.Servers, func(s *Server) bool { return s.Method == state.MethodTUN })
	}
	if !used {
		r.errorf(a.NameRange, "Tunnel setting without tunnel", "tunnel_type applies to method = \"tun\" only, but no server of virtual_server %q uses it; remove it or set method = \"tun\".", vs.Name)
	}
}

// decodeServiceAddress reads either protocol+vip+port or fwmark(+family).
func decodeServiceAddress(r *reader, vs *VirtualServer) {
	vs.FWMark = uint32(r.intDefault("fwmark", 0, 1, math.MaxUint32, "a firewall mark is 1..4294967295"))
	if r.src.Has("fwmark") {
		for _, a := range []string{"protocol", "vip", "port"} {
			if _, ok := r.attrs[a]; ok {
				r.errorf(r.attrs[a].NameRange, "Conflicting service address",
					"A service is either protocol + vip + port or fwmark, not both; remove %s, or remove fwmark.", a)
			}
		}
		vs.Family = enum(r, "family", state.Inet, state.Families())
		return
	}
	vs.Protocol = enum(r, "protocol", "tcp", protocols())
	vs.VIP = r.addr("vip")
	port, portOK := r.integer("port", 0, 65535, "a service port is 1..65535, or 0 for all ports of a persistent service")
	vs.Port = uint16(port)
	vs.AllPorts = portOK && port == 0
	for _, attr := range []string{"vip", "port"} {
		if !r.src.Has(attr) {
			r.errorf(vs.DefRange, "Missing service address",
				"The virtual server %q has no %s: set protocol, vip and port, or fwmark for a firewall-mark service.", vs.Name, attr)
			break
		}
	}
	if vs.VIP.IsValid() { // else unknown, and family checks are skipped
		vs.Family = state.FamilyOf(vs.VIP)
	}
	if fam := enum(r, "family", vs.Family, state.Families()); vs.Family != "" && fam != vs.Family {
		r.errorf(vs.AttrRange("family"), "Conflicting family",
			"The family %q does not match the VIP %s; family is only needed for fwmark services, remove it.", fam, vs.VIP)
	}
}

func checkFlags(r *reader, vs *VirtualServer) {
	seen := make(map[string]bool)
	for _, f := range vs.Flags {
		rng := vs.AttrRange("flags")
		switch {
		case !slices.Contains(flagNames(), f):
			r.errorf(rng, "Unknown scheduler flag", "%q is not a scheduler flag.%s Valid flags are: %s.", f, didYouMean(f, flagNames()), strings.Join(flagNames(), ", "))
		case !strings.HasPrefix(f, string(vs.Scheduler)+"-"):
			sched, _, _ := strings.Cut(f, "-")
			r.errorf(rng, "Flag does not fit the scheduler", "The flag %q only applies to the %s scheduler, but this service uses %s. Set scheduler = %q or remove the flag.", f, sched, vs.Scheduler, sched)
		case seen[f]:
			r.errorf(rng, "Duplicate scheduler flag", "The flag %q is listed twice; remove one.", f)
		}
		seen[f] = true
	}
}

// decodeNetmask reads persistence_netmask as a prefix length, either a
// number or a dotted IPv4 mask, that fits the service's family.
func decodeNetmask(r *reader, vs *VirtualServer) int {
	v, rng, ok := r.value("persistence_netmask", cty.DynamicPseudoType)
	if !ok {
		return 0
	}
	if vs.Persistence == 0 {
		r.errorf(rng, "Netmask without persistence", "persistence_netmask groups clients for persistence, but the service is not persistent; set persistence = SECONDS or remove persistence_netmask.")
	}
	bits, err := parseNetmask(v, state.FullNetmask(vs.Family))
	if err != nil {
		r.errorf(rng, "Invalid netmask", "%s.", err)
		return 0
	}
	return bits
}

func parseNetmask(v cty.Value, maxBits int) (int, error) {
	var s string
	switch v.Type() {
	case cty.Number:
		s = v.AsBigFloat().Text('f', -1)
	case cty.String:
		s = v.AsString()
	default:
		return 0, fmt.Errorf("a netmask is a prefix length like 24 or a dotted mask like \"255.255.255.0\", not a %s", v.Type().FriendlyName())
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > maxBits {
			return 0, fmt.Errorf("the prefix length %d does not fit the service's family: use 1..%d", n, maxBits)
		}
		return n, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return 0, fmt.Errorf("%q is neither a prefix length like 24 nor a dotted mask like 255.255.255.0", s)
	}
	if maxBits != 32 {
		return 0, fmt.Errorf("the dotted mask %s is IPv4, but the service is IPv6; give a prefix length 1..128", s)
	}
	m := a.As4()
	ones, bits := net.IPMask(m[:]).Size() // bits is 0 for a non-contiguous mask
	if bits == 0 || ones == 0 {
		return 0, fmt.Errorf("%s is not a contiguous netmask (ones then zeros, at least one); for example 255.255.255.0", s)
	}
	return ones, nil
}

// decodeServer decodes b into s, and returns s; nil when its address is
// invalid.
func decodeServer(s *Server, b *hcl.Block, vs *VirtualServer, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *Server {
	r, _ := openBlock(b, serverSchema, ctx, &s.Source, diags)
	label := b.LabelRanges[0]
	s.Method = enum(r, "method", vs.Method, state.Methods())
	s.Weight = uint32(r.intDefault("weight", int64(vs.Weight), 0, 65535, weightHint))
	s.UpperThreshold = uint32(r.intDefault("upper_threshold", 0, 0, math.MaxUint32, thresholdHint))
	s.LowerThreshold = uint32(r.intDefault("lower_threshold", 0, 0, math.MaxUint32, thresholdHint))
	if s.UpperThreshold != 0 && s.LowerThreshold > s.UpperThreshold {
		r.errorf(s.AttrRange("upper_threshold"), "Invalid thresholds", "upper_threshold %d is below lower_threshold %d; the server would never be re-enabled. Make upper_threshold greater than lower_threshold.", s.UpperThreshold, s.LowerThreshold)
	}
	decodeTunnel(r, vs, s)

	addr, port, hasPort, err := parseServerLabel(b.Labels[0])
	if err != nil {
		r.errorf(label, "Invalid server address", "%s.", err)
		return nil
	}
	s.Address, s.Port = addr, vs.Port
	if hasPort {
		s.Port = port
	}
	checkServerAddress(r, vs, s, label, hasPort)
	return s
}

func decodeTunnel(r *reader, vs *VirtualServer, s *Server) {
	tunnelAttrs := []string{"tunnel_type", "tunnel_port", "tunnel_checksum"}
	if s.Method != state.MethodTUN {
		for _, a := range tunnelAttrs {
			if _, ok := r.attrs[a]; ok {
				r.errorf(r.attrs[a].NameRange, "Tunnel setting without tunnel", "%s applies to method = \"tun\" only, but this server uses %s; remove it or set method = \"tun\".", a, s.Method)
			}
		}
		return
	}
	s.TunnelType = enum(r, "tunnel_type", vs.TunnelType, state.TunnelTypes())
	if s.TunnelType == "" {
		s.TunnelType = state.TunnelIPIP
	}
	s.TunnelPort = uint16(r.intDefault("tunnel_port", 0, 1, 65535, "a tunnel port is 1..65535"))
	s.TunnelChecksum = enum(r, "tunnel_checksum", "", checksums())
	if s.TunnelType == state.TunnelIPIP && (s.TunnelPort != 0 || s.TunnelChecksum != "") {
		r.errorf(s.DefRange, "Tunnel setting does not fit ipip", "tunnel_port and tunnel_checksum apply to gue and gre tunnels; set tunnel_type = \"gue\" or remove them.")
	}
	if s.TunnelType == state.TunnelGUE && s.TunnelPort == 0 {
		r.errorf(s.DefRange, "Missing tunnel port", "A gue tunnel needs the UDP port of the real server's decapsulation; set tunnel_port.")
	}
}

// checkServerAddress checks the server against its service: family, port
// range and port mapping.
func checkServerAddress(r *reader, vs *VirtualServer, s *Server, label hcl.Range, hasPort bool) {
	// The kernel tunnels across families (IPv6 in IPv4 and back), but
	// NAT and DR forward within one.
	if vs.Family != "" && state.FamilyOf(s.Address) != vs.Family && s.Method != state.MethodTUN {
		r.errorf(label, "Mixed address families", "The server %s is %s but the service %q is %s; IPVS forwards across families only through a tunnel. Use a server of the service's family, or method = \"tun\".", s.Address, state.FamilyOf(s.Address), vs.Name, vs.Family)
	}
	if vs.FWMark != 0 {
		return // any port, 0 included: the mark decides, not the port
	}
	if hasPort && vs.AllPorts {
		r.errorf(label, "Server port on a port-0 service", "The service %q takes all ports and sends each connection to the port the client asked for; leave the port out of the server address.", vs.Name)
		return
	}
	if hasPort && s.Port == 0 {
		r.errorf(label, "Invalid server port", "Port 0 is only for firewall-mark services; give a port 1..65535 or leave it out to use the service port %d.", vs.Port)
		return
	}
	if vs.Port != 0 && s.Port != vs.Port && (s.Method == state.MethodDR || s.Method == state.MethodTUN) {
		r.errorf(label, "Port mapping needs NAT", "The server port %d differs from the service port %d. DR and TUN cannot rewrite the destination port; use method = \"nat\" or make the ports equal.", s.Port, vs.Port)
	}
}

// parseServerLabel parses "ADDR", "ADDR:PORT", "[V6]" or "[V6]:PORT".
func parseServerLabel(label string) (addr netip.Addr, port uint16, hasPort bool, err error) {
	if ap, e := netip.ParseAddrPort(label); e == nil && ap.Addr().Zone() == "" {
		return ap.Addr().Unmap(), ap.Port(), true, nil
	}
	bare := label
	if inner, ok := strings.CutPrefix(label, "["); ok {
		bare, ok = strings.CutSuffix(inner, "]")
		if !ok {
			bare = ""
		}
	}
	if a, e := parseAddr(bare); e == nil && (bare == label || a.Is6()) {
		return a, 0, false, nil
	}
	if i := strings.LastIndex(label, ":"); i > 0 {
		if _, e := parseAddr(strings.Trim(label[:i], "[]")); e == nil {
			return addr, 0, false, fmt.Errorf("%q has an invalid port %q; a port is 1..65535", label, label[i+1:])
		}
	}
	return addr, 0, false, fmt.Errorf("%q is not ADDRESS or ADDRESS:PORT; write 192.0.2.10, 192.0.2.10:80 or [2001:db8::10]:80", label)
}
