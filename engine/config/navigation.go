package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// releaseSyntax turns each parsed native file, in place, into its bytes and
// the headers of its top-level blocks: all that rendering a diagnostic asks
// of a file ("on FILE line N, in virtual_server "web":"). The syntax tree
// of a big director (100,000 server blocks, about 85 MB) can then be freed
// once decoded instead of living through compile and plan.
func releaseSyntax(files []*hcl.File) {
	for _, f := range files {
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		nav := make(topLevelNav, len(body.Blocks))
		for i, b := range body.Blocks {
			nav[i] = navBlock{typ: b.Type, labels: b.Labels, rng: b.Range(), def: b.DefRange()}
		}
		f.Body, f.Nav = emptyBody{body.SrcRange.Filename}, nav
	}
}

// emptyBody stands for a released file's body: it has nothing in it, but
// still names its file.
type emptyBody struct{ filename string }

func (b emptyBody) Content(*hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	return &hcl.BodyContent{}, nil
}

func (b emptyBody) PartialContent(*hcl.BodySchema) (*hcl.BodyContent, hcl.Body, hcl.Diagnostics) {
	return &hcl.BodyContent{}, b, nil
}

func (b emptyBody) JustAttributes() (hcl.Attributes, hcl.Diagnostics) { return nil, nil }

func (b emptyBody) MissingItemRange() hcl.Range {
	return hcl.Range{Filename: b.filename, Start: hcl.InitialPos, End: hcl.InitialPos}
}

// topLevelNav answers hcl's navigation questions as hclsyntax's own
// navigator does, from the top-level blocks alone.
type topLevelNav []navBlock

type navBlock struct {
	typ    string
	labels []string
	rng    hcl.Range
	def    hcl.Range
}

func (n topLevelNav) find(offset int) *navBlock {
	for i := range n {
		if n[i].rng.ContainsOffset(offset) {
			return &n[i]
		}
	}
	return nil
}

// ContextString is the header of the top-level block holding offset, as
// `virtual_server "web"`, or "" outside any.
func (n topLevelNav) ContextString(offset int) string {
	b := n.find(offset)
	if b == nil {
		return ""
	}
	var sb strings.Builder
	sb.WriteString(b.typ)
	for _, l := range b.labels {
		fmt.Fprintf(&sb, " %q", l)
	}
	return sb.String()
}

// ContextDefRange is the definition range of the top-level block holding
// offset.
func (n topLevelNav) ContextDefRange(offset int) hcl.Range {
	if b := n.find(offset); b != nil {
		return b.def
	}
	return hcl.Range{}
}
