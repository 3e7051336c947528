package agent

import (
	"fmt"
	"strings"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/providers/local"
)

// lostApply adds to err, the loss of an agent in the middle of an apply,
// what became of the apply's changes: done (the agent said so), unknown
// (made or not: the progress window past the last one it acknowledged,
// and the rest of a batch of kernel writes the agent had already sent
// when the window closed), not done (the agent never goes further ahead).
func lostApply(err error, changes []plan.Change, done *int) error {
	n := 0
	if done != nil {
		n = min(*done, len(changes))
	}
	unknown := min(n+progressWindow, len(changes))
	// The last change the window let through may be in a batch of kernel
	// writes, sent whole: the rest of that batch is in flight too.
	for extra := 0; unknown > n && unknown < len(changes) && extra < local.BatchMax-1 &&
		sameBatch(changes[unknown-1], changes[unknown]); extra++ {
		unknown++
	}
	return &LostApplyError{
		Err:     err,
		Done:    addresses(changes[:n]),
		Unknown: addresses(changes[n:unknown]),
		NotDone: addresses(changes[unknown:]),
	}
}

// sameBatch says whether b may have gone to the kernel in the same batch as
// a, the change before it (see local.Host.ApplyEach): both IPVS service or
// server changes of one step of the apply order. It may say yes for more
// than local batches, never for fewer.
func sameBatch(a, b plan.Change) bool {
	ipvsKind := func(c plan.Change) bool { return c.Kind == plan.KindService || c.Kind == plan.KindServer }
	return ipvsKind(a) && ipvsKind(b) && a.Step() == b.Step()
}

// LostApplyError is an apply whose agent was lost in the middle (the
// connection died, the agent was killed): what became of each change.
type LostApplyError struct {
	Err error
	// Done are the changes the agent said it made.
	Done []string
	// Unknown are the changes it may have made since without being able
	// to say so.
	Unknown []string
	// NotDone are the changes it cannot have started.
	NotDone []string
}

func (e *LostApplyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v\nOf the %d change(s) sent:", e.Err, len(e.Done)+len(e.Unknown)+len(e.NotDone))
	for _, part := range []struct {
		what  string
		addrs []string
	}{
		{"done", e.Done},
		{"not done", e.NotDone},
		{"unknown (in flight when the agent was lost: made or not)", e.Unknown},
	} {
		fmt.Fprintf(&b, "\n  %s: %s", part.what, listSome(part.addrs))
	}
	b.WriteString("\nThe host's ownership record keeps what the apply was making, so `lvsctl plan` shows what is left and `lvsctl apply` again finishes it.")
	return b.String()
}

func (e *LostApplyError) Unwrap() error { return e.Err }

func addresses(changes []plan.Change) []string {
	out := make([]string, len(changes))
	for i, c := range changes {
		out[i] = c.Address
	}
	return out
}

// listSome lists the first few of addrs and counts the rest.
func listSome(addrs []string) string {
	const some = 3
	switch {
	case len(addrs) == 0:
		return "none"
	case len(addrs) <= some+1:
		return fmt.Sprintf("%d (%s)", len(addrs), strings.Join(addrs, ", "))
	}
	return fmt.Sprintf("%d (%s, ... %s)", len(addrs), strings.Join(addrs[:some], ", "), addrs[len(addrs)-1])
}
