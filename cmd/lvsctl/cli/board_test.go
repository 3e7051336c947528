package cli

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local/hosttest"
)

// screen is a terminal as far as the board uses one: text, newlines,
// carriage return, cursor up (ESC [ n A) and clear to the end of the
// screen (ESC [ J). Anything else fails the test.
type screen struct {
	t        *testing.T
	lines    []string
	row, col int
}

var csi = regexp.MustCompile(`^\x1b\[(\d*)([AJ])`)

func (s *screen) Write(p []byte) (int, error) {
	in := string(p)
	for len(in) > 0 {
		switch {
		case in[0] == '\x1b':
			m := csi.FindStringSubmatch(in)
			if m == nil {
				s.t.Fatalf("unexpected escape sequence in %q", in)
			}
			n, _ := strconv.Atoi(m[1])
			switch m[2] {
			case "A":
				if n > s.row {
					s.t.Fatalf("cursor up %d from row %d: off the top", n, s.row)
				}
				s.row -= n
			case "J":
				s.grow()
				s.lines[s.row] = s.lines[s.row][:s.col]
				s.lines = s.lines[:s.row+1]
			}
			in = in[len(m[0]):]
		case in[0] == '\r':
			s.col = 0
			in = in[1:]
		case in[0] == '\n':
			s.row++
			s.col = 0
			in = in[1:]
		default:
			s.grow()
			r := []rune(s.lines[s.row])
			for len(r) < s.col {
				r = append(r, ' ')
			}
			c, size := utf8.DecodeRuneInString(in)
			if s.col < len(r) {
				r[s.col] = c
			} else {
				r = append(r, c)
			}
			s.lines[s.row] = string(r)
			s.col++
			in = in[size:]
		}
	}
	return len(p), nil
}

func (s *screen) grow() {
	for len(s.lines) <= s.row {
		s.lines = append(s.lines, "")
	}
}

// text is what the screen shows, without the empty line under the cursor.
func (s *screen) text() []string {
	out := append([]string(nil), s.lines...)
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

func TestBoardRewritesInPlace(t *testing.T) {
	sc := &screen{t: t}
	b := newBoard(sc, func() (int, int) { return 80, 24 })
	fmt.Fprintln(b, "before the board")
	b.set("web1", "connecting")
	b.set("lvs10", "connecting")
	b.set("web1", "reading")
	want := []string{"before the board", "web1   reading", "lvs10  connecting"}
	if d := cmp.Diff(want, sc.text()); d != "" {
		t.Fatalf("screen (-want +got):\n%s", d)
	}
	// Output while the board is up scrolls above it.
	fmt.Fprintln(b, "web1: address lo/10.0.0.1/32: done")
	b.set("lvs10", "applying 1/3")
	want = []string{"before the board", "web1: address lo/10.0.0.1/32: done", "web1   reading", "lvs10  applying 1/3"}
	if d := cmp.Diff(want, sc.text()); d != "" {
		t.Fatalf("screen (-want +got):\n%s", d)
	}
	// clear takes it away: the plan is printed where it was.
	b.clear()
	fmt.Fprintln(b, "# the plan")
	want = []string{"before the board", "web1: address lo/10.0.0.1/32: done", "# the plan"}
	if d := cmp.Diff(want, sc.text()); d != "" {
		t.Fatalf("after clear (-want +got):\n%s", d)
	}
	// stop leaves it: the summary follows it.
	b.set("web1", "done 2/2")
	b.stop()
	fmt.Fprintln(b, "Apply complete!")
	want = append(want, "web1  done 2/2", "Apply complete!")
	if d := cmp.Diff(want, sc.text()); d != "" {
		t.Fatalf("after stop (-want +got):\n%s", d)
	}
}

// TestBoardFitsTheTerminal: lines are cut to the width (a wrapped line
// would throw the cursor arithmetic off), and more hosts than rows are
// summed up, the busy ones shown.
func TestBoardFitsTheTerminal(t *testing.T) {
	sc := &screen{t: t}
	b := newBoard(sc, func() (int, int) { return 20, 6 })
	for i := range 10 {
		b.set(fmt.Sprintf("web%d", i), "done 3/3")
	}
	b.set("web7", "applying 1/3 with a long status")
	b.set("web8", "failed: injected")
	got := sc.text()
	want := []string{"web7  applying 1/3…", "web0  done 3/3", "web1  done 3/3", "7 more host(s): 6 …"}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("screen (-want +got):\n%s", d)
	}
	for _, l := range got {
		if n := len([]rune(l)); n >= 20 {
			t.Errorf("line %q is %d wide on a 20-column terminal", l, n)
		}
	}
	b.stop()
	b.set("web1", "x")
	if !strings.HasSuffix(strings.Join(sc.text(), "\n"), "web1  x") {
		t.Errorf("a board set after stop starts afresh below the old one:\n%s", strings.Join(sc.text(), "\n"))
	}
}

// TestNoBoardOffTerminal: without a terminal there is no board, and a nil
// watch passes output and hosts through untouched.
func TestNoBoardOffTerminal(t *testing.T) {
	var sb strings.Builder
	if b := terminalBoard(IO{Out: &sb, OutTerminal: false}); b != nil {
		t.Fatal("a board off a terminal")
	}
	var w *watch
	w.set("web1", "connecting")
	w.clear()
	w.stop()
	if w.out(&sb) != &sb || w.wrap("web1", nil) != nil || sb.Len() != 0 {
		t.Error("a nil watch is not transparent")
	}
}

// TestWatchShowsApply: a watched host (over the fake kernels) shows its
// reads while planning and apply's count of changes done, not the reads
// apply makes (drain, verify) or its bookkeeping.
func TestWatchShowsApply(t *testing.T) {
	sc := &screen{t: t}
	w := newWatch(newBoard(sc, func() (int, int) { return 80, 24 }))
	live := state.Host{Name: "web1", Sysctls: []state.Sysctl{{Name: "net.ipv4.ip_forward", Value: "0"}, {Name: "net.ipv4.conf.all.arp_ignore", Value: "0"}}}
	h := w.wrap("web1", hosttest.New(t, live))
	desired := state.Host{Name: "web1", Sysctls: []state.Sysctl{{Name: "net.ipv4.ip_forward", Value: "1"}, {Name: "net.ipv4.conf.all.arp_ignore", Value: "1"}}}
	ctx := context.Background()
	got, err := h.Read(ctx, cluster.ReadRequestFor(desired))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"web1  read"}, sc.text()); d != "" {
		t.Fatalf("after the plan's read (-want +got):\n%s", d)
	}
	hp := plan.Diff(desired, got)
	if len(hp.Changes) != 2 {
		t.Fatalf("want two sysctl changes, got %+v", hp.Changes)
	}
	w.clear()
	w.applying(plan.Plan{Hosts: []plan.HostPlan{hp}})
	if _, err := h.Apply(ctx, hp.Changes[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Read(ctx, cluster.ReadRequestFor(desired)); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Apply(ctx, []plan.Change{{Kind: plan.KindPeers, Action: plan.Update, Address: "record of the cluster's hosts", After: &plan.Resource{Peers: &plan.Peers{}}}}); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"web1  applying 1/2"}, sc.text()); d != "" {
		t.Fatalf("after one change of two (-want +got):\n%s", d)
	}
}
