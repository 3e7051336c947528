package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/term"
)

// board is one status line per host at the bottom of a terminal, rewritten
// in place as hosts are reached, read and applied (connecting, reading,
// applying 3/10, done, failed), while other output scrolls above it. It
// is only used when standard output is a terminal: elsewhere the output is
// plain lines, unchanged. The rewriting is three ANSI sequences (cursor
// up, carriage return, clear to the end of the screen), too little to
// take a library for.
type board struct {
	mu     sync.Mutex
	out    io.Writer
	size   func() (width, height int)
	order  []string
	status map[string]string
	drawn  int // lines of the board on the screen now
	live   bool
}

// newBoard draws on out, a terminal whose size size reports (zeros when
// unknown).
func newBoard(out io.Writer, size func() (int, int)) *board {
	return &board{out: out, size: size, status: map[string]string{}}
}

// terminalBoard is a board on stdout when it is a terminal that can move
// the cursor, else nil (plain lines).
func terminalBoard(stdio IO) *board {
	if !stdio.OutTerminal || os.Getenv("TERM") == "dumb" {
		return nil
	}
	f, ok := stdio.Out.(*os.File)
	if !ok {
		return nil
	}
	return newBoard(stdio.Out, func() (int, int) {
		w, h, err := term.GetSize(int(f.Fd()))
		if err != nil {
			return 0, 0
		}
		return w, h
	})
}

// set shows status for host, adding its line if new. A nil board does
// nothing, so callers need not ask.
func (b *board) set(host, status string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.status[host]; !ok {
		b.order = append(b.order, host)
	}
	b.status[host] = status
	b.live = true
	b.redraw(nil)
}

// Write prints p above the board (whole lines: callers print line by line).
func (b *board) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.live {
		return b.out.Write(p)
	}
	return len(p), b.redraw(p)
}

// clear takes the board off the screen and forgets its hosts, so the next
// output starts where the board was.
func (b *board) clear() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var buf bytes.Buffer
	b.erase(&buf)
	_, _ = b.out.Write(buf.Bytes())
	b.order, b.status, b.live = nil, map[string]string{}, false
}

// stop leaves the board on the screen as it is, and stops drawing it.
func (b *board) stop() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.drawn, b.live = 0, false
	b.order, b.status = nil, map[string]string{}
}

// redraw erases the board, prints above (if any), and draws it again, in
// one write so the terminal never shows half of it.
func (b *board) redraw(above []byte) error {
	var buf bytes.Buffer
	b.erase(&buf)
	buf.Write(above)
	lines := b.lines()
	for _, l := range lines {
		buf.WriteString(l)
		buf.WriteString("\n")
	}
	b.drawn = len(lines)
	_, err := b.out.Write(buf.Bytes())
	return err
}

func (b *board) erase(buf *bytes.Buffer) {
	if b.drawn > 0 {
		fmt.Fprintf(buf, "\x1b[%dA\r\x1b[J", b.drawn)
		b.drawn = 0
	}
}

// lines are the board's lines: one per host, names aligned, each cut to the
// terminal's width so none wraps (a wrapped line would break the count of
// lines to move up). When the hosts do not fit the terminal's height, the
// hosts still at work are shown and the rest counted on a last line.
func (b *board) lines() []string {
	width, height := b.size()
	if width <= 0 {
		width = 80 // unknown: keep lines short enough not to wrap anywhere
	}
	name := 0
	for _, h := range b.order {
		name = max(name, len(h))
	}
	shown := b.order
	more := ""
	if limit := height - 2; height > 0 && len(shown) > max(limit, 3) {
		limit = max(limit, 3)
		var busy, idle []string
		for _, h := range b.order {
			if settled(b.status[h]) {
				idle = append(idle, h)
			} else {
				busy = append(busy, h)
			}
		}
		shown = append(busy, idle...)[:limit-1]
		counts := map[string]int{}
		var kinds []string
		for _, h := range append(busy, idle...)[limit-1:] {
			k, _, _ := strings.Cut(b.status[h], ":")
			k = strings.Fields(k + " ")[0]
			if counts[k] == 0 {
				kinds = append(kinds, k)
			}
			counts[k]++
		}
		var parts []string
		for _, k := range kinds {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
		}
		more = fmt.Sprintf("%d more host(s): %s", len(b.order)-(limit-1), strings.Join(parts, ", "))
	}
	var out []string
	for _, h := range shown {
		out = append(out, cut(fmt.Sprintf("%-*s  %s", name, h, b.status[h]), width))
	}
	if more != "" {
		out = append(out, cut(more, width))
	}
	return out
}

// settled reports whether a status is final (its host needs no watching).
func settled(status string) bool {
	for _, s := range []string{"done", "read", "failed", "unreachable", "no changes"} {
		if strings.HasPrefix(status, s) {
			return true
		}
	}
	return false
}

// cut shortens s to fewer than width runes, marking the cut.
func cut(s string, width int) string {
	if utf8.RuneCountInString(s) < width {
		return s
	}
	r := []rune(s)
	return string(r[:max(width-2, 0)]) + "…"
}
