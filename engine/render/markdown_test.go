package render_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/render"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/exampletest"
	"github.com/lvsctl/lvsctl/internal/golden"
)

func markdown(t *testing.T, p plan.Plan, opts render.MarkdownOptions) string {
	t.Helper()
	var b bytes.Buffer
	if err := render.Markdown(&b, p, opts); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Every example planned against its snapshot (as `lvsctl plan --state`
// does) is drawn as the pull-request comment: testdata/examples/NAME.md.
func TestMarkdownExamples(t *testing.T) {
	for _, e := range exampletest.All(t) {
		t.Run(e.Name, func(t *testing.T) {
			got := markdown(t, e.Plan(t), render.MarkdownOptions{})
			golden.Check(t, filepath.Join("testdata", "examples", e.Name+".md"), []byte(got))
		})
	}
}

// The comment starts with its hidden marker, keyed by the comment id.
func TestMarkdownMarker(t *testing.T) {
	p := readPlan(t, filepath.Join("testdata", "full.plan.json"))
	if got := markdown(t, p, render.MarkdownOptions{}); !strings.HasPrefix(got, "<!-- lvsctl-plan -->\n### lvsctl plan: 13 to add") {
		t.Errorf("default marker and headline missing:\n%.200s", got)
	}
	got := markdown(t, p, render.MarkdownOptions{CommentID: "prod/eu"})
	if !strings.HasPrefix(got, "<!-- lvsctl-plan: prod/eu -->\n### lvsctl plan (prod/eu): 13 to add") {
		t.Errorf("keyed marker and headline missing:\n%.200s", got)
	}
	for _, bad := range []string{"a--b", "a>b", "-x", "x y", strings.Repeat("a", 101)} {
		if render.CheckCommentID(bad) == nil {
			t.Errorf("CheckCommentID(%q) accepted an id that breaks the marker", bad)
		}
	}
	for _, good := range []string{"", "prod", "clusters/eu-1", "a.b_c"} {
		if err := render.CheckCommentID(good); err != nil {
			t.Errorf("CheckCommentID(%q): %v", good, err)
		}
	}
}

// Every destroy and replacement is in the warning, and so is every change
// that drops connections; nothing else is.
func TestMarkdownDestroyWarning(t *testing.T) {
	p := readPlan(t, filepath.Join("testdata", "full.plan.json"))
	got := markdown(t, p, render.MarkdownOptions{})
	warning, _, _ := strings.Cut(got, "\n| host |")
	_, warning, ok := strings.Cut(warning, "> [!WARNING]\n")
	if !ok {
		t.Fatalf("no warning in a plan that destroys:\n%s", got)
	}
	want, drop := 0, 0
	for _, h := range p.Hosts {
		for _, c := range h.Changes {
			if c.Action != plan.Delete && c.Action != plan.Replace {
				continue
			}
			want++
			item := "> - `" + h.Host + "`: `" + c.Action.String() + " " + c.Address + "`"
			if !strings.Contains(warning, item) {
				t.Errorf("warning lacks %q", item)
			}
			drops := c.Kind == plan.KindService || c.Kind == plan.KindServer
			if drops {
				drop++
			}
			line := warning[strings.Index(warning, item):]
			line, _, _ = strings.Cut(line, "\n")
			if got := strings.Contains(line, "dropped") || strings.Contains(line, "drops"); got != drops {
				t.Errorf("%s: says it drops connections = %v, want %v", line, got, drops)
			}
		}
	}
	if got := strings.Count(warning, "\n> - "); got != want {
		t.Errorf("warning has %d items, want %d", got, want)
	}
	if !strings.Contains(warning, fmt.Sprintf("destroys or replaces %d resources; %d of those changes drop established connections", want, drop)) {
		t.Errorf("warning headline wrong:\n%s", warning)
	}

	// A plan that only adds and changes has no warning.
	add := readPlan(t, filepath.Join("testdata", "full.plan.json"))
	add.Hosts = add.Hosts[2:3]
	if got := markdown(t, add, render.MarkdownOptions{}); strings.Contains(got, "[!WARNING]") {
		t.Errorf("warning without a destroy:\n%s", got)
	}
}

// Hosts without changes share one line and get neither a row nor details.
func TestMarkdownUnchangedHosts(t *testing.T) {
	p := readPlan(t, filepath.Join("testdata", "full.plan.json"))
	got := markdown(t, p, render.MarkdownOptions{})
	if !strings.Contains(got, "\nNo changes on `lvs7` (director).\n") {
		t.Errorf("no one-line mention of the unchanged host:\n%s", got)
	}
	if strings.Contains(got, "| lvs7 |") || strings.Contains(got, "<code>lvs7</code>") {
		t.Error("the unchanged host has a row or details")
	}
	if n := strings.Count(got, "<details>"); n != len(p.Hosts)-1 {
		t.Errorf("%d details blocks, want one per changed host (%d)", n, len(p.Hosts)-1)
	}
}

// bigPlan is a director with n new services of one server each.
func bigPlan(hosts, n int) plan.Plan {
	p := plan.Plan{FormatVersion: plan.FormatVersion}
	for h := range hosts {
		hp := plan.HostPlan{Host: fmt.Sprintf("lvs%d", h), Role: state.RoleDirector, Changes: []plan.Change{}}
		for i := range n {
			svc := &state.Service{Protocol: "tcp", Port: uint16(1000 + i), Family: "inet", Scheduler: "wlc"}
			hp.Changes = append(hp.Changes, plan.Change{Kind: plan.KindService, Action: plan.Create,
				Address: fmt.Sprintf("service tcp/10.0.%d.1:%d", h, 1000+i), After: &plan.Resource{Service: svc}})
		}
		p.Hosts = append(p.Hosts, hp)
	}
	return p
}

// Past the limit the details are cut, never the head, and a note says where
// the full plan is; the comment stays within the limit, in characters.
func TestMarkdownLimit(t *testing.T) {
	p := bigPlan(4, 60)
	full := markdown(t, p, render.MarkdownOptions{Limit: 1 << 20})
	if strings.Contains(full, "[!NOTE]") {
		t.Fatal("a plan within the limit has a cut note")
	}
	for _, limit := range []int{utf8.RuneCountInString(full), len(full) / 2, len(full) / 5, 2000, render.MinMarkdownLimit} {
		got := markdown(t, p, render.MarkdownOptions{Limit: limit, FullPlan: "the `plan` artifact", Graph: "graph LR\n  a --> b\n"})
		if n := utf8.RuneCountInString(got); n > limit {
			t.Errorf("limit %d: %d characters", limit, n)
		}
		if !strings.HasPrefix(got, "<!-- lvsctl-plan -->\n### lvsctl plan: 240 to add") || !strings.Contains(got, "| lvs3 | director | 60 |") {
			t.Errorf("limit %d: the head is not whole:\n%s", limit, got)
		}
		if !strings.Contains(got, "The full plan: the `plan` artifact.") {
			t.Errorf("limit %d: no note saying where the full plan is:\n%s", limit, got)
		}
		if strings.Count(got, "<details>") != strings.Count(got, "</details>") || strings.Count(got, "```")%2 != 0 {
			t.Errorf("limit %d: a block is left open:\n%s", limit, got)
		}
	}
	// Below MinMarkdownLimit the limit is MinMarkdownLimit.
	if n := utf8.RuneCountInString(markdown(t, p, render.MarkdownOptions{Limit: 10})); n > render.MinMarkdownLimit || n < render.MinMarkdownLimit/2 {
		t.Errorf("limit 10: %d characters, want up to %d", n, render.MinMarkdownLimit)
	}
	// The limit counts characters, not bytes.
	p = bigPlan(1, 2)
	p.Hosts[0].Warnings = []plan.Warning{{Summary: "Long", Detail: strings.Repeat("é", 3000)}}
	got := markdown(t, p, render.MarkdownOptions{Limit: 5000})
	if n := utf8.RuneCountInString(got); n > 5000 || len(got) <= 5000 || strings.Contains(got, "[!NOTE]") {
		t.Errorf("%d characters in %d bytes: want the limit on characters, and nothing cut", n, len(got))
	}
}

// The size-cut comment is a golden too, so its wording is reviewed.
func TestMarkdownCutGolden(t *testing.T) {
	p := readPlan(t, filepath.Join("testdata", "full.plan.json"))
	// At 6,000 whole hosts are left out; at 3,900 one is also cut short.
	for name, limit := range map[string]int{"full.cut.md": 6000, "full.cut-short.md": 3900} {
		got := markdown(t, p, render.MarkdownOptions{Limit: limit, CommentID: "lab", FullPlan: "the `lvsctl-plan` artifact of this run"})
		golden.Check(t, filepath.Join("testdata", name), []byte(got))
		if n := utf8.RuneCountInString(got); n > limit {
			t.Errorf("%s: %d characters, limit %d", name, n, limit)
		}
	}
}

func TestMarkdownFailed(t *testing.T) {
	var b bytes.Buffer
	if err := render.MarkdownFailed(&b, "host lvs: connection refused\n", render.MarkdownOptions{CommentID: "lab"}); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "failed.md"), b.Bytes())
}

// A backtick fence inside the plan must not end the markdown code block.
func TestMarkdownFence(t *testing.T) {
	p := plan.Plan{Hosts: []plan.HostPlan{{Host: "lvs1", Removed: true, Warnings: []plan.Warning{{Summary: "Odd", Detail: "odd text ``` inside"}}}}}
	got := markdown(t, p, render.MarkdownOptions{})
	if !strings.Contains(got, "\n````diff\n") || !strings.Contains(got, "\n````\n") {
		t.Fatalf("the fence is not longer than the backticks inside:\n%s", got)
	}
}

// However big the plan, whatever its text, and whatever the limit, the
// comment keeps within the limit, starts with its marker and headline, and
// leaves no <details> block open.
func FuzzMarkdownLimit(f *testing.F) {
	f.Add(uint8(4), uint8(60), uint16(2000), "warning")
	f.Add(uint8(1), uint8(200), uint16(1000), "``` fence ``` and <html> | pipe")
	f.Add(uint8(30), uint8(3), uint16(900), "é日本")
	f.Add(uint8(0), uint8(0), uint16(5000), "")
	f.Fuzz(func(t *testing.T, hosts, changes uint8, limit uint16, text string) {
		p := bigPlan(int(hosts%40), int(changes))
		for i := range p.Hosts {
			p.Hosts[i].Warnings = []plan.Warning{{Summary: "Fuzz", Detail: text}}
			p.Hosts[i].Host += text
		}
		p.Warnings = []plan.Warning{{Summary: "Fuzz", Detail: text}}
		got := markdown(t, p, render.MarkdownOptions{Limit: int(limit), FullPlan: text, CommentID: "x"})
		if n, max := utf8.RuneCountInString(got), max(int(limit), render.MinMarkdownLimit); n > max {
			t.Fatalf("%d characters, limit %d", n, max)
		}
		if !strings.HasPrefix(got, "<!-- lvsctl-plan: x -->\n### lvsctl plan (x): ") {
			t.Fatalf("no marker and headline:\n%.300s", got)
		}
		if strings.Count(got, "<details><summary>") != strings.Count(got, "\n</details>\n") {
			t.Fatalf("a <details> block is left open:\n%s", got)
		}
	})
}
