package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// envPrefix marks environment variables that set configuration variables.
const envPrefix = "LVSCTL_VAR_"

func variableSchema() *hcl.BodySchema {
	return &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "type"}, {Name: "default"}, {Name: "description"},
	}}
}

// variable is a declared `variable "NAME"` block.
type variable struct {
	name     string
	ty       cty.Type // cty.DynamicPseudoType when no type is given
	value    cty.Value
	valueRng hcl.Range
	set      bool
	// invalid: a value was given but could not be read (already reported).
	invalid  bool
	defRange hcl.Range
}

// variables decodes the variable blocks and assigns their values from, lowest
// precedence first: the default, the environment, var files and -var flags.
func (l *loader) variables(blocks hcl.Blocks) (map[string]cty.Value, []string, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	decl := make(map[string]*variable)
	var order []string
	for _, b := range blocks {
		v, d := decodeVariable(b)
		diags = append(diags, d...)
		if v == nil {
			continue
		}
		if prev, dup := decl[v.name]; dup {
			diags = append(diags, duplicateBlock("variable", v.name, prev.defRange, b.DefRange))
			continue
		}
		decl[v.name] = v
		order = append(order, v.name)
	}

	diags = append(diags, l.envVars(decl)...)
	for _, path := range l.opts.VarFiles {
		diags = append(diags, l.varFile(path, decl)...)
	}
	for _, name := range slices.Sorted(maps.Keys(l.opts.Vars)) {
		v, ok := decl[name]
		if !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Value for undeclared variable",
				Detail:   fmt.Sprintf("-var sets %q, but the configuration declares no variable %q.%s Declare it with a variable block or remove the flag.", name, name, didYouMean(name, order)),
			})
			continue
		}
		diags = append(diags, v.assignString(l.opts.Vars[name], "-var "+name)...)
	}

	out := make(map[string]cty.Value, len(decl))
	var unknown []string
	for _, name := range order {
		v := decl[name]
		out[name] = cty.DynamicVal
		if !v.set {
			if v.invalid {
				continue
			}
			if l.opts.Unknowns {
				out[name] = cty.UnknownVal(v.ty)
				unknown = append(unknown, name)
				continue
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "No value for required variable",
				Detail:   fmt.Sprintf("The variable %q has no default. Set it with -var '%s=...', -var-file, or the environment variable %s%s.", name, name, envPrefix, name),
				Subject:  v.defRange.Ptr(),
			})
			continue
		}
		val, err := convert.Convert(v.value, v.ty)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid value for variable",
				Detail:   fmt.Sprintf("The value for var.%s is not a %s: %s.", name, v.ty.FriendlyName(), err),
				Subject:  v.valueRng.Ptr(),
			})
			continue
		}
		out[name] = val
	}
	return out, unknown, diags
}

func decodeVariable(b *hcl.Block) (*variable, hcl.Diagnostics) {
	content, diags := b.Body.Content(variableSchema())
	name := b.Labels[0]
	if !hclsyntax.ValidIdentifier(name) {
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid variable name",
			Detail:   fmt.Sprintf("%q is not a valid name: use letters, digits, underscores and dashes, starting with a letter.", name),
			Subject:  b.LabelRanges[0].Ptr(),
		})
	}
	v := &variable{name: name, ty: cty.DynamicPseudoType, defRange: b.DefRange}
	if a, ok := content.Attributes["type"]; ok {
		ty, d := typeexpr.TypeConstraint(a.Expr)
		diags = append(diags, d...)
		if !d.HasErrors() {
			v.ty = ty
		}
	}
	if a, ok := content.Attributes["default"]; ok {
		val, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		if !d.HasErrors() && !val.IsNull() {
			v.value, v.valueRng, v.set = val, a.Expr.Range(), true
		}
	}
	return v, diags
}

// assignString sets the variable from a string given outside HCL (flag or
// environment). Like terraform, the string is taken literally for string
// (and untyped) variables and parsed as an HCL expression otherwise, so
// `-var 'rips=["10.0.0.1"]'` works for a list.
func (v *variable) assignString(raw, source string) hcl.Diagnostics {
	if v.ty == cty.String || v.ty == cty.DynamicPseudoType {
		v.value, v.valueRng, v.set = cty.StringVal(raw), hcl.Range{Filename: "<" + source + ">"}, true
		return nil
	}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), "<"+source+">", hcl.InitialPos)
	if !diags.HasErrors() {
		var val cty.Value
		if val, diags = expr.Value(nil); !diags.HasErrors() {
			v.value, v.valueRng, v.set = val, expr.Range(), true
			return nil
		}
	}
	// One message that names the variable and shows the value, rather than
	// hcl's lexer errors about a source it cannot show: the usual cause is
	// strings left unquoted by the shell.
	v.invalid = true
	first := diags[0]
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			first = d
			break
		}
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid value for variable",
		Detail: fmt.Sprintf("%s sets var.%s, a %s, to %s, which is not an HCL value (%s: %s). Write the value as in a .hcl file, with every string in double quotes and the whole in single quotes for the shell, e.g. %s.",
			source, v.name, v.ty.FriendlyName(), raw, strings.ToLower(first.Summary), strings.TrimSuffix(first.Detail, "."), example(v.ty, v.name, source)),
	}}
}

// example shows how a value of type ty is written on the command line.
func example(ty cty.Type, name, source string) string {
	var val string
	switch {
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		val = `["192.0.2.21", "192.0.2.22"]`
	case ty.IsMapType() || ty.IsObjectType():
		val = `{ web1 = "192.0.2.21" }`
	case ty == cty.Number:
		val = "80"
	case ty == cty.Bool:
		val = "true"
	default:
		val = `"value"`
	}
	if strings.HasPrefix(source, envPrefix) {
		return fmt.Sprintf("%s='%s'", source, val)
	}
	return fmt.Sprintf("-var '%s=%s'", name, val)
}

func (l *loader) envVars(decl map[string]*variable) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, kv := range l.opts.Env {
		name, raw, ok := strings.Cut(strings.TrimPrefix(kv, envPrefix), "=")
		if !ok || !strings.HasPrefix(kv, envPrefix) {
			continue
		}
		// Undeclared names are ignored: the environment is shared with
		// other configurations.
		if v, ok := decl[name]; ok {
			diags = append(diags, v.assignString(raw, envPrefix+name)...)
		}
	}
	return diags
}

// varFile assigns the attributes of an HCL (or JSON) var file.
func (l *loader) varFile(path string, decl map[string]*variable) hcl.Diagnostics {
	f, diags := l.parseFile(path)
	if diags.HasErrors() {
		return diags
	}
	attrs, d := f.Body.JustAttributes()
	diags = append(diags, d...)
	for _, a := range sortedAttributes(attrs) {
		v, ok := decl[a.Name]
		if !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Value for undeclared variable",
				Detail:   fmt.Sprintf("The var file sets %q, but the configuration declares no such variable; the value is ignored.", a.Name),
				Subject:  a.NameRange.Ptr(),
			})
			continue
		}
		val, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		if !d.HasErrors() {
			v.value, v.valueRng, v.set = val, a.Expr.Range(), true
		}
	}
	return diags
}

// sortedAttributes returns attributes in source order, for stable diagnostics.
func sortedAttributes(attrs hcl.Attributes) []*hcl.Attribute {
	out := slices.Collect(maps.Values(attrs))
	slices.SortFunc(out, func(a, b *hcl.Attribute) int { return compareRanges(a.Range, b.Range) })
	return out
}

func compareRanges(a, b hcl.Range) int {
	if c := strings.Compare(a.Filename, b.Filename); c != 0 {
		return c
	}
	return a.Start.Byte - b.Start.Byte
}

func duplicateBlock(kind, name string, first, again hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Duplicate " + kind,
		Detail:   fmt.Sprintf("A %s named %q was already declared at %s. Names must be unique; rename or remove one.", kind, name, first),
		Subject:  again.Ptr(),
	}
}
