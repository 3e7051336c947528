package shell

import (
	"net/netip"
	"path"
	"strconv"
	"strings"

	"github.com/lvsctl/lvsctl/engine/convert"
	"github.com/lvsctl/lvsctl/engine/state"
)

// matches reports whether w abbreviates word as ip(8) allows ("a", "ad", "add").
func matches(w, word string) bool { return w != "" && strings.HasPrefix(word, w) }

func (c *cmd) ip() int {
	a := c.args[1:]
	v6 := false
	for len(a) > 0 && strings.HasPrefix(a[0], "-") {
		switch a[0] {
		case "-6":
			v6 = true
		case "-f", "-family":
			if len(a) > 1 {
				v6 = a[1] == "inet6"
				a = a[1:]
			}
		}
		a = a[1:]
	}
	if len(a) == 0 {
		c.note(convert.Ignored, "only prints help")
		return 0
	}
	obj, a := a[0], a[1:]
	verb := "show"
	if len(a) > 0 {
		verb, a = a[0], a[1:]
	}
	switch {
	case obj == "a" || matches(obj, "address") || obj == "addr":
		return c.ipAddr(verb, a)
	case obj == "r" || matches(obj, "route") || obj == "ro":
		return c.ipRoute(verb, a, v6)
	case obj == "l" || matches(obj, "link"), matches(obj, "tunnel"), obj == "tun":
		if verb == "show" || matches(verb, "list") {
			c.note(convert.Ignored, "only prints")
			return 0
		}
		c.note(convert.Ignored, "link setup: lvsctl leaves links as they are (tunl0 appears when the ipip module loads)")
		return 0
	}
	if verb == "show" || matches(verb, "list") {
		c.note(convert.Ignored, "only prints")
		return 0
	}
	c.note(convert.LeftOut, "ip "+obj+" cannot be described in lvsctl yet")
	return 0
}

// keyValues reads ip(8)'s "key value" words into a map, keeping the words
// that are no key's value.
func keyValues(a []string, keys ...string) (map[string]string, []string) {
	kv := map[string]string{}
	var rest []string
	for i := 0; i < len(a); i++ {
		key := a[i]
		if key == "brd" {
			key = "broadcast"
		}
		isKey := false
		for _, k := range keys {
			if key == k {
				isKey = true
			}
		}
		if isKey && i+1 < len(a) {
			kv[key] = a[i+1]
			i++
			continue
		}
		rest = append(rest, a[i])
	}
	return kv, rest
}

func (c *cmd) ipAddr(verb string, a []string) int {
	switch {
	case verb == "show" || matches(verb, "list") || verb == "s" || verb == "ls":
		c.note(convert.Ignored, "only prints")
		return 0
	case matches(verb, "flush"):
		kv, _ := keyValues(a, "dev", "label", "scope")
		n := 0
		c.r.host.DeleteAddresses(func(x state.Address) bool {
			hit := (kv["dev"] == "" || x.Interface == kv["dev"]) && (kv["label"] == "" || x.Label == kv["label"])
			if hit {
				n++
			}
			return hit
		})
		if n == 0 {
			c.note(convert.Ignored, "removes addresses the script did not add; lvsctl leaves those alone")
		}
		return 0
	}
	kv, rest := keyValues(a, "dev", "label", "scope", "broadcast", "peer", "local", "valid_lft", "preferred_lft", "metric")
	if kv["local"] != "" {
		rest = append(rest, kv["local"])
	}
	if len(rest) != 1 || kv["dev"] == "" {
		return c.fail("ip addr " + verb + " needs ADDRESS dev IFACE")
	}
	p, err := parsePrefix(rest[0])
	if err != nil {
		return c.fail("ip: invalid address " + rest[0])
	}
	iface := kv["dev"]
	switch {
	case matches(verb, "add") || matches(verb, "replace") || verb == "change":
		scope, ok := addrScope(kv["scope"])
		if !ok {
			c.note(convert.LeftOut, "scope "+kv["scope"]+": lvsctl places a VIP with scope global, link or host only; it adds the address with the default scope")
		}
		addr := state.Address{Interface: iface, Prefix: p, Label: kv["label"], Scope: scope}
		if verb != "add" && verb != "a" && verb != "ad" {
			c.r.host.DeleteAddresses(func(x state.Address) bool { return x.Key() == addr.Key() })
		}
		c.r.host.AddAddress(c.pos, c.what, addr)
	case matches(verb, "delete"):
		if !c.r.host.DeleteAddresses(func(x state.Address) bool { return x.Interface == iface && x.Prefix == p }) {
			c.note(convert.Ignored, "removes an address the script did not add")
		}
	default:
		return c.fail("ip addr: unknown command " + verb)
	}
	return 0
}

// addrScope reads ip(8)'s scope of an address, by name or number, as
// state writes it ("" for global); ok is false for one lvsctl cannot place.
func addrScope(s string) (string, bool) {
	switch s {
	case "", "global", "0", "universe":
		return "", true
	case "link", "253":
		return "link", true
	case "host", "254":
		return "host", true
	}
	return "", false
}

// parsePrefix reads ADDRESS[/LEN]; a bare address is a host prefix.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p, err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func (c *cmd) ipRoute(verb string, a []string, v6 bool) int {
	if verb == "show" || matches(verb, "list") || verb == "get" || verb == "s" {
		c.note(convert.Ignored, "only prints")
		return 0
	}
	if matches(verb, "flush") {
		c.note(convert.LeftOut, "flushing routes cannot be described in lvsctl")
		return 0
	}
	kv, rest := keyValues(a, "via", "dev", "metric", "table", "proto", "src", "scope", "onlink", "preference")
	if len(rest) > 0 && (rest[0] == "unicast") {
		rest = rest[1:]
	}
	if len(rest) != 1 {
		return c.fail("ip route " + verb + " needs one destination")
	}
	dest, err := destination(rest[0], v6 || strings.Contains(kv["via"], ":"))
	if err != nil {
		return c.fail("ip: invalid destination " + rest[0])
	}
	r := state.Route{Destination: dest}
	if kv["via"] != "" {
		if r.Gateway, err = netip.ParseAddr(kv["via"]); err != nil {
			return c.fail("ip: invalid gateway " + kv["via"])
		}
	}
	r.Interface, _ = splitLabel(kv["dev"])
	if m := kv["metric"]; m != "" {
		r.Metric, _ = strconv.Atoi(m)
	}
	if t := kv["table"]; t != "" && t != "main" {
		if r.Table, err = strconv.Atoi(t); err != nil {
			return c.fail("ip: table " + t + " is not a number")
		}
	}
	for _, k := range []string{"src", "proto", "scope"} {
		if kv[k] != "" {
			c.note(convert.LeftOut, k+" "+kv[k]+" cannot be described in lvsctl yet")
		}
	}
	return c.changeRoute(verb, r)
}

func destination(s string, v6 bool) (netip.Prefix, error) {
	if s == "default" || s == "0/0" {
		if v6 {
			return netip.MustParsePrefix("::/0"), nil
		}
		return netip.MustParsePrefix("0.0.0.0/0"), nil
	}
	return parsePrefix(s)
}

func (c *cmd) changeRoute(verb string, r state.Route) int {
	switch {
	case matches(verb, "add"):
		c.r.host.AddRoute(c.pos, c.what, r)
	case matches(verb, "replace") || verb == "change":
		c.r.host.DeleteRoute(r.Destination)
		c.r.host.AddRoute(c.pos, c.what, r)
	case matches(verb, "delete") || verb == "del":
		switch {
		case c.r.host.DeleteRoute(r.Destination):
		case r.Destination.Bits() == 0:
			c.note(convert.LeftOut, "removes the host's default route, which lvsctl cannot do; a route block with destination \"default\" adds one")
		default:
			c.note(convert.Ignored, "removes a route the script did not add (cleanup of an earlier run)")
		}
	default:
		return c.fail("unknown route command " + verb)
	}
	return 0
}

// route is net-tools route(8): route add|del [-net|-host] TARGET [netmask M]
// [gw G] [metric N] [[dev] IF].
func (c *cmd) route() int {
	a := c.args[1:]
	v6 := false
	for len(a) > 0 && strings.HasPrefix(a[0], "-") && a[0] != "-net" && a[0] != "-host" {
		if a[0] == "-A" && len(a) > 1 {
			v6 = a[1] == "inet6"
			a = a[1:]
		}
		a = a[1:]
	}
	if len(a) == 0 {
		c.note(convert.Ignored, "only prints the routing table")
		return 0
	}
	verb, a := a[0], a[1:]
	if verb != "add" && verb != "del" {
		return c.fail("route: unknown command " + verb)
	}
	host := false
	var target, mask, gw, dev, metric string
	for i := 0; i < len(a); i++ {
		switch w := a[i]; w {
		case "-host":
			host = true
		case "-net":
		case "netmask", "gw", "dev", "metric", "mss", "window", "irtt":
			if i+1 >= len(a) {
				return c.fail("route: " + w + " needs a value")
			}
			i++
			switch w {
			case "netmask":
				mask = a[i]
			case "gw":
				gw = a[i]
			case "dev":
				dev = a[i]
			case "metric":
				metric = a[i]
			}
		case "reject", "mod", "dyn", "reinstate":
			c.note(convert.LeftOut, "route flag "+w+" cannot be described in lvsctl")
		default:
			if target == "" {
				target = w
			} else if dev == "" {
				dev = w // route add -host VIP lo:0
			} else {
				return c.fail("route: unexpected " + w)
			}
		}
	}
	if target == "" {
		return c.fail("route " + verb + " needs a target")
	}
	dest, err := destination(target, v6)
	if err != nil {
		return c.fail("route: " + target + ": Unknown host")
	}
	if !host && mask != "" {
		bits, ok := convert.PrefixFromMask(mask, dest.Addr().Is4())
		if !ok {
			return c.fail("route: bad netmask " + mask)
		}
		dest = netip.PrefixFrom(dest.Addr(), bits).Masked()
	}
	r := state.Route{Destination: dest}
	if gw != "" {
		if r.Gateway, err = netip.ParseAddr(gw); err != nil {
			return c.fail("route: " + gw + ": Unknown host")
		}
	}
	var label string
	r.Interface, label = splitLabel(dev)
	if label != "" && verb == "add" {
		c.aliasSource(label)
	}
	if metric != "" {
		r.Metric, _ = strconv.Atoi(metric)
	}
	return c.changeRoute(verb, r)
}

// aliasSource reports what route(8) through an alias (dev lo:0) does
// besides the route: the kernel gives it the alias's address as its
// source, which lvsctl's routes do not carry.
func (c *cmd) aliasSource(label string) {
	for _, a := range c.r.host.State.Addresses {
		if a.Label == label && a.Prefix.Addr().Is4() {
			c.note(convert.LeftOut, "through the alias "+label+" the kernel also gives the route the source address "+a.Prefix.Addr().String()+
				" (src); lvsctl's route has none, which changes only the source of connections this host opens to that destination")
			return
		}
	}
}

// sysctl handles sysctl -w k=v, sysctl k=v and sysctl -p [FILE].
func (c *cmd) sysctl() int {
	a := c.args[1:]
	load, file := false, ""
	var sets []string
	for i := 0; i < len(a); i++ {
		w := a[i]
		switch {
		case w == "-p" || w == "--load" || strings.HasPrefix(w, "--load="):
			load = true
			if v, ok := strings.CutPrefix(w, "--load="); ok {
				file = v
			} else if i+1 < len(a) && !strings.HasPrefix(a[i+1], "-") && !strings.Contains(a[i+1], "=") {
				i++
				file = a[i]
			}
		case strings.HasPrefix(w, "-p") && len(w) > 2:
			load, file = true, w[2:]
		case w == "--system":
			c.note(convert.LeftOut, "reads every sysctl.d file of the system, which were not given; give them as NAME=FILE")
			return 0
		case strings.HasPrefix(w, "-"):
		case strings.Contains(w, "="):
			sets = append(sets, w)
		default:
			if !c.captured() {
				c.note(convert.Ignored, "only prints a setting")
			}
		}
	}
	for _, s := range sets {
		k, v, _ := strings.Cut(s, "=")
		c.r.host.SetSysctl(c.pos, strings.TrimSpace(k), v)
	}
	if load {
		if file == "" {
			file = "/etc/sysctl.conf"
		}
		lines, ok := c.sysctlFile(file)
		if !ok {
			c.note(convert.LeftOut, "applies "+file+", which was not given; give it as NAME=FILE (with the host's NAME) to convert its settings")
			return 0
		}
		c.r.host.ApplySysctlFile(lines)
	}
	return 0
}

// sysctlFile finds a sysctl.conf input given for this host by its path or
// its name; one given file answers for /etc/sysctl.conf.
func (c *cmd) sysctlFile(file string) ([]convert.SysctlLine, bool) {
	files := c.r.host.SysctlFiles
	found := ""
	for p := range files {
		if p == file || found == "" && path.Base(p) == path.Base(file) {
			found = p
		}
	}
	if found == "" && file == "/etc/sysctl.conf" && len(files) == 1 {
		for p := range files {
			found = p
		}
	}
	if found == "" {
		return nil, false
	}
	c.r.host.SysctlUsed[found] = true
	return files[found], true
}
