// Package config loads an lvsctl cluster description from HCL into typed,
// validated Go values. Loading never stops at the first problem: it returns
// every diagnostic it can find, each pointing at the source, so that
// `lvsctl validate` shows the whole list in one go.
//
// Decoding runs in phases with explicit schemas: variables first (their
// values come from defaults, the environment, var files and -var flags),
// then locals (resolved in dependency order), then the directors, real
// servers and virtual servers, with `dynamic` blocks expanded.
package config

import (
	"net/netip"

	"github.com/hashicorp/hcl/v2"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/zclconf/go-cty/cty"
)

// Options are the inputs of Load besides the configuration itself.
type Options struct {
	// Vars are -var name=value flags.
	Vars map[string]string
	// VarFiles are -var-file paths, applied in order.
	VarFiles []string
	// Env is the process environment in os.Environ() form; LVSCTL_VAR_name
	// entries set variables.
	Env []string
	// Unknowns lets required variables stay unset: each is an unknown value
	// of its type, as terraform validate does, and whatever depends on one
	// is left unchecked (Config.Unknown lists them). Only validate asks.
	Unknowns bool
}

// Config is a loaded and validated cluster description.
type Config struct {
	// Files holds every parsed file by name, for rendering diagnostics with
	// hcl.NewDiagnosticTextWriter.
	Files map[string]*hcl.File
	// Variables are the final values of the declared variables.
	Variables map[string]cty.Value
	// Unknown names the required variables that had no value and were left
	// unknown (Options.Unknowns); the checks that needed them did not run.
	Unknown []string

	// Cluster names the cluster this configuration describes (top-level
	// `cluster = "NAME"`); empty when unnamed. Each host keeps what each
	// cluster owns apart, so two configurations can share a director.
	Cluster      string
	ClusterRange hcl.Range

	Directors      []*Director
	RealServers    []*RealServer
	VirtualServers []*VirtualServer
}

// Source is where a block came from: its definition range and the ranges of
// the attributes it set, so later stages can point at them.
type Source struct {
	DefRange hcl.Range
	attrs    map[string]hcl.Range
	// unknown holds the attributes set to a value not known yet (a
	// variable validate was given no value for).
	unknown map[string]bool
}

// Unknown reports whether the named attribute was set to a value not known
// yet: the checks that need it are skipped.
func (s Source) Unknown(name string) bool { return s.unknown[name] }

// AttrRange returns the range of the named attribute's value, or the
// block's definition range when the attribute was not set.
func (s Source) AttrRange(name string) hcl.Range {
	if r, ok := s.attrs[name]; ok {
		return r
	}
	return s.DefRange
}

// Has reports whether the block set the named attribute.
func (s Source) Has(name string) bool {
	_, ok := s.attrs[name]
	return ok
}

func (s *Source) note(name string, r hcl.Range) {
	if s.attrs == nil {
		s.attrs = make(map[string]hcl.Range)
	}
	s.attrs[name] = r
}

// SSH is how to reach a host over SSH.
type SSH struct {
	Host         string
	User         string // "" = from ssh_config, else the local user (as ssh)
	Port         int    // 0 = from ssh_config, else 22
	IdentityFile string
	Source
}

// Timeouts are the IPVS connection timeouts in seconds (ipvsadm --set).
type Timeouts struct {
	TCP    uint32
	TCPFin uint32
	UDP    uint32
	Source
}

// Director is a `director "NAME"` block.
type Director struct {
	Name  string
	Netns string
	SSH   *SSH
	// Interface carries the VIP aliases.
	Interface string
	// Address is the DIP, the default gateway of NAT real servers; zero when unset.
	Address netip.Addr
	// VIPAlias puts each VIP on Interface (default true).
	VIPAlias bool
	// IPForward is nil when unset: on with NAT, otherwise left alone.
	IPForward *bool
	// IPForwardUnmanaged: ip_forward = "unmanaged", left to something else
	// even with NAT services.
	IPForwardUnmanaged bool
	OwnAllServices     bool
	Timeouts           *Timeouts
	// VIPs override how single VIPs are placed; Routes and Sysctls are
	// declared as they are.
	VIPs        []*VIP
	Routes      []*Route
	Sysctls     []Sysctl
	SyncDaemons []*SyncDaemon
	Source
}

// RealServer is a `real_server "NAME"` block.
type RealServer struct {
	Name    string
	Address netip.Addr
	Netns   string
	SSH     *SSH
	// ARPIgnore and ARPAnnounce override the derived values (1 and 2) when set.
	ARPIgnore   *int
	ARPAnnounce *int
	// VIPInterface overrides where VIPs go ("lo" for DR, "tunl0" for TUN) when set.
	VIPInterface string
	// VIPRoute adds the host route VIP/32 dev VIPInterface (default true).
	VIPRoute bool
	Routes   []*Route
	// ARPInterfaces get the ARP settings too, besides all and the VIPs' interfaces.
	ARPInterfaces []string
	// RPFilter is what TUN interfaces get: "" (derived: 0), "0", "1", "2" or Unmanaged.
	RPFilter string
	VIPs     []*VIP
	Sysctls  []Sysctl
	Source
}

// Route is a `route` block of a host.
type Route struct {
	Destination netip.Prefix
	Gateway     netip.Addr
	Interface   string
	Metric      int
	Table       int
	Source
}

// IsDefault reports whether the route is a default route (0.0.0.0/0 or ::/0).
func (r *Route) IsDefault() bool { return r.Destination.IsValid() && r.Destination.Bits() == 0 }

// VirtualServer is a `virtual_server "NAME"` block: one IPVS service.
type VirtualServer struct {
	Name      string
	Directors []string
	// Either Protocol, VIP and Port, or FWMark.
	Protocol string
	VIP      netip.Addr
	Port     uint16
	FWMark   uint32
	// Family is "inet" or "inet6": the VIP's, or the family attribute for fwmark services.
	Family    state.Family
	Scheduler state.Scheduler
	Flags     []string
	// Persistence timeout in seconds, 0 = not persistent.
	Persistence uint32
	// PersistenceNetmask is a prefix length; 0 when unset.
	PersistenceNetmask int
	OnePacket          bool
	// DrainTimeout is how long removing a server waits for its connections
	// to close, in seconds; nil when unset (the default applies).
	DrainTimeout *uint32
	// Defaults for servers, already applied to each Server.
	Method     state.Method
	Weight     uint32
	TunnelType state.TunnelType
	Servers    []*Server
	// AllPorts: port = 0 was given, a service of every port.
	AllPorts bool
	Source
}

// Key identifies the service the way the kernel does, matching state.Service.Key.
func (v *VirtualServer) Key() string {
	return state.Service{Protocol: v.Protocol, Address: v.VIP, Port: v.Port, FWMark: v.FWMark, Family: v.Family}.Key()
}

// Server is a `server "ADDR[:PORT]"` block with the service defaults applied.
type Server struct {
	Address        netip.Addr
	Port           uint16
	Method         state.Method
	Weight         uint32
	TunnelType     state.TunnelType // tun only: ipip, gue or gre
	TunnelPort     uint16
	TunnelChecksum string // "", "csum" or "remcsum"
	UpperThreshold uint32
	LowerThreshold uint32
	Source
}

// Key identifies the server within its service: "10.0.0.2:80".
func (s *Server) Key() string { return state.Server{Address: s.Address, Port: s.Port}.Key() }
