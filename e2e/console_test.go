package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseMarker(t *testing.T) {
	tests := []struct {
		line    string
		want    Event
		marker  bool
		wantErr string
	}{
		{line: "+ ip netns add lvs"},
		{line: "", marker: false},
		{line: "\x1b[2J@@LVSCTL-E2E READY 3.00\r", want: Event{Kind: EventReady, Seconds: 3}, marker: true},
		{line: "@@LVSCTL-E2E BEGIN dr-lab", want: Event{Kind: EventBegin, Name: "dr-lab"}, marker: true},
		{line: "@@LVSCTL-E2E PASS dr-lab 12.5", want: Event{Kind: EventPass, Name: "dr-lab", Seconds: 12.5}, marker: true},
		{
			line:   "@@LVSCTL-E2E FAIL nat-lab 3.1: plan of cluster.hcl: exit 2, want 0: not idempotent",
			want:   Event{Kind: EventFail, Name: "nat-lab", Seconds: 3.1, Reason: "plan of cluster.hcl: exit 2, want 0: not idempotent"},
			marker: true,
		},
		{line: "@@LVSCTL-E2E FAIL tun 0:", want: Event{Kind: EventFail, Name: "tun", Reason: "no reason given"}, marker: true},
		{line: "@@LVSCTL-E2E WARN module sctp did not load", want: Event{Kind: EventWarn, Reason: "module sctp did not load"}, marker: true},
		{line: "@@LVSCTL-E2E DONE\r\n", want: Event{Kind: EventDone}, marker: true},
		{line: "@@LVSCTL-E2E PASS dr-lab", marker: true, wantErr: "bad duration"},
		{line: "@@LVSCTL-E2E PASS Dr/lab 1", marker: true, wantErr: "bad scenario name"},
		{line: "@@LVSCTL-E2E BEGIN ", marker: true, wantErr: "bad scenario name"},
		{line: "@@LVSCTL-E2E SUCCESS dr-lab", marker: true, wantErr: "unknown marker kind"},
		{line: "@@LVSCTL-E2E DONE now", marker: true, wantErr: "takes no arguments"},
		{line: "@@LVSCTL-E2E PASS x -1", marker: true, wantErr: "bad duration"},
	}
	for _, tt := range tests {
		got, marker, err := ParseMarker(tt.line)
		if marker != tt.marker {
			t.Errorf("ParseMarker(%q) marker = %v, want %v", tt.line, marker, tt.marker)
		}
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseMarker(%q) error = %v, want one containing %q", tt.line, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseMarker(%q): %v", tt.line, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseMarker(%q) (-want +got):\n%s", tt.line, diff)
		}
	}
}

// FuzzParseMarker checks that no console line crashes the parser, that a
// parsed event names a usable scenario, and that a line without the
// prefix is never taken for a marker.
func FuzzParseMarker(f *testing.F) {
	for _, s := range []string{
		"@@LVSCTL-E2E READY 3.00",
		"@@LVSCTL-E2E BEGIN dr-lab",
		"@@LVSCTL-E2E PASS dr-lab 12.5",
		"@@LVSCTL-E2E FAIL nat-lab 3.1: reason: with colons",
		"@@LVSCTL-E2E WARN module x",
		"@@LVSCTL-E2E DONE",
		"\x1b[0m@@LVSCTL-E2E DONE\r",
		"[    6.773573] reboot: Power down",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		ev, marker, err := ParseMarker(line)
		if !strings.Contains(line, markerPrefix) && (marker || err != nil) {
			t.Fatalf("ParseMarker(%q) took a plain line for a marker: %+v, %v", line, ev, err)
		}
		if err != nil {
			return
		}
		switch ev.Kind {
		case EventBegin, EventPass, EventFail:
			if !validName(ev.Name) {
				t.Fatalf("ParseMarker(%q) accepted scenario name %q", line, ev.Name)
			}
		}
		if ev.Kind == EventFail && ev.Reason == "" {
			t.Fatalf("ParseMarker(%q) gave a FAIL without a reason", line)
		}
	})
}

func TestSelectScenarios(t *testing.T) {
	all := []string{"change-sets", "dr-lab", "dr-lab-no-arp", "nat-lab", "smoke", "tun"}
	tests := []struct {
		run, skip string
		want      []string
	}{
		{run: "", want: all},
		{run: "TestVM", want: all},
		{run: "TestVM/", want: all},
		{run: "TestVM/dr-lab", want: []string{"dr-lab", "dr-lab-no-arp"}},
		{run: "TestVM/^dr-lab$", want: []string{"dr-lab"}},
		{run: "TestVM/(nat|tun)", want: []string{"nat-lab", "tun"}},
		{run: "TestVM/[a/d]r-lab$", want: []string{"dr-lab"}},
		{run: "TestVM/lab", skip: "TestVM/no-arp", want: []string{"dr-lab", "nat-lab"}},
		{run: "TestVM/nothing", want: nil},
	}
	for _, tt := range tests {
		got, err := SelectScenarios(all, tt.run, tt.skip)
		if err != nil {
			t.Errorf("SelectScenarios(-run %q -skip %q): %v", tt.run, tt.skip, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("SelectScenarios(-run %q -skip %q) (-want +got):\n%s", tt.run, tt.skip, diff)
		}
	}
	if _, err := SelectScenarios(all, "TestVM/(", ""); err == nil {
		t.Error("SelectScenarios accepted the bad pattern TestVM/(")
	}
}

// feed returns a closed channel holding the lines: a VM that has ended.
func feed(lines ...string) <-chan string {
	ch := make(chan string, len(lines))
	for _, l := range lines {
		ch <- l
	}
	close(ch)
	return ch
}

func TestConsoleNext(t *testing.T) {
	c := NewConsole(feed(
		"SeaBIOS noise",
		"\x1b[2J@@LVSCTL-E2E READY 3.00",
		"@@LVSCTL-E2E WARN module fou did not load",
		"@@LVSCTL-E2E BEGIN smoke",
		"+ ip netns add lvs\r",
		"@@LVSCTL-E2E PASS smoke 3.7",
		"@@LVSCTL-E2E BEGIN dr-lab",
		"!!! FAIL: plan exit 2",
		"@@LVSCTL-E2E FAIL dr-lab 9.0: plan exit 2",
		"@@LVSCTL-E2E BEGIN tun",
		"+ ip netns add rs1",
	))
	tests := []struct {
		name string
		want Result
	}{
		{"smoke", Result{Passed: true, Seconds: 3.7, Output: []string{"+ ip netns add lvs"}}},
		{"dr-lab", Result{Seconds: 9, Reason: "plan exit 2", Output: []string{"!!! FAIL: plan exit 2"}}},
		// Began, then the VM died: a failure with what it printed.
		{"tun", Result{Reason: "tun began, but the VM ended before it reported a result", Output: []string{"+ ip netns add rs1"}}},
		// Never began: a failure too.
		{"nat-lab", Result{Reason: "the VM ended before nat-lab began"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, c.Next(tt.name)); diff != "" {
			t.Errorf("Next(%q) (-want +got):\n%s", tt.name, diff)
		}
	}
	if c.Ready != 3 || c.Done {
		t.Errorf("Ready = %v, Done = %v; want 3, false", c.Ready, c.Done)
	}
	if diff := cmp.Diff([]string{"module fou did not load"}, c.Warnings); diff != "" {
		t.Errorf("Warnings (-want +got):\n%s", diff)
	}
}

func TestConsoleOutOfOrder(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{"other begins", []string{"@@LVSCTL-E2E BEGIN tun"}, "the runner began tun while dr-lab was expected"},
		{"other reports", []string{"@@LVSCTL-E2E BEGIN dr-lab", "@@LVSCTL-E2E PASS tun 1"}, "the runner reported tun while dr-lab was expected"},
		{"done early", []string{"@@LVSCTL-E2E DONE"}, "the runner finished without reporting dr-lab"},
		{"garbled result", []string{"@@LVSCTL-E2E BEGIN dr-lab", "@@LVSCTL-E2E PASS dr-lab soon"}, "dr-lab began, but the VM ended before it reported a result"},
	}
	for _, tt := range tests {
		c := NewConsole(feed(tt.lines...))
		got := c.Next("dr-lab")
		if got.Passed || got.Reason != tt.want {
			t.Errorf("%s: Next = %+v, want a failure because %q", tt.name, got, tt.want)
		}
	}
}

func TestConsoleDrain(t *testing.T) {
	c := NewConsole(feed("@@LVSCTL-E2E PASS x 1", "@@LVSCTL-E2E BOGUS", "@@LVSCTL-E2E DONE", "reboot: Power down"))
	c.Drain()
	if !c.Done || len(c.Errors) != 1 {
		t.Errorf("after Drain: Done = %v, Errors = %v; want true and one error", c.Done, c.Errors)
	}
}

func TestDropManual(t *testing.T) {
	all := []string{"dr-lab", "bench-scale"}
	manual := map[string]bool{"bench-scale": true}
	for run, want := range map[string][]string{
		"":                     {"dr-lab"},
		"TestVM":               {"dr-lab"},
		"TestVM/":              {"dr-lab"},
		"TestVM/^bench-scale$": {"dr-lab", "bench-scale"},
	} {
		if got := DropManual(all, manual, run); !slices.Equal(got, want) {
			t.Errorf("DropManual(-run %q) = %v, want %v", run, got, want)
		}
	}
}
