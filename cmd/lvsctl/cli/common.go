package cli

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/pflag"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/compile"
	"github.com/lvsctl/lvsctl/engine/config"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/render"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local"
	"github.com/lvsctl/lvsctl/providers/snapshot"
)

// configOptions are the flags of every command that reads a configuration.
type configOptions struct {
	path     string
	vars     []string
	varFiles []string
	targets  []string
	// targetUnsafe plans a targeted run even when its changes need hosts
	// the targets leave out (marked in the plan).
	targetUnsafe bool
	noColor      bool
	stateFile    string
	parallelism  int
	ssh          sshOptions
	// partial goes on without the hosts that cannot be reached (plan,
	// apply), which the session lists in unreachable.
	partial bool
	// all is every host of the configuration, set by loadTargets.
	all []compile.Target
	// cfg is the loaded configuration, set by loadTargets: for graph, and
	// for plan warnings about a block, shown at its place.
	cfg *config.Config
	// lock, set by commands that change hosts, locks each host opened.
	lock *local.LockOptions
	// savedCluster is the cluster of the saved plan being applied.
	savedCluster string
	// unknowns leaves required variables without a value unknown instead
	// of refusing them (validate, as terraform validate does).
	unknowns bool
	// detailed draws every change of a big plan (plan, apply -detailed).
	detailed bool
	// watch shows each host's progress on a terminal (nil: plain lines).
	watch *watch
	// early are agents started while the configuration loads (nil: none).
	early *earlyAgents
}

// hostRun is how this command uses the hosts it opens.
func (o *configOptions) hostRun() hostRun {
	r := hostRun{lock: o.lock, cluster: o.savedCluster}
	if o.cfg != nil {
		r.cluster = o.cfg.Cluster
	}
	return r
}

func (o *configOptions) addFlags(fs *pflag.FlagSet, withState bool) {
	fs.StringArrayVar(&o.vars, "var", nil, "set a variable: `NAME=VALUE` (repeatable)")
	fs.StringArrayVar(&o.varFiles, "var-file", nil, "read variables from `FILE`: HCL name = value lines, or JSON (repeatable)")
	fs.StringArrayVar(&o.targets, "target", nil, "limit to the host `NAME` (repeatable)")
	fs.BoolVar(&o.targetUnsafe, "target-unsafe", false, "with -target, plan changes that need hosts left out (a director sending to a real server not ready yet, a real server dropping its VIP while a director left out still sends to it), marked UNSAFE, instead of refusing")
	fs.BoolVar(&o.noColor, "no-color", false, "never colour the output")
	fs.IntVar(&o.parallelism, "parallelism", cluster.DefaultParallelism, "how many hosts to read or change at once")
	o.ssh.addFlags(fs)
	if withState {
		fs.StringVar(&o.stateFile, "state", "", "plan against the state snapshot `FILE` (written by lvsctl show -o json) instead of the live hosts")
	}
}

// addDetailedFlag is the flag of the commands that print a human plan.
func (o *configOptions) addDetailedFlag(fs *pflag.FlagSet) {
	fs.BoolVar(&o.detailed, "detailed", false, fmt.Sprintf("show every change of a host with more than %d (by default: counts per kind, the first and the last)", render.SummaryFrom))
}

// pathArg is the configuration path: the first argument, or the current directory.
func pathArg(args []string) string {
	if len(args) > 0 {
		return args[0]
	}
	return "."
}

func (o *configOptions) color(stdio IO) bool {
	return !o.noColor && stdio.OutTerminal && os.Getenv("NO_COLOR") == ""
}

// oneOf fails when more than one of the flags set chooses the same thing
// (what, e.g. "how the plan is printed"), rather than silently picking one.
func oneOf(what string, flags ...flagSet) error {
	var set []string
	for _, f := range flags {
		if f.set {
			set = append(set, "-"+f.name)
		}
	}
	if len(set) > 1 {
		return fmt.Errorf("%s each choose %s: pass only one of them", strings.Join(set, " and "), what)
	}
	return nil
}

// flagSet is a flag's name and whether it was given.
type flagSet struct {
	name string
	set  bool
}

// renderOptions draw a plan for stdio, its warnings at their blocks.
func (o *configOptions) renderOptions(stdio IO) render.Options {
	opts := render.Options{Color: o.color(stdio), Detailed: o.detailed}
	if o.cfg != nil {
		opts.Files, opts.Blocks = o.cfg.Files, blockRanges(o.cfg)
	}
	return opts
}

// blockRanges are the places of the configuration's blocks by address, as
// plan warnings name them (`virtual_server "http"`).
func blockRanges(cfg *config.Config) map[string]hcl.Range {
	m := map[string]hcl.Range{}
	for _, d := range cfg.Directors {
		m[fmt.Sprintf("director %q", d.Name)] = d.DefRange
	}
	for _, r := range cfg.RealServers {
		m[fmt.Sprintf("real_server %q", r.Name)] = r.DefRange
	}
	for _, vs := range cfg.VirtualServers {
		m[fmt.Sprintf("virtual_server %q", vs.Name)] = vs.DefRange
	}
	return m
}

// loadTargets loads, validates and compiles the configuration, prints its
// diagnostics (warnings too) and keeps the targets -target names. It
// remembers every host of the configuration in o.all: a targeted run must
// still know the whole cluster.
func loadTargets(stdio IO, o *configOptions) ([]compile.Target, error) {
	if isPlanFile(o.path) {
		return nil, notAConfiguration(o.path)
	}
	vars := map[string]string{}
	for _, v := range o.vars {
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("-var %q: write it as -var 'name=value'", v)
		}
		vars[name] = value
	}
	cfg, diags := config.Load(o.path, config.Options{Vars: vars, VarFiles: o.varFiles, Env: os.Environ(), Unknowns: o.unknowns})
	var targets []compile.Target
	if !diags.HasErrors() {
		var more hcl.Diagnostics
		targets, more = compile.Compile(cfg)
		diags = append(diags, more...)
	}
	if len(diags) > 0 {
		var files map[string]*hcl.File
		if cfg != nil {
			files = cfg.Files
		}
		if err := render.Diagnostics(stdio.Err, files, diags, 100, o.color(stdio)); err != nil {
			return nil, err
		}
	}
	if diags.HasErrors() {
		return nil, errReported
	}
	if len(targets) == 0 {
		// An empty file is more often a mistake (a plan cut short, the
		// wrong path) than a cluster.
		return nil, fmt.Errorf("%s declares no director or real_server, so there is nothing to do: add the cluster's hosts (see the configuration reference in the README), or check the path", o.path)
	}
	o.all, o.cfg = targets, cfg
	return selectTargets(targets, o.targets)
}

// selectTargets keeps the named targets, all of them when none are named.
func selectTargets(all []compile.Target, names []string) ([]compile.Target, error) {
	if len(names) == 0 {
		return all, nil
	}
	var known []string
	for _, t := range all {
		known = append(known, t.Desired.Name)
	}
	var out []compile.Target
	for _, n := range names {
		if !slices.Contains(known, n) {
			return nil, fmt.Errorf("-target %s: no director or real_server of that name; the configuration has: %s", n, strings.Join(known, ", "))
		}
	}
	for _, t := range all {
		if slices.Contains(names, t.Desired.Name) {
			out = append(out, t)
		}
	}
	return out, nil
}

// session is the hosts one command works with: the targets, and the hosts
// found removed from the configuration while planning. close releases them all.
type session struct {
	members    []cluster.Member
	configured map[string]state.Peer
	snap       *state.Snapshot
	snapPath   string
	opts       *configOptions
	// unreachable holds why hosts could not be reached, when the command
	// goes on without them; down names those hosts, whose dependent
	// changes the plan holds back.
	unreachable []error
	down        []cluster.Down
	held        []cluster.Held
	// left are the hosts of the configuration the targets leave out; with
	// rsAddress, what a targeted plan is checked against.
	left         []compile.Target
	rsAddress    map[string]netip.Addr
	targetUnsafe bool
}

// openSession connects to every target (or serves it from the snapshot).
func openSession(ctx context.Context, targets []compile.Target, o *configOptions) (*session, error) {
	s := &session{configured: map[string]state.Peer{}, snapPath: o.stateFile, opts: o, rsAddress: map[string]netip.Addr{}, targetUnsafe: o.targetUnsafe}
	for _, t := range o.all {
		s.configured[t.Desired.Name] = state.Peer{Role: t.Desired.Role, Connection: t.Connection}
		if !slices.ContainsFunc(targets, func(x compile.Target) bool { return x.Desired.Name == t.Desired.Name }) {
			s.left = append(s.left, t)
		}
	}
	if o.cfg != nil {
		for _, rs := range o.cfg.RealServers {
			s.rsAddress[rs.Name] = rs.Address
		}
	}
	if o.stateFile != "" {
		snap, err := snapshot.Load(o.stateFile)
		if err != nil {
			return nil, err
		}
		s.snap = &snap
	}
	if s.snap == nil {
		for _, t := range targets {
			o.watch.set(t.Desired.Name, "waiting")
		}
	}
	// In parallel: over SSH each host takes a few round trips to reach.
	hosts := make([]cluster.Host, len(targets))
	errs := make([]error, len(targets))
	err := cluster.Each(ctx, len(targets), o.parallelism, func(ctx context.Context, i int) error {
		h, err := s.open(ctx, targets[i].Desired.Name, targets[i].Connection)
		if err == nil { // a failed open may return a typed nil
			hosts[i] = h
		}
		errs[i] = err
		return err
	})
	for i, t := range targets {
		if hosts[i] != nil {
			s.members = append(s.members, cluster.Member{Desired: t.Desired, Host: hosts[i], Connection: t.Connection})
		} else if errs[i] != nil {
			s.down = append(s.down, cluster.Down{Desired: t.Desired, Err: errs[i]})
		}
	}
	if err != nil && o.partial && len(s.members) > 0 && ctx.Err() == nil {
		s.unreachable = append(s.unreachable, err)
		return s, nil
	}
	if err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *session) open(ctx context.Context, name string, conn state.Connection) (cluster.Host, error) {
	if s.snap != nil {
		return s.opts.openHost(ctx, name, conn, s.snap, s.snapPath)
	}
	s.opts.watch.set(name, "connecting")
	h, err := s.opts.openHost(ctx, name, conn, s.snap, s.snapPath)
	if err != nil {
		s.opts.watch.set(name, "unreachable: "+strings.TrimPrefix(firstLineOf(err), "host "+name+": "))
		return h, err
	}
	s.opts.watch.set(name, "connected")
	return s.opts.watch.wrap(name, h), nil
}

// plan reads the hosts and diffs them; hosts found removed from the
// configuration join the session.
func (s *session) plan(ctx context.Context, parallelism int) (plan.Plan, error) {
	p, removed, err := cluster.Plan(ctx, s.members, cluster.Options{
		Parallelism: parallelism, Configured: s.configured, Open: s.open,
	})
	s.members = append(s.members, removed...)
	if err != nil {
		return p, err
	}
	if len(s.unreachable) > 0 {
		s.held = cluster.HoldBack(&p, s.down, s.rsAddress)
	}
	if len(s.left) == 0 {
		return p, nil
	}
	return p, s.checkTargets(ctx, &p, parallelism)
}

// unreachableError says which hosts a partial command left out.
func (s *session) unreachableError() error {
	if len(s.unreachable) == 0 {
		return nil
	}
	return fmt.Errorf("some hosts could not be reached and are not in the plan above (changes that depend on them are held back); reach them and plan again:\n%w", errors.Join(s.unreachable...))
}

// hosts maps each host's name to its connection, for apply.
func (s *session) hosts() map[string]cluster.Host {
	m := map[string]cluster.Host{}
	for _, mb := range s.members {
		m[mb.Desired.Name] = mb.Host
	}
	return m
}

// connections says how to reach each host, for a saved plan.
func (s *session) connections() map[string]state.Connection {
	m := map[string]state.Connection{}
	for _, mb := range s.members {
		m[mb.Desired.Name] = mb.Connection
	}
	return m
}

func (s *session) close() {
	for _, m := range s.members {
		_ = m.Host.Close()
	}
	s.members = nil
}

// notAConfiguration answers a saved plan or a snapshot given where a
// configuration belongs with what to do with it instead.
func notAConfiguration(path string) error {
	b, err := os.ReadFile(path)
	if err == nil && isSnapshot(b) {
		return fmt.Errorf("%s is a state snapshot (`lvsctl show -o json`), not a configuration: plan against it with `lvsctl plan --state %s CONFIG`", path, path)
	}
	return fmt.Errorf("%s is a saved plan, not a configuration: apply it with `lvsctl apply %s`, or read it with `lvsctl show %s`", path, path, path)
}
