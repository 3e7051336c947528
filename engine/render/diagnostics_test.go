package render

import (
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
