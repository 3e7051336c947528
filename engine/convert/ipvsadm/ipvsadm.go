// Package ipvsadm parses ipvsadm command lines, as written in shell scripts
// and in ipvsadm-save files, into commands with the kernel's defaults filled
// in. One parser serves both, so a script and a save file of the same table
// convert alike.
package ipvsadm

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Op is what an ipvsadm command does.
type Op int

// The commands of ipvsadm(8).
const (
	OpNone Op = iota
	AddService
	EditService
	DeleteService
	Clear
	AddServer
	EditServer
	DeleteServer
	SetTimeouts
	StartDaemon
	StopDaemon
	Restore
	Save
	List
	Zero
	Help
	Version
)

var opNames = map[Op]string{
	AddService: "-A", EditService: "-E", DeleteService: "-D", Clear: "-C",
	AddServer: "-a", EditServer: "-e", DeleteServer: "-d", SetTimeouts: "--set",
	StartDaemon: "--start-daemon", StopDaemon: "--stop-daemon", Restore: "-R",
	Save: "-S", List: "-L", Zero: "-Z", Help: "-h", Version: "--version",
}

func (o Op) String() string { return opNames[o] }

// Changes reports whether the command changes the kernel's IPVS state.
func (o Op) Changes() bool {
	switch o {
	case Save, List, Help, Version, Zero, OpNone:
		return false
	}
	return true
}

// Defaults of ipvsadm: a new service is scheduled wlc, -p alone means 360
// seconds (libipvs's IPVS_SVC_PERSISTENT_TIMEOUT; its man page says 300, the
// kernel in the VM test shows 360), a server is direct-routed with weight 1.
const (
	DefaultScheduler   = "wlc"
	DefaultPersistence = 360
)

// Service names a virtual service: protocol, address and port, or a
// firewall mark with its family.
type Service struct {
	Protocol string // tcp, udp, sctp; "" for fwmark
	Addr     netip.Addr
	Port     uint16
	FWMark   uint32
	Family   string // inet or inet6
	// Host is a host name given instead of an address (save files without
	// -n); Addr is then invalid until the caller resolves it.
	Host string
}

// Command is one parsed ipvsadm invocation. Fields not given on the
// command line hold ipvsadm's defaults, since ipvsadm sends the kernel a
// complete service or server even for -E and -e.
type Command struct {
	Op      Op
	Service Service

	Scheduler   string
	Persistence uint32 // 0: not persistent
	Netmask     int    // persistence granularity as a prefix length; 0 = full
	Flags       []string
	// NamedFlags are the flags written by name (sh-port, not flag-2):
	// ipvsadm refuses them with another scheduler.
	NamedFlags []string
	OnePacket  bool
	PE         string // persistence engine (--pe), which lvsctl cannot say

	Server     netip.Addr
	ServerHost string // host name given instead of an address
	ServerPort uint16
	Method     string // dr, nat, tun
	Weight     uint32
	Upper      uint32
	Lower      uint32
	TunType    string
	TunPort    uint16
	TunCsum    string

	// DroppedPort is a server port ipvsadm replaced with the service's,
	// as it does for DR and TUN.
	DroppedPort uint16

	Timeouts [3]uint32 // --set tcp tcpfin udp; 0 = unchanged

	Daemon string // master or backup (--start-daemon)
	Sync   SyncOptions

	// Given holds the canonical long names of the options written.
	Given map[string]bool
}

// Error is a command ipvsadm itself would reject.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func errorf(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// option describes one ipvsadm option: its long name, short letter and
// whether it takes an argument (optional for -p).
type option struct {
	long  string
	short byte
	arg   int // 0 none, 1 required, 2 optional
}

const (
	argNone = iota
	argRequired
	argOptional
)

var options = []option{
	{"add-service", 'A', argNone}, {"edit-service", 'E', argNone}, {"delete-service", 'D', argNone},
	{"clear", 'C', argNone}, {"restore", 'R', argNone}, {"save", 'S', argNone},
	{"add-server", 'a', argNone}, {"edit-server", 'e', argNone}, {"delete-server", 'd', argNone},
	{"list", 'L', argNone}, {"list", 'l', argNone}, {"zero", 'Z', argNone}, {"help", 'h', argNone},
	{"version", 'v', argNone},
	{"set", 0, argNone}, {"start-daemon", 0, argRequired}, {"stop-daemon", 0, argRequired},
	{"tcp-service", 't', argRequired}, {"udp-service", 'u', argRequired},
	{"sctp-service", 0, argRequired}, {"fwmark-service", 'f', argRequired}, {"ipv6", '6', argNone},
	{"scheduler", 's', argRequired}, {"persistent", 'p', argOptional}, {"netmask", 'M', argRequired},
	{"sched-flags", 'b', argRequired}, {"ops", 'o', argNone}, {"pe", 0, argRequired},
	{"real-server", 'r', argRequired}, {"gatewaying", 'g', argNone}, {"ipip", 'i', argNone},
	{"masquerading", 'm', argNone}, {"weight", 'w', argRequired},
	{"u-threshold", 'x', argRequired}, {"l-threshold", 'y', argRequired},
	{"tun-type", 0, argRequired}, {"tun-port", 0, argRequired}, {"tun-nocsum", 0, argNone},
	{"tun-csum", 0, argNone}, {"tun-remcsum", 0, argNone},
	{"mcast-interface", 0, argRequired}, {"syncid", 0, argRequired}, {"sync-maxlen", 0, argRequired},
	{"mcast-group", 0, argRequired}, {"mcast-port", 0, argRequired}, {"mcast-ttl", 0, argRequired},
	{"numeric", 'n', argNone}, {"connection", 'c', argNone}, {"timeout", 0, argNone},
	{"daemon", 0, argNone}, {"stats", 0, argNone}, {"rate", 0, argNone}, {"thresholds", 0, argNone},
	{"persistent-conn", 0, argNone}, {"nosort", 0, argNone}, {"sort", 0, argNone},
	{"exact", 'X', argNone}, {"tun-info", 0, argNone},
}

func lookupLong(name string) (option, bool) {
	for _, o := range options {
		if o.long == name {
			return o, true
		}
	}
	return option{}, false
}

func lookupShort(c byte) (option, bool) {
	for _, o := range options {
		if o.short == c {
			return o, true
		}
	}
	return option{}, false
}

type given struct {
	name  string
	value string
	has   bool
}

// split turns the arguments into options with their values, handling
// long options (--weight 2, --weight=2), combined short flags (-At, -Ln)
// and values glued to a short flag (-w2). Words that are no option's value
// are returned as positional arguments (the values of --set).
func split(args []string) ([]given, []string, error) {
	var out []given
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() (string, bool) {
			if i+1 < len(args) {
				i++
				return args[i], true
			}
			return "", false
		}
		switch {
		case strings.HasPrefix(a, "--") && len(a) > 2:
			name, val, hasVal := strings.Cut(a[2:], "=")
			o, ok := lookupLong(name)
			if !ok {
				return nil, nil, errorf("unknown option --%s", name)
			}
			g := given{name: o.long}
			switch {
			case hasVal:
				g.value, g.has = val, true
			case o.arg == argRequired:
				if g.value, g.has = next(); !g.has {
					return nil, nil, errorf("option --%s needs a value", name)
				}
			case o.arg == argOptional && i+1 < len(args) && isDigits(args[i+1]):
				g.value, g.has = next()
			}
			out = append(out, g)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for j := 1; j < len(a); j++ {
				o, ok := lookupShort(a[j])
				if !ok {
					return nil, nil, errorf("unknown option -%c", a[j])
				}
				g := given{name: o.long}
				if o.arg != argNone {
					rest := a[j+1:]
					switch {
					case rest != "":
						g.value, g.has = rest, true
					case o.arg == argRequired:
						if g.value, g.has = next(); !g.has {
							return nil, nil, errorf("option -%c needs a value", a[j])
						}
					case i+1 < len(args) && isDigits(args[i+1]):
						g.value, g.has = next()
					}
					out = append(out, g)
					break
				}
				out = append(out, g)
			}
		default:
			pos = append(pos, a)
		}
	}
	return out, pos, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

var commandOps = map[string]Op{
	"add-service": AddService, "edit-service": EditService, "delete-service": DeleteService,
	"clear": Clear, "restore": Restore, "save": Save, "add-server": AddServer,
	"edit-server": EditServer, "delete-server": DeleteServer, "list": List, "zero": Zero,
	"help": Help, "version": Version, "set": SetTimeouts, "start-daemon": StartDaemon,
	"stop-daemon": StopDaemon,
}

// Parse parses the arguments of one ipvsadm command (without the program
// name). An *Error is a command ipvsadm would reject.
func Parse(args []string) (*Command, error) {
	opts, pos, err := split(args)
	if err != nil {
		return nil, err
	}
	c := &Command{Scheduler: DefaultScheduler, Method: "dr", Weight: 1, Given: map[string]bool{}}
	for _, g := range opts {
		if op, ok := commandOps[g.name]; ok {
			if c.Op != OpNone && c.Op != op {
				return nil, errorf("%s and %s cannot be used together", c.Op, op)
			}
			c.Op = op
			if op == StartDaemon || op == StopDaemon {
				c.Daemon = g.value
			}
			continue
		}
		c.Given[g.name] = true
		if err := c.apply(g); err != nil {
			return nil, err
		}
	}
	if c.Op == OpNone {
		if len(args) == 0 {
			return &Command{Op: List, Given: c.Given}, nil // ipvsadm alone lists the table
		}
		return nil, errorf("no command given: ipvsadm needs one of -A -E -D -C -a -e -d -R -S -L -Z --set")
	}
	if c.Op == SetTimeouts {
		if len(pos) != 3 {
			return nil, errorf("--set needs three values: tcp tcpfin udp")
		}
		for i, p := range pos {
			n, err := strconv.ParseUint(p, 10, 32)
			if err != nil {
				return nil, errorf("--set: %q is not a timeout in seconds", p)
			}
			c.Timeouts[i] = uint32(n)
		}
		return c, nil
	}
	if len(pos) > 0 && c.Op != StartDaemon {
		return nil, errorf("unexpected argument %q", pos[0])
	}
	return c, c.check()
}

func (c *Command) apply(g given) error {
	v := g.value
	switch g.name {
	case "tcp-service", "udp-service", "sctp-service":
		c.Service.Protocol = strings.TrimSuffix(g.name, "-service")
		return c.parseService(v)
	case "fwmark-service":
		n, err := strconv.ParseUint(v, 0, 32)
		if err != nil || n == 0 {
			return errorf("illegal virtual server address: fwmark %q", v)
		}
		c.Service.FWMark = uint32(n)
		if c.Service.Family == "" {
			c.Service.Family = "inet"
		}
	case "ipv6":
		c.Service.Family = "inet6"
	case "scheduler":
		c.Scheduler = v
	case "persistent":
		c.Persistence = DefaultPersistence
		if g.has {
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil || n == 0 {
				return errorf("illegal timeout %q for persistent service", v)
			}
			c.Persistence = uint32(n)
		}
	case "netmask":
		return c.parseNetmask(v)
	case "sched-flags":
		return c.parseFlags(v)
	case "ops":
		c.OnePacket = true
	case "pe":
		c.PE = v
	case "real-server":
		return c.parseServer(v)
	case "gatewaying":
		c.Method = "dr"
	case "ipip":
		c.Method = "tun"
	case "masquerading":
		c.Method = "nat"
	case "weight":
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n > 65535 {
			// Upstream ipvsadm's limit; Debian's build takes up to 2^31-1,
			// a weight lvsctl cannot describe (the VM test shows it).
			return errorf("illegal weight %q: upstream ipvsadm takes 0..65535 (Debian's takes more, which lvsctl cannot describe)", v)
		}
		c.Weight = uint32(n)
	case "u-threshold", "l-threshold":
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return errorf("illegal threshold %q", v)
		}
		if g.name == "u-threshold" {
			c.Upper = uint32(n)
		} else {
			c.Lower = uint32(n)
		}
	case "tun-type":
		if v != "ipip" && v != "gue" && v != "gre" {
			return errorf("illegal tunnel type %q: ipip, gue or gre", v)
		}
		c.TunType = v
	case "tun-port":
		n, err := strconv.ParseUint(v, 10, 16)
		if err != nil || n == 0 {
			return errorf("illegal tunnel port %q", v)
		}
		c.TunPort = uint16(n)
	case "tun-nocsum":
		c.TunCsum = ""
	case "tun-csum":
		c.TunCsum = "csum"
	case "tun-remcsum":
		c.TunCsum = "remcsum"
	case "mcast-interface":
		c.Sync.Interface = v
	case "mcast-group":
		a, err := netip.ParseAddr(v)
		if err != nil || !a.IsMulticast() {
			return errorf("illegal mcast-group %q: a multicast address", v)
		}
		c.Sync.Group = a
	case "syncid", "sync-maxlen", "mcast-port", "mcast-ttl":
		return c.syncNumber(g.name, v)
	}
	return nil
}

// SyncOptions are the settings of --start-daemon; zero values leave the
// kernel's defaults.
type SyncOptions struct {
	Interface string
	SyncID    uint8
	Group     netip.Addr
	Port      uint16
	TTL       uint8
	MaxLen    uint16
}

func (c *Command) syncNumber(name, v string) error {
	limits := map[string]uint64{"syncid": 255, "sync-maxlen": 65535, "mcast-port": 65535, "mcast-ttl": 255}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n > limits[name] || n == 0 && name != "syncid" {
		return errorf("illegal %s %q: 0..%d", name, v, limits[name])
	}
	switch name {
	case "syncid":
		c.Sync.SyncID = uint8(n)
	case "sync-maxlen":
		c.Sync.MaxLen = uint16(n)
	case "mcast-port":
		c.Sync.Port = uint16(n)
	case "mcast-ttl":
		c.Sync.TTL = uint8(n)
	}
	return nil
}

func (c *Command) parseService(v string) (err error) {
	c.Service.Addr, c.Service.Host, c.Service.Port, err = parseEndpoint(v, "virtual server")
	if c.Service.Addr.IsValid() {
		c.Service.Family = familyOf(c.Service.Addr)
	}
	return err
}

func (c *Command) parseServer(v string) (err error) {
	c.Server, c.ServerHost, c.ServerPort, err = parseEndpoint(v, "real server")
	return err
}

// parseEndpoint reads ADDRESS[:PORT]; a host name is returned as host.
func parseEndpoint(v, what string) (addr netip.Addr, host string, port uint16, err error) {
	h, port, err := splitHostPort(v)
	if err != nil {
		return addr, "", 0, errorf("illegal %s address %q: %v", what, v, err)
	}
	a, err := netip.ParseAddr(h)
	if err != nil {
		return addr, h, port, nil
	}
	return a.Unmap(), "", port, nil
}

// splitHostPort splits "10.0.0.1:80", "10.0.0.1", "[2001:db8::1]:80",
// "2001:db8::1" and "www.example.com:http"; the port may be a service name.
func splitHostPort(v string) (string, uint16, error) {
	if v == "" || v[0] == '-' {
		return "", 0, fmt.Errorf("missing address")
	}
	if strings.HasPrefix(v, "[") {
		end := strings.IndexByte(v, ']')
		if end < 0 {
			return "", 0, fmt.Errorf("missing ]")
		}
		host, rest := v[1:end], v[end+1:]
		if host == "" {
			return "", 0, fmt.Errorf("missing address")
		}
		if rest == "" {
			return host, 0, nil
		}
		if rest[0] != ':' {
			return "", 0, fmt.Errorf("expected :port after ]")
		}
		p, err := PortNumber(rest[1:])
		return host, p, err
	}
	if strings.Count(v, ":") > 1 { // bare IPv6, no port
		return v, 0, nil
	}
	host, port, ok := strings.Cut(v, ":")
	if host == "" {
		return "", 0, fmt.Errorf("missing address")
	}
	if !ok {
		return host, 0, nil
	}
	p, err := PortNumber(port)
	return host, p, err
}

func familyOf(a netip.Addr) string {
	if a.Is4() || a.Is4In6() {
		return "inet"
	}
	return "inet6"
}

func (c *Command) parseNetmask(v string) error {
	n, ok := MaskBits(v, true)
	if !ok || n == 0 {
		return errorf("illegal virtual server persistent mask %q", v)
	}
	c.Netmask = n
	return nil
}

// MaskBits reads a dotted IPv4 netmask or a prefix length (up to 128 when
// v6 is allowed); ok is false for anything else, a non-contiguous mask
// included.
func MaskBits(mask string, v6 bool) (int, bool) {
	if n, err := strconv.Atoi(mask); err == nil && n >= 0 && (n <= 32 || v6 && n <= 128) {
		return n, true
	}
	m, err := netip.ParseAddr(mask)
	if err != nil || !m.Is4() {
		return 0, false
	}
	b := m.As4()
	bits := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n := 0
	for n < 32 && bits&(1<<(31-n)) != 0 {
		n++
	}
	return n, n == 32 || bits<<n == 0
}

func (c *Command) parseFlags(v string) error {
	for _, f := range strings.Split(v, ",") {
		switch f {
		case "sh-fallback", "sh-port", "mh-fallback", "mh-port":
			c.NamedFlags = append(c.NamedFlags, f)
		case "flag-1":
			f = "fallback"
		case "flag-2":
			f = "port"
		default:
			return errorf("invalid scheduler flag %q", f)
		}
		c.Flags = append(c.Flags, f)
	}
	return nil
}

// check applies ipvsadm's rules on which options a command needs.
func (c *Command) check() error {
	needsService := map[Op]bool{AddService: true, EditService: true, DeleteService: true, AddServer: true, EditServer: true, DeleteServer: true}
	if !needsService[c.Op] {
		return nil
	}
	s := c.Service
	if s.Protocol == "" && s.FWMark == 0 {
		return errorf("%s needs a service: -t, -u, --sctp-service or -f", c.Op)
	}
	if s.Protocol != "" && s.FWMark != 0 {
		return errorf("give either -t/-u/--sctp-service or -f, not both")
	}
	if s.FWMark == 0 && c.Given["ipv6"] {
		return errorf("-6 is only for firewall-mark services (-f)")
	}
	if c.Op == AddService || c.Op == EditService {
		if s.Protocol != "" && s.Port == 0 && c.Persistence == 0 {
			return errorf("zero port specified for non-persistent service")
		}
		c.resolveFlags()
	}
	if c.Op == AddServer || c.Op == EditServer || c.Op == DeleteServer {
		if !c.Server.IsValid() && c.ServerHost == "" {
			return errorf("%s needs a real server: -r ADDRESS[:PORT]", c.Op)
		}
		if c.ServerPort == 0 && s.FWMark == 0 {
			c.ServerPort = s.Port
		}
		if c.Method == "nat" && c.Given["tun-type"] {
			return errorf("--tun-type is only for -i (tunnelling)")
		}
		if c.Method == "tun" && c.TunType == "" {
			c.TunType = "ipip"
		}
		if c.Method != "tun" {
			c.TunType, c.TunPort, c.TunCsum = "", 0, ""
		}
		if c.TunType == "gue" && c.TunPort == 0 {
			return errorf("--tun-type gue needs --tun-port")
		}
		if c.Method != "nat" && c.ServerPort != s.Port && s.FWMark == 0 && c.Op != DeleteServer {
			// ipvsadm itself replaces it: DR and TUN cannot map ports.
			c.DroppedPort = c.ServerPort
			c.ServerPort = s.Port
		}
	}
	return nil
}

// resolveFlags turns -b flag-1/flag-2 into the scheduler's own names.
func (c *Command) resolveFlags() {
	prefix := "sh-"
	if c.Scheduler == "mh" {
		prefix = "mh-"
	}
	for i, f := range c.Flags {
		if f == "fallback" || f == "port" {
			c.Flags[i] = prefix + f
		}
	}
}
