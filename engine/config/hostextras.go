package config

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Unmanaged is the value of ip_forward and rp_filter that leaves the setting
// to whatever else manages it.
const Unmanaged = "unmanaged"

// VIP is a `vip "ADDR"` block: how one VIP is placed on this host, where
// that differs from what is derived.
type VIP struct {
	Address netip.Addr
	// Interface is where the VIP goes; "" keeps the derived interface.
	Interface string
	// Label is the address label; nil keeps the derived IFACE:N, "" means none.
	Label *string
	// Prefix is the prefix length; 0 keeps the full length (/32 or /128).
	Prefix int
	// Scope is "host", "link" or "global"; "" is global, the kernel's default.
	Scope string
	// Method (real servers only) declares the VIP with how it is reached,
	// dr or tun, for a real server whose director is not in the file.
	Method state.Method
	Source
}

// Sysctl is one entry of a sysctls map.
type Sysctl struct {
	Name, Value string
	Range       hcl.Range
}

func vipSchema() *hcl.BodySchema {
	return &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "interface"}, {Name: "label"}, {Name: "prefix"}, {Name: "scope"}, {Name: "method"},
	}}
}

// Scopes are the address scopes a vip block may choose.
func Scopes() []string { return []string{"global", "link", "host"} }

// decodeVIPs decodes the vip blocks of a host, each VIP once.
func decodeVIPs(blocks hcl.Blocks, ctx *hcl.EvalContext, diags *hcl.Diagnostics, role state.Role) []*VIP {
	var out []*VIP
	seen := make(map[netip.Addr]*VIP)
	for _, b := range blocks.OfType("vip") {
		v := &VIP{}
		r, _ := openBlock(b, vipSchema(), ctx, &v.Source, diags)
		a, err := parseAddr(b.Labels[0])
		if err != nil {
			r.errorf(b.LabelRanges[0], "Invalid VIP", "%s.", err)
			continue
		}
		v.Address = a
		if prev, dup := seen[a]; dup {
			r.errorf(b.DefRange, "Duplicate vip block", "The VIP %s already has a vip block at %s; merge them.", a, prev.DefRange)
			continue
		}
		seen[a] = v
		if v.Interface, _ = r.str("interface"); v.Interface != "" {
			checkInterfaceName(r, "interface", v.Interface)
		}
		if l, ok := r.str("label"); ok {
			v.Label = &l
			checkLabel(r, v, l)
		}
		bits := int64(a.BitLen())
		v.Prefix = int(r.intDefault("prefix", 0, 1, bits, fmt.Sprintf("the prefix length of %s is 1..%d", a, bits)))
		if s := enum(r, "scope", "", Scopes()); s != "global" {
			v.Scope = s
		}
		v.Method = enum(r, "method", "", state.Methods())
		switch {
		case v.Method != "" && role == state.RoleDirector:
			r.errorf(v.AttrRange("method"), "method on a director's VIP", "method declares how a real server is reached; the director's services say it. Remove method here.")
			v.Method = ""
		case v.Method == state.MethodNAT:
			r.errorf(v.AttrRange("method"), "A NAT real server has no VIP", "A NAT server answers on its own address and carries no VIP; declare its default route through the director with a route block instead, or use method = \"dr\" or \"tun\".")
			v.Method = ""
		}
		out = append(out, v)
	}
	return out
}

// checkLabel: the kernel takes a label of at most 15 bytes, and ip(8)
// insists that it starts with the interface name; IPv6 has no labels.
func checkLabel(r *reader, v *VIP, label string) {
	rng := v.AttrRange("label")
	switch {
	case label == "":
	case v.Address.Is6():
		r.errorf(rng, "Label on an IPv6 VIP", "The kernel keeps labels for IPv4 addresses only; remove label from the vip block of %s.", v.Address)
	case len(label) > state.MaxLabelLen:
		r.errorf(rng, "Label too long", "The label %q is %d bytes, but the kernel takes at most %d.", label, len(label), state.MaxLabelLen)
	case v.Interface == "":
		r.errorf(rng, "Label without interface", "A label must start with its interface's name; set interface in the vip block of %s as well.", v.Address)
	case !strings.HasPrefix(label, v.Interface):
		r.errorf(rng, "Label does not match the interface", "The label %q must start with the interface name %q (e.g. %q).", label, v.Interface, v.Interface+":vip")
	}
	if strings.ContainsAny(label, " /\t\n") {
		r.errorf(rng, "Invalid label", "The label %q must not contain spaces or '/'.", label)
	}
}

// tristate reads an attribute that is true, false or "unmanaged". It
// returns nil (unset), or the bool, with unmanaged reported separately.
func (r *reader) tristate(name string) (val *bool, unmanaged bool) {
	v, rng, ok := r.value(name, cty.DynamicPseudoType)
	if !ok {
		return nil, false
	}
	if v.Type() == cty.String && v.AsString() == Unmanaged {
		return nil, true
	}
	b, err := convert.Convert(v, cty.Bool)
	if err != nil || b.IsNull() {
		r.errorf(rng, "Invalid "+name, "%s is true, false or %q (leave it to whatever else manages it).", name, Unmanaged)
		return nil, false
	}
	t := b.True()
	return &t, false
}

// rpFilter reads rp_filter: 0, 1, 2 or "unmanaged"; "" when unset.
func (r *reader) rpFilter() string {
	v, rng, ok := r.value("rp_filter", cty.DynamicPseudoType)
	if !ok {
		return ""
	}
	if v.Type() == cty.String && v.AsString() == Unmanaged {
		return Unmanaged
	}
	if n, err := convert.Convert(v, cty.Number); err == nil && !n.IsNull() {
		if i, whole := wholeNumber(n.AsBigFloat()); whole && i >= 0 && i <= 2 {
			return fmt.Sprint(i)
		}
	}
	r.errorf(rng, "Invalid rp_filter", "rp_filter is 0 (off, the default for tunnels), 1 (strict), 2 (loose) or %q (leave it alone).", Unmanaged)
	return ""
}

// sysctlMap reads the sysctls attribute, an object of dotted names to
// values, keeping the range of each entry so a bad value is pointed at.
func (r *reader) sysctlMap(name string) []Sysctl {
	a, found := r.attrs[name]
	if !found {
		return nil
	}
	r.src.note(name, a.Expr.Range())
	var out []Sysctl
	add := func(k, v cty.Value, rng hcl.Range) {
		if k.IsNull() || !k.IsKnown() || !v.IsKnown() {
			return
		}
		ks, err := convert.Convert(k, cty.String)
		if err != nil {
			r.errorf(rng, "Invalid sysctl name", "A sysctl name is a string such as \"net.ipv4.conf.all.send_redirects\".")
			return
		}
		vs, err := convert.Convert(v, cty.String)
		if err != nil || vs.IsNull() {
			r.errorf(rng, "Invalid sysctl value", "The value of %s must be a string or a number.", ks.AsString())
			return
		}
		s := Sysctl{Name: ks.AsString(), Value: vs.AsString(), Range: rng}
		if msg := checkSysctl(s.Name, s.Value); msg != "" {
			r.errorf(rng, "Invalid sysctl", "%s.", msg)
			return
		}
		for _, prev := range out {
			if prev.Name == s.Name {
				r.errorf(rng, "Duplicate sysctl", "%s is already set at %s; keep one.", s.Name, prev.Range)
				return
			}
		}
		out = append(out, s)
	}
	if obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr); ok {
		for _, item := range obj.Items {
			k, d := item.KeyExpr.Value(r.ctx)
			*r.diags = append(*r.diags, d...)
			v, d2 := item.ValueExpr.Value(r.ctx)
			*r.diags = append(*r.diags, d2...)
			if d.HasErrors() || d2.HasErrors() {
				continue
			}
			add(k, v, hcl.RangeBetween(item.KeyExpr.Range(), item.ValueExpr.Range()))
		}
		return out
	}
	v, rng, ok := r.value(name, cty.Map(cty.String))
	if !ok {
		return nil
	}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		add(k, e, rng)
	}
	return out
}

// sysctlRanges are the ranges of the settings an LVS cluster commonly
// sets, by the last element of the name; others take any one-line value.
var sysctlRanges = map[string][2]int64{
	"arp_ignore": {0, 8}, "arp_announce": {0, 2}, "rp_filter": {0, 2},
	"send_redirects": {0, 1}, "accept_redirects": {0, 1}, "secure_redirects": {0, 1},
	"ip_forward": {0, 1}, "forwarding": {0, 1}, "arp_filter": {0, 1}, "proxy_arp": {0, 1},
	"accept_local": {0, 1}, "log_martians": {0, 1}, "arp_notify": {0, 1},
	"promote_secondaries": {0, 1}, "conntrack": {0, 1}, "expire_nodest_conn": {0, 1},
	"expire_quiescent_template": {0, 1}, "sloppy_tcp": {0, 1}, "sloppy_sctp": {0, 1},
	"snat_reroute": {0, 1}, "conn_reuse_mode": {0, 3}, "schedule_icmp": {0, 1},
	"ignore_tunneled": {0, 1}, "backup_only": {0, 1}, "nonlocal_bind": {0, 1},
	"ip_nonlocal_bind": {0, 1},
}

// checkSysctl returns what is wrong with a sysctl entry, or "".
func checkSysctl(name, value string) string {
	parts := strings.Split(name, ".")
	if strings.Contains(name, "/") && !strings.Contains(name, ".") {
		return fmt.Sprintf("%q is a path; write the dotted name %q, as sysctl(8) does", name, strings.ReplaceAll(strings.TrimPrefix(name, "/proc/sys/"), "/", "."))
	}
	if len(parts) < 2 {
		return fmt.Sprintf("%q is not a dotted sysctl name such as \"net.ipv4.conf.all.send_redirects\"", name)
	}
	for _, p := range parts {
		if p == "" || strings.ContainsFunc(p, func(c rune) bool {
			return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '/')
		}) {
			return fmt.Sprintf("%q is not a dotted sysctl name such as \"net.ipv4.conf.all.send_redirects\" (an interface eth0.100 is written eth0/100, as sysctl(8) does)", name)
		}
	}
	if value == "" || strings.ContainsAny(value, "\n\x00") {
		return fmt.Sprintf("the value of %s must be one non-empty line", name)
	}
	if lim, ok := sysctlRanges[parts[len(parts)-1]]; ok {
		var n int64
		if _, err := fmt.Sscan(value, &n); err != nil || fmt.Sprint(n) != value || n < lim[0] || n > lim[1] {
			return fmt.Sprintf("%s is %d..%d, not %q", name, lim[0], lim[1], value)
		}
	}
	return ""
}

// decodeRoutes decodes the route blocks of a host.
func decodeRoutes(blocks hcl.Blocks, ctx *hcl.EvalContext, diags *hcl.Diagnostics) []*Route {
	var out []*Route
	for _, rb := range blocks.OfType("route") {
		out = append(out, decodeRoute(rb, ctx, diags))
	}
	return out
}

// CheckSysctl returns what validation finds wrong with a sysctls entry,
// or "" when it is accepted (lvsctl convert writes only accepted ones).
func CheckSysctl(name, value string) string { return checkSysctl(name, value) }
