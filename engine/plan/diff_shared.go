package plan

import (
	"fmt"
	"slices"
)

// sharer returns the cluster on this host, other than the one planned,
// that declares the resource of kind k with the given key (the first by
// name), or false. Such a resource is handed over to it instead of being
// removed or restored: two clusters on one director may well need the same
// VIP or ip_forward, and neither may take it from the other.
func (d *differ) sharer(k Kind, key string) (string, bool) {
	if len(d.live.Shared) == 0 {
		return "", false
	}
	var found []string
	for name, u := range d.live.Shared {
		var keys []string
		switch k {
		case KindAddress:
			keys = u.Addresses
		case KindRoute:
			keys = u.Routes
		case KindSysctl:
			keys = u.Sysctls
		}
		if slices.Contains(keys, key) {
			found = append(found, name)
		}
	}
	if len(found) == 0 {
		return "", false
	}
	slices.Sort(found)
	return found[0], true
}

// handOver is the change by which this cluster lets go of what cluster
// other declares too: the kernel keeps it as it is (before), this record
// forgets it, and the other cluster's record takes over what this one kept
// (original: the value from before lvsctl, for a sysctl or a route it had
// changed; nil for what lvsctl made).
func handOver(k Kind, key, other string, before, original *Resource) Change {
	reason := fmt.Sprintf("kept: %s on this host declares it too, and owns it from now on", ClusterName(other))
	if original != nil {
		reason = fmt.Sprintf("kept: %s on this host declares it too, and keeps the value from before lvsctl to restore when it lets go", ClusterName(other))
	}
	return Change{
		Kind: k, Action: NoOp, Address: Address(k, key), Before: before, After: original,
		Own: OwnForget, HandOver: &HandOver{Cluster: other},
		Reason: reason,
	}
}

// ClusterName names a cluster for people.
func ClusterName(name string) string {
	if name == "" {
		return "the unnamed cluster"
	}
	return fmt.Sprintf("cluster %q", name)
}

// HandedOver is what the receiving cluster's record must take from a
// hand-over change c: for RecordChange on that record. What lvsctl made is
// taken as made (OwnCreate); a value from before lvsctl is remembered
// (OwnRemember), unless that record keeps one already.
func HandedOver(c Change) Change {
	r := Change{Kind: c.Kind, Address: c.Address, Action: NoOp}
	if c.After != nil {
		r.Own, r.Before = OwnRemember, c.After
		return r
	}
	r.Own, r.After = OwnCreate, c.Before
	return r
}
