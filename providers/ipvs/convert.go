package ipvs

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/cloudflare/ipvs/netmask"

	"github.com/lvsctl/lvsctl/engine/state"
)

// The conversions below translate between the domain types of engine/state
// and the wire types of cloudflare/ipvs. To the wire they validate and fail
// with an error naming the bad field; from the wire they never fail: a value
// the kernel holds but lvsctl has no name for becomes a readable placeholder
// ("proto(99)", "fwd(6)", "0x40") so that it shows up in a plan instead of
// being silently dropped.

// schedulerOptions is how many scheduler-private service flags there are;
// option i is the bit ServiceSchedulerOpt1 << i.
const schedulerOptions = 3

// schedulerFlagName names option bit i (0..2) of a scheduler the way ipvsadm
// does (-b): the sh and mh schedulers give the first two a meaning
// (IP_VS_SVC_F_SCHED_{SH,MH}_{FALLBACK,PORT} are SCHED1 and SCHED2); for
// others the bit is just "flag-N".
func schedulerFlagName(scheduler string, i int) string {
	switch scheduler {
	case "sh", "mh":
		switch i {
		case 0:
			return scheduler + "-fallback"
		case 1:
			return scheduler + "-port"
		}
	}
	return fmt.Sprintf("flag-%d", i+1)
}

// ServiceToWire converts a desired service to the cloudflare type, ready for
// CreateService or UpdateService. Servers are not part of it.
func ServiceToWire(s state.Service) (cfipvs.Service, error) {
	w, err := ServiceIdentityToWire(s)
	if err != nil {
		return cfipvs.Service{}, err
	}
	if s.Scheduler == "" {
		return cfipvs.Service{}, fmt.Errorf("no scheduler set (one of %s)", strings.Join(state.Strings(state.Schedulers()), " "))
	}
	w.Scheduler = string(s.Scheduler)

	for _, f := range s.Flags {
		bit, err := schedulerFlag(string(s.Scheduler), f)
		if err != nil {
			return cfipvs.Service{}, err
		}
		w.Flags |= bit
	}
	if s.Persistence > 0 {
		w.Flags |= cfipvs.ServicePersistent
		w.Timeout = s.Persistence
	}
	if s.OnePacket {
		w.Flags |= cfipvs.ServiceOnePacket
	}

	// IPv4 takes any mask, even /0 (every client shares one persistence
	// entry); the kernel rejects IPv6 prefix lengths outside 1..128.
	lo, bits := 0, 32
	if w.Family == cfipvs.INET6 {
		lo, bits = 1, 128
	}
	if s.Netmask < lo || s.Netmask > bits {
		return cfipvs.Service{}, fmt.Errorf("netmask /%d is out of range for %s (%d..%d)", s.Netmask, familyName(w.Family), lo, bits)
	}
	w.Netmask = netmask.MaskFrom(s.Netmask, bits)
	return w, nil
}

// schedulerFlag returns the bit of a named scheduler flag, if the scheduler
// has such a flag.
func schedulerFlag(scheduler, name string) (cfipvs.Flags, error) {
	for i := range schedulerOptions {
		if schedulerFlagName(scheduler, i) == name {
			return cfipvs.ServiceSchedulerOpt1 << i, nil
		}
	}
	return 0, fmt.Errorf("flag %q does not apply to scheduler %q (sh takes sh-fallback and sh-port, mh takes mh-fallback and mh-port)", name, scheduler)
}

// ServiceIdentityToWire converts only the fields that identify a service in
// the kernel: family, protocol, address and port, or family and fwmark. It is
// what server operations and deletes need.
func ServiceIdentityToWire(s state.Service) (cfipvs.Service, error) {
	if s.FWMark != 0 {
		if s.Protocol != "" || s.Address.IsValid() || s.Port != 0 {
			return cfipvs.Service{}, fmt.Errorf("a fwmark service has no protocol, address or port")
		}
		fam, err := familyFromName(s.Family)
		if err != nil {
			return cfipvs.Service{}, err
		}
		return cfipvs.Service{FWMark: s.FWMark, Family: fam}, nil
	}

	proto, err := protocolFromName(s.Protocol)
	if err != nil {
		return cfipvs.Service{}, err
	}
	if !s.Address.IsValid() {
		return cfipvs.Service{}, fmt.Errorf("service has neither an address nor a fwmark")
	}
	fam := addrFamily(s.Address)
	if s.Family != "" && s.Family != familyName(fam) {
		return cfipvs.Service{}, fmt.Errorf("family %q does not match address %s", s.Family, s.Address)
	}
	return cfipvs.Service{Address: s.Address, Port: s.Port, Protocol: proto, Family: fam}, nil
}

// ServiceFromWire converts a service read from the kernel to the state type,
// without its servers. The kernel's ServiceHashed flag is internal and ignored.
func ServiceFromWire(w cfipvs.Service) state.Service {
	s := state.Service{
		Family:    familyName(w.Family),
		Scheduler: state.Scheduler(w.Scheduler),
		OnePacket: w.Flags&cfipvs.ServiceOnePacket != 0,
		Netmask:   w.Netmask.Bits(), // -1 when not a prefix (e.g. 255.0.255.0)
	}
	if w.FWMark != 0 {
		s.FWMark = w.FWMark
	} else {
		s.Protocol = protocolName(w.Protocol)
		s.Address = w.Address
		s.Port = w.Port
	}
	if w.Flags&cfipvs.ServicePersistent != 0 {
		s.Persistence = w.Timeout
	}
	for i := range schedulerOptions {
		if w.Flags&(cfipvs.ServiceSchedulerOpt1<<i) != 0 {
			s.Flags = append(s.Flags, schedulerFlagName(w.Scheduler, i))
		}
	}
	known := cfipvs.ServicePersistent | cfipvs.ServiceHashed | cfipvs.ServiceOnePacket |
		cfipvs.ServiceSchedulerOpt1 | cfipvs.ServiceSchedulerOpt2 | cfipvs.ServiceSchedulerOpt3
	if rest := w.Flags &^ known; rest != 0 {
		s.Flags = append(s.Flags, fmt.Sprintf("%#x", uint32(rest)))
	}
	slices.Sort(s.Flags)
	return s
}

// ServerToWire converts a real server to a cloudflare destination.
func ServerToWire(s state.Server) (cfipvs.Destination, error) {
	d, err := ServerIdentityToWire(s)
	if err != nil {
		return cfipvs.Destination{}, err
	}
	fwd, err := methodFromName(s.Method)
	if err != nil {
		return cfipvs.Destination{}, err
	}
	d.FwdMethod = fwd
	d.Weight = s.Weight
	d.UpperThreshold = s.UpperThreshold
	d.LowerThreshold = s.LowerThreshold
	if fwd != cfipvs.Tunnel {
		if s.TunnelType != "" || s.TunnelPort != 0 || s.TunnelChecksum != "" {
			return cfipvs.Destination{}, fmt.Errorf("tunnel settings need method tun, not %s", s.Method)
		}
		return d, nil
	}
	if d.TunnelType, err = tunnelTypeFromName(s.TunnelType); err != nil {
		return cfipvs.Destination{}, err
	}
	if d.TunnelFlags, err = tunnelFlagsFromName(s.TunnelChecksum); err != nil {
		return cfipvs.Destination{}, err
	}
	if d.TunnelType == cfipvs.GUE && s.TunnelPort == 0 {
		return cfipvs.Destination{}, fmt.Errorf("tunnel type gue needs a tunnel port")
	}
	d.TunnelPort = s.TunnelPort
	return d, nil
}

// ServerIdentityToWire converts only the fields that identify a server
// within its service: address, port and family.
func ServerIdentityToWire(s state.Server) (cfipvs.Destination, error) {
	if !s.Address.IsValid() {
		return cfipvs.Destination{}, fmt.Errorf("server has no address")
	}
	return cfipvs.Destination{Address: s.Address, Port: s.Port, Family: addrFamily(s.Address)}, nil
}

// ServerFromWire converts a destination read from the kernel to a state
// server. Tunnel settings are read for method tun only: the kernel keeps
// whatever it was given for other methods, where they mean nothing.
func ServerFromWire(d cfipvs.Destination) state.Server {
	s := state.Server{
		Address:        d.Address,
		Port:           d.Port,
		Method:         methodName(d.FwdMethod),
		Weight:         d.Weight,
		UpperThreshold: d.UpperThreshold,
		LowerThreshold: d.LowerThreshold,
	}
	if d.FwdMethod == cfipvs.Tunnel {
		s.TunnelType = tunnelTypeName(d.TunnelType)
		s.TunnelPort = d.TunnelPort
		s.TunnelChecksum = tunnelFlagsName(d.TunnelFlags)
	}
	return s
}

// TimeoutsToWire converts connection timeouts; a zero leaves that timeout
// unchanged in the kernel.
func TimeoutsToWire(t state.Timeouts) cfipvs.Config {
	return cfipvs.Config{TCPTimeout: t.TCP, TCPFinTimeout: t.TCPFin, UDPTimeout: t.UDP}
}

// TimeoutsFromWire converts connection timeouts read from the kernel.
func TimeoutsFromWire(c cfipvs.Config) state.Timeouts {
	return state.Timeouts{TCP: c.TCPTimeout, TCPFin: c.TCPFinTimeout, UDP: c.UDPTimeout}
}

func addrFamily(a netip.Addr) cfipvs.AddressFamily {
	if a.Is4() {
		return cfipvs.INET
	}
	return cfipvs.INET6
}

func familyName(f cfipvs.AddressFamily) state.Family {
	switch f {
	case cfipvs.INET:
		return state.Inet
	case cfipvs.INET6:
		return state.Inet6
	}
	return state.Family(fmt.Sprintf("af(%d)", uint16(f)))
}

// familyFromName defaults to inet, as ipvsadm does for fwmark services.
func familyFromName(name state.Family) (cfipvs.AddressFamily, error) {
	switch name {
	case "", state.Inet:
		return cfipvs.INET, nil
	case state.Inet6:
		return cfipvs.INET6, nil
	}
	return 0, fmt.Errorf("unknown family %q (inet or inet6)", name)
}

func protocolName(p cfipvs.Protocol) string {
	switch p {
	case cfipvs.TCP:
		return "tcp"
	case cfipvs.UDP:
		return "udp"
	case cfipvs.SCTP:
		return "sctp"
	}
	return fmt.Sprintf("proto(%d)", uint16(p))
}

// fromName inverts a naming function over the values it names, so each
// wire enum has its names written once, in its xName function.
func fromName[T, N comparable](name N, values []T, nameOf func(T) N) (T, bool) {
	for _, v := range values {
		if nameOf(v) == name {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func protocolFromName(name string) (cfipvs.Protocol, error) {
	if p, ok := fromName(name, []cfipvs.Protocol{cfipvs.TCP, cfipvs.UDP, cfipvs.SCTP}, protocolName); ok {
		return p, nil
	}
	return 0, fmt.Errorf("unknown protocol %q (tcp, udp or sctp)", name)
}

// methodName names a forwarding method as ipvsadm's options do (-g -m -i).
// The kernel turns any server whose address is local into "local"; "bypass"
// is never set by ipvsadm. Both are readable so that they show in a plan.
func methodName(f cfipvs.ForwardType) state.Method {
	switch f {
	case cfipvs.DirectRoute:
		return state.MethodDR
	case cfipvs.Masquerade:
		return state.MethodNAT
	case cfipvs.Tunnel:
		return state.MethodTUN
	case cfipvs.Local:
		return "local"
	case cfipvs.Bypass:
		return "bypass"
	}
	return state.Method(fmt.Sprintf("fwd(%d)", uint32(f)))
}

func methodFromName(name state.Method) (cfipvs.ForwardType, error) {
	if f, ok := fromName(name, []cfipvs.ForwardType{cfipvs.DirectRoute, cfipvs.Masquerade, cfipvs.Tunnel, cfipvs.Local, cfipvs.Bypass}, methodName); ok {
		return f, nil
	}
	return 0, fmt.Errorf("unknown method %q (dr, nat or tun)", name)
}

func tunnelTypeName(t cfipvs.TunnelType) state.TunnelType {
	switch t {
	case cfipvs.IPIP:
		return state.TunnelIPIP
	case cfipvs.GUE:
		return state.TunnelGUE
	case cfipvs.GRE:
		return state.TunnelGRE
	}
	return state.TunnelType(fmt.Sprintf("type(%d)", uint8(t)))
}

// tunnelTypeFromName defaults to ipip, as ipvsadm does.
func tunnelTypeFromName(name state.TunnelType) (cfipvs.TunnelType, error) {
	if name == "" {
		return cfipvs.IPIP, nil
	}
	if t, ok := fromName(name, []cfipvs.TunnelType{cfipvs.IPIP, cfipvs.GUE, cfipvs.GRE}, tunnelTypeName); ok {
		return t, nil
	}
	return 0, fmt.Errorf("unknown tunnel type %q (ipip, gue or gre)", name)
}

func tunnelFlagsName(f cfipvs.TunnelFlags) string {
	switch f {
	case cfipvs.TunnelEncapNoChecksum:
		return ""
	case cfipvs.TunnelEncapChecksum:
		return "csum"
	case cfipvs.TunnelEncapRemoteChecksum:
		return "remcsum"
	}
	return fmt.Sprintf("flags(%#x)", uint16(f))
}

func tunnelFlagsFromName(name string) (cfipvs.TunnelFlags, error) {
	if f, ok := fromName(name, []cfipvs.TunnelFlags{cfipvs.TunnelEncapNoChecksum, cfipvs.TunnelEncapChecksum, cfipvs.TunnelEncapRemoteChecksum}, tunnelFlagsName); ok {
		return f, nil
	}
	return 0, fmt.Errorf("unknown tunnel checksum %q (\"\", csum or remcsum)", name)
}
