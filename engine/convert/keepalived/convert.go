package keepalived

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/lvsctl/lvsctl/engine/convert"
	"github.com/lvsctl/lvsctl/engine/convert/ipvsadm"
)

// Convert reads keepalived.conf src, named file, into host: its virtual
// servers become IPVS services, its VRRP instances say the VIPs move (so
// the director does not alias them). read reads included files.
func Convert(host *convert.Host, file string, src []byte, read ReadFile) error {
	p := &Parser{Read: read}
	nodes := p.Parse(file, src)
	host.Files = append(host.Files, file)
	for _, pr := range p.Problems {
		host.Note(convert.Pos{File: pr.File, Line: pr.Line}, convert.LeftOut, "", pr.Text)
	}
	c := &converter{host: host, groups: map[string]*Node{}}
	for _, n := range nodes {
		if n.Key == "virtual_server_group" && len(n.Args) > 0 {
			c.groups[n.Args[0]] = n
		}
	}
	for _, n := range nodes {
		c.top(n)
	}
	return nil
}

type converter struct {
	host   *convert.Host
	groups map[string]*Node
}

func pos(n *Node) convert.Pos { return convert.Pos{File: n.File, Line: n.Line} }

func what(n *Node) string {
	s := strings.TrimSpace(n.Key + " " + strings.Join(n.Args, " "))
	if n.Block {
		s += " { ... }"
	}
	return s
}

func (c *converter) note(n *Node, kind convert.Kind, why string) {
	c.host.Note(pos(n), kind, what(n), why)
}

func (c *converter) top(n *Node) {
	switch n.Key {
	case "global_defs":
		c.note(n, convert.Ignored, "keepalived's own settings")
	case "vrrp_instance":
		c.vrrp(n)
	case "vrrp_sync_group", "vrrp_script", "vrrp_track_process", "track_file", "bfd_instance", "linkbeat_interfaces":
		c.note(n, convert.Ignored, "VRRP and its tracking stay keepalived's job")
		c.notifies(n)
	case "virtual_server_group":
		// read with the virtual_server that uses it
	case "virtual_server":
		c.virtualServer(n)
	case "static_ipaddress", "static_routes", "static_rules":
		c.note(n, convert.LeftOut, "static addresses, routes and rules cannot be described in lvsctl yet")
	default:
		c.note(n, convert.LeftOut, "unknown keepalived keyword: not converted")
	}
}

// notifies reports notify scripts anywhere under n: lvsctl runs no scripts.
func (c *converter) notifies(n *Node) {
	for _, ch := range n.Children {
		if strings.HasPrefix(ch.Key, "notify") {
			c.note(ch, convert.LeftOut, "lvsctl runs no notify scripts; keep them in keepalived")
		}
		c.notifies(ch)
	}
}

func (c *converter) vrrp(n *Node) {
	c.host.VRRP = true
	name := strings.Join(n.Args, " ")
	for _, ch := range n.Children {
		switch ch.Key {
		case "interface":
			if c.host.Interface == "" && len(ch.Args) > 0 {
				c.host.Interface = ch.Args[0]
			}
		case "virtual_ipaddress", "virtual_ipaddress_excluded":
			for _, vip := range ch.Children {
				c.host.Note(pos(vip), convert.Info, what(vip), "VRRP (vrrp_instance "+name+") moves this VIP between the directors; lvsctl leaves it to keepalived (vip_alias = false)")
			}
		case "virtual_routes", "virtual_rules":
			c.note(ch, convert.Ignored, "VRRP moves these with the VIPs; they stay keepalived's job")
		}
	}
	c.note(n, convert.Ignored, "VRRP (state, priority, authentication, VIPs) stays keepalived's job")
	c.notifies(n)
}

// service is the settings a virtual_server block gives its IPVS service.
type service struct {
	cmd     ipvsadm.Command
	servers []*Node
}

func (c *converter) virtualServer(n *Node) {
	s := &service{cmd: ipvsadm.Command{Op: ipvsadm.AddService, Scheduler: ipvsadm.DefaultScheduler, Method: "nat", Weight: 1, Given: map[string]bool{}}}
	s.cmd.Service.Protocol = "tcp"
	kindSet := false
	for _, ch := range n.Children {
		arg := ""
		if len(ch.Args) > 0 {
			arg = ch.Args[0]
		}
		switch ch.Key {
		case "lb_algo", "lvs_sched":
			s.cmd.Scheduler = arg
		case "lb_kind", "lvs_method":
			kindSet = true
			switch strings.ToUpper(arg) {
			case "NAT":
				s.cmd.Method = "nat"
			case "DR":
				s.cmd.Method = "dr"
			case "TUN":
				s.cmd.Method = "tun"
			default:
				c.note(ch, convert.Failed, "keepalived knows NAT, DR and TUN; it refuses this virtual_server")
				return
			}
		case "persistence_timeout":
			v, err := strconv.ParseUint(arg, 10, 32)
			if err != nil {
				c.note(ch, convert.Failed, "not a number of seconds; keepalived ignores it")
				continue
			}
			s.cmd.Persistence = uint32(v)
		case "persistence_granularity":
			bits, ok := convert.PrefixFromMask(arg, !strings.Contains(arg, ":"))
			if !ok {
				c.note(ch, convert.Failed, "not a netmask; keepalived ignores it")
				continue
			}
			s.cmd.Netmask = bits
		case "protocol":
			s.cmd.Service.Protocol = strings.ToLower(arg)
		case "ops":
			s.cmd.OnePacket = true
		case "lvs_flags", "flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback", "mh-port", "mh-fallback":
			for _, f := range append([]string{ch.Key}, ch.Args...) {
				if f != "lvs_flags" {
					s.cmd.Flags = append(s.cmd.Flags, f)
				}
			}
		case "real_server":
			s.servers = append(s.servers, ch)
		case "delay_loop", "quorum", "quorum_up", "quorum_down", "hysteresis", "alpha", "omega", "virtualhost",
			"ha_suspend", "retry", "delay_before_retry", "warmup", "connect_timeout", "smtp_alert", "inhibit_on_failure":
			c.note(ch, convert.Ignored, "a health-check setting; lvsctl runs no health checks")
		case "sorry_server", "sorry_server_inhibit", "sorry_server_lvs_method":
			c.note(ch, convert.LeftOut, "the sorry server (used when every real server is down) needs keepalived's checkers; lvsctl cannot describe it yet")
		case "persistence_engine":
			c.note(ch, convert.LeftOut, "the persistence engine cannot be described in lvsctl yet")
		default:
			if strings.HasPrefix(ch.Key, "notify") || strings.HasPrefix(ch.Key, "quorum") {
				c.note(ch, convert.LeftOut, "lvsctl runs no notify scripts; keep them in keepalived")
				continue
			}
			c.note(ch, convert.LeftOut, "unknown virtual_server keyword: not converted")
		}
	}
	if !kindSet {
		c.host.Note(pos(n), convert.Info, what(n), "no lb_kind: keepalived's default, NAT")
	}
	for _, addr := range c.addresses(n) {
		c.apply(n, s, addr)
	}
}

// addresses are the services a virtual_server line names: IP PORT,
// fwmark N, or the members of a virtual_server_group.
func (c *converter) addresses(n *Node) []ipvsadm.Service {
	a := n.Args
	switch {
	case len(a) == 2 && a[0] == "fwmark":
		m, err := strconv.ParseUint(a[1], 10, 32)
		if err != nil || m == 0 {
			c.note(n, convert.Failed, "not a firewall mark; keepalived refuses it")
			return nil
		}
		return []ipvsadm.Service{{FWMark: uint32(m), Family: "inet"}}
	case len(a) == 2 && a[0] == "group":
		g := c.groups[a[1]]
		if g == nil {
			c.note(n, convert.Failed, "no virtual_server_group "+a[1]+"; keepalived refuses it")
			return nil
		}
		var out []ipvsadm.Service
		for _, m := range g.Children {
			out = append(out, c.member(m, append([]string{m.Key}, m.Args...))...)
		}
		return out
	case len(a) == 2:
		return c.member(n, a)
	}
	c.note(n, convert.Failed, "virtual_server needs IP PORT, fwmark N or group NAME")
	return nil
}

// member reads "IP PORT", "IP-LAST PORT" (a range of the last byte) or
// "fwmark N" of a group.
func (c *converter) member(n *Node, a []string) []ipvsadm.Service {
	if len(a) == 2 && a[0] == "fwmark" {
		m, err := strconv.ParseUint(a[1], 10, 32)
		if err == nil && m > 0 {
			return []ipvsadm.Service{{FWMark: uint32(m), Family: "inet"}}
		}
	}
	if len(a) != 2 {
		c.note(n, convert.Failed, "a service is IP PORT")
		return nil
	}
	port, err := ipvsadm.PortNumber(a[1])
	if err != nil {
		c.note(n, convert.Failed, err.Error())
		return nil
	}
	first, last, isRange := strings.Cut(a[0], "-")
	ip, err := netip.ParseAddr(first)
	if err != nil {
		c.note(n, convert.Failed, "not an address: "+a[0])
		return nil
	}
	svc := func(ip netip.Addr) ipvsadm.Service {
		fam := "inet"
		if ip.Is6() {
			fam = "inet6"
		}
		return ipvsadm.Service{Addr: ip, Port: port, Family: fam}
	}
	if !isRange {
		return []ipvsadm.Service{svc(ip)}
	}
	end, err := strconv.Atoi(last)
	b := ip.As4()
	if err != nil || !ip.Is4() || end < int(b[3]) || end > 255 {
		c.note(n, convert.Failed, "not an address range: "+a[0])
		return nil
	}
	var out []ipvsadm.Service
	for i := int(b[3]); i <= end; i++ {
		b[3] = byte(i)
		out = append(out, svc(netip.AddrFrom4(b)))
	}
	return out
}

func (c *converter) apply(n *Node, s *service, addr ipvsadm.Service) {
	cmd := s.cmd
	proto := cmd.Service.Protocol
	cmd.Service = addr
	if addr.FWMark == 0 {
		cmd.Service.Protocol = proto
	}
	cmd.Flags = resolveFlags(cmd.Scheduler, cmd.Flags)
	text := what(n)
	c.host.ApplyIPVS(pos(n), text, &cmd)
	for _, rs := range s.servers {
		c.realServer(rs, s, cmd.Service)
	}
}

func resolveFlags(sched string, flags []string) []string {
	prefix := "sh-"
	if sched == "mh" {
		prefix = "mh-"
	}
	var out []string
	for _, f := range flags {
		switch f {
		case "flag-1":
			f = prefix + "fallback"
		case "flag-2":
			f = prefix + "port"
		case "flag-3":
			continue
		}
		out = append(out, f)
	}
	return out
}

func (c *converter) realServer(n *Node, s *service, svc ipvsadm.Service) {
	if len(n.Args) < 1 {
		c.note(n, convert.Failed, "real_server needs IP PORT")
		return
	}
	ip, err := netip.ParseAddr(n.Args[0])
	if err != nil {
		c.note(n, convert.Failed, "not an address; keepalived refuses it")
		return
	}
	port := svc.Port
	if len(n.Args) > 1 {
		if port, err = ipvsadm.PortNumber(n.Args[1]); err != nil {
			c.note(n, convert.Failed, err.Error())
			return
		}
	}
	cmd := ipvsadm.Command{Op: ipvsadm.AddServer, Service: svc, Server: ip, ServerPort: port, Method: s.cmd.Method, Weight: 1}
	if svc.FWMark == 0 && cmd.Method != "nat" && port != svc.Port {
		c.note(n, convert.Info, fmt.Sprintf("the port %d is not used: only NAT maps ports", port))
		cmd.ServerPort = svc.Port
	}
	if cmd.Method == "tun" {
		cmd.TunType = "ipip"
	}
	for _, ch := range n.Children {
		arg := ""
		if len(ch.Args) > 0 {
			arg = ch.Args[0]
		}
		switch {
		case ch.Key == "weight":
			w, err := strconv.ParseUint(arg, 10, 16)
			if err != nil {
				c.note(ch, convert.Failed, "not a weight; keepalived ignores it")
				continue
			}
			cmd.Weight = uint32(w)
		case ch.Key == "uthreshold" || ch.Key == "lthreshold":
			v, err := strconv.ParseUint(arg, 10, 32)
			if err != nil {
				c.note(ch, convert.Failed, "not a number; keepalived ignores it")
				continue
			}
			if ch.Key == "uthreshold" {
				cmd.Upper = uint32(v)
			} else {
				cmd.Lower = uint32(v)
			}
		case ch.Key == "lvs_method" || ch.Key == "lb_kind":
			cmd.Method = map[string]string{"NAT": "nat", "DR": "dr", "TUN": "tun"}[strings.ToUpper(arg)]
			if cmd.Method == "" {
				cmd.Method = s.cmd.Method
			}
		case ch.Key == "inhibit_on_failure":
			c.note(ch, convert.Ignored, "only matters with health checks, which lvsctl does not run")
		case strings.HasSuffix(ch.Key, "_CHECK") || ch.Key == "HTTP_GET" || ch.Key == "SSL_GET":
			c.note(ch, convert.LeftOut, "health checker: lvsctl does not check real servers (keepalived took a failed server out; lvsctl keeps it in), so keep a checker running alongside")
		case strings.HasPrefix(ch.Key, "notify"):
			c.note(ch, convert.LeftOut, "lvsctl runs no notify scripts")
		case ch.Key == "delay_before_retry" || ch.Key == "retry" || ch.Key == "connect_timeout" || ch.Key == "warmup" || ch.Key == "smtp_alert":
			c.note(ch, convert.Ignored, "a health-check setting; lvsctl runs no health checks")
		default:
			c.note(ch, convert.LeftOut, "unknown real_server keyword: not converted")
		}
	}
	c.host.ApplyIPVS(pos(n), what(n), &cmd)
}
