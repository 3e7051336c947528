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
