package config

import (
	"fmt"
	"math/big"
	"net/netip"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// reader evaluates the attributes of one block into Go values. Every problem
// is appended to diags and the attribute is then reported as unset, so that
// decoding carries on and later checks do not pile up follow-on errors.
type reader struct {
	ctx   *hcl.EvalContext
	attrs hcl.Attributes
	src   *Source
	diags *hcl.Diagnostics
}

func (r *reader) errorf(rng hcl.Range, summary, detail string, args ...any) {
	*r.diags = append(*r.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(detail, args...),
		Subject:  rng.Ptr(),
	})
}

// value evaluates the named attribute and converts it to ty. ok is false when
// the attribute is absent, null, unknown (an earlier error) or invalid.
func (r *reader) value(name string, ty cty.Type) (v cty.Value, rng hcl.Range, ok bool) {
	a, found := r.attrs[name]
	if !found {
		return cty.NilVal, hcl.Range{}, false
	}
	rng = a.Expr.Range()
	r.src.note(name, rng)
	v, lit := literalString(a.Expr)
	var d hcl.Diagnostics
	if !lit {
		v, d = a.Expr.Value(r.ctx)
	}
	*r.diags = append(*r.diags, d...)
	if d.HasErrors() || v.IsNull() {
		return cty.NilVal, rng, false
	}
	if !v.IsWhollyKnown() {
		if r.src.unknown == nil {
			r.src.unknown = make(map[string]bool)
		}
		r.src.unknown[name] = true
		// Unknown (a variable validate was given no value for): its type
		// can still be wrong for the attribute.
		if ty != cty.DynamicPseudoType && v.Type() != cty.DynamicPseudoType && !v.Type().Equals(ty) && convert.GetConversionUnsafe(v.Type(), ty) == nil {
			r.errorf(rng, "Incorrect attribute value type", "Inappropriate value for attribute %q: %s required, but this is a %s.", name, ty.FriendlyName(), v.Type().FriendlyName())
		}
		return cty.NilVal, rng, false
	}
	if ty == cty.DynamicPseudoType {
		return v, rng, true
	}
	cv, err := convert.Convert(v, ty)
	if err != nil {
		r.errorf(rng, "Incorrect attribute value type", "Inappropriate value for attribute %q: %s.", name, err)
		return cty.NilVal, rng, false
	}
	if cv.IsNull() {
		return cty.NilVal, rng, false
	}
	return cv, rng, true
}

func (r *reader) str(name string) (string, bool) {
	v, _, ok := r.value(name, cty.String)
	if !ok {
		return "", false
	}
	return v.AsString(), true
}

func (r *reader) boolean(name string, def bool) bool {
	v, _, ok := r.value(name, cty.Bool)
	if !ok {
		return def
	}
	return v.True()
}

// integer reads a whole number within [lo, hi]; hint says what is allowed.
func (r *reader) integer(name string, lo, hi int64, hint string) (int64, bool) {
	v, rng, ok := r.value(name, cty.Number)
	if !ok {
		return 0, false
	}
	n, ok := wholeNumber(v.AsBigFloat())
	if !ok || n < lo || n > hi {
		r.errorf(rng, "Invalid "+name,
			"%s is not valid here: %s.", v.AsBigFloat().Text('f', -1), hint)
		return 0, false
	}
	return n, true
}

// intDefault reads a whole number within [lo, hi], def when it is unset or
// invalid (the problem then being reported).
func (r *reader) intDefault(name string, def, lo, hi int64, hint string) int64 {
	if n, ok := r.integer(name, lo, hi, hint); ok {
		return n
	}
	return def
}

func wholeNumber(f *big.Float) (int64, bool) {
	if !f.IsInt() {
		return 0, false
	}
	n, acc := f.Int64()
	return n, acc == big.Exact
}

// literalString is the value of e when e is a quoted string without
// interpolations ("tcp"): what e.Value gives, without the buffer and
// conversion of hcl's template evaluation (a big director has 100,000s).
func literalString(e hcl.Expression) (cty.Value, bool) {
	t, ok := e.(*hclsyntax.TemplateExpr)
	if !ok || len(t.Parts) != 1 {
		return cty.NilVal, false
	}
	l, ok := t.Parts[0].(*hclsyntax.LiteralValueExpr)
	if !ok || l.Val.IsMarked() || !l.Val.IsKnown() || l.Val.IsNull() || l.Val.Type() != cty.String {
		return cty.NilVal, false
	}
	return l.Val, true
}

// literalStrings is the value of e as strings when e is a list of quoted
// strings without interpolations (["lvs"]), as strings would read it.
func literalStrings(e hcl.Expression) ([]string, bool) {
	t, ok := e.(*hclsyntax.TupleConsExpr)
	if !ok || len(t.Exprs) == 0 {
		return nil, false
	}
	out := make([]string, len(t.Exprs))
	for i, x := range t.Exprs {
		v, ok := literalString(x)
		if !ok {
			return nil, false
		}
		out[i] = v.AsString()
	}
	return out, true
}

// strings reads a list of strings, nil when unset or invalid.
func (r *reader) strings(name string) []string {
	if a, found := r.attrs[name]; found {
		if out, ok := literalStrings(a.Expr); ok {
			r.src.note(name, a.Expr.Range())
			return out
		}
	}
	v, rng, ok := r.value(name, cty.List(cty.String))
	if !ok {
		return nil
	}
	var out []string
	for _, e := range v.AsValueSlice() {
		if e.IsNull() {
			r.errorf(rng, "Invalid list element", "The list %q must not contain null.", name)
			return nil
		}
		out = append(out, e.AsString())
	}
	return out
}

// enum reads a string that must be one of allowed, suggesting the nearest.
func enum[T ~string](r *reader, name string, def T, allowed []T) T {
	v, rng, ok := r.value(name, cty.String)
	if !ok {
		return def
	}
	s := T(v.AsString())
	if state.Known(s, allowed) {
		return s
	}
	words := state.Strings(allowed)
	what := strings.ReplaceAll(name, "_", " ")
	r.errorf(rng, "Unknown "+what, "%q is not a known %s.%s Valid values are: %s.",
		s, what, didYouMean(string(s), words), strings.Join(words, ", "))
	return def
}

// addr reads an IP address (no zone); the zero Addr when unset or invalid.
func (r *reader) addr(name string) netip.Addr {
	v, rng, ok := r.value(name, cty.String)
	if !ok {
		return netip.Addr{}
	}
	a, err := parseAddr(v.AsString())
	if err != nil {
		r.errorf(rng, "Invalid IP address", "%s.", err)
		return netip.Addr{}
	}
	return a
}

func parseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("%q is not an IP address; write an IPv4 address like 192.0.2.10 or an IPv6 address like 2001:db8::10", s)
	}
	return a.Unmap(), nil
}
