package render

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/hashicorp/hcl/v2"
)

// MaxDiagnostics is how many diagnostics Diagnostics prints in full; the
// rest are counted in one closing line. A pasted block repeated a thousand
// times is better answered by its first problems than by two thousand.
const MaxDiagnostics = 20

// Diagnostics writes HCL diagnostics as hcl's text writer does (summary, the
// source snippet with the problem marked, detail), naming each place as
// file:line:col, the form editors and CI annotations jump to. Errors are
// printed before warnings are allowed to fill the MaxDiagnostics shown.
//
// Each diagnostic costs the size of its snippet, not of its file: hcl's
// writer scans the file from its first byte for every diagnostic, so it is
// handed a window of the lines the snippet needs.
func Diagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, width uint, color bool) error {
	shown, hiddenErrors, hiddenWarnings := pick(diags, MaxDiagnostics)
	indexes := map[string]*lineIndex{}
	for _, d := range shown {
		out, err := writeOne(files, indexes, d, width, color)
		if err != nil {
			return err
		}
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
	if hidden := hiddenErrors + hiddenWarnings; hidden > 0 {
		_, err := fmt.Fprintf(w, "... and %s not shown (%d more errors, %d more warnings): fix the problems above and run again to see the rest.\n",
			plural(hidden, "more problem"), hiddenErrors, hiddenWarnings)
		return err
	}
	return nil
}

// pick keeps at most max diagnostics, errors first, in their given order.
func pick(diags hcl.Diagnostics, max int) (shown hcl.Diagnostics, hiddenErrors, hiddenWarnings int) {
	if len(diags) <= max {
		return diags, 0, 0
	}
	keep := make([]bool, len(diags))
	n := 0
	for _, errorsPass := range []bool{true, false} {
		for i, d := range diags {
			if (d.Severity == hcl.DiagError) == errorsPass && n < max {
				keep[i] = true
				n++
			}
		}
	}
	for i, d := range diags {
		switch {
		case keep[i]:
			shown = append(shown, d)
		case d.Severity == hcl.DiagError:
			hiddenErrors++
		default:
			hiddenWarnings++
		}
	}
	return shown, hiddenErrors, hiddenWarnings
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// writeOne renders d with hcl's writer over a window of its file.
func writeOne(files map[string]*hcl.File, indexes map[string]*lineIndex, d *hcl.Diagnostic, width uint, color bool) ([]byte, error) {
	var buf bytes.Buffer
	r := d.Subject
	var f *hcl.File
	if r != nil {
		f = files[r.Filename]
	}
	if f == nil || f.Bytes == nil {
		if err := hcl.NewDiagnosticTextWriter(&buf, files, width, color).WriteDiagnostic(d); err != nil {
			return nil, err
		}
		return nameLine(buf.Bytes(), r, 0), nil
	}
	idx := indexes[r.Filename]
	if idx == nil {
		idx = newLineIndex(f.Bytes)
		indexes[r.Filename] = idx
	}
	// The lines hcl would print are those the subject and context overlap,
	// one byte past the end included (it widens empty ranges by one).
	lo, hi := r.Start.Byte, r.End.Byte+1
	if c := d.Context; c != nil {
		lo, hi = min(lo, c.Start.Byte), max(hi, c.End.Byte+1)
	}
	first, start := idx.lineOf(lo)
	end := idx.nextLine(hi)
	win := &hcl.File{Bytes: f.Bytes[start:end], Nav: offsetNav{f.Nav, start}}
	local := *d
	local.Subject = rebase(d.Subject, start)
	local.Context = rebase(d.Context, start)
	err := hcl.NewDiagnosticTextWriter(&buf, map[string]*hcl.File{r.Filename: win}, width, color).WriteDiagnostic(&local)
	if err != nil {
		return nil, err
	}
	return nameLine(buf.Bytes(), r, first-1), nil
}

// nameLine turns hcl's "on FILE line N" into "on FILE:N:COL" and, when the
// snippet came from a window starting after line 1, adds the lines skipped
// to the numbers in its gutter.
func nameLine(out []byte, r *hcl.Range, skipped int) []byte {
	if r == nil {
		return out
	}
	from := fmt.Appendf(nil, "on %s line %d", r.Filename, r.Start.Line)
	i := bytes.Index(out, from)
	if i < 0 {
		return out
	}
	var b bytes.Buffer
	b.Write(out[:i])
	fmt.Fprintf(&b, "on %s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
	rest := out[i+len(from):]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		b.Write(rest)
		return b.Bytes()
	}
	b.Write(rest[:nl+1])
	rest = rest[nl+1:]
	// The gutter: "%4d: " lines up to the blank line that ends the snippet.
	for len(rest) > 0 && rest[0] != '\n' {
		nl := bytes.IndexByte(rest, '\n')
		if nl < 0 {
			nl = len(rest) - 1
		}
		line := rest[:nl+1]
		rest = rest[nl+1:]
		colon := bytes.Index(line, []byte(": "))
		if colon < 0 {
			b.Write(line)
			continue
		}
		n, err := strconv.Atoi(string(bytes.TrimSpace(line[:colon])))
		if err != nil {
			b.Write(line)
			continue
		}
		fmt.Fprintf(&b, "%4d", n+skipped)
		b.Write(line[colon:])
	}
	b.Write(rest)
	return b.Bytes()
}

func rebase(r *hcl.Range, base int) *hcl.Range {
	if r == nil {
		return nil
	}
	c := *r
	c.Start.Byte -= base
	c.End.Byte -= base
	return &c
}

// offsetNav answers hcl's "in BLOCK" context question for a window by asking
// the whole file's navigator at the original offset.
type offsetNav struct {
	inner any
	base  int
}

func (n offsetNav) ContextString(offset int) string {
	if c, ok := n.inner.(interface{ ContextString(int) string }); ok {
		return c.ContextString(offset + n.base)
	}
	return ""
}

// lineIndex holds where each line of a file starts.
type lineIndex struct {
	starts []int
	size   int
}

func newLineIndex(src []byte) *lineIndex {
	idx := &lineIndex{starts: []int{0}, size: len(src)}
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			idx.starts = append(idx.starts, i+1)
		}
	}
	return idx
}

// lineOf returns the 1-based line holding byte off and where it starts.
func (x *lineIndex) lineOf(off int) (int, int) {
	off = min(max(off, 0), x.size)
	i := sort.Search(len(x.starts), func(i int) bool { return x.starts[i] > off }) - 1
	return i + 1, x.starts[i]
}

// nextLine returns where the line after the one holding byte off starts.
func (x *lineIndex) nextLine(off int) int {
	line, _ := x.lineOf(off)
	if line < len(x.starts) {
		return x.starts[line]
	}
	return x.size
}
