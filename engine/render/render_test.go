package render_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/internal/golden"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/render"
)

// Each testdata/NAME.plan.json (a saved plan) is drawn as the human plan
// without colour (NAME.txt) and with (NAME.color.txt), and as markdown
// (NAME.md).
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.plan.json"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no plans under testdata (err %v)", err)
	}
	for _, in := range inputs {
		base := strings.TrimSuffix(in, ".plan.json")
		t.Run(filepath.Base(base), func(t *testing.T) {
			p := readPlan(t, in)
			for _, view := range []struct {
				suffix string
				draw   func(*bytes.Buffer) error
			}{
				{".txt", func(b *bytes.Buffer) error { return render.Human(b, p, render.Options{}) }},
				{".color.txt", func(b *bytes.Buffer) error { return render.Human(b, p, render.Options{Color: true}) }},
				{".md", func(b *bytes.Buffer) error { return render.Markdown(b, p, render.MarkdownOptions{}) }},
			} {
				var b bytes.Buffer
				if err := view.draw(&b); err != nil {
					t.Fatal(err)
				}
				golden.Check(t, base+view.suffix, b.Bytes())
			}
		})
	}
}

func readPlan(t *testing.T, path string) plan.Plan {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := plan.ReadPlan(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return p
}

// The footer counts what the plan's changes do, a replacement as one add and
// one destroy, across hosts.
func TestHumanFooter(t *testing.T) {
	p := readPlan(t, filepath.Join("testdata", "full.plan.json"))
	add, change, destroy := p.Counts()
	var b bytes.Buffer
	if err := render.Human(&b, p, render.Options{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	footer := lines[len(lines)-1]
	var symbols = map[string]int{}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) > 1 && plan.Kind(f[1]).Known() {
			symbols[f[0]]++
		}
	}
	if got, want := symbols["+"]+symbols["-/+"], add; got != want {
		t.Errorf("%d lines add, footer %q says %d", got, footer, want)
	}
	if got, want := symbols["~"], change; got != want {
		t.Errorf("%d lines change, footer %q says %d", got, footer, want)
	}
	if got, want := symbols["-"]+symbols["-/+"], destroy; got != want {
		t.Errorf("%d lines destroy, footer %q says %d", got, footer, want)
	}
}

func TestHumanColorOnlyWhenAsked(t *testing.T) {
	p := readPlan(t, filepath.Join("testdata", "full.plan.json"))
	for _, color := range []bool{false, true} {
		var b bytes.Buffer
		if err := render.Human(&b, p, render.Options{Color: color}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), "\x1b["); got != color {
			t.Errorf("Color %v: escapes in output = %v", color, got)
		}
	}
	var b bytes.Buffer
	if err := render.Markdown(&b, p, render.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "\x1b[") {
		t.Error("markdown has ANSI escapes")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestWriteErrors(t *testing.T) {
	p := readPlan(t, filepath.Join("testdata", "full.plan.json"))
	if err := render.Human(failingWriter{}, p, render.Options{}); err == nil {
		t.Error("Human: no error from a failing writer")
	}
	if err := render.Markdown(failingWriter{}, p, render.MarkdownOptions{}); err == nil {
		t.Error("Markdown: no error from a failing writer")
	}
}

// TestHumanHeldBack: changes held back for a host that could not be
// reached are listed under their host, not drawn as changes, and the
// footer counts them apart; the Markdown summary of the host says so too.
func TestHumanHeldBack(t *testing.T) {
	p := readPlan(t, filepath.Join("testdata", "full.plan.json"))
	hp := &p.Hosts[0]
	held := hp.Changes[len(hp.Changes)-1]
	held.Reason = "held back: depends on rs9, which could not be reached"
	hp.HeldBack = []plan.Change{held}
	hp.Changes = hp.Changes[:len(hp.Changes)-1]
	add, change, destroy := p.Counts()
	var b bytes.Buffer
	if err := render.Human(&b, p, render.Options{Detailed: true}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	want := fmt.Sprintf("Plan: %d to add, %d to change, %d to destroy. 1 change(s) held back until the hosts they depend on can be reached.\n", add, change, destroy)
	if !strings.HasSuffix(out, want) {
		t.Errorf("footer: want %q in:\n%s", want, out)
	}
	line := "\n  Held back (not applied in this run):\n    " + held.Address + " (" + strings.Join(held.Action.Verbs(), ", ") + "): depends on rs9, which could not be reached\n"
	if !strings.Contains(out, line) {
		t.Errorf("no %q in:\n%s", line, out)
	}
	if strings.Count(out, held.Address) != 1 {
		t.Errorf("the held back change %s is drawn as a change too:\n%s", held.Address, out)
	}
	b.Reset()
	if err := render.Markdown(&b, p, render.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), ", 1 held back") {
		t.Errorf("the Markdown summary of %s does not count the change held back:\n%s", hp.Host, b.String())
	}
}
