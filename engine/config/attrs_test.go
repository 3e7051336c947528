package config

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// literalString and literalStrings read what evaluating the expression
// and converting it reads, and decline everything else.
func TestLiteralStringsAsEvaluated(t *testing.T) {
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"v": cty.StringVal("x")}}
	for _, c := range []struct {
		src       string
		str, strs bool // taken by literalString, literalStrings
	}{
		{`"tcp"`, true, false},
		{`"a b/c"`, true, false},
		{`"é"`, true, false},
		{`"a\"b"`, true, false},
		{`"$${x}"`, true, false},
		{`""`, true, false},
		{`"${v}"`, false, false},
		{`"a${v}"`, false, false},
		{`"%{if true}a%{endif}"`, false, false},
		{`<<EOT
a
EOT
`, true, false},
		{`v`, false, false},
		{`80`, false, false},
		{`["lvs"]`, false, true},
		{`["a", "b",]`, false, true},
		{`["a", v]`, false, false},
		{`["a", 1]`, false, false},
		{`["a", "${v}"]`, false, false},
		{`[]`, false, false},
		{`["a", ["b"]]`, false, false},
	} {
		e, d := hclsyntax.ParseExpression([]byte(c.src), "x.hcl", hcl.InitialPos)
		if len(d) > 0 {
			t.Fatalf("%s: %v", c.src, d)
		}
		v, ok := literalString(e)
		if ok != c.str {
			t.Errorf("%s: literalString took it: %v, want %v", c.src, ok, c.str)
		}
		if ok {
			want, _ := e.Value(ctx)
			if !v.RawEquals(want) {
				t.Errorf("%s: %#v, evaluated %#v", c.src, v, want)
			}
		}
		l, ok := literalStrings(e)
		if ok != c.strs {
			t.Errorf("%s: literalStrings took it: %v, want %v", c.src, ok, c.strs)
		}
		if ok {
			ev, _ := e.Value(ctx)
			lv, err := convert.Convert(ev, cty.List(cty.String))
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, x := range lv.AsValueSlice() {
				want = append(want, x.AsString())
			}
			if len(l) != len(want) {
				t.Fatalf("%s: %q, evaluated %q", c.src, l, want)
			}
			for i := range l {
				if l[i] != want[i] {
					t.Errorf("%s: %q, evaluated %q", c.src, l, want)
				}
			}
		}
	}
}
