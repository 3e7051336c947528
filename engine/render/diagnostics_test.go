package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func TestDiagnosticsNameFileLineCol(t *testing.T) {
	src := []byte("a = 1\nscheduler = \"wwr\"\n")
	f, diags := hclsyntax.ParseConfig(src, "bad.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	rng := hcl.Range{Filename: "bad.hcl", Start: hcl.Pos{Line: 2, Column: 13, Byte: 18}, End: hcl.Pos{Line: 2, Column: 18, Byte: 23}}
	d := hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unknown scheduler", Detail: "Did you mean \"wrr\"?", Subject: &rng}}
	var b strings.Builder
	if err := Diagnostics(&b, map[string]*hcl.File{"bad.hcl": f}, d, 80, false); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{"Error: Unknown scheduler", "on bad.hcl:2:13:", `scheduler = "wwr"`, "Did you mean"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// wholeFile is how diagnostics were written before windows: hcl's writer over
// the whole file. The windowed writer must print exactly the same.
func wholeFile(t *testing.T, files map[string]*hcl.File, d *hcl.Diagnostic) string {
	t.Helper()
	var b strings.Builder
	if err := hcl.NewDiagnosticTextWriter(&b, files, 80, false).WriteDiagnostic(d); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if r := d.Subject; r != nil {
		out = strings.Replace(out, fmt.Sprintf("on %s line %d", r.Filename, r.Start.Line),
			fmt.Sprintf("on %s:%d:%d", r.Filename, r.Start.Line, r.Start.Column), 1)
	}
	return out
}

func TestDiagnosticsWindowMatchesWholeFile(t *testing.T) {
	var src strings.Builder
	for i := range 40 {
		fmt.Fprintf(&src, "virtual_server \"s%d\" {\n  port = %d\n  server \"10.0.0.%d\" {\n    weight = 2\n  }\n}\n", i, i, i)
	}
	text := src.String()
	f, diags := hclsyntax.ParseConfig([]byte(text), "big.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	files := map[string]*hcl.File{"big.hcl": f}
	body := f.Body.(*hclsyntax.Body)
	var cases []*hcl.Diagnostic
	for i, b := range body.Blocks {
		inner := b.Body.Blocks[0]
		attr := inner.Body.Attributes["weight"]
		subject := attr.Expr.Range()
		var ctx *hcl.Range
		if i%2 == 0 {
			r := b.Range() // a context over the whole block: several lines
			ctx = &r
		}
		cases = append(cases, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "S", Detail: "D", Subject: &subject, Context: ctx})
		empty := hcl.Range{Filename: "big.hcl", Start: b.Body.SrcRange.End, End: b.Body.SrcRange.End}
		cases = append(cases, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "empty", Subject: &empty})
	}
	eof := len(text)
	end := hcl.Pos{Byte: eof, Line: strings.Count(text, "\n") + 1, Column: 1}
	cases = append(cases, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "at the end", Subject: &hcl.Range{Filename: "big.hcl", Start: end, End: end}})
	for i, d := range cases {
		var b strings.Builder
		if err := Diagnostics(&b, files, hcl.Diagnostics{d}, 80, false); err != nil {
			t.Fatal(err)
		}
		if want := wholeFile(t, files, d); b.String() != want {
			t.Errorf("case %d (line %d): windowed output differs\n got:\n%s\nwant:\n%s", i, d.Subject.Start.Line, b.String(), want)
		}
	}
}

func TestDiagnosticsCapErrorsFirst(t *testing.T) {
	var diags hcl.Diagnostics
	for i := range MaxDiagnostics {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: fmt.Sprintf("warning %d", i)})
	}
	for i := range MaxDiagnostics + 5 {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("error %d", i)})
	}
	var b strings.Builder
	if err := Diagnostics(&b, nil, diags, 80, false); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if n := strings.Count(got, "Error: "); n != MaxDiagnostics {
		t.Errorf("printed %d errors, want %d (errors come before warnings)", n, MaxDiagnostics)
	}
	if strings.Contains(got, "Warning: ") {
		t.Errorf("a warning was printed while errors were left out:\n%s", got)
	}
	want := fmt.Sprintf("... and %d more problems not shown (5 more errors, %d more warnings)", MaxDiagnostics+5, MaxDiagnostics)
	if !strings.Contains(got, want) {
		t.Errorf("output lacks %q:\n%s", want, got)
	}
}
