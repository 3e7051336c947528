package config

import (
	"bytes"
	"os"
	"runtime"
	"slices"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// A configuration without problems is loaded piece by piece: each file is
// cut where nothing is open (as parseChunked cuts), the pieces holding
// variables, locals or anything else that is not a host or service block
// are parsed and evaluated first, and the rest are parsed on every CPU a
// little ahead of a decoder that takes them in order and drops each one's
// syntax once decoded. At no time is more than a window of pieces parsed,
// where the whole file's syntax tree (85 MB for 100,000 servers) used to be
// the peak. The first problem of any kind stops it, and the configuration
// is loaded again whole (loadWhole), so every message reads exactly as it
// always has: this path only ever returns configurations it decoded
// without a diagnostic before validation.

// streamWindow is how many pieces may be parsed ahead of the decoder.
const streamWindow = 64

// piece is a part of a file that parses on its own.
type piece struct {
	file  int
	start hcl.Pos
	end   int
	early bool // holds something to evaluate before the blocks
	body  *hclsyntax.Body
	diags hcl.Diagnostics

	// What decoding it found, once done is closed.
	failed  bool           // anything reported: load whole
	part    Config         // its hosts and services
	cluster *hcl.Attribute // a cluster = NAME in it
	nav     topLevelNav    // its top-level blocks, for diagnostics
	done    chan struct{}
}

// streamFile is one file of the configuration being streamed.
type streamFile struct {
	name string
	src  []byte
}

// loadStreaming loads the configuration at path piece by piece. ok is false
// when anything was reported before validation, or anything is unusual;
// the caller then loads it whole.
func (l *loader) loadStreaming(path string) (cfg *Config, diags hcl.Diagnostics, ok bool) {
	names, d := configNames(path)
	if len(d) > 0 {
		return nil, nil, false
	}
	files := make([]streamFile, len(names))
	var pieces []*piece
	for i, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, nil, false
		}
		files[i] = streamFile{name: name, src: src}
		pieces = append(pieces, splitPieces(src, i, l.pieceSize)...)
	}

	// Variables and locals first, from the pieces that have them.
	var early []hcl.Body
	for _, p := range pieces {
		if p.early {
			parsePiece(p, files[p.file])
			if len(p.diags) > 0 {
				return nil, nil, false
			}
			early = append(early, p.body)
		}
	}
	cfg = &Config{Files: l.parser.Files()}
	content, _, d := hcl.MergeBodies(early).PartialContent(&hcl.BodySchema{Blocks: rootSchema().Blocks[:2]})
	if len(d) > 0 {
		return nil, nil, false
	}
	vars, unknown, d := l.variables(content.Blocks.OfType("variable"))
	if len(d) > 0 {
		return nil, nil, false
	}
	cfg.Variables, cfg.Unknown = vars, unknown
	locals, d := l.locals(content.Blocks.OfType("locals"), vars)
	if len(d) > 0 {
		return nil, nil, false
	}
	ctx := l.evalContext(vars, locals)

	// Then every piece, parsed and decoded by the workers, its results
	// gathered in order.
	stop := make(chan struct{})
	slots := make(chan struct{}, streamWindow)
	var wg sync.WaitGroup
	startWorkers(pieces, files, ctx, slots, stop, &wg)
	defer wg.Wait()
	defer close(stop)
	clusterSet := false
	navs := make([]topLevelNav, len(files)) // the workers read files
	for _, p := range pieces {
		<-p.done
		if p.failed {
			return nil, nil, false
		}
		if p.cluster != nil {
			if clusterSet { // set in another piece: let hcl word it
				return nil, nil, false
			}
			clusterSet = true
			if len(decodeCluster(cfg, p.cluster, ctx)) > 0 {
				return nil, nil, false
			}
		}
		cfg.Directors = append(cfg.Directors, p.part.Directors...)
		cfg.RealServers = append(cfg.RealServers, p.part.RealServers...)
		cfg.VirtualServers = append(cfg.VirtualServers, p.part.VirtualServers...)
		navs[p.file] = append(navs[p.file], p.nav...)
		*p = piece{}
		<-slots
	}

	for i, f := range files {
		cfg.Files[f.name] = &hcl.File{Bytes: f.src, Body: emptyBody{f.name}, Nav: slices.Clip(navs[i])}
	}
	diags = validate(cfg)
	sortDiagnostics(diags)
	return cfg, diags, true
}

// splitPieces cuts the source of file number fi into pieces of about size
// bytes (chunkSize if 0; one piece for a file under chunkMin then, or one
// the scanner loses track of).
func splitPieces(src []byte, fi, size int) []*piece {
	if size == 0 {
		size = chunkSize
		if len(src) < chunkMin {
			size = len(src) + 1
		}
	}
	cuts, early, ok := scanTopLevel(src, size)
	if !ok {
		return []*piece{{file: fi, start: hcl.InitialPos, end: len(src), early: true, done: make(chan struct{})}}
	}
	pieces := make([]*piece, 0, len(cuts)+1)
	pos := hcl.InitialPos
	for _, c := range append(cuts, len(src)) {
		p := &piece{file: fi, start: pos, end: c, done: make(chan struct{})}
		for len(early) > 0 && early[0] < c {
			p.early = true
			early = early[1:]
		}
		pieces = append(pieces, p)
		pos = hcl.Pos{Byte: c, Line: pos.Line + bytes.Count(src[pos.Byte:c], []byte{'\n'}), Column: 1}
	}
	return pieces
}

// parsePiece parses p, once: read by scanPlainBody when it is made only of
// plain items, else by hcl, with its plain server lines put back
// (findPlainLines), else by hcl as written.
func parsePiece(p *piece, f streamFile) {
	src := f.src[p.start.Byte:p.end]
	if b, ok := scanPlainBody(src, p.start, f.name); ok {
		p.body = b
		return
	}
	if lines := findPlainLines(src, p.start); len(lines) > 0 {
		file, diags := hclsyntax.ParseConfig(blankLines(src, p.start.Byte, lines), f.name, p.start)
		if b, ok := file.Body.(*hclsyntax.Body); ok && len(diags) == 0 && putBack(b, lines, f.name) {
			p.body = b
			return
		}
	}
	file, diags := hclsyntax.ParseConfig(src, f.name, p.start)
	p.diags = diags
	if b, ok := file.Body.(*hclsyntax.Body); ok {
		p.body = b
	}
	if p.body == nil && len(diags) == 0 {
		p.diags = hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unexpected body"}} // not reached: load whole
	}
}

// startWorkers parses and decodes the pieces on every CPU, taken in order
// and at most streamWindow ahead of the gathering: each piece takes a slot,
// which is given back once its results are gathered. They stop when stop
// is closed.
func startWorkers(pieces []*piece, files []streamFile, ctx *hcl.EvalContext, slots, stop chan struct{}, wg *sync.WaitGroup) {
	work := make(chan *piece)
	wg.Go(func() { // hands out pieces in order
		defer close(work)
		for _, p := range pieces {
			select {
			case slots <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case work <- p:
			case <-stop:
				return
			}
		}
	})
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for p := range work {
				decodePiece(p, files[p.file], ctx)
				close(p.done)
			}
		})
	}
}

// decodePiece parses p (unless it was already) and decodes its blocks into
// p.part, then drops its syntax. What hosts and services are decoded from
// is their own block and ctx, which is only read, so pieces decode side by
// side.
func decodePiece(p *piece, f streamFile, ctx *hcl.EvalContext) {
	if p.body == nil {
		parsePiece(p, f)
	}
	if len(p.diags) > 0 {
		p.failed = true
		return
	}
	var body hcl.Body = p.body
	if !plainDynamicOnlyNested(p.body) { // also true without dynamic blocks
		body = dynblock.Expand(body, ctx)
	}
	content, d := body.Content(rootSchema())
	if len(d) > 0 || len(decodeBlocks(&p.part, content.Blocks, ctx)) > 0 {
		p.failed = true
		return
	}
	p.cluster = content.Attributes["cluster"]
	p.nav = make(topLevelNav, len(p.body.Blocks))
	for i, b := range p.body.Blocks {
		// The labels are copied: scanPlainBody keeps a block's first
		// label in the block's own allocation, which holds its body.
		p.nav[i] = navBlock{typ: b.Type, labels: slices.Clone(b.Labels), rng: b.Range(), def: b.DefRange()}
	}
	p.body = nil
}

// plainDynamicOnlyNested reports whether the dynamic blocks of the piece's
// body are all plain and inside a host or service block, where openBlock
// expands them (see expandPlain).
func plainDynamicOnlyNested(b *hclsyntax.Body) bool {
	for _, blk := range b.Blocks {
		if blk.Type == "dynamic" || !onlyPlainDynamic(blk.Body) {
			return false
		}
	}
	return true
}
