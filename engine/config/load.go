package config

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// rootSchema is the top level of a configuration file. The first two
// blocks are the early phases.
func rootSchema() *hcl.BodySchema {
	return &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "cluster"}},
		Blocks: []hcl.BlockHeaderSchema{
			{Type: "variable", LabelNames: []string{"name"}},
			{Type: "locals"},
			{Type: "director", LabelNames: []string{"name"}},
			{Type: "real_server", LabelNames: []string{"name"}},
			{Type: "virtual_server", LabelNames: []string{"name"}},
		},
	}
}

// loader carries what the phases of one Load share.
type loader struct {
	parser *hclparse.Parser
	opts   Options
	funcs  map[string]function.Function
	// pieceSize, when not 0, is the size of the pieces loadStreaming
	// cuts every file into (tests cut small files too).
	pieceSize int
}

// Load reads the configuration at path (one .hcl file, or every *.hcl file of
// a directory in name order) and returns it decoded and validated. The
// diagnostics hold every problem found; the Config is returned even when
// there are errors, so its Files can be used to render them.
func Load(path string, opts Options) (*Config, hcl.Diagnostics) {
	if cfg, diags, ok := newLoader(opts).loadStreaming(path); ok {
		return cfg, diags
	}
	return newLoader(opts).loadWhole(path)
}

func newLoader(opts Options) *loader {
	return &loader{parser: hclparse.NewParser(), opts: opts, funcs: functions()}
}

// loadWhole is Load parsing every file whole before decoding: what
// loadStreaming falls back on, so that diagnostics read as hcl words them.
func (l *loader) loadWhole(path string) (*Config, hcl.Diagnostics) {
	cfg := &Config{Files: l.parser.Files()}

	files, diags := l.parseConfig(path)
	if diags.HasErrors() {
		return cfg, diags
	}
	body := hcl.MergeFiles(files)

	// Phase 1 and 2: variables, then locals, which may use variables.
	early, _, d := body.PartialContent(&hcl.BodySchema{Blocks: rootSchema().Blocks[:2]})
	diags = append(diags, d...)
	vars, unknown, d := l.variables(early.Blocks.OfType("variable"))
	diags = append(diags, d...)
	cfg.Variables, cfg.Unknown = vars, unknown
	locals, d := l.locals(early.Blocks.OfType("locals"), vars)
	diags = append(diags, d...)

	// Phase 3: the rest, with dynamic blocks expanded in the final context.
	// A variable or local that failed is unknown there; what cannot be
	// decided because of it is a follow-on of the error already reported.
	earlyErrors := diags.HasErrors() || len(unknown) > 0
	ctx := l.evalContext(vars, locals)
	// dynblock wraps every body it meets (a copy of each schema, each
	// block's content twice): a tenth of the time and memory of a big
	// file. A file without dynamic blocks is decoded without it, and again
	// with it if anything is reported, so messages read exactly the same
	// (hcl's "Did you mean" knows "dynamic" only through dynblock). The
	// syntax trees are freed as they are decoded, so that second time
	// parses the files again, from their bytes.
	base := *cfg
	dynamic := hasDynamicBlocks(files)
	if dynamic {
		d = decodeRest(cfg, dynblock.Expand(body, ctx), ctx, files)
	} else {
		d = decodeRest(cfg, body, ctx, files)
	}
	if !dynamic && len(d) > 0 {
		*cfg = base
		again := make([]*hcl.File, 0, len(files))
		for _, f := range files {
			pf, _ := parseHCLSource(f.Bytes, f.Body.MissingItemRange().Filename) // parsed once already
			again = append(again, pf)
		}
		d = decodeRest(cfg, dynblock.Expand(hcl.MergeFiles(again), ctx), ctx, again)
	}
	if earlyErrors {
		d = dropUnknownFollowOns(d)
	}
	diags = append(diags, d...)
	diags = append(diags, validate(cfg)...)
	sortDiagnostics(diags)
	return cfg, diags
}

// decodeRest decodes the top-level attributes and blocks of body into cfg.
// Once body's top level is read, the files keep only their bytes and
// top-level headers (releaseSyntax), and each block is dropped once
// decoded: a big director's syntax tree (85 MB for 100,000 servers) is
// freed as decoding goes instead of at the end.
func decodeRest(cfg *Config, body hcl.Body, ctx *hcl.EvalContext, files []*hcl.File) hcl.Diagnostics {
	content, d := body.Content(rootSchema())
	releaseSyntax(files)
	d = append(d, decodeCluster(cfg, content.Attributes["cluster"], ctx)...)
	return append(d, decodeBlocks(cfg, content.Blocks, ctx)...)
}

// hasDynamicBlocks reports whether any body of the files, at any depth,
// has a dynamic block (or is not native syntax, and might).
func hasDynamicBlocks(files []*hcl.File) bool {
	for _, f := range files {
		b, ok := f.Body.(*hclsyntax.Body)
		if !ok || bodyHasDynamic(b) {
			return true
		}
	}
	return false
}

// bodyHasDynamic reports whether b has a dynamic block at any depth.
func bodyHasDynamic(b *hclsyntax.Body) bool {
	for _, blk := range b.Blocks {
		if blk.Type == "dynamic" || bodyHasDynamic(blk.Body) {
			return true
		}
	}
	return false
}

// dropUnknownFollowOns removes the diagnostics hcl gives for values not yet
// known (a dynamic block's labels or for_each built from a variable that has
// no value): one per generated block, each a consequence of an earlier error.
func dropUnknownFollowOns(diags hcl.Diagnostics) hcl.Diagnostics {
	return slices.DeleteFunc(diags, func(d *hcl.Diagnostic) bool {
		return strings.Contains(d.Detail, "not yet known") || strings.Contains(d.Detail, "known only after")
	})
}

// sortDiagnostics orders diagnostics by where they point, so the list reads
// top to bottom through the files whichever phase found each problem.
// Those without a source (from flags or the environment) come first.
func sortDiagnostics(diags hcl.Diagnostics) {
	slices.SortStableFunc(diags, func(a, b *hcl.Diagnostic) int {
		if a.Subject == nil || b.Subject == nil {
			return cmp.Compare(boolInt(a.Subject != nil), boolInt(b.Subject != nil))
		}
		return compareRanges(*a.Subject, *b.Subject)
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (l *loader) evalContext(vars, locals map[string]cty.Value) *hcl.EvalContext {
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":   cty.ObjectVal(vars),
			"local": cty.ObjectVal(locals),
		},
		Functions: l.funcs,
	}
}

// parseConfig parses the configuration file or directory.
func (l *loader) parseConfig(path string) ([]*hcl.File, hcl.Diagnostics) {
	names, diags := configNames(path)
	if diags.HasErrors() {
		return nil, diags
	}
	var files []*hcl.File
	for _, name := range names {
		f, d := l.parseFile(name)
		diags = append(diags, hintTemplateLabels(d)...)
		if f != nil {
			files = append(files, f)
		}
	}
	return files, diags
}

// configNames lists the files of the configuration: path itself, or the
// *.hcl files of the directory path in name order.
func configNames(path string) ([]string, hcl.Diagnostics) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, hcl.Diagnostics{ioError("Cannot read configuration", err)}
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, hcl.Diagnostics{ioError("Cannot read configuration directory", err)}
	}
	var names []string
	for _, e := range entries { // ReadDir sorts by name
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".hcl") {
			names = append(names, filepath.Join(path, e.Name()))
		}
	}
	if len(names) == 0 {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "No configuration files",
			Detail:   fmt.Sprintf("The directory %s has no *.hcl files; pass a .hcl file or a directory holding them.", path),
		}}
	}
	return names, nil
}

// hintTemplateLabels adds the way out to hcl's "Template sequences are not
// allowed" in a block label, typically server "${var.rip}:80", which hcl
// alone leaves unexplained.
func hintTemplateLabels(diags hcl.Diagnostics) hcl.Diagnostics {
	for _, d := range diags {
		if strings.Contains(d.Detail, "Template sequences are not allowed") {
			d.Detail += " Block labels are fixed text. To build servers (or hosts) from variables, use a dynamic block, e.g.\n" +
				"  dynamic \"server\" {\n    for_each = var.rips\n    labels   = [\"${server.value}:80\"]\n    content {}\n  }"
		}
	}
	return diags
}

// parseFile parses native HCL, or JSON for .json files (var files).
func (l *loader) parseFile(name string) (*hcl.File, hcl.Diagnostics) {
	if strings.HasSuffix(name, ".json") {
		return l.parser.ParseJSONFile(name)
	}
	if f := l.parser.Files()[name]; f != nil {
		return f, nil
	}
	src, err := os.ReadFile(name)
	if err != nil {
		// As hclparse words it.
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Failed to read file",
			Detail:   fmt.Sprintf("The configuration file %q could not be read.", name),
		}}
	}
	f, diags := parseHCLSource(src, name)
	l.parser.Files()[name] = f
	return f, diags
}

func ioError(summary string, err error) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   err.Error() + ".",
	}
}
