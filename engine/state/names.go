package state

import "net/netip"

// MaxLabelLen is the longest address label the kernel takes, IFNAMSIZ (16)
// less the terminating NUL; interface names have the same limit.
const MaxLabelLen = 15

// Schedulers are the IPVS schedulers lvsctl accepts, as ipvsadm names them.
// A function, so that no caller can change the list.
func Schedulers() []string {
	return []string{"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh"}
}

// Family of an address as IPVS names it: "inet" or "inet6".
func Family(a netip.Addr) string {
	if a.Is4() {
		return "inet"
	}
	return "inet6"
}

// FullNetmask is the prefix length of a whole address of the family, 32 for
// "inet" and 128 for "inet6": the persistence netmask the kernel uses when
// none is set.
func FullNetmask(family string) int {
	if family == "inet6" {
		return 128
	}
	return 32
}
