package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// dumpTree writes a body with every node type, value and range, at any
// depth: two bodies dump the same only if hcl would see no difference.
func dumpTree(b *strings.Builder, body *hclsyntax.Body, indent string) {
	fmt.Fprintf(b, "%sbody %v end %v attrs %d blocks %d\n", indent, body.SrcRange, body.EndRange, len(body.Attributes), len(body.Blocks))
	for _, a := range sortedSyntaxAttributes(body.Attributes) {
		fmt.Fprintf(b, "%sattr %s %v name %v eq %v\n", indent, a.Name, a.SrcRange, a.NameRange, a.EqualsRange)
		dumpExpr(b, a.Expr, indent+"  ")
	}
	for _, blk := range body.Blocks {
		fmt.Fprintf(b, "%sblock %s %q type %v labels %v open %v close %v def %v\n", indent, blk.Type, blk.Labels,
			blk.TypeRange, blk.LabelRanges, blk.OpenBraceRange, blk.CloseBraceRange, blk.DefRange())
		dumpTree(b, blk.Body, indent+"  ")
	}
}

func dumpExpr(b *strings.Builder, e hclsyntax.Expression, indent string) {
	fmt.Fprintf(b, "%s%T %v start %v\n", indent, e, e.Range(), e.StartRange())
	switch e := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		fmt.Fprintf(b, "%s  %#v\n", indent, e.Val)
	case *hclsyntax.TemplateExpr:
		for _, p := range e.Parts {
			dumpExpr(b, p, indent+"  ")
		}
	case *hclsyntax.TupleConsExpr:
		fmt.Fprintf(b, "%s  open %v\n", indent, e.OpenRange)
		for _, x := range e.Exprs {
			dumpExpr(b, x, indent+"  ")
		}
	case *hclsyntax.ScopeTraversalExpr:
		fmt.Fprintf(b, "%s  %#v\n", indent, e.Traversal)
	default:
		fmt.Fprintf(b, "%s  %#v\n", indent, e) // not made by scanPlainBody: differs
	}
}

// samePlainBody scans src both ways and fails unless scanPlainBody, when
// it takes src, gives hcl's tree, without diagnostics. It reports whether
// scanPlainBody took it.
func samePlainBody(t *testing.T, src string, start hcl.Pos) bool {
	t.Helper()
	full := strings.Repeat("\n", start.Line-1) + src
	start.Byte = start.Line - 1
	got, ok := scanPlainBody([]byte(full[start.Byte:]), start, "f.hcl")
	if !ok {
		return false
	}
	f, diags := hclsyntax.ParseConfig([]byte(src), "f.hcl", start)
	if len(diags) > 0 {
		t.Fatalf("scanned what hcl rejects:\n%s\n%v", src, diags)
	}
	var a, b strings.Builder
	dumpTree(&a, got, "")
	dumpTree(&b, f.Body.(*hclsyntax.Body), "")
	if a.String() != b.String() {
		t.Fatalf("tree differs for\n%s\nscanned:\n%s\nhcl:\n%s", src, a.String(), b.String())
	}
	return true
}

// plainBlockCases hit each branch of the scanner: taken (true) or left
// to hcl (false).
var plainBlockCases = []struct {
	src   string
	taken bool
}{
	{"", true},
	{"\n\n  \n", true},
	{"cluster = \"c\"\n", true},
	{"virtual_server \"s1\" {\n  directors = [\"lvs\"]\n  protocol = \"tcp\"\n  vip = \"10.1.0.1\"\n  port = 80\n  method = \"nat\"\n  server \"172.16.0.1:80\" {}\n\tserver   \"[2001:db8::1]:80\"\t{ }  \n}\n\n", true},
	{"virtual_server \"s\" {\n  dynamic \"server\" {\n    for_each = local.rips\n    labels = [server.value]\n    content {}\n  }\n}\n", true},
	{"director \"d\" {\n  netns = \"lvs\"\n  ssh {\n    host = \"h\"\n    port = 22\n  }\n  vip_alias = false\n  boot = true\n\n}\n", true},
	{"a \"x\" \"y\" {\n  l = []\n  m = [ 1 ,2, \"x\", [a.b-c.d_e], true, ]\n  n = _x\n  o = 007\n}\nb{}\nc {\n}\n", true},
	{"x = 1\ny = 2\n", true},
	{"x = 1\nx = 2\n", false},             // redefined
	{"x = 1", false},                      // no newline at the end
	{"x = \"a\\\"b\"\n", false},           // escape
	{"x = \"${a}\"\n", false},             // interpolation
	{"x = \"%{if a}b%{endif}\"\n", false}, // directive
	{"x = \"\"\n", false},                 // empty string
	{"x = \"é\"\n", false},                // not ASCII
	{"x = \"a\n", false},                  // unterminated
	{"x = 1.5\n", false},                  // fraction
	{"x = 1e3\n", false},                  // exponent
	{"x = 80x\n", false},                  // junk after a number
	{"x = null\n", false},                 // null
	{"x = true.a\n", false},               // traversal of a literal
	{"x = a.0\n", false},                  // legacy index
	{"x = a[0]\n", false},                 // index
	{"x = f(1)\n", false},                 // call
	{"x = a::b()\n", false},               // namespace
	{"x = a . b\n", false},                // blanks in a traversal
	{"x = -1\n", false},                   // operator
	{"x = a == b\n", false},               // operator
	{"x = [1 2]\n", false},                // missing comma
	{"x = [1,\n2]\n", false},              // multi-line list
	{"x = {a = 1}\n", false},              // object
	{"x = 1 # c\n", false},                // comment
	{"# c\nx = 1\n", false},               // comment
	{"x = 1\r\n", false},                  // CRLF
	{"x = <<EOT\na\nEOT\n", false},        // heredoc
	{"x = 1 y = 2\n", false},              // two on a line
	{"b { a = 1 }\n", false},              // one-line block with content
	{"b \"x\" { }}\n", false},             // stray brace
	{"b \"x\" {\n  a = 1 }\n", false},     // closing after an item
	{"b \"x\" {\n  a = 1\n", false},       // unclosed
	{"b \"x\" {\n}", false},               // no newline after the block
	{"b \"x\" {} c {}\n", false},          // two blocks on a line
	{"b x {}\n", false},                   // unquoted label
	{"b \"\" {}\n", false},                // empty label
	{"}\n", false},                        // closing at the top
	{"1 = 2\n", false},                    // not a name
	{"-a = 2\n", false},                   // not a name
	{"a\n", false},                        // name alone
	{"\"a\" = 1\n", false},                // quoted name
	{"x = \n", false},                     // no value
	{"x = [\"a\", \"b\"]]\n", false},      // stray bracket
	{"x = \"a\"\"b\"\n", false},           // two strings
	{"b \"x\" {\n  c \"y\" {\n    d = [a.b]\n  }\n}\n", true}, // nested
}

func TestPlainBodyIsHCLs(t *testing.T) {
	for _, c := range plainBlockCases {
		for _, start := range []hcl.Pos{hcl.InitialPos, {Line: 7, Column: 1}} {
			if got := samePlainBody(t, c.src, start); got != c.taken {
				t.Errorf("%q: taken %v, want %v", c.src, got, c.taken)
			}
		}
	}
	// bench/validate.sh's files, and the tests' big ones, cut in pieces.
	// Every piece of bench/validate.sh's files is taken but the one with
	// the locals (a for expression).
	for i, src := range []string{benchConfig(40, 10, false), benchConfig(40, 10, true), bigConfig(40, 4, false, "", ""), bigConfig(40, 4, true, "", "")} {
		b := []byte(src)
		for _, size := range []int{1, 300, 1 << 10} {
			left := 0
			for _, p := range splitPieces(b, 0, size) {
				if !samePlainBody(t, src[p.start.Byte:p.end], p.start) {
					left++
				}
			}
			if want := i; i < 2 && left != want {
				t.Errorf("%d pieces of %.40q... (size %d) left to hcl", left, src, size)
			}
		}
	}
	if _, ok := scanPlainBody([]byte("x = 1\n"), hcl.Pos{Line: 1, Column: 2}, "f.hcl"); ok {
		t.Error("a piece not starting a line was taken")
	}
}

func FuzzPlainBody(f *testing.F) {
	for _, c := range plainBlockCases {
		f.Add(c.src)
	}
	f.Add(benchConfig(2, 2, false))
	f.Add(benchConfig(2, 2, true))
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		samePlainBody(t, src, hcl.InitialPos)
	})
}
