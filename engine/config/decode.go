package config

import (
	"fmt"
	"math"
	"net/netip"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/lvsctl/lvsctl/engine/state"
)

func directorSchema() *hcl.BodySchema {
	return &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{
			{Name: "netns"}, {Name: "interface"}, {Name: "address"}, {Name: "vip_alias"},
			{Name: "ip_forward"}, {Name: "own_all_services"}, {Name: "sysctls"}, {Name: "boot"},
		},
		Blocks: []hcl.BlockHeaderSchema{{Type: "ssh"}, {Type: "timeouts"}, {Type: "route"},
			{Type: "vip", LabelNames: []string{"address"}}, {Type: "sync_daemon", LabelNames: []string{"state"}}},
	}
}

func realServerSchema() *hcl.BodySchema {
	return &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{
			{Name: "address", Required: true}, {Name: "netns"}, {Name: "arp_ignore"},
			{Name: "arp_announce"}, {Name: "vip_interface"}, {Name: "vip_route"},
			{Name: "arp_interfaces"}, {Name: "rp_filter"}, {Name: "sysctls"}, {Name: "boot"},
		},
		Blocks: []hcl.BlockHeaderSchema{{Type: "ssh"}, {Type: "route"},
			{Type: "vip", LabelNames: []string{"address"}}},
	}
}

func sshSchema() *hcl.BodySchema {
	return &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "host", Required: true}, {Name: "user"}, {Name: "port"}, {Name: "identity_file"},
	}}
}

func timeoutsSchema() *hcl.BodySchema {
	return &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "tcp"}, {Name: "tcpfin"}, {Name: "udp"},
	}}
}

func routeSchema() *hcl.BodySchema {
	return &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "destination", Required: true}, {Name: "gateway"}, {Name: "interface"},
		{Name: "metric"}, {Name: "table"},
	}}
}

// decodeBlocks decodes the host and service blocks into cfg.
func decodeBlocks(cfg *Config, blocks hcl.Blocks, ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for i, b := range blocks {
		switch b.Type {
		case "director":
			cfg.Directors = append(cfg.Directors, decodeDirector(b, ctx, &diags))
		case "real_server":
			cfg.RealServers = append(cfg.RealServers, decodeRealServer(b, ctx, &diags))
		case "virtual_server":
			cfg.VirtualServers = append(cfg.VirtualServers, decodeVirtualServer(b, ctx, &diags))
		}
		blocks[i] = nil // decoded: its syntax can go (see decodeRest)
	}
	return diags
}

// openBlock returns a reader over the block's attributes, decoded with schema,
// and the nested blocks.
func openBlock(b *hcl.Block, schema *hcl.BodySchema, ctx *hcl.EvalContext, src *Source, diags *hcl.Diagnostics) (*reader, hcl.Blocks) {
	src.DefRange = b.DefRange
	if sb, ok := b.Body.(*hclsyntax.Body); ok {
		if attrs, blocks, ok := syntaxContent(sb, schema, ctx); ok {
			return newReader(ctx, attrs, src, diags), blocks
		}
	}
	content, d := b.Body.Content(schema)
	*diags = append(*diags, d...)
	return newReader(ctx, content.Attributes, src, diags), content.Blocks
}

func newReader(ctx *hcl.EvalContext, attrs hcl.Attributes, src *Source, diags *hcl.Diagnostics) *reader {
	if len(attrs) > 0 && src.attrs == nil {
		src.attrs = make([]attrRange, 0, len(attrs)) // noted as they are read
	}
	return &reader{ctx: ctx, attrs: attrs, src: src, diags: diags}
}

// syntaxContent is hclsyntax's Body.Content for a body that fits schema
// exactly (every attribute and block known, labels counted right, required
// attributes set), without the bookkeeping hcl keeps for partial content:
// 110,000 blocks of a big director go through here. ok is false for
// anything else, and hcl then reads the body and words the problems.
// Plain dynamic blocks are expanded (see expandPlain).
func syntaxContent(b *hclsyntax.Body, schema *hcl.BodySchema, ctx *hcl.EvalContext) (attrs hcl.Attributes, blocks hcl.Blocks, ok bool) {
	for _, a := range schema.Attributes {
		if _, set := b.Attributes[a.Name]; a.Required && !set {
			return nil, nil, false
		}
	}
	if len(b.Attributes) > 0 {
		attrs = make(hcl.Attributes, len(b.Attributes))
		made := make([]hcl.Attribute, 0, len(b.Attributes)) // one allocation, not one each
		for name, a := range b.Attributes {
			if !slices.ContainsFunc(schema.Attributes, func(s hcl.AttributeSchema) bool { return s.Name == name }) {
				return nil, nil, false
			}
			made = append(made, hcl.Attribute{Name: a.Name, Expr: a.Expr, Range: a.SrcRange, NameRange: a.NameRange})
			attrs[name] = &made[len(made)-1]
		}
	}
	// The blocks are made in one slice (AsHCLBlock makes each alone).
	var made []hcl.Block
	if len(b.Blocks) > 0 {
		blocks = make(hcl.Blocks, 0, len(b.Blocks))
		made = make([]hcl.Block, 0, len(b.Blocks))
	}
	for _, blk := range b.Blocks {
		typ := blk.Type
		if typ == "dynamic" && len(blk.Labels) == 1 {
			typ = blk.Labels[0]
		}
		i := slices.IndexFunc(schema.Blocks, func(s hcl.BlockHeaderSchema) bool { return s.Type == typ })
		if i < 0 {
			return nil, nil, false
		}
		if blk.Type != "dynamic" {
			if len(blk.Labels) != len(schema.Blocks[i].LabelNames) {
				return nil, nil, false
			}
			made = append(made, hcl.Block{Type: blk.Type, Labels: blk.Labels, Body: blk.Body,
				DefRange: blk.DefRange(), TypeRange: blk.TypeRange, LabelRanges: blk.LabelRanges})
			blocks = append(blocks, &made[len(made)-1])
			continue
		}
		if !plainDynamic(blk) {
			return nil, nil, false
		}
		more, ok := expandPlain(blk, schema.Blocks[i], ctx)
		if !ok {
			return nil, nil, false
		}
		blocks = append(blocks, more...)
	}
	return attrs, blocks, true
}

func decodeDirector(b *hcl.Block, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *Director {
	d := &Director{Name: b.Labels[0]}
	r, blocks := openBlock(b, directorSchema(), ctx, &d.Source, diags)
	d.Netns, _ = r.str("netns")
	d.Interface, _ = r.str("interface")
	if d.Interface != "" {
		checkInterfaceName(r, "interface", d.Interface)
	}
	d.Address = r.addr("address")
	d.VIPAlias = r.boolean("vip_alias", true)
	d.IPForward, d.IPForwardUnmanaged = r.tristate("ip_forward")
	d.OwnAllServices = r.boolean("own_all_services", false)
	d.Boot = r.boolean("boot", true)
	d.SSH = decodeSSH(blocks, ctx, diags)
	if tb := single(blocks, "timeouts", diags); tb != nil {
		t := &Timeouts{}
		tr, _ := openBlock(tb, timeoutsSchema(), ctx, &t.Source, diags)
		const hint = "a timeout is a number of seconds from 0 (leave unchanged) to 4294967295"
		t.TCP = uint32(tr.intDefault("tcp", 0, 0, math.MaxUint32, hint))
		t.TCPFin = uint32(tr.intDefault("tcpfin", 0, 0, math.MaxUint32, hint))
		t.UDP = uint32(tr.intDefault("udp", 0, 0, math.MaxUint32, hint))
		d.Timeouts = t
	}
	d.Routes = decodeRoutes(blocks, ctx, diags)
	d.VIPs = decodeVIPs(blocks, ctx, diags, state.RoleDirector)
	d.Sysctls = r.sysctlMap("sysctls")
	d.SyncDaemons = decodeSyncDaemons(blocks, ctx, diags)
	checkConnection(r, d.Netns, d.SSH)
	return d
}

func decodeRealServer(b *hcl.Block, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *RealServer {
	rs := &RealServer{Name: b.Labels[0]}
	r, blocks := openBlock(b, realServerSchema(), ctx, &rs.Source, diags)
	rs.Address = r.addr("address")
	rs.Netns, _ = r.str("netns")
	const arpHint = "arp_ignore is 0..8 and arp_announce 0..2, see the kernel's ip-sysctl documentation"
	if n, ok := r.integer("arp_ignore", 0, 8, arpHint); ok {
		v := int(n)
		rs.ARPIgnore = &v
	}
	if n, ok := r.integer("arp_announce", 0, 2, arpHint); ok {
		v := int(n)
		rs.ARPAnnounce = &v
	}
	if rs.VIPInterface, _ = r.str("vip_interface"); rs.VIPInterface != "" {
		checkInterfaceName(r, "vip_interface", rs.VIPInterface)
	}
	rs.VIPRoute = r.boolean("vip_route", true)
	rs.Boot = r.boolean("boot", true)
	rs.SSH = decodeSSH(blocks, ctx, diags)
	rs.Routes = decodeRoutes(blocks, ctx, diags)
	rs.ARPInterfaces = r.strings("arp_interfaces")
	for _, iface := range rs.ARPInterfaces {
		checkInterfaceName(r, "arp_interfaces", iface)
	}
	rs.RPFilter = r.rpFilter()
	rs.VIPs = decodeVIPs(blocks, ctx, diags, state.RoleRealServer)
	rs.Sysctls = r.sysctlMap("sysctls")
	checkConnection(r, rs.Netns, rs.SSH)
	return rs
}

func decodeRoute(b *hcl.Block, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *Route {
	rt := &Route{}
	r, _ := openBlock(b, routeSchema(), ctx, &rt.Source, diags)
	rt.Gateway = r.addr("gateway")
	rt.Interface, _ = r.str("interface")
	rt.Metric = int(r.intDefault("metric", 0, 0, math.MaxUint32, "a metric is 0..4294967295"))
	rt.Table = int(r.intDefault("table", 0, 0, math.MaxUint32, "a table is a number, 0 meaning the main table"))
	if dest, ok := r.str("destination"); ok {
		p, err := parseDestination(dest, rt.Gateway)
		if err != nil {
			r.errorf(rt.AttrRange("destination"), "Invalid route destination", "%s.", err)
		}
		rt.Destination = p
	}
	if rt.Destination.IsValid() && rt.Gateway.IsValid() && rt.Destination.Addr().Is4() != rt.Gateway.Is4() {
		r.errorf(rt.AttrRange("gateway"), "Mixed address families", "The gateway %s and the destination %s are of different IP families; use a gateway of the destination's family.", rt.Gateway, rt.Destination)
	}
	return rt
}

// parseDestination accepts a prefix, a bare address (a host route) or
// "default", which takes the family of the gateway.
func parseDestination(s string, gw netip.Addr) (netip.Prefix, error) {
	if s == "default" {
		if gw.Is6() {
			return netip.MustParsePrefix("::/0"), nil
		}
		return netip.MustParsePrefix("0.0.0.0/0"), nil
	}
	if p, err := netip.ParsePrefix(s); err == nil {
		if p != p.Masked() {
			return p, fmt.Errorf("%q has host bits set; write it as %s", s, p.Masked())
		}
		return p, nil
	}
	a, err := parseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not a prefix like 10.0.0.0/24, an address, or \"default\"", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func decodeSSH(blocks hcl.Blocks, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *SSH {
	b := single(blocks, "ssh", diags)
	if b == nil {
		return nil
	}
	// User and port left out come from ssh_config, as with `ssh HOST`.
	s := &SSH{}
	r, _ := openBlock(b, sshSchema(), ctx, &s.Source, diags)
	s.Host, _ = r.str("host")
	if u, ok := r.str("user"); ok {
		s.User = u
	}
	if p, ok := r.integer("port", 1, 65535, "an SSH port is 1..65535"); ok {
		s.Port = int(p)
	}
	s.IdentityFile, _ = r.str("identity_file")
	return s
}

// single returns the only block of a type, reporting any repeats.
func single(blocks hcl.Blocks, typ string, diags *hcl.Diagnostics) *hcl.Block {
	of := blocks.OfType(typ)
	if len(of) == 0 {
		return nil
	}
	for _, b := range of[1:] {
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Duplicate " + typ + " block",
			Detail:   fmt.Sprintf("Only one %s block is allowed here; the first is at %s. Merge them.", typ, of[0].DefRange),
			Subject:  b.DefRange.Ptr(),
		})
	}
	return of[0]
}

func checkConnection(r *reader, netns string, ssh *SSH) {
	if netns != "" && ssh != nil {
		r.errorf(r.src.AttrRange("netns"), "Conflicting connection settings",
			"Both netns and an ssh block are set, but a host is reached one way: set netns for a namespace on this machine, or ssh for a remote host, not both.")
	}
}

// checkInterfaceName rejects names the kernel would refuse (IFNAMSIZ is 16
// with the terminating NUL) or that cannot be a single path element.
func checkInterfaceName(r *reader, attr, name string) {
	bad := len(name) > state.MaxLabelLen || name == "." || name == ".."
	for _, c := range name {
		if c == '/' || c == ':' || c <= ' ' {
			bad = true
		}
	}
	if bad {
		r.errorf(r.src.AttrRange(attr), "Invalid interface name",
			"%q is not a Linux interface name: at most 15 bytes, without '/', ':' or spaces (aliases like eth0:0 are derived, give the interface eth0).", name)
	}
}
