package config

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// After Load frees the syntax tree, every offset of a file still gets the
// context hclsyntax's navigator gives it.
func TestReleaseSyntaxKeepsContext(t *testing.T) {
	src := []byte(`cluster = "c"

director "lvs" {
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs"]
  server "10.0.0.1:80" {}
}

locals {
  x = 1
}
`)
	f, diags := hclsyntax.ParseConfig(src, "a.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	type navigator interface {
		ContextString(int) string
		ContextDefRange(int) hcl.Range
	}
	want := f.Nav.(navigator)
	releaseSyntax([]*hcl.File{f})
	got := f.Nav.(navigator)
	if string(f.Bytes) != string(src) || f.Body.MissingItemRange().Filename != "a.hcl" {
		t.Fatal("the bytes or the file name were not kept")
	}
	for off := range len(src) + 1 {
		if g, w := got.ContextString(off), want.ContextString(off); g != w {
			t.Errorf("offset %d: context %q, want %q", off, g, w)
		}
		if g, w := got.ContextDefRange(off), want.ContextDefRange(off); g != w {
			t.Errorf("offset %d: def range %v, want %v", off, g, w)
		}
	}
}
