package cli

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"sync"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// watch says what the board shows of the hosts' reads and applies: while
// planning, each read (reading, read); while applying, each batch of
// changes (applying 3/10). Reads while applying (drain polls, verify) and
// bookkeeping writes show nothing.
type watch struct {
	b     *board
	mu    sync.Mutex
	apply bool
	total map[string]int
	done  map[string]int
}

// applying switches the board to apply's progress, for the changes of p.
func (w *watch) applying(p plan.Plan) {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.apply, w.total, w.done = true, map[string]int{}, map[string]int{}
	for _, hp := range p.Hosts {
		w.total[hp.Host] = len(hp.Changes)
	}
	w.mu.Unlock()
	for _, hp := range p.Hosts {
		if len(hp.Changes) > 0 {
			w.b.set(hp.Host, fmt.Sprintf("waiting 0/%d", len(hp.Changes)))
		} else {
			w.b.set(hp.Host, "no changes")
		}
	}
}

// newWatch watches hosts on b; a nil board makes a nil watch, which does
// nothing.
func newWatch(b *board) *watch {
	if b == nil {
		return nil
	}
	return &watch{b: b}
}

// set shows a host's status; a nil watch does nothing.
func (w *watch) set(host, status string) {
	if w != nil {
		w.b.set(host, status)
	}
}

// clear takes the board off the screen (before a plan is printed).
func (w *watch) clear() {
	if w != nil {
		w.b.clear()
	}
}

// stop leaves the board's last state on the screen.
func (w *watch) stop() {
	if w != nil {
		w.b.stop()
	}
}

// out is where output goes while the board is shown: above it.
func (w *watch) out(plain io.Writer) io.Writer {
	if w == nil {
		return plain
	}
	return w.b
}

// wrap makes h show on the board; nil watch returns h.
func (w *watch) wrap(name string, h cluster.Host) cluster.Host {
	if w == nil || h == nil {
		return h
	}
	s := &shownHost{Host: h, name: name, w: w}
	if sh, ok := h.(cluster.SessionHost); ok {
		return &shownSessionHost{shownHost: s, session: sh}
	}
	return s
}

// shownHost is a host whose work shows on the board.
type shownHost struct {
	cluster.Host
	name string
	w    *watch
}

func (h *shownHost) Read(ctx context.Context, req cluster.ReadRequest) (state.Host, error) {
	h.w.mu.Lock()
	show := !h.w.apply
	h.w.mu.Unlock()
	if show {
		h.w.b.set(h.name, "reading")
	}
	st, err := h.Host.Read(ctx, req)
	if show {
		if err != nil {
			h.w.b.set(h.name, "failed: "+firstLineOf(err))
		} else {
			h.w.b.set(h.name, "read")
		}
	}
	return st, err
}

func (h *shownHost) Apply(ctx context.Context, changes []plan.Change) ([]plan.Result, error) {
	h.w.mu.Lock()
	show := h.w.apply && !onlyPeers(changes)
	total := h.w.total[h.name]
	h.w.mu.Unlock()
	if !show {
		return h.Host.Apply(ctx, changes)
	}
	h.w.mu.Lock()
	h.w.b.set(h.name, fmt.Sprintf("applying %d/%d", h.w.done[h.name], total))
	h.w.mu.Unlock()
	results, err := h.Host.Apply(ctx, changes)
	h.w.mu.Lock()
	defer h.w.mu.Unlock()
	for _, r := range results {
		if r.Error == "" {
			h.w.done[h.name]++
		}
	}
	if err != nil {
		h.w.b.set(h.name, fmt.Sprintf("failed after %d/%d: %s", h.w.done[h.name], total, firstLineOf(err)))
	} else {
		h.w.b.set(h.name, fmt.Sprintf("applying %d/%d", h.w.done[h.name], total))
	}
	return results, err
}

// shownSessionHost keeps a host's SSH session visible through the wrapper
// (plan's lockout guard asks for it).
type shownSessionHost struct {
	*shownHost
	session cluster.SessionHost
}

func (h *shownSessionHost) Session() (local, peer netip.Addr) { return h.session.Session() }

// onlyPeers reports whether changes are apply's bookkeeping only (the
// record of the cluster's hosts), not the plan's changes.
func onlyPeers(changes []plan.Change) bool {
	for _, c := range changes {
		if c.Kind != plan.KindPeers {
			return false
		}
	}
	return true
}

// firstLineOf is an error's first line, for one status line.
func firstLineOf(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
