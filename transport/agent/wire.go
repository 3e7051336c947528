package agent

import (
	"fmt"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/internal/servicecodec"
)

// wireChange is a plan.Change as an apply request carries it: the action
// a field of its own, every other field as plan.Change declares it. It
// leaves out plan.Change's own MarshalJSON and UnmarshalJSON (actions as
// terraform-style verbs, for the plans people read): encoding/json calls
// those once per change, each with an encoder of its own, and validates
// and compacts what they return, which cost about half of an apply
// request of 20,000 changes.
type wireChange struct {
	Action plan.Action `json:"action"`
	changeBody
	// BootServices, on a change of the state kept for boot, are the
	// services of its desired state in the compact form a read's take
	// (servicecodec.Append): the whole desired state goes with every apply.
	BootServices []byte `json:"boot_services,omitempty"`
}

// changeBody is plan.Change without its methods (its Action is not
// encoded: wireChange carries it).
type changeBody plan.Change

// toWire is changes as an apply request carries them.
func toWire(changes []plan.Change) []wireChange {
	out := make([]wireChange, len(changes))
	for i, c := range changes {
		out[i] = wireChange{Action: c.Action, changeBody: changeBody(c)}
		if c.After != nil && c.After.Boot != nil && c.After.Boot.Desired != nil && len(c.After.Boot.Desired.Services) > 0 {
			// Copies: the caller's change stays as it is.
			after, boot, desired := *c.After, *c.After.Boot, *c.After.Boot.Desired
			out[i].BootServices = servicecodec.Append(nil, desired.Services)
			desired.Services = nil
			boot.Desired = &desired
			after.Boot = &boot
			out[i].After = &after
		}
	}
	return out
}

// fromWire is the changes of an apply request; an action this lvsctl does
// not know is refused, as plan.Change's own decoding does.
func fromWire(ws []wireChange) ([]plan.Change, error) {
	out := make([]plan.Change, len(ws))
	for i, w := range ws {
		c := plan.Change(w.changeBody)
		c.Action = w.Action
		if err := knownAction(c); err != nil {
			return nil, err
		}
		if w.BootServices != nil {
			if c.After == nil || c.After.Boot == nil || c.After.Boot.Desired == nil {
				return nil, fmt.Errorf("change %q: services kept for boot without a state to keep: use the same lvsctl version on both sides", c.Address)
			}
			services, err := servicecodec.Decode(w.BootServices)
			if err != nil {
				return nil, fmt.Errorf("change %q: %w", c.Address, err)
			}
			c.After.Boot.Desired.Services = services
		}
		out[i] = c
	}
	return out, nil
}

// knownAction refuses a change whose action this lvsctl does not know,
// whichever form it came in, naming the change.
func knownAction(c plan.Change) error {
	switch c.Action {
	case plan.Create, plan.Update, plan.Delete, plan.Replace, plan.NoOp:
		return nil
	}
	return fmt.Errorf("change %q: unknown action %d: use the same lvsctl version on both sides", c.Address, c.Action)
}
