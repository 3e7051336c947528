package convert

import (
	"bytes"
	"net/netip"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/lvsctl/lvsctl/engine/state"
)

// Write prints the cluster as one formatted HCL file. Notes that are not
// merely ignored lines become comments in the block they belong to.
func Write(c *Cluster) []byte {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	comments(body, []string{"Written by lvsctl: the comments say what it could not describe."})
	body.AppendNewline()
	notesFor := func(target string) []string {
		var out []string
		for _, n := range c.Notes {
			if n.Target == target && n.Kind != Ignored {
				out = append(out, n.String())
			}
		}
		return out
	}
	for _, v := range c.Variables {
		b := body.AppendNewBlock("variable", []string{v.Name}).Body()
		b.SetAttributeRaw("type", hclwrite.TokensForIdentifier("string"))
		b.SetAttributeValue("default", cty.StringVal(v.Value))
		body.AppendNewline()
	}
	for _, d := range c.Directors {
		comments(body, d.Comments)
		b := body.AppendNewBlock("director", []string{d.Name}).Body()
		connection(b, c, d.Name, d.Address)
		if d.Interface != "" {
			b.SetAttributeValue("interface", cty.StringVal(d.Interface))
		}
		if d.Address.IsValid() {
			b.SetAttributeValue("address", cty.StringVal(d.Address.String()))
		}
		if !d.VIPAlias {
			b.SetAttributeValue("vip_alias", cty.False)
		}
		if d.IPForward != nil {
			b.SetAttributeValue("ip_forward", cty.BoolVal(*d.IPForward))
		}
		if d.IPForwardUnmanaged {
			b.SetAttributeValue("ip_forward", cty.StringVal("unmanaged"))
		}
		writeSysctls(b, d.Sysctls)
		if t := d.Timeouts; t != nil {
			tb := b.AppendNewBlock("timeouts", nil).Body()
			tb.SetAttributeValue("tcp", cty.NumberIntVal(int64(t.TCP)))
			tb.SetAttributeValue("tcpfin", cty.NumberIntVal(int64(t.TCPFin)))
			tb.SetAttributeValue("udp", cty.NumberIntVal(int64(t.UDP)))
		}
		writeVIPs(b, d.VIPs)
		writeRoutes(b, d.Routes)
		for _, sd := range d.SyncDaemons {
			writeSyncDaemon(b, sd)
		}
		comments(b, notesFor("director "+d.Name))
		body.AppendNewline()
	}
	for _, s := range c.Services {
		comments(body, s.Comments)
		b := body.AppendNewBlock("virtual_server", []string{s.Name}).Body()
		writeService(b, c, s)
		comments(b, notesFor("virtual_server "+s.Name))
		body.AppendNewline()
	}
	for _, rs := range c.RealServers {
		comments(body, rs.Comments)
		b := body.AppendNewBlock("real_server", []string{rs.Name}).Body()
		writeRealServer(b, rs)
		connection(b, c, rs.Name, rs.Address)
		comments(b, notesFor("real_server "+rs.Name))
		body.AppendNewline()
	}
	comments(body, notesFor(""))
	return append(bytes.TrimRight(hclwrite.Format(f.Bytes()), "\n"), '\n')
}

func writeService(b *hclwrite.Body, c *Cluster, s *Service) {
	vals := make([]cty.Value, len(s.Directors))
	for i, d := range s.Directors {
		vals[i] = cty.StringVal(d)
	}
	b.SetAttributeValue("directors", cty.ListVal(vals))
	svc := s.S
	if svc.FWMark != 0 {
		b.SetAttributeValue("fwmark", cty.NumberIntVal(int64(svc.FWMark)))
		if svc.Family == "inet6" {
			b.SetAttributeValue("family", cty.StringVal("inet6"))
		}
	} else {
		b.SetAttributeValue("protocol", cty.StringVal(svc.Protocol))
		if v := c.variableFor(svc.Address); v != "" {
			b.SetAttributeTraversal("vip", hcl.Traversal{hcl.TraverseRoot{Name: "var"}, hcl.TraverseAttr{Name: v}})
		} else {
			b.SetAttributeValue("vip", cty.StringVal(svc.Address.String()))
		}
		b.SetAttributeValue("port", cty.NumberIntVal(int64(svc.Port)))
	}
	b.SetAttributeValue("scheduler", cty.StringVal(string(svc.Scheduler)))
	if len(svc.Flags) > 0 {
		flags := make([]cty.Value, len(svc.Flags))
		for i, f := range svc.Flags {
			flags[i] = cty.StringVal(f)
		}
		b.SetAttributeValue("flags", cty.ListVal(flags))
	}
	if svc.Persistence != 0 {
		b.SetAttributeValue("persistence", cty.NumberIntVal(int64(svc.Persistence)))
		if svc.Netmask != state.FullNetmask(svc.Family) {
			b.SetAttributeValue("persistence_netmask", cty.NumberIntVal(int64(svc.Netmask)))
		}
	}
	if svc.OnePacket {
		b.SetAttributeValue("one_packet", cty.True)
	}
	// Server defaults: the method and weight most servers share.
	method, weight := common(svc.Servers)
	b.SetAttributeValue("method", cty.StringVal(string(method)))
	if weight != 1 {
		b.SetAttributeValue("weight", cty.NumberIntVal(int64(weight)))
	}
	if len(svc.Servers) > 0 {
		b.AppendNewline()
	}
	for _, srv := range svc.Servers {
		label := srv.Address.String()
		if srv.Port != svc.Port {
			label = netip.AddrPortFrom(srv.Address, srv.Port).String()
		}
		var attrs []attr
		if srv.Weight != weight {
			attrs = append(attrs, attr{"weight", cty.NumberIntVal(int64(srv.Weight))})
		}
		if srv.Method != method {
			attrs = append(attrs, attr{"method", cty.StringVal(string(srv.Method))})
		}
		if srv.UpperThreshold != 0 {
			attrs = append(attrs, attr{"upper_threshold", cty.NumberIntVal(int64(srv.UpperThreshold))})
		}
		if srv.LowerThreshold != 0 {
			attrs = append(attrs, attr{"lower_threshold", cty.NumberIntVal(int64(srv.LowerThreshold))})
		}
		if srv.Method == "tun" && srv.TunnelType != "" && srv.TunnelType != "ipip" {
			attrs = append(attrs, attr{"tunnel_type", cty.StringVal(string(srv.TunnelType))})
			if srv.TunnelPort != 0 {
				attrs = append(attrs, attr{"tunnel_port", cty.NumberIntVal(int64(srv.TunnelPort))})
			}
			if srv.TunnelChecksum != "" {
				attrs = append(attrs, attr{"tunnel_checksum", cty.StringVal(srv.TunnelChecksum)})
			}
		}
		if len(attrs) == 0 {
			emptyBlock(b, "server", label)
			continue
		}
		sb := b.AppendNewBlock("server", []string{label}).Body()
		for _, a := range attrs {
			sb.SetAttributeValue(a.name, a.value)
		}
	}
}

type attr struct {
	name  string
	value cty.Value
}

// emptyBlock writes `TYPE "LABEL" {}` on one line, as people write it.
func emptyBlock(b *hclwrite.Body, typ, label string) {
	b.AppendUnstructuredTokens(hclwrite.Tokens{
		{Type: hclsyntax.TokenIdent, Bytes: []byte(typ)},
		{Type: hclsyntax.TokenOQuote, Bytes: []byte(`"`), SpacesBefore: 1},
		{Type: hclsyntax.TokenQuotedLit, Bytes: []byte(label)},
		{Type: hclsyntax.TokenCQuote, Bytes: []byte(`"`)},
		{Type: hclsyntax.TokenOBrace, Bytes: []byte("{"), SpacesBefore: 1},
		{Type: hclsyntax.TokenCBrace, Bytes: []byte("}")},
		{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")},
	})
}

// connection says how lvsctl reaches a host: in its namespace with
// Netns; else, as several hosts cannot all be this machine, over SSH by
// its address when the input says it, by its name otherwise.
func connection(b *hclwrite.Body, c *Cluster, name string, addr netip.Addr) {
	if conn, ok := c.Connections[name]; ok {
		switch {
		case conn.Netns != "":
			b.SetAttributeValue("netns", cty.StringVal(conn.Netns))
		case conn.SSH != nil:
			ssh := b.AppendNewBlock("ssh", nil).Body()
			ssh.SetAttributeValue("host", cty.StringVal(conn.SSH.Host))
			if conn.SSH.User != "" {
				ssh.SetAttributeValue("user", cty.StringVal(conn.SSH.User))
			}
			if conn.SSH.Port != 0 {
				ssh.SetAttributeValue("port", cty.NumberIntVal(int64(conn.SSH.Port)))
			}
			if conn.SSH.IdentityFile != "" {
				ssh.SetAttributeValue("identity_file", cty.StringVal(conn.SSH.IdentityFile))
			}
		}
		return
	}
	if c.Netns {
		b.SetAttributeValue("netns", cty.StringVal(name))
		return
	}
	if len(c.Directors)+len(c.RealServers) < 2 {
		return
	}
	host := name
	if addr.IsValid() {
		host = addr.String()
	}
	b.AppendNewBlock("ssh", nil).Body().SetAttributeValue("host", cty.StringVal(host))
}

// common returns the method and weight shared by most servers (the first
// server's on a tie), ipvsadm's defaults when there are none.
func common(servers []state.Server) (state.Method, uint32) {
	if len(servers) == 0 {
		return state.MethodDR, 1
	}
	mc, wc := map[state.Method]int{}, map[uint32]int{}
	method, weight := servers[0].Method, servers[0].Weight
	for _, s := range servers {
		mc[s.Method]++
		wc[s.Weight]++
		if mc[s.Method] > mc[method] {
			method = s.Method
		}
		if wc[s.Weight] > wc[weight] {
			weight = s.Weight
		}
	}
	return method, weight
}

func writeRealServer(b *hclwrite.Body, rs *RealServer) {
	b.SetAttributeValue("address", cty.StringVal(rs.Address.String()))
	if rs.ARPIgnore != nil {
		b.SetAttributeValue("arp_ignore", cty.NumberIntVal(int64(*rs.ARPIgnore)))
	}
	if rs.ARPAnnounce != nil {
		b.SetAttributeValue("arp_announce", cty.NumberIntVal(int64(*rs.ARPAnnounce)))
	}
	if rs.VIPInterface != "" {
		b.SetAttributeValue("vip_interface", cty.StringVal(rs.VIPInterface))
	}
	if rs.VIPRoute != nil {
		b.SetAttributeValue("vip_route", cty.BoolVal(*rs.VIPRoute))
	}
	if len(rs.ARPInterfaces) > 0 {
		vals := make([]cty.Value, len(rs.ARPInterfaces))
		for i, v := range rs.ARPInterfaces {
			vals[i] = cty.StringVal(v)
		}
		b.SetAttributeValue("arp_interfaces", cty.ListVal(vals))
	}
	if rs.RPFilter != "" {
		n, _ := strconv.Atoi(rs.RPFilter)
		b.SetAttributeValue("rp_filter", cty.NumberIntVal(int64(n)))
	}
	writeSysctls(b, rs.Sysctls)
	writeVIPs(b, rs.VIPs)
	writeRoutes(b, rs.Routes)
}

// writeSysctls writes a sysctls map, numbers as numbers.
func writeSysctls(b *hclwrite.Body, sysctls []state.Sysctl) {
	if len(sysctls) == 0 {
		return
	}
	m := map[string]cty.Value{}
	for _, s := range sysctls {
		if n, err := strconv.ParseInt(s.Value, 10, 64); err == nil && strconv.FormatInt(n, 10) == s.Value {
			m[s.Name] = cty.NumberIntVal(n)
		} else {
			m[s.Name] = cty.StringVal(s.Value)
		}
	}
	b.SetAttributeValue("sysctls", cty.ObjectVal(m))
}

func writeVIPs(b *hclwrite.Body, vips []VIPBlock) {
	for _, v := range vips {
		vb := b.AppendNewBlock("vip", []string{v.Address.String()}).Body()
		if v.Method != "" {
			vb.SetAttributeValue("method", cty.StringVal(string(v.Method)))
		}
		if v.Interface != "" {
			vb.SetAttributeValue("interface", cty.StringVal(v.Interface))
		}
		if v.Label != nil {
			vb.SetAttributeValue("label", cty.StringVal(*v.Label))
		}
		if v.Prefix != 0 {
			vb.SetAttributeValue("prefix", cty.NumberIntVal(int64(v.Prefix)))
		}
		if v.Scope != "" {
			vb.SetAttributeValue("scope", cty.StringVal(v.Scope))
		}
	}
}

func writeRoutes(b *hclwrite.Body, routes []state.Route) {
	for _, r := range routes {
		rb := b.AppendNewBlock("route", nil).Body()
		dest := r.Destination.String()
		switch {
		case r.Destination.Bits() == 0 && (r.Destination.Addr().Is4() || r.Gateway.Is6()):
			dest = "default"
		case r.Destination.IsSingleIP():
			dest = r.Destination.Addr().String()
		}
		rb.SetAttributeValue("destination", cty.StringVal(dest))
		if r.Gateway.IsValid() {
			rb.SetAttributeValue("gateway", cty.StringVal(r.Gateway.String()))
		}
		if r.Interface != "" {
			rb.SetAttributeValue("interface", cty.StringVal(r.Interface))
		}
		if r.Metric != 0 {
			rb.SetAttributeValue("metric", cty.NumberIntVal(int64(r.Metric)))
		}
		if r.Table != 0 {
			rb.SetAttributeValue("table", cty.NumberIntVal(int64(r.Table)))
		}
	}
}

func writeSyncDaemon(b *hclwrite.Body, d state.SyncDaemon) {
	sb := b.AppendNewBlock("sync_daemon", []string{d.State}).Body()
	sb.SetAttributeValue("interface", cty.StringVal(d.Interface))
	if d.SyncID != 0 {
		sb.SetAttributeValue("sync_id", cty.NumberIntVal(int64(d.SyncID)))
	}
	if d.Group.IsValid() {
		sb.SetAttributeValue("group", cty.StringVal(d.Group.String()))
	}
	for _, x := range []struct {
		name string
		v    int64
	}{{"port", int64(d.Port)}, {"ttl", int64(d.TTL)}, {"max_len", int64(d.MaxLen)}} {
		if x.v != 0 {
			sb.SetAttributeValue(x.name, cty.NumberIntVal(x.v))
		}
	}
}

// comments appends # lines to a body.
func comments(b *hclwrite.Body, lines []string) {
	for _, l := range lines {
		l = strings.TrimRight(strings.NewReplacer("\r", "", "\n", " ").Replace(l), " \t")
		text := "#"
		if l != "" {
			text += " " + l
		}
		b.AppendUnstructuredTokens(hclwrite.Tokens{
			{Type: hclsyntax.TokenComment, Bytes: []byte(text + "\n")},
		})
	}
}
