package config

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Most of a big configuration is blocks of literal settings:
//
//	virtual_server "s1" {
//	  directors = ["lvs"]
//	  vip       = "10.1.0.1"
//	  port      = 80
//	  server "172.16.0.1:80" {}
//	  dynamic "server" {
//	    for_each = local.rips
//	    labels   = [server.value]
//	    content {}
//	  }
//	}
//
// hcl lexes each word into a 96-byte token, builds a template for every
// string and a map per body; for 10,000 services that was most of the CPU
// of loading them. A piece made only of such items (blocks with quoted
// labels, one item a line; attributes whose values are plain strings,
// whole numbers, true, false, a.b.c references or one-line lists of
// these) is read here into the very syntax tree hclsyntax makes of it:
// the same node types, values and ranges. Anything else — a comment, an
// escape, an interpolation, a non-ASCII byte, a carriage return, a
// one-line block with content, two items on a line — gives up on the
// whole piece, and hcl parses it. The tests compare both trees of every
// piece they meet (plainblocks_test.go).

// plainScanner reads one piece. Offsets are relative to src; positions
// count lines from base, whose column is 1. Only ASCII is accepted, so a
// column is a byte count.
type plainScanner struct {
	src       []byte
	base      hcl.Pos
	file      string
	i         int
	line      int
	lineStart int
	batch     []scannedBlock // made, not yet used
}

// scanPlainBody returns the body hclsyntax.ParseConfig(src, file, base)
// would, when src is made only of plain items; ok is false otherwise.
func scanPlainBody(src []byte, base hcl.Pos, file string) (body *hclsyntax.Body, ok bool) {
	if base.Column != 1 {
		return nil, false
	}
	s := &plainScanner{src: src, base: base, file: file, line: base.Line}
	body, ok = s.body(false)
	if !ok || s.i != len(src) {
		return nil, false
	}
	// hcl's body starts at its first token: a newline or a word, or the
	// end of the file.
	first := 0
	for first < len(src) && (src[first] == ' ' || src[first] == '\t') {
		first++
	}
	start := hcl.Pos{Line: base.Line, Column: first + 1, Byte: base.Byte + first}
	end := s.rng(s.i, s.i)
	body.SrcRange = hcl.Range{Filename: file, Start: start, End: end.End}
	body.EndRange = end
	return body, true
}

func (s *plainScanner) pos(i int) hcl.Pos {
	return hcl.Pos{Line: s.line, Column: i - s.lineStart + 1, Byte: s.base.Byte + i}
}

// rng is the range from offset from to offset to, both on the current line.
func (s *plainScanner) rng(from, to int) hcl.Range {
	return hcl.Range{Filename: s.file, Start: s.pos(from), End: s.pos(to)}
}

func (s *plainScanner) at(c byte) bool { return s.i < len(s.src) && s.src[s.i] == c }

func (s *plainScanner) blanks() {
	for s.i < len(s.src) && (s.src[s.i] == ' ' || s.src[s.i] == '\t') {
		s.i++
	}
}

// newline steps over the end of a line (blanks first).
func (s *plainScanner) newline() bool {
	s.blanks()
	if !s.at('\n') {
		return false
	}
	s.i++
	s.line++
	s.lineStart = s.i
	return true
}

// body reads items up to the end of src, or (nested) up to the line
// holding only a closing brace, which is left to read.
func (s *plainScanner) body(nested bool) (*hclsyntax.Body, bool) {
	b := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, Blocks: hclsyntax.Blocks{}}
	for {
		s.blanks()
		switch {
		case s.i == len(s.src):
			return b, !nested
		case s.at('\n'):
			s.newline()
			continue
		case s.at('}'):
			return b, nested
		}
		nameStart := s.i
		if !s.ident() {
			return nil, false
		}
		name := string(s.src[nameStart:s.i])
		nameRange := s.rng(nameStart, s.i)
		s.blanks()
		if !s.at('=') {
			blk, ok := s.block(name, nameRange)
			if !ok {
				return nil, false
			}
			b.Blocks = append(b.Blocks, blk)
			continue
		}
		eq := s.rng(s.i, s.i+1)
		s.i++
		s.blanks()
		expr, ok := s.expr()
		if !ok || !s.newline() {
			return nil, false
		}
		if _, dup := b.Attributes[name]; dup {
			return nil, false // hcl reports it
		}
		b.Attributes[name] = &hclsyntax.Attribute{
			Name:        name,
			Expr:        expr,
			SrcRange:    hcl.RangeBetween(nameRange, expr.Range()),
			NameRange:   nameRange,
			EqualsRange: eq,
		}
	}
}

// block reads the rest of a block from its labels: `{}` on the header's
// line, or `{`, its items on the lines after and `}` on a line of its own.
func (s *plainScanner) block(typ string, typeRange hcl.Range) (*hclsyntax.Block, bool) {
	one := s.newBlock()
	blk := &one.blk
	blk.Type, blk.TypeRange = typ, typeRange
	for n := 0; s.at('"'); n++ {
		from := s.i
		label, ok := s.plainString()
		if !ok {
			return nil, false
		}
		if n == 0 {
			one.label[0], one.labelR[0] = label, s.rng(from, s.i)
			blk.Labels, blk.LabelRanges = one.label[:], one.labelR[:]
		} else {
			blk.Labels = append(blk.Labels, label)
			blk.LabelRanges = append(blk.LabelRanges, s.rng(from, s.i))
		}
		s.blanks()
	}
	if !s.at('{') {
		return nil, false
	}
	blk.OpenBraceRange = s.rng(s.i, s.i+1)
	s.i++
	s.blanks()
	var body *hclsyntax.Body
	if s.at('}') {
		// Empty: no map nor slice, as plainlines.go's plainBlock
		// (hcl's readers take them as its empty ones).
		body = &one.body
	} else {
		var ok bool
		if !s.newline() {
			return nil, false
		}
		if body, ok = s.body(true); !ok {
			return nil, false
		}
	}
	blk.CloseBraceRange = s.rng(s.i, s.i+1)
	s.i++
	body.SrcRange = hcl.RangeBetween(blk.OpenBraceRange, blk.CloseBraceRange)
	body.EndRange = s.rng(s.i, s.i)
	blk.Body = body
	return blk, s.newline()
}

// scannedBlock is a block, its body and its first label in one: most
// blocks are `server "ADDR" {}`, 100,000 of them in a big director. A
// piece's are made at once, one per opening brace, and all dropped with
// the piece's syntax.
type scannedBlock struct {
	blk    hclsyntax.Block
	body   hclsyntax.Body
	label  [1]string
	labelR [1]hcl.Range
}

func (s *plainScanner) newBlock() *scannedBlock {
	if s.batch == nil {
		s.batch = make([]scannedBlock, bytes.Count(s.src, []byte{'{'}))
	}
	if len(s.batch) == 0 {
		return &scannedBlock{} // not reached: a block has a brace
	}
	b := &s.batch[0]
	s.batch = s.batch[1:]
	return b
}

// expr reads a plain value: a string, a whole number, true, false, a
// reference or a list of these on one line.
func (s *plainScanner) expr() (hclsyntax.Expression, bool) {
	from := s.i
	switch {
	case s.at('"'):
		v, ok := s.plainString()
		if !ok {
			return nil, false
		}
		return &hclsyntax.TemplateExpr{
			Parts:    []hclsyntax.Expression{&hclsyntax.LiteralValueExpr{Val: cty.StringVal(v), SrcRange: s.rng(from+1, s.i-1)}},
			SrcRange: s.rng(from, s.i),
		}, true
	case s.at('['):
		return s.list()
	case s.i < len(s.src) && isDigit(s.src[s.i]):
		for s.i < len(s.src) && isDigit(s.src[s.i]) {
			s.i++
		}
		if s.i < len(s.src) && (isIdentByte(s.src[s.i]) || s.src[s.i] == '.') {
			return nil, false // 1e3, 1.5, 80x: left to hcl
		}
		v, err := cty.ParseNumberVal(string(s.src[from:s.i]))
		if err != nil {
			return nil, false
		}
		return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: s.rng(from, s.i)}, true
	}
	return s.reference()
}

// reference reads true, false, or a traversal root.attr.attr...
func (s *plainScanner) reference() (hclsyntax.Expression, bool) {
	from := s.i
	if !s.ident() {
		return nil, false
	}
	name := string(s.src[from:s.i])
	r := s.rng(from, s.i)
	if name == "true" || name == "false" || name == "null" {
		if s.at('.') || s.at('(') || s.at(':') || name == "null" {
			return nil, false
		}
		return &hclsyntax.LiteralValueExpr{Val: cty.BoolVal(name == "true"), SrcRange: r}, true
	}
	t := &hclsyntax.ScopeTraversalExpr{Traversal: hcl.Traversal{hcl.TraverseRoot{Name: name, SrcRange: r}}, SrcRange: r}
	for s.at('.') {
		dot := s.i
		s.i++
		at := s.i
		if !s.ident() {
			return nil, false
		}
		step := s.rng(dot, s.i)
		t.Traversal = append(t.Traversal, hcl.TraverseAttr{Name: string(s.src[at:s.i]), SrcRange: step})
		t.SrcRange = hcl.RangeBetween(t.SrcRange, step)
	}
	if s.at('(') || s.at(':') || s.at('[') {
		return nil, false // a call, a namespace or an index: left to hcl
	}
	return t, true
}

// list reads [a, b, ...] on one line, a trailing comma allowed.
func (s *plainScanner) list() (hclsyntax.Expression, bool) {
	open := s.rng(s.i, s.i+1)
	s.i++
	var exprs []hclsyntax.Expression
	for {
		s.blanks()
		if s.at(']') {
			break
		}
		e, ok := s.expr()
		if !ok {
			return nil, false
		}
		exprs = append(exprs, e)
		s.blanks()
		if s.at(',') {
			s.i++
			continue
		}
		if !s.at(']') {
			return nil, false
		}
	}
	s.i++
	return &hclsyntax.TupleConsExpr{Exprs: exprs, SrcRange: hcl.RangeBetween(open, s.rng(s.i-1, s.i)), OpenRange: open}, true
}

// plainString reads a quoted string of printable ASCII without escapes,
// interpolations or directives, not empty; s.i ends after the quote.
func (s *plainScanner) plainString() (string, bool) {
	from := s.i + 1
	for j := from; j < len(s.src); j++ {
		switch c := s.src[j]; {
		case c == '"':
			if j == from {
				return "", false
			}
			s.i = j + 1
			return string(s.src[from:j]), true
		case c < ' ' || c > '~' || c == '\\' || c == '$' || c == '%':
			return "", false
		}
	}
	return "", false
}

// ident reads an hcl identifier of ASCII letters, digits, _ and -, not
// starting with a digit or -.
func (s *plainScanner) ident() bool {
	if s.i >= len(s.src) || !isIdentByte(s.src[s.i]) || isDigit(s.src[s.i]) || s.src[s.i] == '-' {
		return false
	}
	for s.i < len(s.src) && isIdentByte(s.src[s.i]) {
		s.i++
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
