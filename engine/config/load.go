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
}

// Load reads the configuration at path (one .hcl file, or every *.hcl file of
// a directory in name order) and returns it decoded and validated. The
// diagnostics hold every problem found; the Config is returned even when
// there are errors, so its Files can be used to render them.
func Load(path string, opts Options) (*Config, hcl.Diagnostics) {
	l := &loader{parser: hclparse.NewParser(), opts: opts, funcs: functions()}
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
	content, d := dynblock.Expand(body, ctx).Content(rootSchema())
	d = append(d, decodeCluster(cfg, content.Attributes["cluster"], ctx)...)
	d = append(d, decodeBlocks(cfg, content.Blocks, ctx)...)
	if earlyErrors {
		d = dropUnknownFollowOns(d)
	}
	diags = append(diags, d...)
	diags = append(diags, validate(cfg)...)
	sortDiagnostics(diags)
	return cfg, diags
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
	info, err := os.Stat(path)
	if err != nil {
		return nil, hcl.Diagnostics{ioError("Cannot read configuration", err)}
	}
	names := []string{path}
	if info.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, hcl.Diagnostics{ioError("Cannot read configuration directory", err)}
		}
		names = names[:0]
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
	}
	var files []*hcl.File
	var diags hcl.Diagnostics
	for _, name := range names {
		f, d := l.parseFile(name)
		diags = append(diags, hintTemplateLabels(d)...)
		if f != nil {
			files = append(files, f)
		}
	}
	return files, diags
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
