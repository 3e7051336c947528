package config

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// dumpAll writes a body's structure with every range hcl keeps.
func dumpAll(b *strings.Builder, body *hclsyntax.Body, indent string) {
	fmt.Fprintf(b, "%sbody %v end %v\n", indent, body.SrcRange, body.EndRange)
	for _, a := range sortedSyntaxAttributes(body.Attributes) {
		fmt.Fprintf(b, "%sattr %s %v name %v expr %v\n", indent, a.Name, a.SrcRange, a.NameRange, a.Expr.Range())
	}
	for _, blk := range body.Blocks {
		fmt.Fprintf(b, "%sblock %s %q type %v labels %v open %v close %v def %v\n", indent, blk.Type, blk.Labels,
			blk.TypeRange, blk.LabelRanges, blk.OpenBraceRange, blk.CloseBraceRange, blk.DefRange())
		dumpAll(b, blk.Body, indent+"  ")
	}
}

// samePieceParse parses src as one piece both ways and fails unless the
// piece parse, when it succeeds, is hcl's own. It reports whether lines
// were put back.
func samePieceParse(t *testing.T, src string, start hcl.Pos) bool {
	t.Helper()
	full := strings.Repeat("\n", start.Line-1) + src
	start.Byte = start.Line - 1
	p := &piece{start: start, end: len(full)}
	parsePiece(p, streamFile{name: "f.hcl", src: []byte(full)})
	whole, wd := hclsyntax.ParseConfig([]byte(src), "f.hcl", start)
	if len(p.diags) > 0 || len(wd) > 0 {
		if fmt.Sprint(p.diags) != fmt.Sprint(wd) {
			t.Fatalf("diagnostics differ:\npiece: %v\nhcl:   %v", p.diags, wd)
		}
		return false
	}
	var a, b strings.Builder
	dumpAll(&a, p.body, "")
	dumpAll(&b, whole.Body.(*hclsyntax.Body), "")
	if a.String() != b.String() {
		t.Fatalf("structure differs for\n%s\npiece:\n%s\nhcl:\n%s", src, a.String(), b.String())
	}
	return len(findPlainLines([]byte(full[start.Byte:]), start)) > 0
}

var plainCases = []string{
	"virtual_server \"a\" {\n  port = 80\n  server \"10.0.0.1:80\" {}\n\tserver   \"[2001:db8::1]:80\"\t{ }  \n  server \"10.0.0.3\" { weight = 2 }\n  server \"10.0.0.2\" {}\n}\n",
	"virtual_server \"a\" {\n  server \"10.0.0.1\" {}\n  dynamic \"server\" {\n    for_each = []\n    labels = [server.value]\n    content {\n    server \"10.0.0.9\" {}\n    }\n  }\n}\n",
	"server \"10.0.0.1\" {}\nvirtual_server \"a\" {\n}\n",                         // top level
	"director \"d\" {\n  server \"10.0.0.1\" {}\n}\n",                             // not a service
	"virtual_server \"a\" {\n  directors = [\n  server \"10.0.0.1\" {}\n  ]\n}\n", // in an expression
	"virtual_server \"a\" {\n  x = <<EOT\n  server \"10.0.0.1\" {}\nEOT\n}\n",     // in a heredoc
	"virtual_server \"a\" {\n  /*\n  server \"10.0.0.1\" {}\n  */\n}\n",           // in a comment
	"virtual_server \"a\" {\n  x = \"${\n  server \"10.0.0.1\" {}\n  }\"\n}\n",    // in a template
	"virtual_server \"a\" {\r\n  server \"10.0.0.1\" {}\r\n}\r\n",                 // CRLF
	"virtual_server \"a\" { server \"10.0.0.1\" {}\n}\n",                          // on the header's line
	"virtual_server \"a\" {\n  server \"10.0.0.1\" {}}\n",                         // closing on it
	"virtual_server \"a\" {\n  server \"10.0.0.1\" {}\n",                          // unclosed
	"virtual_server \"a\" {\n  server \"10.0.0.1\" {}\n  server \"10.0.0.1\" {}\n}\nvirtual_server \"b\" {\n  server \"1.2.3.4:1\" {}\n}\n",
}

func TestPlainLinesParseAsHCL(t *testing.T) {
	put := 0
	for _, src := range plainCases {
		for _, start := range []hcl.Pos{hcl.InitialPos, {Line: 7, Column: 1}} {
			if samePieceParse(t, src, start) {
				put++
			}
		}
	}
	if put < 4 {
		t.Fatalf("lines were put back in only %d parses", put)
	}
	// A big file's pieces.
	src := []byte(bigConfig(50, 10, false, "", ""))
	cuts := topLevelCuts(src, 300)
	pos := hcl.InitialPos
	for _, c := range append(cuts, len(src)) {
		p := &piece{start: pos, end: c}
		parsePiece(p, streamFile{name: "f.hcl", src: src})
		whole, _ := hclsyntax.ParseConfig(src[pos.Byte:c], "f.hcl", pos)
		var a, b strings.Builder
		dumpAll(&a, p.body, "")
		dumpAll(&b, whole.Body.(*hclsyntax.Body), "")
		if a.String() != b.String() {
			t.Fatalf("piece at %v differs:\n%s\nhcl:\n%s", pos, a.String(), b.String())
		}
		pos = hcl.Pos{Byte: c, Line: pos.Line + bytes.Count(src[pos.Byte:c], []byte{'\n'}), Column: 1}
	}
}

func FuzzPlainLines(f *testing.F) {
	for _, src := range plainCases {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		samePieceParse(t, src, hcl.InitialPos)
	})
}
