package e2e

import (
	"fmt"
	"strconv"
	"strings"
)

// markerPrefix starts every line the in-VM runner prints for the driver.
// It may be preceded by terminal control sequences on the serial console,
// so it is searched for anywhere in a line.
const markerPrefix = "@@LVSCTL-E2E "

// EventKind is what a runner marker says.
type EventKind string

const (
	// EventReady: the VM is up; Seconds is the uptime at that point.
	EventReady EventKind = "READY"
	EventBegin EventKind = "BEGIN"
	EventPass  EventKind = "PASS"
	EventFail  EventKind = "FAIL"
	// EventWarn is a note about the VM itself, such as a module that did not load.
	EventWarn EventKind = "WARN"
	// EventDone: the runner finished every scenario.
	EventDone EventKind = "DONE"
)

// Event is one parsed marker line.
type Event struct {
	Kind EventKind
	// Name is the scenario of BEGIN, PASS and FAIL.
	Name string
	// Seconds is the scenario's time inside the VM (PASS, FAIL) or the
	// uptime (READY).
	Seconds float64
	// Reason is why a scenario failed, or the text of a WARN.
	Reason string
}

// ParseMarker parses one console line. ok is false for ordinary output;
// err is set for a line that carries the marker prefix but is malformed,
// which the driver reports rather than ignores: a garbled result must not
// pass for a missing one unnoticed.
//
//	@@LVSCTL-E2E READY <uptime>
//	@@LVSCTL-E2E BEGIN <name>
//	@@LVSCTL-E2E PASS <name> <seconds>
//	@@LVSCTL-E2E FAIL <name> <seconds>: <reason>
//	@@LVSCTL-E2E WARN <text>
//	@@LVSCTL-E2E DONE
func ParseMarker(line string) (ev Event, ok bool, err error) {
	i := strings.Index(line, markerPrefix)
	if i < 0 {
		return Event{}, false, nil
	}
	rest := strings.TrimRight(line[i+len(markerPrefix):], "\r\n")
	kind, args, _ := strings.Cut(rest, " ")
	ev.Kind = EventKind(kind)
	switch ev.Kind {
	case EventDone:
		if args != "" {
			return Event{}, true, fmt.Errorf("marker %q: DONE takes no arguments", rest)
		}
	case EventWarn:
		ev.Reason = args
	case EventReady:
		ev.Seconds, err = strconv.ParseFloat(args, 64)
	case EventBegin:
		ev.Name = args
		if !validName(ev.Name) {
			err = fmt.Errorf("bad scenario name %q", ev.Name)
		}
	case EventPass:
		var secs string
		ev.Name, secs, _ = strings.Cut(args, " ")
		ev.Seconds, err = parseSeconds(ev.Name, secs)
	case EventFail:
		head, reason, found := strings.Cut(args, ": ")
		if !found {
			head = strings.TrimSuffix(args, ":")
		}
		var secs string
		ev.Name, secs, _ = strings.Cut(head, " ")
		ev.Reason = strings.TrimSpace(reason)
		if ev.Reason == "" {
			ev.Reason = "no reason given"
		}
		ev.Seconds, err = parseSeconds(ev.Name, secs)
	default:
		err = fmt.Errorf("unknown marker kind %q", kind)
	}
	if err != nil {
		return Event{}, true, fmt.Errorf("marker %q: %w", rest, err)
	}
	return ev, true, nil
}

func parseSeconds(name, s string) (float64, error) {
	if !validName(name) {
		return 0, fmt.Errorf("bad scenario name %q", name)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return v, nil
}

// validName reports whether s can name a scenario directory: the runner
// splits on spaces and the driver uses it as a subtest name.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Console reads a VM console line by line, in order, and tells what it
// says about each scenario. It is fed by a channel that closes when the
// VM has ended.
type Console struct {
	lines <-chan string
	// Ready is the VM's uptime when the runner started, 0 until seen.
	Ready float64
	// Done is set once the runner said it finished every scenario.
	Done bool
	// Warnings are the runner's WARN lines.
	Warnings []string
	// Errors are malformed marker lines.
	Errors []error
}

// NewConsole reads lines from the channel.
func NewConsole(lines <-chan string) *Console { return &Console{lines: lines} }

// Result is what the console said about one scenario.
type Result struct {
	Passed bool
	// Seconds the scenario took inside the VM.
	Seconds float64
	// Reason is why it failed, or why there is no result.
	Reason string
	// Output is what the scenario printed, markers aside.
	Output []string
}

// Next reads up to the result of the named scenario, which the runner must
// report next. A scenario the VM ended without reporting, or a result for
// another scenario than the one expected, is a failure: silence never
// passes.
func (c *Console) Next(name string) Result {
	var r Result
	began := false
	for line := range c.lines {
		ev, ok := c.note(line)
		if !ok {
			if began {
				r.Output = append(r.Output, strings.TrimRight(line, "\r"))
			}
			continue
		}
		switch ev.Kind {
		case EventDone:
			r.Reason = fmt.Sprintf("the runner finished without reporting %s", name)
			return r
		case EventBegin:
			if ev.Name != name {
				r.Reason = fmt.Sprintf("the runner began %s while %s was expected", ev.Name, name)
				return r
			}
			began = true
		case EventPass, EventFail:
			if ev.Name != name {
				r.Reason = fmt.Sprintf("the runner reported %s while %s was expected", ev.Name, name)
				return r
			}
			r.Passed, r.Seconds, r.Reason = ev.Kind == EventPass, ev.Seconds, ev.Reason
			return r
		}
	}
	if began {
		r.Reason = fmt.Sprintf("%s began, but the VM ended before it reported a result", name)
	} else {
		r.Reason = fmt.Sprintf("the VM ended before %s began", name)
	}
	return r
}

// Drain reads the console to its end, noting what it says about the VM.
func (c *Console) Drain() {
	for line := range c.lines {
		c.note(line)
	}
}

// note parses a line and keeps what it says about the VM as a whole.
// ok is false for ordinary output and malformed markers.
func (c *Console) note(line string) (ev Event, ok bool) {
	ev, marker, err := ParseMarker(line)
	if err != nil {
		c.Errors = append(c.Errors, err)
		return Event{}, false
	}
	switch ev.Kind {
	case EventReady:
		c.Ready = ev.Seconds
	case EventWarn:
		c.Warnings = append(c.Warnings, ev.Reason)
	case EventDone:
		c.Done = true
	}
	return ev, marker
}
