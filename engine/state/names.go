package state

import (
	"net/netip"
	"slices"
)

// ValidClusterName reports whether name may name a cluster: 1 to 63
// lower-case letters, digits, '-' and '_', starting with a letter or digit.
// It names the ownership record and the state kept for boot on each host,
// so it must be safe in a file name. A loop, not a regexp: compiling
// `{0,62}` at init cost every start of lvsctl (and of each agent) 700
// allocations.
func ValidClusterName(name string) bool {
	if len(name) == 0 || len(name) > 63 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case (c == '-' || c == '_') && i > 0:
		default:
			return false
		}
	}
	return true
}

// MaxLabelLen is the longest address label the kernel takes, IFNAMSIZ (16)
// less the terminating NUL; interface names have the same limit.
const MaxLabelLen = 15

// The vocabularies of IPVS, typed and written once: the configuration
// accepts them, compile and the plan use them, and providers/ipvs converts
// them to and from the kernel's numbers. The lists are functions, so that no
// caller can change them. A value read from the kernel that lvsctl has no
// name for keeps a readable placeholder ("fwd(6)") of the same type.

// Scheduler is an IPVS scheduler as ipvsadm names it.
type Scheduler string

// DefaultScheduler is what a service without a scheduler gets, as with ipvsadm.
const DefaultScheduler Scheduler = "wlc"

// Schedulers are the IPVS schedulers lvsctl accepts.
func Schedulers() []Scheduler {
	return []Scheduler{"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh"}
}

// Method is how a director forwards to a real server (ipvsadm -g, -m, -i).
type Method string

const (
	MethodDR  Method = "dr"
	MethodNAT Method = "nat"
	MethodTUN Method = "tun"
)

// Methods are the forwarding methods lvsctl accepts.
func Methods() []Method { return []Method{MethodDR, MethodNAT, MethodTUN} }

// Family is an address family as IPVS names it.
type Family string

const (
	Inet  Family = "inet"
	Inet6 Family = "inet6"
)

// Families are the address families lvsctl accepts.
func Families() []Family { return []Family{Inet, Inet6} }

// FamilyOf is the family of an address.
func FamilyOf(a netip.Addr) Family {
	if a.Is4() {
		return Inet
	}
	return Inet6
}

// TunnelType is the encapsulation of a TUN server.
type TunnelType string

const (
	TunnelIPIP TunnelType = "ipip"
	TunnelGUE  TunnelType = "gue"
	TunnelGRE  TunnelType = "gre"
)

// TunnelTypes are the tunnel types lvsctl accepts; ipip is the default.
func TunnelTypes() []TunnelType { return []TunnelType{TunnelIPIP, TunnelGUE, TunnelGRE} }

// Strings returns the words of a vocabulary, for messages.
func Strings[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// Known reports whether v is one of values.
func Known[T ~string](v T, values []T) bool { return slices.Contains(values, v) }

// FullNetmask is the prefix length of a whole address of the family, 32 for
// "inet" and 128 for "inet6": the persistence netmask the kernel uses when
// none is set.
func FullNetmask(family Family) int {
	if family == Inet6 {
		return 128
	}
	return 32
}
