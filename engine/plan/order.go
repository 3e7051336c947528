package plan

import (
	"cmp"
	"slices"
)

// Step is the place of a change in the apply order of one host. The order of
// the constants below is the order a plan lists and apply carries out
// changes; it is defined here and nowhere else. Why this order:
//
//   - kernel parameters first: a real server must ignore and not announce ARP
//     for the VIP before the VIP appears on its loopback, or it answers ARP
//     for the VIP and steals traffic from the director;
//   - addresses and routes before services, so a director owns the VIP when
//     the service starts accepting connections;
//   - new servers before old ones go, so a service always has somewhere to
//     send new connections; removed servers are drained (weight 0) first;
//   - teardown in reverse: services, then routes, then addresses, and the
//     kernel parameters are restored last, so ARP stays suppressed until
//     the VIP is gone.
type Step int

const (
	// StepUnknown is the step of a change of a kind the order does not know:
	// Validate refuses such a change and apply never carries it out.
	StepUnknown       Step = iota
	StepSysctlSet          // ARP, rp_filter and forwarding sysctls set
	StepTimeoutsSet        // IPVS connection timeouts set
	StepDaemonStop         // sync daemons stopped
	StepDaemonStart        // sync daemons started (a replacement stops the old one first)
	StepAddressCreate      // addresses created (or replaced: new label)
	StepRouteSet           // routes created or changed
	StepServiceCreate      // services created, updated, or replaced (new one first)
	StepServerCreate       // servers added
	StepServerUpdate       // servers edited in place
	StepServerDelete       // servers drained (weight 0) and removed
	StepServiceDelete      // services deleted
	StepRouteDelete        // routes deleted or put back as they were
	StepAddressDelete      // addresses deleted
	StepRestore            // sysctls and timeouts put back as they were
	StepRecordPeers        // the record learns the cluster's hosts (apply only)
	StepRecordBoot         // the host keeps its desired state for boot (apply only)
)

// String names the step, for logs and tests.
func (s Step) String() string {
	switch s {
	case StepSysctlSet:
		return "sysctl-set"
	case StepTimeoutsSet:
		return "timeouts-set"
	case StepDaemonStop:
		return "daemon-stop"
	case StepDaemonStart:
		return "daemon-start"
	case StepAddressCreate:
		return "address-create"
	case StepRouteSet:
		return "route-set"
	case StepServiceCreate:
		return "service-create"
	case StepServerCreate:
		return "server-create"
	case StepServerUpdate:
		return "server-update"
	case StepServerDelete:
		return "server-delete"
	case StepServiceDelete:
		return "service-delete"
	case StepRouteDelete:
		return "route-delete"
	case StepAddressDelete:
		return "address-delete"
	case StepRestore:
		return "restore"
	case StepRecordPeers:
		return "record-peers"
	case StepRecordBoot:
		return "record-boot"
	}
	return "unknown"
}

// Step returns where the change goes in the apply order of its host, or
// StepUnknown for a kind that has no place in it.
func (c Change) Step() Step {
	switch c.Kind {
	case KindSysctl:
		if c.Own == OwnForget {
			return StepRestore
		}
		return StepSysctlSet
	case KindTimeouts:
		if c.Own == OwnForget {
			return StepRestore
		}
		return StepTimeoutsSet
	case KindAddress:
		if c.Action == Delete {
			return StepAddressDelete
		}
		return StepAddressCreate
	case KindRoute:
		// Putting back a route from before lvsctl is teardown too.
		if c.Action == Delete || c.Own == OwnForget {
			return StepRouteDelete
		}
		return StepRouteSet
	case KindService:
		if c.Action == Delete {
			return StepServiceDelete
		}
		return StepServiceCreate
	case KindPeers:
		return StepRecordPeers
	case KindBoot:
		return StepRecordBoot
	case KindSyncDaemon:
		if c.Action == Delete {
			return StepDaemonStop
		}
		return StepDaemonStart
	case KindServer:
		switch c.Action {
		case Create:
			return StepServerCreate
		case Delete:
			return StepServerDelete
		}
		return StepServerUpdate
	}
	return StepUnknown
}

// IsTeardown reports whether the change takes something away (or puts back
// what was there before lvsctl) rather than setting something up.
//
// engine/apply uses it to order hosts against each other: a real server's
// setup changes (ARP sysctls, VIP, routes) run before any director sends it
// traffic, and its teardown changes run after the directors have stopped
// (drained and removed it). So: real servers' setup, then directors, then
// real servers' teardown. Within one host the plan order stays as it is.
func (c Change) IsTeardown() bool { return c.Step() >= StepServerDelete }

// SortChanges puts changes in apply order: by Step, then by address in
// natural order (10.0.0.2 before 10.0.0.10), so a plan is deterministic.
func SortChanges(changes []Change) {
	slices.SortStableFunc(changes, func(a, b Change) int {
		if c := cmp.Compare(a.Step(), b.Step()); c != 0 {
			return c
		}
		return NaturalCompare(a.Address, b.Address)
	})
}

// NaturalCompare compares strings treating runs of digits as numbers, so
// addresses sort the way people read them. Leading zeros break ties.
func NaturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := a[:da], b[:db]
			ta, tb := trimZeros(na), trimZeros(nb)
			if c := cmp.Compare(len(ta), len(tb)); c != 0 {
				return c
			}
			if c := cmp.Compare(ta, tb); c != 0 {
				return c
			}
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}
