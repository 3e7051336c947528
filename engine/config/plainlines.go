package config

import (
	"bytes"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// A big director is mostly lines `server "ADDR:PORT" {}`: 100,000 of them
// in 10,000 services, and half of the CPU of loading it is hcl lexing and
// parsing them (a token per word, a template per label, a map per body).
// Such lines, directly in a virtual_server block, are blanked out before
// hcl parses the piece, and their blocks are made here, with the labels
// and ranges hcl gives them, and put back in their place. Anything
// unusual about where a line sits (in a heredoc, a comment, an expression,
// a nested block, outside a virtual_server) makes the piece parse as
// written, and the tests compare the two parses of every piece.

// plainLine is where one `server "LABEL" {}` line's parts are, as byte
// offsets in the file: the line, the type, the label's quotes, the braces.
type plainLine struct {
	label            string
	line             int
	start, end       int // the line, without its newline
	typ, lab, labEnd int
	open, close      int
}

// findPlainLines returns the plain server lines of src, a piece starting
// at base (always at the start of a line). None are looked for in a piece
// with a heredoc or a block comment, which a line could be part of.
func findPlainLines(src []byte, base hcl.Pos) []plainLine {
	if bytes.Contains(src, []byte("<<")) || bytes.Contains(src, []byte("/*")) {
		return nil
	}
	var out []plainLine
	line := base.Line
	for rel := 0; rel < len(src); line++ {
		nl := bytes.IndexByte(src[rel:], '\n')
		if nl < 0 {
			break // the last line has no newline: leave it to hcl
		}
		if pl, ok := plainServerLine(src[rel : rel+nl]); ok {
			pl.label = string(src[rel+pl.lab+1 : rel+pl.labEnd-1])
			pl.line = line
			pl.start, pl.end = base.Byte+rel, base.Byte+rel+nl
			for _, p := range []*int{&pl.typ, &pl.lab, &pl.labEnd, &pl.open, &pl.close} {
				*p += pl.start
			}
			out = append(out, pl)
		}
		rel += nl + 1
	}
	return out
}

// plainServerLine matches one line (offsets relative to it): blanks,
// server, blanks, a quoted label of address characters, blanks, {, blanks,
// }, blanks. Only ASCII, so that columns are bytes.
func plainServerLine(l []byte) (pl plainLine, ok bool) {
	i := skipBlanks(l, 0)
	if !bytes.HasPrefix(l[i:], []byte("server")) {
		return pl, false
	}
	pl.typ = i
	i += len("server")
	j := skipBlanks(l, i)
	if j == i || j >= len(l) || l[j] != '"' {
		return pl, false
	}
	pl.lab = j
	j++
	for j < len(l) && isAddrByte(l[j]) {
		j++
	}
	if j == pl.lab+1 || j >= len(l) || l[j] != '"' {
		return pl, false
	}
	pl.labEnd = j + 1
	j = skipBlanks(l, j+1)
	if j >= len(l) || l[j] != '{' {
		return pl, false
	}
	pl.open = j
	j = skipBlanks(l, j+1)
	if j >= len(l) || l[j] != '}' {
		return pl, false
	}
	pl.close = j
	return pl, skipBlanks(l, j+1) == len(l)
}

func skipBlanks(l []byte, i int) int {
	for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
		i++
	}
	return i
}

func isAddrByte(c byte) bool {
	return c == '.' || c == ':' || c == '[' || c == ']' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// blankLines returns a copy of src (a piece starting at byte base) with
// the lines blanked, newlines kept, so every other position is unchanged.
func blankLines(src []byte, base int, lines []plainLine) []byte {
	out := bytes.Clone(src)
	for _, pl := range lines {
		for i := pl.start; i < pl.end; i++ {
			out[i-base] = ' '
		}
	}
	return out
}

// putBack adds the lines' blocks to the top-level virtual_server blocks
// of body they are directly in, in source order. It is false if a line is
// anywhere else.
func putBack(body *hclsyntax.Body, lines []plainLine, filename string) bool {
	touched := map[*hclsyntax.Body]bool{}
	for _, pl := range lines {
		vs := enclosing(body, pl)
		if vs == nil {
			return false
		}
		vs.Blocks = append(vs.Blocks, plainBlock(pl, filename))
		touched[vs] = true
	}
	for b := range touched {
		slices.SortFunc(b.Blocks, func(x, y *hclsyntax.Block) int { return x.TypeRange.Start.Byte - y.TypeRange.Start.Byte })
	}
	return true
}

// enclosing is the body of the top-level virtual_server block that pl is
// directly in (not in one of its attributes or nested blocks), or nil.
func enclosing(body *hclsyntax.Body, pl plainLine) *hclsyntax.Body {
	overlaps := func(r hcl.Range) bool { return r.Start.Byte < pl.end && r.End.Byte > pl.start }
	for _, b := range body.Blocks {
		if !overlaps(b.Range()) {
			continue
		}
		if b.Type != "virtual_server" || b.OpenBraceRange.End.Byte > pl.start || b.CloseBraceRange.Start.Byte < pl.end {
			return nil
		}
		for _, a := range b.Body.Attributes {
			if overlaps(a.SrcRange) {
				return nil
			}
		}
		for _, n := range b.Body.Blocks {
			if overlaps(n.Range()) {
				return nil
			}
		}
		return b.Body
	}
	return nil
}

// plainBlock is the block hcl parses from the line.
func plainBlock(pl plainLine, filename string) *hclsyntax.Block {
	pos := func(off int) hcl.Pos { return hcl.Pos{Line: pl.line, Column: off - pl.start + 1, Byte: off} }
	rng := func(from, to int) hcl.Range { return hcl.Range{Filename: filename, Start: pos(from), End: pos(to)} }
	return &hclsyntax.Block{
		Type:            "server",
		Labels:          []string{pl.label},
		TypeRange:       rng(pl.typ, pl.typ+len("server")),
		LabelRanges:     []hcl.Range{rng(pl.lab, pl.labEnd)},
		OpenBraceRange:  rng(pl.open, pl.open+1),
		CloseBraceRange: rng(pl.close, pl.close+1),
		Body: &hclsyntax.Body{
			SrcRange: rng(pl.open, pl.close+1),
			EndRange: rng(pl.close+1, pl.close+1),
		},
	}
}
