package config

import (
	"math/big"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// MaxRange is how many values range() makes at most. cty's range stops at
// 1,024, which is too few for a compact description of a big director
// (range(var.services) with 10,000 services); this one goes to a million
// and says so when a call asks for more.
const MaxRange = 1_000_000

// rangeFunc is range(limit), range(start, limit) or range(start, limit,
// step), as in terraform: numbers from start (default 0) up to, not
// including, limit, by step (default 1, or -1 when start > limit).
func rangeFunc() function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "params", Type: cty.Number},
		Type:     function.StaticReturnType(cty.List(cty.Number)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			start, step := big.NewFloat(0), big.NewFloat(1)
			var limit *big.Float
			switch len(args) {
			case 1:
				limit = args[0].AsBigFloat()
			case 2:
				start, limit = args[0].AsBigFloat(), args[1].AsBigFloat()
			case 3:
				start, limit, step = args[0].AsBigFloat(), args[1].AsBigFloat(), args[2].AsBigFloat()
				if step.Sign() == 0 {
					return cty.NilVal, function.NewArgErrorf(2, "step must not be zero")
				}
			default:
				return cty.NilVal, function.NewArgErrorf(0, "range takes one to three numbers: range(limit), range(start, limit) or range(start, limit, step)")
			}
			if len(args) < 3 && start.Cmp(limit) > 0 {
				step = big.NewFloat(-1)
			}
			if (step.Sign() > 0 && start.Cmp(limit) > 0) || (step.Sign() < 0 && start.Cmp(limit) < 0) {
				return cty.NilVal, function.NewArgErrorf(2, "a step of %s never goes from %s to %s; give the step the other sign", step.Text('f', -1), start.Text('f', -1), limit.Text('f', -1))
			}
			// (limit - start) / step values, rounded up, checked before any is made.
			n := new(big.Float).Quo(new(big.Float).Sub(limit, start), step)
			if n.Cmp(big.NewFloat(MaxRange)) > 0 {
				return cty.NilVal, function.NewArgErrorf(0, "range() makes at most %d values; this call asks for %s. Split it: nest two ranges in a for expression (flatten([for a in range(N) : [for b in range(M) : a * M + b]]))", MaxRange, n.Text('f', 0))
			}
			var vals []cty.Value
			for v := new(big.Float).Copy(start); (step.Sign() > 0 && v.Cmp(limit) < 0) || (step.Sign() < 0 && v.Cmp(limit) > 0); v = new(big.Float).Add(v, step) {
				vals = append(vals, cty.NumberVal(new(big.Float).Copy(v)))
			}
			if len(vals) == 0 {
				return cty.ListValEmpty(cty.Number), nil
			}
			return cty.ListVal(vals), nil
		},
	})
}
