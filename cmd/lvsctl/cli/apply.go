package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/lvsctl/lvsctl/engine/apply"
	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/render"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local"
)

type applyOptions struct {
	configOptions
	autoApprove bool
	// destroy plans every host's desired state as empty: remove all that
	// lvsctl made there and put back what it changed.
	destroy bool
	// verbose lists every change done, however many.
	verbose bool
	// lockTimeout is how long to wait for another run holding a host's lock.
	lockTimeout time.Duration
	// noDrain removes servers without waiting for their connections.
	noDrain bool
	// noRollback leaves what a failed apply made.
	noRollback bool
	// noBoot makes the hosts forget the state kept for boot (and drop the
	// boot unit with the last cluster) instead of keeping it.
	noBoot bool
}

// addApplyFlags are the flags apply and destroy share beyond the configuration's.
func (o *applyOptions) addApplyFlags(fs *pflag.FlagSet, verb string) {
	fs.BoolVar(&o.autoApprove, "auto-approve", false, verb+" without asking for confirmation")
	o.addDetailedFlag(fs)
	fs.BoolVarP(&o.verbose, "verbose", "v", false, "print a line for every change done (by default a step of more than 10 changes on a host is one line of counts; failures are always printed)")
	fs.DurationVar(&o.lockTimeout, "lock-timeout", 0, "wait up to `DURATION` (e.g. 5m) for another run holding a host's lock; 0 fails at once, naming the holder")
	fs.BoolVar(&o.noRollback, "no-rollback", false, "when a change fails, leave what this run made so far instead of undoing it")
	fs.BoolVar(&o.noDrain, "no-drain", false, "remove servers without waiting for their active connections to close (they still go to weight 0 first)")
	if verb == "apply" {
		fs.BoolVar(&o.noBoot, "no-boot", false, "do not keep the applied state on the hosts for lvsctl boot (what an earlier apply kept is forgotten, and the boot unit goes with the last cluster on a host)")
	}
}

// recordPeersAndBoot records the cluster's membership on each host, and
// keeps each host's applied state for `lvsctl boot`, or makes it forget it
// (destroy, -no-boot): one request per host. applied says the plan had
// changes, which a failure of the membership then follows.
func (o *applyOptions) recordPeersAndBoot(ctx context.Context, p plan.Plan, hosts map[string]cluster.Host, applied bool) error {
	peersErr, bootErr := apply.RecordPeersAndBoot(ctx, p, hosts, o.parallelism, apply.BootOptions{Disabled: o.noBoot, Root: os.Getenv(local.BootRootEnv)})
	if peersErr != nil && applied {
		peersErr = fmt.Errorf("the changes are applied, but recording the cluster's hosts failed (a host removed from the configuration later may not be found): %w", peersErr)
	}
	if bootErr != nil {
		bootErr = fmt.Errorf("the hosts match the configuration, but keeping their state for boot failed (they will not restore it by themselves after a reboot; apply again): %w", bootErr)
	}
	return errors.Join(peersErr, bootErr)
}

func newApplyCommand(stdio IO) *cobra.Command {
	var o applyOptions
	cmd := &cobra.Command{
		Annotations: map[string]string{changesHostsKey: "true"},
		Use:         "apply [PATH | PLANFILE]",
		Short:       "Make the hosts match the configuration",
		Long: `Apply plans like ` + "`lvsctl plan`" + `, shows the plan, asks for confirmation, and
carries it out: real servers are prepared first (ARP suppression before the
VIP), then the directors change (new servers before old ones leave, leaving
servers drained to weight 0 first), then real servers drop what is no longer
used. Afterwards it reads back what it changed and checks it matches.

Given a plan file saved by ` + "`plan -out`" + `, it applies exactly that plan, and
refuses if any host changed since the plan was made.`,
		Example: `  lvsctl apply examples/dr-lab.hcl
  lvsctl apply -auto-approve -target web1 ./cluster
  lvsctl plan -out cluster.plan ./cluster && lvsctl apply cluster.plan`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.path = pathArg(args)
			return runApply(cmd.Context(), stdio, &o)
		},
	}
	o.addFlags(cmd.Flags(), false)
	o.addApplyFlags(cmd.Flags(), "apply")
	return cmd
}

func runApply(ctx context.Context, stdio IO, o *applyOptions) error {
	o.lock = lockOptions(o.lockTimeout)
	p, hosts, down, fromFile, err := applyInputs(ctx, stdio, o)
	if err != nil {
		return err
	}
	defer func() {
		for _, h := range hosts {
			_ = h.Close()
		}
	}()
	if fromFile {
		err := apply.CheckFresh(ctx, p, hosts, o.parallelism)
		o.watch.clear() // its reads showed on the board; the plan goes there
		if err != nil {
			return err
		}
	}
	if err := render.Human(stdio.Out, p, o.renderOptions(stdio)); err != nil {
		return err
	}
	if !p.HasChanges() {
		// Nothing to change, but the hosts may not know the cluster yet,
		// nor keep its state for boot.
		if err := o.recordPeersAndBoot(ctx, p, hosts, false); err != nil || len(down.down) == 0 {
			return err
		}
		return down.report(stdio.Out, p)
	}
	// A saved plan was reviewed when it was made; that is its point.
	if !o.autoApprove && !fromFile {
		ok, err := confirm(stdio)
		if err != nil {
			return err
		}
		if !ok {
			return &exitError{code: 1, err: errors.New("apply cancelled; nothing was changed")}
		}
	}
	fmt.Fprintln(stdio.Out)
	// On a terminal, each host's line shows how it goes, the lines of
	// what was done scroll above.
	out := o.watch.out(stdio.Out)
	pr := newProgress(out, p, o.verbose)
	o.watch.applying(p)
	for _, d := range down.down {
		o.watch.set(d.Desired.Name, "unreachable")
	}
	defer o.watch.stop()
	opts := apply.Options{Parallelism: o.parallelism, Progress: pr.report, NoDrain: o.noDrain,
		NoRollback: o.noRollback, Drain: drainProgress(out, &pr.mu)}
	if err := apply.Apply(ctx, p, hosts, opts); err != nil {
		return errors.Join(err, down.err())
	}
	for _, hp := range p.Hosts {
		o.watch.set(hp.Host, "verifying")
	}
	if err := apply.Verify(ctx, p, hosts, o.parallelism); err != nil {
		return err
	}
	for _, hp := range p.Hosts {
		status := fmt.Sprintf("done %d/%d", len(hp.Changes), len(hp.Changes))
		if len(hp.Changes) == 0 {
			status = "no changes"
		}
		if n := len(hp.HeldBack); n > 0 {
			status += fmt.Sprintf(", %d held back", n)
		}
		o.watch.set(hp.Host, status)
	}
	o.watch.stop()
	if err := o.recordPeersAndBoot(ctx, p, hosts, true); err != nil {
		return err
	}
	if len(down.down) > 0 {
		return down.report(stdio.Out, p)
	}
	add, change, destroy := p.Counts()
	fmt.Fprintf(stdio.Out, "\nApply complete! %d added, %d changed, %d destroyed. The hosts match the configuration.\n", add, change, destroy)
	return nil
}

// unreached are the hosts an apply went on without, and the changes it
// held back for them.
type unreached struct {
	down []cluster.Down
	held []cluster.Held
}

// report says, per host, how an apply that went on without the hosts that
// could not be reached ended: what was applied, what was held back and for
// which host, and why each host down could not be reached. It fails, so
// that scripts and CI see the cluster is not yet as configured.
func (u unreached) report(w io.Writer, p plan.Plan) error {
	add, change, destroy := p.Counts()
	fmt.Fprintf(w, "\nApply incomplete: %d added, %d changed, %d destroyed; %d change(s) held back; %d host(s) could not be reached:\n",
		add, change, destroy, len(u.held), len(u.down))
	needs := map[string][]string{}
	for _, h := range u.held {
		for _, n := range h.Needs {
			if !slices.Contains(needs[h.Host], n) {
				needs[h.Host] = append(needs[h.Host], n)
			}
		}
	}
	type line struct{ host, text string }
	var lines []line
	for _, hp := range p.Hosts {
		text := fmt.Sprintf("applied %d change(s)", len(hp.Changes))
		if len(hp.Changes) == 0 {
			text = "no changes to apply"
		}
		if n := len(hp.HeldBack); n > 0 {
			text += fmt.Sprintf("; held back %d: depends on %s, which could not be reached", n, strings.Join(needs[hp.Host], ", "))
		}
		lines = append(lines, line{hp.Host, text})
	}
	for _, d := range u.down {
		lines = append(lines, line{d.Desired.Name, fmt.Sprintf("unreachable: %v", d.Err)})
	}
	slices.SortFunc(lines, func(a, b line) int { return plan.NaturalCompare(a.host, b.host) })
	for _, l := range lines {
		fmt.Fprintf(w, "  %s: %s\n", l.host, l.text)
	}
	return u.err()
}

// err says which hosts could not be reached and what to do; nil when all were.
func (u unreached) err() error {
	if len(u.down) == 0 {
		return nil
	}
	var names []string
	for _, d := range u.down {
		names = append(names, d.Desired.Name)
	}
	return fmt.Errorf("%s could not be reached: the changes that depend on %s were held back; reach %s and apply again",
		strings.Join(names, ", "), plural(len(names), "it", "them"), plural(len(names), "it", "them"))
}

// drainProgress prints how each host's drain goes: when its count of open
// connections changes, every 10 s otherwise, and when it ends.
func drainProgress(w io.Writer, mu *sync.Mutex) func(apply.DrainStatus) {
	type shown struct {
		active uint64
		at     time.Time
	}
	last := map[string]shown{}
	return func(st apply.DrainStatus) {
		mu.Lock()
		defer mu.Unlock()
		prev, seen := last[st.Host]
		now := time.Now()
		switch {
		case st.Done:
			for _, s := range st.TimedOut {
				fmt.Fprintf(w, "%s: %s: drain timed out; removed with connections still open\n", st.Host, s)
			}
			if seen && len(st.TimedOut) == 0 {
				fmt.Fprintf(w, "%s: drained: no active connections left\n", st.Host)
			}
		case !seen || prev.active != st.Active || now.Sub(prev.at) >= 10*time.Second:
			fmt.Fprintf(w, "%s: draining %d server(s): %d active connection(s) left, removed anyway in %s\n",
				st.Host, st.Servers, st.Active, st.Left.Round(time.Second))
			last[st.Host] = shown{st.Active, now}
		}
	}
}

// applyInputs makes the plan from the configuration, or reads a saved one,
// and opens the hosts it touches. The caller closes the hosts.
func applyInputs(ctx context.Context, stdio IO, o *applyOptions) (plan.Plan, map[string]cluster.Host, unreached, bool, error) {
	if err := refuseEmpty(o.path); err != nil {
		return plan.Plan{}, nil, unreached{}, false, err
	}
	if isPlanFile(o.path) {
		if len(o.targets)+len(o.vars)+len(o.varFiles) > 0 {
			return plan.Plan{}, nil, unreached{}, false, fmt.Errorf("%s is a saved plan, applied exactly as it was made: -target, -var and -var-file choose what is planned; pass them to `lvsctl plan -out FILE` instead", o.path)
		}
		saved, err := readPlanFile(o.path)
		p := saved.Plan
		if err != nil {
			return plan.Plan{}, nil, unreached{}, false, err
		}
		hosts := map[string]cluster.Host{}
		fail := func(err error) (plan.Plan, map[string]cluster.Host, unreached, bool, error) {
			for _, h := range hosts {
				_ = h.Close()
			}
			return plan.Plan{}, nil, unreached{}, false, err
		}
		for _, hp := range p.Hosts {
			if _, ok := saved.Connections[hp.Host]; !ok {
				return fail(fmt.Errorf("%s: no connection for host %s: save the plan again with `lvsctl plan -out`", o.path, hp.Host))
			}
		}
		o.savedCluster = saved.Cluster
		o.watch = newWatch(terminalBoard(stdio))
		for _, hp := range p.Hosts {
			o.watch.set(hp.Host, "waiting")
		}
		// In parallel, as for a plan: over SSH each host takes a few round
		// trips to reach.
		var mu sync.Mutex
		err = cluster.Each(ctx, len(p.Hosts), o.parallelism, func(ctx context.Context, i int) error {
			name := p.Hosts[i].Host
			o.watch.set(name, "connecting")
			h, err := o.openHost(ctx, name, saved.Connections[name], nil, "")
			if err != nil {
				o.watch.set(name, "unreachable: "+strings.TrimPrefix(firstLineOf(err), "host "+name+": "))
				return err
			}
			o.watch.set(name, "connected")
			mu.Lock()
			hosts[name] = o.watch.wrap(name, h)
			mu.Unlock()
			return nil
		})
		o.watch.clear()
		if err != nil {
			return fail(err)
		}
		return p, hosts, unreached{}, true, nil
	}
	// As plan does: namespaced hosts' agents start while the file loads.
	o.early = startEarly(ctx, &o.configOptions)
	defer o.early.close()
	targets, err := loadTargets(stdio, &o.configOptions)
	if err != nil {
		return plan.Plan{}, nil, unreached{}, false, err
	}
	if o.destroy {
		for i := range targets {
			targets[i].Desired = state.Host{Name: targets[i].Desired.Name, Role: targets[i].Desired.Role}
		}
	}
	// The hosts that can be reached are applied; what depends on those
	// that cannot is held back (cluster.HoldBack).
	o.partial = true
	o.watch = newWatch(terminalBoard(stdio))
	sess, err := openSession(ctx, targets, &o.configOptions)
	o.early.close() // those the configuration does not use
	if err != nil {
		o.watch.clear()
		return plan.Plan{}, nil, unreached{}, false, err
	}
	p, err := sess.plan(ctx, o.parallelism)
	o.watch.clear()
	if err != nil {
		sess.close()
		return plan.Plan{}, nil, unreached{}, false, errors.Join(err, sess.unreachableError())
	}
	return p, sess.hosts(), unreached{sess.down, sess.held}, false, nil
}

// isPlanFile tells a saved plan from a configuration by content: a plan is
// JSON, a configuration is HCL or a directory.
func isPlanFile(path string) bool {
	first, _ := firstByte(path)
	return first == '{'
}

// firstByte is the first byte of a regular file that is not white space: 0
// for a directory, an unreadable file, or a file with nothing in it (then
// empty is true).
func firstByte(path string) (first byte, empty bool) {
	st, err := os.Stat(path)
	if err != nil || st.IsDir() {
		return 0, false
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	r := bufio.NewReader(f)
	for {
		b, err := r.ReadByte()
		if err != nil {
			return 0, err == io.EOF
		}
		if !strings.ContainsRune(" \t\r\n", rune(b)) {
			return b, false
		}
	}
}

// refuseEmpty stops apply from reading an empty file as a configuration
// with nothing in it: such a file is most often a plan that was cut short.
func refuseEmpty(path string) error {
	if _, empty := firstByte(path); empty {
		return fmt.Errorf("%s is empty: it is neither a saved plan nor a configuration. If it should be a plan, it was cut short: save it again with `lvsctl plan -out %s`", path, path)
	}
	return nil
}

// confirm asks on the terminal; without one it refuses rather than guess.
func confirm(stdio IO) (bool, error) {
	if !stdio.InTerminal {
		return false, errors.New("apply needs confirmation but standard input is not a terminal: review the plan and run again with -auto-approve, or save it with `plan -out FILE` and apply that file")
	}
	fmt.Fprint(stdio.Out, "\nDo you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
	line, err := bufio.NewReader(stdio.In).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	return strings.TrimSpace(line) == "yes", nil
}
