package apply

import (
	"context"
	"errors"
	"fmt"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// BootOptions say what RecordBoot leaves on the hosts.
type BootOptions struct {
	// Disabled makes every host of the plan forget its stored state (and
	// drop the boot unit when no cluster there has one left): apply
	// -no-boot. A host whose desired state says NoBoot (boot = false)
	// forgets it always.
	Disabled bool
	// Root is where hosts install the boot unit ("" is their own /).
	Root string
}

// RecordBoot gives every host of the plan its desired state to keep for
// boot (`lvsctl boot` re-applies it when the machine starts), after a
// successful apply, as RecordPeers does the membership. A host with nothing
// desired (destroy, a removed host) or a disabled boot is made to forget it.
func RecordBoot(ctx context.Context, p plan.Plan, hosts map[string]cluster.Host, parallelism int, opts BootOptions) error {
	return cluster.Each(ctx, len(p.Hosts), parallelism, func(ctx context.Context, i int) error {
		hp := p.Hosts[i]
		if len(hp.HeldBack) > 0 {
			// Not at its desired state: what an earlier apply kept stays,
			// rather than a state that would make at boot what was held
			// back.
			return nil
		}
		h, ok := hosts[hp.Host]
		if !ok {
			return fmt.Errorf("host %s: no connection to keep its boot state with (internal error)", hp.Host)
		}
		_, err := h.Apply(ctx, []plan.Change{bootChange(hp, opts)})
		return err
	})
}

// bootChange is the change that keeps (or forgets) host hp's desired state
// for boot.
func bootChange(hp plan.HostPlan, opts BootOptions) plan.Change {
	b := &plan.Boot{Root: opts.Root}
	if d := hp.Desired; !opts.Disabled && !d.NoBoot && !hp.Removed && !empty(d) {
		d.Name, d.Role = hp.Host, hp.Role
		b.Desired = &d
	}
	return plan.Change{
		Kind: plan.KindBoot, Action: plan.Update, Address: "state kept for boot",
		After: &plan.Resource{Boot: b},
	}
}

// RecordPeersAndBoot is RecordPeers then RecordBoot, in one request per
// host rather than two (over SSH, a round trip each; on the host, the
// record read once): each host records the membership, then keeps its
// state for boot. A host whose membership could not be recorded does not
// go on to its boot state, as RecordBoot did not run after a failed
// RecordPeers. It returns the failures of each apart, for the caller to
// say which bookkeeping failed.
func RecordPeersAndBoot(ctx context.Context, p plan.Plan, hosts map[string]cluster.Host, parallelism int, opts BootOptions) (peersErr, bootErr error) {
	peersErrs := make([]error, len(p.Hosts))
	bootErrs := make([]error, len(p.Hosts))
	_ = cluster.Each(ctx, len(p.Hosts), parallelism, func(ctx context.Context, i int) error {
		hp := p.Hosts[i]
		var changes []plan.Change
		if p.Peers != nil {
			changes = append(changes, peersChange(p, hp))
		}
		// A host held back is not at its desired state: what an earlier
		// apply kept for boot stays (see RecordBoot).
		withBoot := len(hp.HeldBack) == 0
		if withBoot {
			changes = append(changes, bootChange(hp, opts))
		}
		if len(changes) == 0 {
			return nil
		}
		h, ok := hosts[hp.Host]
		if !ok {
			peersErrs[i] = fmt.Errorf("host %s: no connection to record the cluster with (internal error)", hp.Host)
			return nil
		}
		results, err := h.Apply(ctx, changes)
		if err == nil {
			return nil
		}
		// The boot state failed when it was the one change or the
		// membership before it is in the results as made.
		if withBoot && (len(changes) == 1 || (len(results) > 0 && results[0].Error == "")) {
			bootErrs[i] = err
		} else {
			peersErrs[i] = err
		}
		return nil
	})
	return errors.Join(peersErrs...), errors.Join(bootErrs...)
}

// empty reports whether a desired state asks for nothing on its host: there
// is nothing to restore at boot.
func empty(d state.Host) bool {
	return len(d.Services) == 0 && len(d.Addresses) == 0 && len(d.Routes) == 0 && len(d.Sysctls) == 0 &&
		len(d.SyncDaemons) == 0 && d.Timeouts == nil && !d.OwnAllServices
}

// Restored is what Restore did on a host.
type Restored struct {
	// Changes are those the kept state needed, in the host's order;
	// Results say which were made (the failed one last).
	Changes []plan.Change
	Results []plan.Result
}

// Restore makes host h match desired again, as `lvsctl boot` does with the
// state the last apply kept: it reads the host, plans the difference
// (honouring the host's ownership record), applies it in the host's order
// (ARP settings before VIPs, VIPs before services) and reads the host back.
// Removed servers are not drained: nothing runs through a host that is
// starting.
func Restore(ctx context.Context, h cluster.Host, desired state.Host) (Restored, error) {
	read := func() (state.Host, error) {
		live, err := h.Read(ctx, cluster.ReadRequestFor(desired))
		live.Name, live.Role = desired.Name, desired.Role
		return live, err
	}
	live, err := read()
	if err != nil {
		return Restored{}, fmt.Errorf("read host %s: %w", desired.Name, err)
	}
	r := Restored{Changes: plan.Diff(desired, live).Changes}
	if len(r.Changes) == 0 {
		return r, nil
	}
	r.Results, err = h.Apply(ctx, r.Changes)
	if err != nil {
		return r, err
	}
	// Read back as Verify does: what the restore touched.
	only := TouchedServices(r.Changes)
	if live, err = ReadTouched(ctx, h, desired, only); err != nil {
		return r, fmt.Errorf("read host %s back: %w", desired.Name, err)
	}
	if left := plan.Diff(OnlyServices(desired, only), live).Changes; len(left) > 0 {
		return r, fmt.Errorf("host %s: %d change(s) still differ after the restore, the first %s", desired.Name, len(left), left[0].Address)
	}
	return r, nil
}
