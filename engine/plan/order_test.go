package plan_test

import (
	"slices"
	"testing"

	"github.com/lvsctl/lvsctl/engine/plan"
)

func TestNaturalCompare(t *testing.T) {
	// Each list is in natural order.
	for _, want := range [][]string{
		{"10.0.0.2:80", "10.0.0.10:80", "10.0.0.100:80"},
		{"a", "a1", "a2", "a10", "b"},
		{"x1", "x01", "x2"},
		{"", "0", "00", "1"},
		{"route 10.1.0.0/16", "route 10.1.0.0/24", "route 192.0.2.0/24"},
	} {
		got := slices.Clone(want)
		slices.Reverse(got)
		slices.SortFunc(got, plan.NaturalCompare)
		if !slices.Equal(got, want) {
			t.Errorf("sorted %q, want %q", got, want)
		}
		for _, s := range want {
			if plan.NaturalCompare(s, s) != 0 {
				t.Errorf("NaturalCompare(%q, %q) != 0", s, s)
			}
		}
	}
}

func TestStepOrder(t *testing.T) {
	// One change of each sort, in the order apply must make them.
	ordered := []struct {
		c    plan.Change
		step plan.Step
	}{
		{plan.Change{Kind: plan.KindSysctl, Action: plan.Update, Own: plan.OwnRemember}, plan.StepSysctlSet},
		{plan.Change{Kind: plan.KindTimeouts, Action: plan.Update}, plan.StepTimeoutsSet},
		{plan.Change{Kind: plan.KindAddress, Action: plan.Create}, plan.StepAddressCreate},
		{plan.Change{Kind: plan.KindAddress, Action: plan.Replace}, plan.StepAddressCreate},
		{plan.Change{Kind: plan.KindRoute, Action: plan.Update, Own: plan.OwnRemember}, plan.StepRouteSet},
		{plan.Change{Kind: plan.KindService, Action: plan.Replace}, plan.StepServiceCreate},
		{plan.Change{Kind: plan.KindServer, Action: plan.Create}, plan.StepServerCreate},
		{plan.Change{Kind: plan.KindServer, Action: plan.Update}, plan.StepServerUpdate},
		{plan.Change{Kind: plan.KindServer, Action: plan.Delete}, plan.StepServerDelete},
		{plan.Change{Kind: plan.KindService, Action: plan.Delete}, plan.StepServiceDelete},
		{plan.Change{Kind: plan.KindRoute, Action: plan.Update, Own: plan.OwnForget}, plan.StepRouteDelete},
		{plan.Change{Kind: plan.KindAddress, Action: plan.Delete}, plan.StepAddressDelete},
		{plan.Change{Kind: plan.KindSysctl, Action: plan.Update, Own: plan.OwnForget}, plan.StepRestore},
		{plan.Change{Kind: plan.KindTimeouts, Action: plan.Update, Own: plan.OwnForget}, plan.StepRestore},
	}
	var changes []plan.Change
	for i, o := range ordered {
		if got := o.c.Step(); got != o.step {
			t.Errorf("%s %s (%s): step %s, want %s", o.c.Kind, o.c.Action, o.c.Own, got, o.step)
		}
		if got, want := o.c.IsTeardown(), o.step >= plan.StepServerDelete; got != want {
			t.Errorf("%s %s (%s): IsTeardown %v, want %v", o.c.Kind, o.c.Action, o.c.Own, got, want)
		}
		o.c.Address = string(rune('z' - i)) // against the step order
		changes = append(changes, o.c)
	}
	slices.Reverse(changes)
	plan.SortChanges(changes)
	for i, c := range changes {
		if c.Step() != ordered[i].step {
			t.Errorf("position %d: %s, want %s", i, c.Step(), ordered[i].step)
		}
	}
}
