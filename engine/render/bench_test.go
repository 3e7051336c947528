package render_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/config"
	"github.com/lvsctl/lvsctl/engine/render"
)

// BenchmarkValidateDuplicated is what `lvsctl validate` does with a file of
// 1,000 pasted copies of one virtual_server block (2,000 diagnostics): load,
// check and print them. It was quadratic in the diagnostics (137 s).
func BenchmarkValidateDuplicated(b *testing.B) {
	var src strings.Builder
	src.WriteString("director \"lvs\" {\n  interface = \"eth0\"\n}\n")
	for range 1000 {
		src.WriteString(`virtual_server "web" {
  directors = ["lvs"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 80
  scheduler = "wrr"
  server "172.25.0.31" {}
}
`)
	}
	path := filepath.Join(b.TempDir(), "dup.hcl")
	if err := os.WriteFile(path, []byte(src.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		cfg, diags := config.Load(path, config.Options{})
		if len(diags) < 1000 {
			b.Fatalf("%d diagnostics, want one per copy at least", len(diags))
		}
		if err := render.Diagnostics(io.Discard, cfg.Files, diags, 100, false); err != nil {
			b.Fatal(err)
		}
	}
}
