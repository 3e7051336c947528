package agent

import (
	"context"
	"encoding/json"
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
	if json.Unmarshal(raw, &ack) != nil || ack.Op != opAck {
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
