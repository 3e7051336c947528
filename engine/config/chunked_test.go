package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// dump writes a body's structure with every range, so two parses of one
// source can be compared: the pieces joined must equal the whole.
func dump(b *strings.Builder, body *hclsyntax.Body, indent string) {
	for _, a := range sortedSyntaxAttributes(body.Attributes) {
		fmt.Fprintf(b, "%sattr %s %v expr %v\n", indent, a.Name, a.SrcRange, a.Expr.Range())
	}
	for _, blk := range body.Blocks {
		fmt.Fprintf(b, "%sblock %s %q %v\n", indent, blk.Type, blk.Labels, blk.Range())
		dump(b, blk.Body, indent+"  ")
	}
}

func diffParses(t *testing.T, src string, size int) {
	t.Helper()
	whole, wd := hclsyntax.ParseConfig([]byte(src), "f.hcl", hcl.InitialPos)
	pieces, pd := parseChunked([]byte(src), "f.hcl", size)
	if wd.HasErrors() != pd.HasErrors() || len(wd) != len(pd) {
		t.Fatalf("diagnostics differ:\nwhole: %v\npieces: %v", wd, pd)
	}
	var a, b strings.Builder
	dump(&a, whole.Body.(*hclsyntax.Body), "")
	dump(&b, pieces.Body.(*hclsyntax.Body), "")
	if a.String() != b.String() {
		t.Fatalf("structure differs:\nwhole:\n%s\npieces:\n%s", a.String(), b.String())
	}
	if string(pieces.Bytes) != src {
		t.Fatal("the joined file does not hold the whole source")
	}
	// hcl's "in BLOCK" context must see blocks of every piece.
	body := whole.Body.(*hclsyntax.Body)
	if n := len(body.Blocks); n > 0 {
		last := body.Blocks[n-1]
		type ctxer interface{ ContextString(int) string }
		w := whole.Nav.(ctxer).ContextString(last.Body.SrcRange.Start.Byte + 1)
		p := pieces.Nav.(ctxer).ContextString(last.Body.SrcRange.Start.Byte + 1)
		if w != p {
			t.Fatalf("context of the last block: whole %q, pieces %q", w, p)
		}
	}
}

const chunkCorpus = `# a comment { with a brace
director "lvs" {
  interface = "eth0" // another { brace
}
/* a block
   comment } */
virtual_server "web" {
  directors = ["lvs"]
  vip       = "192.0.2.100"
  port      = 80
  server "192.0.2.31" { weight = 2 }
}
locals {
  s = "a ${format("%s}", "{")} b $${literal} %%{x}"
  t = <<EOT
heredoc with } and {
  EOT
  u = <<-EOT
    indented ${upper("x")}
    EOT
  l = [
    1,
    2,
  ]
}
virtual_server "mail" {
  directors = ["lvs"]
  vip       = "192.0.2.101"
  port      = 25
  server "192.0.2.32" {}
}
`

func TestParseChunkedMatchesWhole(t *testing.T) {
	for size := 1; size < len(chunkCorpus); size += 7 {
		diffParses(t, chunkCorpus, size)
	}
	var big strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&big, "virtual_server \"s%d\" {\n  port = %d\n  server \"10.0.%d.%d\" { weight = 1 }\n}\n", i, i%65535+1, i/250, i%250+1)
	}
	diffParses(t, big.String(), chunkSize)
	f, diags := parseHCLSource([]byte(big.String()), "big.hcl")
	if diags.HasErrors() || len(f.Body.(*hclsyntax.Body).Blocks) != 3000 {
		t.Fatalf("parseHCLSource of a big file: %d blocks, %v", len(f.Body.(*hclsyntax.Body).Blocks), diags)
	}
}

func TestParseChunkedBrokenFallsBackToWhole(t *testing.T) {
	for _, src := range []string{
		"a {\n}\nb {\n",                  // unclosed block
		"a = \"x\n\"\nb {\n}\n",          // newline in a string
		"a = <<EOT\nno end\n",            // heredoc without its marker
		"/* open\n\nb {\n}\n",            // comment without its end
		"}\na {\n}\n",                    // close before open
		"a = 1\na = 2\nb {\n}\nb {\n}\n", // an attribute set twice, across pieces
	} {
		for size := 1; size < len(src); size++ {
			diffParses(t, src, size)
		}
	}
}

func FuzzParseChunked(f *testing.F) {
	f.Add(chunkCorpus, 10)
	f.Add("a {\n}\nb = \"${\"}\"}\"\nc {\n}\n", 2)
	f.Fuzz(func(t *testing.T, src string, size int) {
		if size < 1 || size > len(src)+1 || len(src) > 4096 {
			return
		}
		diffParses(t, src, size)
	})
}
