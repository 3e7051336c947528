package config

import (
	"bytes"
	"maps"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Big files are parsed in pieces. hcl's lexer keeps one token (96 bytes)
// per word of the whole file in one slice, grown by copying: a 5.6 MB file
// of 10,000 services makes 1.3 million tokens and allocates about 700 MB on
// the way, in ever bigger blocks fresh from the system. Cut at top-level
// newlines (where no block, string, comment or heredoc is open), each piece
// parses on its own, in parallel; pieces of about 1 KiB (a block or two)
// keep each token slice small enough for the allocator to reuse, about a
// third of the memory of 128 KiB pieces. The pieces' bodies are then joined
// into one file.
const (
	chunkMin  = 64 << 10 // files smaller than this are parsed whole
	chunkSize = 1 << 10  // about this much source per piece
)

// parseHCLSource parses src as the native-syntax file filename.
func parseHCLSource(src []byte, filename string) (*hcl.File, hcl.Diagnostics) {
	if len(src) < chunkMin {
		return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	}
	return parseChunked(src, filename, chunkSize)
}

// parseChunked parses src in pieces of about size bytes. Anything unusual —
// a piece with an error, a cut that cannot be placed — falls back to one
// whole parse, so errors read exactly as hcl reports them.
func parseChunked(src []byte, filename string, size int) (*hcl.File, hcl.Diagnostics) {
	cuts := topLevelCuts(src, size)
	if len(cuts) == 0 {
		return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	}
	type piece struct {
		start hcl.Pos
		end   int
		file  *hcl.File
		diags hcl.Diagnostics
	}
	pieces := make([]piece, 0, len(cuts)+1)
	pos := hcl.InitialPos
	for _, c := range append(cuts, len(src)) {
		pieces = append(pieces, piece{start: pos, end: c})
		pos = hcl.Pos{Byte: c, Line: pos.Line + bytes.Count(src[pos.Byte:c], []byte{'\n'}), Column: 1}
	}
	// One worker per CPU takes the next piece (thousands of them).
	var wg sync.WaitGroup
	var next atomic.Int64
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(pieces); i = int(next.Add(1)) - 1 {
				p := &pieces[i]
				p.file, p.diags = hclsyntax.ParseConfig(src[p.start.Byte:p.end], filename, p.start)
			}
		})
	}
	wg.Wait()
	for _, p := range pieces {
		if len(p.diags) > 0 {
			return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
		}
	}
	// Join into the first piece's body: its navigator (hcl's "in BLOCK"
	// context for diagnostics) holds that body, so it sees every block.
	body := pieces[0].file.Body.(*hclsyntax.Body)
	var diags hcl.Diagnostics
	for _, p := range pieces[1:] {
		b := p.file.Body.(*hclsyntax.Body)
		body.Blocks = append(body.Blocks, b.Blocks...)
		for _, a := range sortedSyntaxAttributes(b.Attributes) {
			if prev, dup := body.Attributes[a.Name]; dup {
				// As hclsyntax reports it within one body.
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Attribute redefined",
					Detail:   "The argument \"" + a.Name + "\" was already set at " + prev.NameRange.String() + ". Each argument may be set only once.",
					Subject:  &a.NameRange,
				})
				continue
			}
			body.Attributes[a.Name] = a
		}
		body.EndRange = b.EndRange
	}
	body.SrcRange.End = body.EndRange.End
	f := pieces[0].file
	f.Bytes = src
	return f, diags
}

func sortedSyntaxAttributes(attrs hclsyntax.Attributes) []*hclsyntax.Attribute {
	out := slices.Collect(maps.Values(attrs))
	slices.SortFunc(out, func(a, b *hclsyntax.Attribute) int { return a.SrcRange.Start.Byte - b.SrcRange.Start.Byte })
	return out
}

// topLevelCuts returns byte offsets, about size apart, just after newlines
// where nothing is open: no brace, bracket or parenthesis, string,
// template, comment or heredoc. It returns nil when it loses track (an
// unbalanced file), and the caller parses whole.
func topLevelCuts(src []byte, size int) []int {
	cuts, _, ok := scanTopLevel(src, size)
	if !ok {
		return nil
	}
	return cuts
}

// hostWords are the top-level blocks that need nothing decoded before
// them: a piece holding only these can be decoded as soon as it is parsed.
var hostWords = [][]byte{[]byte("director"), []byte("real_server"), []byte("virtual_server")}

// scanTopLevel returns topLevelCuts' cuts and, in early, the offsets of
// the top-level lines that do not start with a host or service block
// (variable, locals, cluster = ..., or anything unexpected). ok is false
// when it loses track.
func scanTopLevel(src []byte, size int) (cuts, early []int, ok bool) {
	s := scanner{src: src}
	last := 0
	lineStart := true // at depth 0, nothing but blanks and comments seen on this line yet
	for s.i < len(src) {
		c := src[s.i]
		switch {
		case c == '\n':
			s.i++
			lineStart = s.depth == 0
			if s.depth == 0 && s.i-last >= size && s.i < len(src) {
				cuts = append(cuts, s.i)
				last = s.i
			}
		case c == ' ' || c == '\t' || c == '\r':
			s.i++
		case c == '#' || (c == '/' && s.peek(1) == '/'):
			s.lineComment()
		case c == '/' && s.peek(1) == '*':
			if !s.blockComment() {
				return nil, nil, false
			}
		default:
			if lineStart {
				if !s.startsHostBlock() {
					early = append(early, s.i)
				}
				lineStart = false
			}
			if !s.token() {
				return nil, nil, false
			}
		}
	}
	if s.depth != 0 {
		return nil, nil, false
	}
	return cuts, early, true
}

// startsHostBlock reports whether a host or service block's type is at
// the scanner's position.
func (s *scanner) startsHostBlock() bool {
	for _, w := range hostWords {
		if bytes.HasPrefix(s.src[s.i:], w) && !isIdentByte(s.peek(len(w))) {
			return true
		}
	}
	return false
}

// token steps over one character, or a whole string or heredoc, keeping
// count of the brackets open. It is false when the source is unbalanced.
func (s *scanner) token() bool {
	switch c := s.src[s.i]; {
	case c == '"':
		return s.quoted()
	case c == '<' && s.peek(1) == '<':
		return s.heredoc()
	case c == '{' || c == '[' || c == '(':
		s.depth++
	case c == '}' || c == ']' || c == ')':
		if s.depth == 0 {
			return false
		}
		s.depth--
	}
	s.i++
	return true
}

type scanner struct {
	src   []byte
	i     int
	depth int
}

func (s *scanner) peek(n int) byte {
	if s.i+n < len(s.src) {
		return s.src[s.i+n]
	}
	return 0
}

func (s *scanner) lineComment() {
	if j := bytes.IndexByte(s.src[s.i:], '\n'); j >= 0 {
		s.i += j // the newline is seen by the caller
		return
	}
	s.i = len(s.src)
}

func (s *scanner) blockComment() bool {
	j := bytes.Index(s.src[s.i+2:], []byte("*/"))
	if j < 0 {
		return false
	}
	s.i += 2 + j + 2
	return true
}

// quoted skips a quoted template from its opening quote, interpolations
// (which may hold strings and braces of their own) included.
func (s *scanner) quoted() bool {
	s.i++
	for s.i < len(s.src) {
		switch c := s.src[s.i]; {
		case c == '\\':
			s.i += 2
		case c == '"':
			s.i++
			return true
		case c == '\n':
			return false // quoted strings do not span lines
		case (c == '$' || c == '%') && s.peek(1) == c && s.peek(2) == '{':
			s.i += 3 // $${ and %%{ are literal
		case (c == '$' || c == '%') && s.peek(1) == '{':
			if !s.interpolation() {
				return false
			}
		default:
			s.i++
		}
	}
	return false
}

// interpolation skips ${ ... } or %{ ... } to its matching brace.
func (s *scanner) interpolation() bool {
	s.i += 2
	depth := 1
	for s.i < len(s.src) {
		switch c := s.src[s.i]; c {
		case '"':
			if !s.quoted() {
				return false
			}
		case '{':
			depth++
			s.i++
		case '}':
			depth--
			s.i++
			if depth == 0 {
				return true
			}
		default:
			s.i++
		}
	}
	return false
}

// heredoc skips <<EOF or <<-EOF to the line holding only its marker.
func (s *scanner) heredoc() bool {
	j := s.i + 2
	if j < len(s.src) && s.src[j] == '-' {
		j++
	}
	k := j
	for k < len(s.src) && (isIdentByte(s.src[k])) {
		k++
	}
	if k == j || k >= len(s.src) || (s.src[k] != '\n' && s.src[k] != '\r') {
		s.i += 2 // not a heredoc opener: a plain "<<" is left to the parser
		return true
	}
	marker := s.src[j:k]
	rest := s.src[k:]
	for {
		nl := bytes.IndexByte(rest, '\n')
		if nl < 0 {
			return false
		}
		rest = rest[nl+1:]
		line := rest
		if e := bytes.IndexByte(line, '\n'); e >= 0 {
			line = line[:e]
		}
		if bytes.Equal(bytes.TrimSpace(line), marker) {
			s.i = len(s.src) - len(rest) + len(line)
			return true
		}
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}
