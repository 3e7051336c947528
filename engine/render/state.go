package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// State writes the live state of hosts as an operator reads ipvsadm -Ln
// and ip addr (`lvsctl show`): per host, a section per kind of resource,
// what lvsctl owns marked "(lvsctl)". Hosts are separated by a blank line.
func State(w io.Writer, hosts []state.Host) error {
	bw := bufio.NewWriter(w)
	for i, h := range hosts {
		if i > 0 {
			bw.WriteString("\n")
		}
		fmt.Fprintf(bw, "# %s %q\n", h.Role, h.Name)
		owned := ownedSet(h.Owned)
		for _, k := range plan.Kinds() {
			if err := stateSection(bw, h, k, owned); err != nil {
				return err
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	return nil
}

// stateSection writes what h has of kind k.
func stateSection(w io.Writer, h state.Host, k plan.Kind, owned map[string]bool) error {
	mark := func(key string) string {
		if owned[plan.Address(k, key)] {
			return "  (lvsctl)"
		}
		return ""
	}
	switch k {
	case plan.KindService:
		writeServices(w, h.Services, mark)
	case plan.KindServer:
		// Drawn under their service.
	case plan.KindTimeouts:
		if h.Timeouts != nil {
			fmt.Fprintf(w, "IPVS timeouts: tcp %d tcpfin %d udp %d\n", h.Timeouts.TCP, h.Timeouts.TCPFin, h.Timeouts.UDP)
		}
	case plan.KindSyncDaemon:
		for _, d := range h.SyncDaemons {
			fmt.Fprintf(w, "IPVS sync daemon: %s mcast-interface %s syncid %d", d.State, d.Interface, d.SyncID)
			if d.Group.IsValid() {
				fmt.Fprintf(w, " group %s port %d ttl %d maxlen %d", d.Group, d.Port, d.TTL, d.MaxLen)
			}
			fmt.Fprintf(w, "%s\n", mark(d.Key()))
		}
	case plan.KindAddress:
		writeAddresses(w, h.Addresses, mark)
	case plan.KindRoute:
		writeRoutes(w, h.Routes, mark)
	case plan.KindSysctl:
		if len(h.Sysctls) > 0 {
			fmt.Fprintln(w, "Sysctls:")
			for _, s := range h.Sysctls {
				fmt.Fprintf(w, "  %s = %s%s\n", s.Name, s.Value, mark(s.Key()))
			}
		}
	case plan.KindPeers, plan.KindBoot:
		// The cluster a record remembers, and the state kept for boot, are
		// not the host's own live state.
	default:
		return fmt.Errorf("show: no view of a %s", k)
	}
	return nil
}

func writeServices(w io.Writer, services []state.Service, mark func(string) string) {
	if len(services) == 0 {
		return
	}
	fmt.Fprintln(w, "IPVS services:")
	for _, s := range services {
		extra := ""
		if s.Persistence > 0 {
			extra += fmt.Sprintf(" persistent %d", s.Persistence)
		}
		if len(s.Flags) > 0 {
			extra += " flags " + strings.Join(s.Flags, ",")
		}
		if s.OnePacket {
			extra += " one-packet"
		}
		fmt.Fprintf(w, "  %s %s%s%s\n", s.Key(), s.Scheduler, extra, mark(s.Key()))
		for _, d := range s.Servers {
			fmt.Fprintf(w, "    -> %s %s weight %d\n", d.Key(), d.Method, d.Weight)
		}
	}
}

func writeAddresses(w io.Writer, addrs []state.Address, mark func(string) string) {
	if len(addrs) == 0 {
		return
	}
	fmt.Fprintln(w, "Addresses:")
	for _, a := range addrs {
		label := ""
		if a.Label != "" && a.Label != a.Interface {
			label = " label " + a.Label
		}
		fmt.Fprintf(w, "  %s dev %s%s%s\n", a.Prefix, a.Interface, label, mark(a.Key()))
	}
}

func writeRoutes(w io.Writer, routes []state.Route, mark func(string) string) {
	if len(routes) == 0 {
		return
	}
	fmt.Fprintln(w, "Routes:")
	for _, r := range routes {
		via := ""
		if r.Gateway.IsValid() {
			via = " via " + r.Gateway.String()
		}
		dev := ""
		if r.Interface != "" {
			dev = " dev " + r.Interface
		}
		fmt.Fprintf(w, "  %s%s%s%s\n", r.Key(), via, dev, mark(r.Key()))
	}
}

// ownedSet lists what the record says lvsctl owns, by address.
func ownedSet(r *state.Record) map[string]bool {
	m := map[string]bool{}
	if r == nil {
		return m
	}
	for k := range r.Services {
		m[plan.Address(plan.KindService, k)] = true
	}
	for _, k := range r.Addresses {
		m[plan.Address(plan.KindAddress, k)] = true
	}
	for _, k := range r.Routes {
		m[plan.Address(plan.KindRoute, k)] = true
	}
	for k := range r.RouteOriginals {
		m[plan.Address(plan.KindRoute, k)] = true
	}
	for k := range r.ServiceOriginals {
		m[plan.Address(plan.KindService, k)] = true
	}
	for k := range r.Sysctls {
		m[plan.Address(plan.KindSysctl, k)] = true
	}
	for _, k := range r.SyncDaemons {
		m[plan.Address(plan.KindSyncDaemon, k)] = true
	}
	return m
}
