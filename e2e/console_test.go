package e2e

import (
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
