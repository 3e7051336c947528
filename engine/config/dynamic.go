package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// The common dynamic block — a for_each, labels, and an empty content
// {} — is expanded here rather than by dynblock, which wraps every body it
// meets and evaluates each generated block's (empty) body through a copy of
// its schema: a third of the CPU of 10,000 services with a dynamic block of
// servers each. Only piecewise loading uses this (loadStreaming), and only
// for bodies whose every dynamic block is plainDynamic; whatever would make
// dynblock report a problem makes expandPlain give up instead, and the
// configuration is then loaded whole, through dynblock.

// onlyPlainDynamic reports whether every dynamic block in b, at any depth,
// is plainDynamic.
func onlyPlainDynamic(b *hclsyntax.Body) bool {
	for _, blk := range b.Blocks {
		if blk.Type == "dynamic" {
			if !plainDynamic(blk) {
				return false
			}
			continue
		}
		if !onlyPlainDynamic(blk.Body) {
			return false
		}
	}
	return true
}

// plainDynamic: one label, for_each and labels set (iterator not), and one
// content block with nothing in it.
func plainDynamic(blk *hclsyntax.Block) bool {
	if len(blk.Labels) != 1 || blk.Labels[0] == "dynamic" || len(blk.Body.Blocks) != 1 || len(blk.Body.Attributes) != 2 {
		return false
	}
	_, each := blk.Body.Attributes["for_each"]
	_, labels := blk.Body.Attributes["labels"]
	c := blk.Body.Blocks[0]
	return each && labels && c.Type == "content" && len(c.Labels) == 0 && len(c.Body.Attributes) == 0 && len(c.Body.Blocks) == 0
}

// expandPlain makes the blocks of a plainDynamic block as dynblock would
// (same labels, ranges and order), for a block type of schema s. ok is
// false where dynblock would report something.
func expandPlain(blk *hclsyntax.Block, s hcl.BlockHeaderSchema, ctx *hcl.EvalContext) (blocks hcl.Blocks, ok bool) {
	iter := blk.Labels[0]
	each, d := blk.Body.Attributes["for_each"].Expr.Value(ctx)
	if len(d) > 0 || each.IsMarked() || !each.IsWhollyKnown() || each.IsNull() || !each.CanIterateElements() {
		return nil, false
	}
	labelExprs, d := hcl.ExprList(blk.Body.Attributes["labels"].Expr)
	if len(d) > 0 || len(labelExprs) != len(s.LabelNames) {
		return nil, false
	}
	content := blk.Body.Blocks[0].Body
	// The blocks of one label (servers) are made in one slice, with their
	// labels and ranges.
	type one struct {
		blk    hcl.Block
		label  [1]string
		labelR [1]hcl.Range
	}
	var slab []one
	if len(labelExprs) == 1 {
		slab = make([]one, each.LengthInt())
		blocks = make(hcl.Blocks, 0, len(slab))
	}
	for it := each.ElementIterator(); it.Next(); {
		key, value := it.Element()
		var lctx *hcl.EvalContext // made when a label needs more than the iterator
		var labels []string
		var ranges []hcl.Range
		var b *hcl.Block
		if n := len(blocks); n < len(slab) {
			b, labels, ranges = &slab[n].blk, slab[n].label[:], slab[n].labelR[:]
		} else {
			b, labels, ranges = &hcl.Block{}, make([]string, len(labelExprs)), make([]hcl.Range, len(labelExprs))
		}
		for i, e := range labelExprs {
			v, ok := iteratorStep(e, iter, key, value)
			if !ok {
				if lctx == nil {
					lctx = ctx.NewChild()
					lctx.Variables = map[string]cty.Value{iter: cty.ObjectVal(map[string]cty.Value{"key": key, "value": value})}
				}
				var d hcl.Diagnostics
				if v, d = e.Value(lctx); len(d) > 0 {
					return nil, false
				}
			}
			v, err := convert.Convert(v, cty.String)
			if err != nil || v.IsNull() || !v.IsKnown() || v.IsMarked() {
				return nil, false
			}
			labels[i], ranges[i] = v.AsString(), e.Range()
		}
		*b = hcl.Block{
			Type:        s.Type,
			TypeRange:   blk.LabelRanges[0],
			Labels:      labels,
			LabelRanges: ranges,
			DefRange:    blk.DefRange(),
			Body:        content,
		}
		blocks = append(blocks, b)
	}
	return blocks, true
}

// iteratorStep is the value of e when e is just ITER.key or ITER.value,
// without making an evaluation context for it.
func iteratorStep(e hcl.Expression, iter string, key, value cty.Value) (cty.Value, bool) {
	t, ok := e.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(t.Traversal) != 2 || t.Traversal.RootName() != iter {
		return cty.NilVal, false
	}
	step, ok := t.Traversal[1].(hcl.TraverseAttr)
	switch {
	case ok && step.Name == "key":
		return key, true
	case ok && step.Name == "value":
		return value, true
	}
	return cty.NilVal, false
}
