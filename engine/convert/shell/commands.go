package shell

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"path"
	"strconv"
	"strings"

	"github.com/lvsctl/lvsctl/engine/convert"
	"github.com/lvsctl/lvsctl/engine/state"
)

// cmd is one command the script runs, with its expanded arguments.
type cmd struct {
	r    *runner
	ctx  context.Context
	pos  convert.Pos
	args []string
	name string
	what string
	out  io.Writer
	in   io.Reader
}

func (c *cmd) note(kind convert.Kind, why string) { c.r.note(c.pos, kind, c.what, why) }

func (c *cmd) fail(why string) int {
	c.note(convert.Failed, why+"; the command changes nothing")
	return 1
}

// captured reports whether the command's output is read by the script
// (command substitution or a pipe) rather than shown on the terminal.
func (c *cmd) captured() bool { return c.out != io.Writer(c.r.term) }

// ignoredCommands have no effect on the state lvsctl manages.
var ignoredCommands = map[string]string{
	"iptables": "firewall rules are not state lvsctl manages", "ip6tables": "firewall rules are not state lvsctl manages",
	"iptables-save": "firewall rules are not state lvsctl manages", "iptables-restore": "firewall rules are not state lvsctl manages",
	"firewall-cmd": "firewall rules are not state lvsctl manages", "ufw": "firewall rules are not state lvsctl manages",
	"nft":        "firewall rules are not state lvsctl manages",
	"setenforce": "SELinux is not state lvsctl manages", "getenforce": "SELinux is not state lvsctl manages",
	"logger": "writes to the system log", "sleep": "only waits", "usleep": "only waits",
	"service": "starts or enables a service, not LVS state", "chkconfig": "starts or enables a service, not LVS state",
	"systemctl": "starts or enables a service, not LVS state", "update-rc.d": "starts or enables a service, not LVS state",
	"insserv":  "starts or enables a service, not LVS state",
	"modprobe": "loads a module; the kernel loads ip_vs on lvsctl's first IPVS call", "insmod": "loads a module",
	"lsmod": "only reads", "touch": "a lock or marker file", "rm": "removes a file, not LVS state",
	"mkdir": "creates a directory, not LVS state", "chmod": "file permissions, not LVS state",
	"yum": "installs packages", "dnf": "installs packages", "apt-get": "installs packages", "apt": "installs packages",
	"arping": "announces an address once; the kernel state is unchanged", "ping": "only tests the network",
	"curl": "only tests the service", "wget": "only tests the service", "nc": "only tests the service",
	"true": "does nothing", ":": "does nothing", "clear": "clears the terminal", "tput": "terminal control",
	"success": "prints a status", "failure": "prints a status", "passed": "prints a status", "warning": "prints a status",
	"echo_success": "prints a status", "echo_failure": "prints a status", "log_success_msg": "prints a status",
	"log_failure_msg": "prints a status", "log_daemon_msg": "prints a status", "log_end_msg": "prints a status",
	"log_action_msg": "prints a status", "ipvsadm-save": "only prints the table", "ss": "only reads", "netstat": "only reads",
	"ps": "only reads", "killall": "stops processes, not LVS state", "pkill": "stops processes, not LVS state",
	"kill": "stops processes, not LVS state", "nmcli": "NetworkManager profiles apply at the next boot; convert the ifcfg files instead",
}

// filters read their input and print part of it; nothing here feeds them,
// so they print nothing (grep finds nothing).
var filters = map[string]int{"grep": 1, "egrep": 1, "fgrep": 1, "awk": 0, "sed": 0, "cut": 0, "tr": 0,
	"head": 0, "tail": 0, "sort": 0, "uniq": 0, "wc": 0, "cat": 0, "tee": 0, "xargs": 0}

func (c *cmd) run() int {
	switch c.name {
	case "ipvsadm":
		return c.ipvsadm()
	case "ifconfig":
		return c.ifconfig()
	case "ip":
		return c.ip()
	case "route":
		return c.route()
	case "sysctl":
		return c.sysctl()
	case "echo":
		return c.echo()
	case "action": // action "Starting LVS" cmd args... from init.d/functions
		if len(c.args) > 2 {
			sub := *c
			sub.args = c.args[2:]
			sub.name = baseName(sub.args[0])
			sub.what = strings.Join(sub.args, " ")
			return sub.run()
		}
		return 0
	case "ipvsadm-restore":
		c.note(convert.LeftOut, "restores rules from its standard input; convert that file with --from ipvsadm-save")
		return 0
	case "hostname", "uname", "date", "which", "whoami", "id", "basename", "dirname", "pidof":
		return c.answer()
	}
	if c.name == "tee" {
		return c.tee()
	}
	if status, ok := filters[c.name]; ok {
		if c.name == "cat" && len(c.args) > 1 && strings.HasPrefix(c.args[1], "/proc/sys/") {
			name := strings.ReplaceAll(strings.TrimPrefix(c.args[1], "/proc/sys/"), "/", ".")
			v, ok := c.r.host.State.Sysctl(name)
			if !ok {
				v = "0"
			}
			fmt.Fprintln(c.out, v)
			return 0
		}
		if c.in != nil {
			_, _ = io.Copy(io.Discard, c.in)
		}
		if !c.captured() || c.name == "cat" && len(c.args) > 1 {
			c.note(convert.Ignored, "only reads or prints text")
		}
		return status
	}
	if why, ok := ignoredCommands[c.name]; ok {
		if c.name == "rm" || c.name == "touch" || c.name == "mkdir" {
			c.note(convert.Ignored, why)
			return 0
		}
		c.note(convert.Ignored, why)
		return 0
	}
	if c.captured() {
		c.note(convert.LeftOut, "the output of "+c.name+" cannot be known here, so it reads as empty")
		return 0
	}
	c.note(convert.LeftOut, "not a command lvsctl convert knows; check what it does and describe it by hand")
	return 0
}

// tee writes its input to files: `echo 1 | sudo tee /proc/sys/...`.
func (c *cmd) tee() int {
	var in []byte
	if c.in != nil {
		in, _ = io.ReadAll(c.in)
	}
	for _, f := range c.args[1:] {
		switch {
		case strings.HasPrefix(f, "-"):
		case strings.HasPrefix(f, "/proc/sys/"):
			if v := strings.TrimSpace(string(in)); v != "" {
				c.r.host.SetSysctl(c.pos, strings.TrimPrefix(f, "/proc/sys/"), v)
			}
		default:
			c.note(convert.Ignored, "writes "+f+", not LVS state")
		}
	}
	return 0
}

// answer gives harmless commands' output for command substitutions.
func (c *cmd) answer() int {
	out := ""
	switch c.name {
	case "hostname":
		out = c.r.hostname
	case "uname":
		out = "Linux"
		if len(c.args) > 1 && c.args[1] == "-r" {
			out = "unknown"
		}
	case "date":
		out = "Thu Jan  1 00:00:00 UTC 1970"
	case "which":
		if len(c.args) > 1 {
			out = "/usr/sbin/" + baseName(c.args[1])
		}
	case "whoami":
		out = "root"
	case "id":
		out = "0"
	case "basename":
		if len(c.args) > 1 {
			out = path.Base(c.args[1])
		}
	case "dirname":
		if len(c.args) > 1 {
			out = path.Dir(c.args[1])
		}
	case "pidof":
		return 1 // nothing is running
	}
	if !c.captured() {
		c.note(convert.Ignored, "only prints")
		return 0
	}
	fmt.Fprintln(c.out, out)
	return 0
}

func (c *cmd) echo() int {
	if !c.captured() {
		c.note(convert.Ignored, "prints to the terminal")
		return 0
	}
	fmt.Fprintln(c.out, strings.Join(c.args[1:], " "))
	return 0
}

func (c *cmd) ipvsadm() int {
	c.r.host.IPVS(c.pos, c.what, c.args[1:])
	return 0 // exec turns a failure note into exit status 1
}

// splitLabel turns "eth0:1" into the interface and the label.
func splitLabel(dev string) (iface, label string) {
	iface, _, _ = strings.Cut(dev, ":")
	if iface == dev {
		return iface, ""
	}
	return iface, dev
}

func (c *cmd) ifconfig() int {
	a := c.args[1:]
	if len(a) == 0 || len(a) == 1 && !strings.HasPrefix(a[0], "-") || a[0] == "-a" {
		c.note(convert.Ignored, "only prints the interfaces")
		return 0
	}
	iface, label := splitLabel(a[0])
	a = a[1:]
	if len(a) > 0 && (a[0] == "inet6" || a[0] == "inet") {
		if a[0] == "inet6" && len(a) >= 3 && (a[1] == "add" || a[1] == "del") {
			p, err := netip.ParsePrefix(a[2])
			if err != nil {
				return c.fail("ifconfig: bad IPv6 address " + a[2])
			}
			if a[1] == "add" {
				c.r.host.AddAddress(c.pos, c.what, state.Address{Interface: iface, Prefix: p})
			} else if !c.r.host.DeleteAddresses(func(x state.Address) bool { return x.Interface == iface && x.Prefix == p }) {
				return c.fail("ifconfig: " + p.String() + " is not on " + iface)
			}
			return 0
		}
		a = a[1:]
	}
	var addr netip.Addr
	bits := -1
	down := false
	for i := 0; i < len(a); i++ {
		w := a[i]
		switch w {
		case "netmask":
			if i+1 >= len(a) {
				return c.fail("ifconfig: netmask needs a value")
			}
			i++
			n, ok := convert.PrefixFromMask(a[i], true)
			if !ok {
				return c.fail("ifconfig: bad netmask " + a[i])
			}
			bits = n
		case "broadcast", "mtu", "hw", "txqueuelen", "metric", "pointopoint", "dstaddr":
			if w == "mtu" || w == "hw" || w == "txqueuelen" || w == "pointopoint" || w == "dstaddr" {
				c.note(convert.LeftOut, w+" is link configuration, which lvsctl leaves alone")
			}
			i++
			if w == "hw" {
				i++
			}
		case "up":
		case "down":
			down = true
		case "-arp", "arp", "promisc", "-promisc", "allmulti", "-allmulti", "multicast", "-multicast":
			c.note(convert.LeftOut, "the interface flag "+w+" cannot be described in lvsctl yet")
		case "-broadcast":
		default:
			if addr.IsValid() {
				return c.fail("ifconfig: unexpected " + w)
			}
			host, plen, hasLen := strings.Cut(w, "/")
			p, err := netip.ParseAddr(host)
			if err != nil {
				return c.fail("ifconfig: " + w + ": Unknown host")
			}
			addr = p
			if hasLen {
				n, err := strconv.Atoi(plen)
				if err != nil || n > addr.BitLen() {
					return c.fail("ifconfig: bad prefix length " + plen)
				}
				bits = n
			}
		}
	}
	switch {
	case addr.IsValid() && down && label != "":
		// Setting an address and taking the alias down removes it again.
		c.r.host.DeleteAddresses(func(x state.Address) bool { return x.Label == label })
	case addr.IsValid():
		if bits < 0 && addr.Is4() {
			bits = convert.ClassfulBits(addr)
			c.note(convert.Info, fmt.Sprintf("no netmask: ifconfig gives %s the class's /%d", addr, bits))
		} else if bits < 0 {
			bits = 64
		}
		c.r.host.SetAddress(c.pos, state.Address{Interface: iface, Label: label, Prefix: netip.PrefixFrom(addr, bits)})
	case down && label != "":
		if !c.r.host.DeleteAddresses(func(x state.Address) bool { return x.Label == label }) {
			c.note(convert.Ignored, label+" has no address here")
		}
	default:
		c.note(convert.Ignored, "link state (up/down): lvsctl leaves links as they are")
	}
	return 0
}
