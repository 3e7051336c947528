package agent

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"sync"
	"time"
)

// progressWindow is how many changes an agent may make beyond the last
// one its client acknowledged. It bounds what a client that loses its
// connection cannot know (done or not), and lets a connection with a long
// round trip keep the agent busy: with 32 changes in flight, a 30 ms round
// trip costs about what 32 kernel writes take anyway. Tests narrow it.
var progressWindow = 32

// progressEvery and progressPause say when the agent tells its progress:
// after this many changes, or once a change ends this long after the last
// report, and after the last change.
const (
	progressEvery = 16
	progressPause = 20 * time.Millisecond
)

// maxAckLine is longer than any ack line: longer lines are not looked at
// as acks (an apply request of many changes is decoded only once).
const maxAckLine = 128

// progressLine appends to b the line {"id":ID,"op":OP,"progress":N} and
// its newline, as encoding/json writes a request or response of these
// fields alone (op empty: a response): built by hand, there is one every
// few changes.
func progressLine(b []byte, id uint64, op string, n int) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendUint(b, id, 10)
	if op != "" {
		b = append(b, `,"op":"`...)
		b = append(b, op...)
		b = append(b, '"')
	}
	b = append(b, `,"progress":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, "}\n"...)
}

// parseProgress reads a line progressLine wrote with op (empty: a
// response), trailing newline or not; ok is false for any other line,
// which the caller reads as JSON. The agent takes an ack and the client a
// progress line every few changes: reading them by reflection cost more
// than the rest of either's part of the exchange.
func parseProgress(line []byte, op string) (id uint64, n int, ok bool) {
	rest, ok := cutPrefix(line, `{"id":`)
	if !ok {
		return 0, 0, false
	}
	id, rest, ok = cutUint(rest)
	if !ok {
		return 0, 0, false
	}
	if op != "" {
		if rest, ok = cutPrefix(rest, `,"op":"`); ok {
			rest, ok = cutPrefix(rest, op)
		}
		if ok {
			rest, ok = cutPrefix(rest, `"`)
		}
		if !ok {
			return 0, 0, false
		}
	}
	if rest, ok = cutPrefix(rest, `,"progress":`); !ok {
		return 0, 0, false
	}
	v, rest, ok := cutUint(rest)
	if !ok || v > math.MaxInt32 {
		return 0, 0, false
	}
	if rest, ok = cutPrefix(rest, "}"); !ok {
		return 0, 0, false
	}
	if len(rest) > 0 && string(rest) != "\n" {
		return 0, 0, false
	}
	return id, int(v), true
}

func cutPrefix(b []byte, prefix string) ([]byte, bool) {
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		return b, false
	}
	return b[len(prefix):], true
}

// cutUint reads the decimal number at the start of b, as strconv writes
// it (no sign, no leading zero but for 0 itself).
func cutUint(b []byte) (uint64, []byte, bool) {
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	if i == 0 || i > 1 && b[0] == '0' {
		return 0, b, false
	}
	v, err := strconv.ParseUint(string(b[:i]), 10, 64)
	if err != nil {
		return 0, b, false
	}
	return v, b[i:], true
}

// acks is what the client has acknowledged of the apply under way.
type acks struct {
	mu sync.Mutex
	id uint64
	n  int
	// changed is closed at every acknowledgement, then replaced.
	changed chan struct{}
}

func newAcks() *acks { return &acks{changed: make(chan struct{})} }

// start begins counting the acknowledgements of apply request id.
func (a *acks) start(id uint64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.id, a.n = id, 0
}

// take records raw if it is an ack, and says whether it was.
func (a *acks) take(raw json.RawMessage) bool {
	if len(raw) > maxAckLine {
		return false
	}
	var ack request
	if id, n, ok := parseProgress(raw, opAck); ok {
		ack = request{ID: id, Op: opAck, Progress: n}
	} else if json.Unmarshal(raw, &ack) != nil || ack.Op != opAck {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if ack.ID == a.id && ack.Progress > a.n {
		a.n = ack.Progress
		close(a.changed)
		a.changed = make(chan struct{})
	}
	return true
}

// wait waits until at least n changes of apply request id are
// acknowledged, or ctx ends.
func (a *acks) wait(ctx context.Context, id uint64, n int) {
	for {
		a.mu.Lock()
		if a.id != id || a.n >= n {
			a.mu.Unlock()
			return
		}
		changed := a.changed
		a.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return
		}
	}
}
