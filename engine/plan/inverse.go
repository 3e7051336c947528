package plan

import "fmt"

// Inverse returns the changes that undo c once c has been applied, record
// included: what a failed apply runs, in reverse order, to put a host back
// as it was before the run. A deleted service comes back with the servers
// that went with it. It fails for a change that kept no value from before
// (a sysctl or timeouts that could not be read): there is nothing to put
// back.
func Inverse(c Change) ([]Change, error) {
	inv, err := inverse(c)
	if err != nil {
		return nil, err
	}
	out := []Change{inv}
	if c.Kind == KindService && c.Action == Delete && c.Drain != nil && c.Before.Has(KindService) {
		svc := c.Before.Service.ID()
		for _, srv := range c.Drain.Servers {
			out = append(out, Change{Kind: KindServer, Action: Create, Address: serverAddress(svc, srv.Key()),
				Service: &svc, Name: c.Name, After: &Resource{Server: ptr(srv)}, Reason: inv.Reason})
		}
	}
	return out, nil
}

func inverse(c Change) (Change, error) {
	if c.HandOver != nil {
		// The kernel was not touched: this cluster's record takes back what
		// it handed over (the other cluster, which declares it too, keeps
		// it as well; whichever lets go first hands it over again).
		back := HandedOver(c)
		back.Reason = "roll back: taken back after the hand-over to " + ClusterName(c.HandOver.Cluster)
		return back, nil
	}
	inv := c
	inv.Before, inv.After = c.After, c.Before
	inv.Drain = nil
	inv.Reason = "roll back: " + c.Action.Verbs()[0] + " undone"
	switch c.Action {
	case Create:
		inv.Action = Delete
	case Delete:
		inv.Action = Create
	case Update, Replace:
	default:
		return Change{}, fmt.Errorf("%s: a change that does nothing has nothing to undo", c.Address)
	}
	if inv.Action != Delete && (inv.After == nil || !inv.After.Has(c.Kind)) && c.Kind != KindPeers && c.Kind != KindBoot {
		return Change{}, fmt.Errorf("%s: the value from before was not known (it could not be read when the plan was made), so it cannot be put back", c.Address)
	}
	switch c.Own {
	case OwnNone:
	case OwnCreate:
		// A created resource goes and the record forgets it; a replaced one
		// comes back under its own key, recorded again.
		// A sync daemon replaced with OwnCreate was not lvsctl's before
		// (diff_daemon.go): the record forgets it again.
		if c.Action == Create || c.Kind == KindSyncDaemon {
			inv.Own = OwnForget
		}
	case OwnRemember:
		// The original was first kept by c: forget it again.
		inv.Own = OwnForget
	case OwnForget:
		if c.Action == Delete && (c.Kind == KindService || c.Kind == KindAddress || c.Kind == KindRoute) {
			inv.Own = OwnCreate // lvsctl's again, as it was
		} else {
			inv.Own = OwnRemember // the original, kept again
		}
	default:
		return Change{}, fmt.Errorf("%s: unknown ownership %q", c.Address, c.Own)
	}
	return inv, nil
}
