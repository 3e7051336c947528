package convert

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/lvsctl/lvsctl/engine/compile"
	"github.com/lvsctl/lvsctl/engine/config"
	"github.com/lvsctl/lvsctl/engine/render"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Options change how the cluster is written.
type Options struct {
	// Netns reaches each host in the network namespace of its name
	// (netns = "NAME"), as in a lab; otherwise several hosts are reached
	// over SSH, by address where known.
	Netns bool
	// Connections, when a host is in it, says how that host is reached
	// (lvsctl import of live hosts keeps the connections it read them by).
	Connections map[string]state.Connection
}

// Result is a converted cluster: the HCL and every note, in order.
type Result struct {
	HCL   []byte
	Notes []Note
}

// Incomplete reports whether the output leaves out something the inputs
// do, or does something they do not (exit status 2).
func (r *Result) Incomplete() bool {
	for _, n := range r.Notes {
		if n.Kind.Incomplete() {
			return true
		}
	}
	return false
}

// Convert builds the cluster the hosts describe, writes it, and checks it
// the way lvsctl will use it: the HCL is loaded and compiled, and each
// host's derived state is compared with what its inputs did. Every
// difference becomes a note. An error means the written HCL does not
// validate, which is a bug in the converter.
func Convert(hosts []*Host, opts Options) (*Result, error) {
	c := Build(hosts)
	c.Netns = opts.Netns
	c.Connections = opts.Connections
	if len(c.Directors)+len(c.RealServers) == 0 {
		var files []string
		for _, h := range hosts {
			files = append(files, h.Files...)
		}
		c.Notes = append(c.Notes, Note{Pos: Pos{File: strings.Join(files, ", ")}, Kind: Info,
			Why: "the inputs leave no LVS state behind; if a script took the wrong branch, choose it with --arg or --branch"})
	}
	out := Write(c)
	targets, err := compileHCL(out)
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		key := string(t.Desired.Role) + " " + t.Desired.Name
		if t.Desired.Role == state.RoleDirector {
			key = "director " + t.Desired.Name
		}
		h := c.hosts[key]
		if h == nil {
			continue
		}
		c.Notes = append(c.Notes, compare(t.Desired, h, key, c.isVIP)...)
	}
	sortNotes(c.Notes)
	return &Result{HCL: Write(c), Notes: c.Notes}, nil
}

// Stderr returns the notes to print, each once: several hosts converted
// from one script share its notes.
func (r *Result) Stderr() []Note {
	var out []Note
	seen := map[Note]bool{}
	for _, n := range r.Notes {
		k := n
		k.Target = ""
		if !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	return out
}

// compileHCL loads and compiles HCL the way `lvsctl validate` does.
func compileHCL(src []byte) ([]compile.Target, error) {
	dir, err := os.MkdirTemp("", "lvsctl-convert-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "converted.hcl")
	if err := os.WriteFile(path, src, 0o600); err != nil {
		return nil, err
	}
	cfg, diags := config.Load(path, config.Options{})
	var targets []compile.Target
	if !diags.HasErrors() {
		var more hcl.Diagnostics
		targets, more = compile.Compile(cfg)
		diags = append(diags, more...)
	}
	if diags.HasErrors() {
		var buf bytes.Buffer
		_ = render.Diagnostics(&buf, cfg.Files, diags, 100, false)
		return nil, fmt.Errorf("the converted configuration does not validate (a converter bug; please report it with the input):\n%s\n%s", buf.String(), src)
	}
	return targets, nil
}

// compare reports where the state lvsctl derives for a host differs from
// what the host's inputs did.
func compare(want state.Host, h *Host, target string, isVIP func(netip.Addr) bool) []Note {
	var notes []Note
	everywhere := Pos{File: strings.Join(h.Files, ", ")}
	add := func(origin string, kind Kind, what, why string) {
		pos, ok := h.Origin(origin)
		if !ok {
			pos = everywhere
		}
		notes = append(notes, Note{Pos: pos, Kind: kind, What: what, Why: why, Target: target})
	}
	director := want.Role == state.RoleDirector

	matchByKey(h.State.Addresses, want.Addresses, state.Address.Key, func(a state.Address, w *state.Address) {
		what := "address " + describeAddress(a)
		switch {
		case w != nil && w.Label != a.Label:
			add("addr:"+a.Key(), LeftOut, what, fmt.Sprintf("lvsctl labels it %s: a vip block's label must start with the interface name and fit in %d bytes", labelOf(*w), state.MaxLabelLen))
		case w != nil && w.Scope != a.Scope:
			add("addr:"+a.Key(), LeftOut, what, "lvsctl gives it scope "+scopeOf(*w))
		case w != nil:
		case isVIP(a.Prefix.Addr()):
			add("addr:"+a.Key(), LeftOut, what, "lvsctl places a VIP once on a host (a vip block chooses where); this other address of it is not kept")
		case director && a.Interface != "lo" && a.Label != "":
			add("addr:"+a.Key(), LeftOut, what, "an alias that is no service's VIP (a fwmark service's VIP is in its iptables rule): lvsctl places only the VIPs of a director's services")
		case director && a.Interface != "lo":
			add("addr:"+a.Key(), LeftOut, what, "the director's own address is not managed by lvsctl; it stays as the system configures it")
		default:
			add("addr:"+a.Key(), LeftOut, what, "lvsctl manages only the VIPs it derives or a vip block declares; this address is not one of them")
		}
	}, func(a state.Address) {
		add("", Differs, "address "+describeAddress(a), "lvsctl derives this address, which the input does not add")
	})
	matchByKey(h.State.Routes, want.Routes, state.Route.Key, func(r state.Route, w *state.Route) {
		what := "route " + describeRoute(r)
		switch {
		case w != nil && (w.Gateway != r.Gateway || w.Interface != r.Interface):
			add("route:"+r.Key(), LeftOut, what, "lvsctl derives it as "+describeRoute(*w))
		case w != nil:
		case h.skip["route:"+r.Key()] != "":
			add("route:"+r.Key(), LeftOut, what, "not written as a route block: "+h.skip["route:"+r.Key()])
		default:
			add("route:"+r.Key(), LeftOut, what, "this route is not derived and could not be kept")
		}
	}, func(r state.Route) {
		add("", Differs, "route "+describeRoute(r), "lvsctl derives this route, which the input does not add")
	})

	for _, s := range h.State.Sysctls {
		v, ok := want.Sysctl(s.Name)
		what := fmt.Sprintf("sysctl %s=%s", s.Name, s.Value)
		switch {
		case !ok && h.skip["sysctl:"+s.Name] != "":
			add("sysctl:"+s.Name, LeftOut, what, "validation would refuse it in sysctls: "+h.skip["sysctl:"+s.Name])
		case !ok:
			add("sysctl:"+s.Name, LeftOut, what, "not written (a converter bug; please report it)")
		case v != s.Value && h.skip["sysctl:"+s.Name] != "":
			add("sysctl:"+s.Name, LeftOut, what, "lvsctl derives "+v+" here, and validation would refuse the input's value in sysctls: "+h.skip["sysctl:"+s.Name])
		case v != s.Value:
			add("sysctl:"+s.Name, LeftOut, what, "lvsctl derives "+v+" here")
		}
	}
	for _, s := range want.Sysctls {
		if _, ok := h.State.Sysctl(s.Name); !ok {
			add("", Differs, fmt.Sprintf("sysctl %s=%s", s.Name, s.Value), "lvsctl derives this setting, which the input does not make")
		}
	}
	matchByKey(h.State.SyncDaemons, want.SyncDaemons, state.SyncDaemon.Key, func(d state.SyncDaemon, w *state.SyncDaemon) {
		what := "sync daemon " + d.State
		switch {
		case w == nil && h.skip["sync:"+d.State] != "":
			add("sync:"+d.State, LeftOut, what, h.skip["sync:"+d.State])
		case w == nil || *w != d:
			add("sync:"+d.State, Differs, what, "the output differs from the input (a converter bug; please report it)")
		}
	}, func(d state.SyncDaemon) {
		add("", Differs, "sync daemon "+d.State, "lvsctl starts it, which the input does not (a converter bug; please report it)")
	})

	for _, s := range h.State.Services {
		i := findService(want.Services, s.Key())
		switch {
		case i < 0 && h.skip["svc:"+s.Key()] != "":
			// reported when the cluster was built
		case i < 0:
			add("svc:"+s.Key(), LeftOut, "service "+s.Key(), "missing from the output (a converter bug; please report it)")
		case !sameService(normalizeService(want.Services[i]), normalizeService(s)):
			add("svc:"+s.Key(), Differs, "service "+s.Key(), "the output differs from the input (a converter bug; please report it)")
		}
	}
	if h.State.Timeouts != nil && (want.Timeouts == nil || *want.Timeouts != *h.State.Timeouts) {
		add("timeouts", Differs, "timeouts", "the output differs from the input (a converter bug; please report it)")
	}
	return notes
}

// matchByKey pairs what the input did (have) with what lvsctl derives
// (want) by key: have calls onHave with its match or nil, and onExtra gets
// every derived item the input did not have.
func matchByKey[T any](have, want []T, key func(T) string, onHave func(T, *T), onExtra func(T)) {
	byKey := map[string]int{}
	for i, w := range want {
		byKey[key(w)] = i
	}
	matched := map[int]bool{}
	for _, x := range have {
		if i, ok := byKey[key(x)]; ok {
			matched[i] = true
			onHave(x, &want[i])
			continue
		}
		onHave(x, nil)
	}
	for i, w := range want {
		if !matched[i] {
			onExtra(w)
		}
	}
}

func findService(svcs []state.Service, key string) int {
	for i, s := range svcs {
		if s.Key() == key {
			return i
		}
	}
	return -1
}

func normalizeService(s state.Service) state.Service {
	s.Name = ""
	for i := range s.Servers {
		if s.Servers[i].Method == "tun" && s.Servers[i].TunnelType == "" {
			s.Servers[i].TunnelType = "ipip"
		}
	}
	return s
}

func labelOf(a state.Address) string {
	if a.Label == "" {
		return "with no label"
	}
	return a.Label
}

func scopeOf(a state.Address) string {
	if a.Scope == "" {
		return "global"
	}
	return a.Scope
}

func describeAddress(a state.Address) string {
	s := a.Prefix.String() + " on " + a.Interface
	if a.Label != "" {
		s += " (label " + a.Label + ")"
	}
	if a.Scope != "" {
		s += " scope " + a.Scope
	}
	return s
}

func describeRoute(r state.Route) string {
	s := r.Destination.String()
	if r.Gateway.IsValid() {
		s += " via " + r.Gateway.String()
	}
	if r.Interface != "" {
		s += " dev " + r.Interface
	}
	if r.Metric != 0 {
		s += fmt.Sprintf(" metric %d", r.Metric)
	}
	return s
}
