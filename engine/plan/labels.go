package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lvsctl/lvsctl/engine/state"
)

// labels keeps the alias labels lvsctl gives its addresses (IFACE:N, chosen
// by compile in declaration order) off the labels the host already uses for
// addresses the configuration does not declare: a hand-made lo:0 stays the
// only lo:0, and ifconfig-era scripts that take lo:0 down do not take
// lvsctl's VIP with it. Diff and the check after apply choose alike, from
// the same live state, so the choice is stable.
type labels struct {
	// foreign are the labels of live addresses that are not lvsctl's and
	// that the configuration does not declare, with the address holding each.
	foreign map[string]string
	// given are the labels handed out so far in this diff.
	given map[string]bool
}

func newLabels(desired, live []state.Address, owned map[string]bool) *labels {
	declared := make(map[string]bool, len(desired))
	for _, a := range desired {
		declared[a.Key()] = true
	}
	l := &labels{foreign: map[string]string{}, given: map[string]bool{}}
	for _, a := range live {
		// An address of lvsctl's that goes may share its label for the
		// moment between the new one's creation and its own deletion.
		if a.Label != "" && !declared[a.Key()] && !owned[a.Key()] {
			l.foreign[a.Label] = a.Key()
		}
	}
	return l
}

// choose moves want to the first free label of its interface when its label
// is taken, and says why; "" when it keeps its label.
func (l *labels) choose(want *state.Address) string {
	if want.Label == "" {
		return ""
	}
	wanted := want.Label
	holder, taken := l.foreign[wanted]
	if !taken && !l.given[wanted] {
		l.given[wanted] = true
		return ""
	}
	if _, ok := aliasNumber(wanted, want.Interface); !ok {
		return "" // not a label lvsctl numbered: leave it
	}
	for n := 0; ; n++ {
		label := want.Interface + ":" + strconv.Itoa(n)
		if len(label) > state.MaxLabelLen {
			return "" // no free label fits: keep the one asked for
		}
		if _, t := l.foreign[label]; t || l.given[label] {
			continue
		}
		l.given[label] = true
		want.Label = label
		if !taken {
			return fmt.Sprintf("label %s instead of %s, which another address of this plan takes", label, wanted)
		}
		return fmt.Sprintf("label %s instead of %s, which address %s (not lvsctl's) already has", label, wanted, holder)
	}
}

// aliasNumber is N of a label IFACE:N.
func aliasNumber(label, iface string) (int, bool) {
	rest, ok := strings.CutPrefix(label, iface+":")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n >= 0
}
