package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// localsResolver evaluates locals in dependency order, so a local may refer
// to one declared after it; a cycle is reported once, naming its members.
type localsResolver struct {
	l      *loader
	vars   map[string]cty.Value
	attrs  map[string]*hcl.Attribute
	values map[string]cty.Value
	state  map[string]int // 0 unvisited, 1 in progress, 2 done
	diags  hcl.Diagnostics
}

func (l *loader) locals(blocks hcl.Blocks, vars map[string]cty.Value) (map[string]cty.Value, hcl.Diagnostics) {
	r := &localsResolver{
		l:      l,
		vars:   vars,
		attrs:  make(map[string]*hcl.Attribute),
		values: make(map[string]cty.Value),
		state:  make(map[string]int),
	}
	var all []*hcl.Attribute
	for _, b := range blocks {
		attrs, d := b.Body.JustAttributes()
		r.diags = append(r.diags, d...)
		for _, a := range sortedAttributes(attrs) {
			if prev, dup := r.attrs[a.Name]; dup {
				r.diags = append(r.diags, duplicateBlock("local value", a.Name, prev.Range, a.NameRange))
				continue
			}
			r.attrs[a.Name] = a
			all = append(all, a)
		}
	}
	for _, a := range all {
		r.resolve(a.Name, nil)
	}
	return r.values, r.diags
}

// resolve evaluates local name after its dependencies; path is the chain of
// locals being resolved, to name a cycle.
func (r *localsResolver) resolve(name string, path []string) {
	a, ok := r.attrs[name]
	if !ok || r.state[name] == 2 {
		return // an undeclared local is reported by evaluation
	}
	if r.state[name] == 1 {
		cycle := append(slices.Clone(path[slices.Index(path, name):]), name)
		r.diags = append(r.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cycle in local values",
			Detail:   fmt.Sprintf("The local values refer to each other in a cycle: local.%s. Break the cycle by computing one of them without the others.", strings.Join(cycle, " → local.")),
			Subject:  a.Range.Ptr(),
		})
		for _, n := range cycle {
			r.values[n], r.state[n] = cty.DynamicVal, 2
		}
		return
	}
	r.state[name] = 1
	for _, t := range a.Expr.Variables() {
		if t.RootName() != "local" || len(t) < 2 {
			continue
		}
		if step, ok := t[1].(hcl.TraverseAttr); ok {
			r.resolve(step.Name, append(path, name))
		}
	}
	if r.state[name] == 2 { // closed a cycle through its dependencies
		return
	}
	v, d := a.Expr.Value(r.l.evalContext(r.vars, r.values))
	r.diags = append(r.diags, d...)
	if d.HasErrors() {
		v = cty.DynamicVal
	}
	r.values[name], r.state[name] = v, 2
}
