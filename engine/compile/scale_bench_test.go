package compile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lvsctl/lvsctl/engine/config"
	"github.com/lvsctl/lvsctl/engine/config/configtest"
)

// writeScaleConfig writes a director with n services of m NAT servers,
// the same file bench/validate.sh measures (flat, or with a dynamic block
// per service's servers).
func writeScaleConfig(b *testing.B, n, m int, dynamic bool) string {
	src := configtest.Scale(n, m, dynamic)
	path := filepath.Join(b.TempDir(), "c.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkLoadCompileScale is what `lvsctl validate` does with a big
// director (bench/validate.sh measures the binary's wall time and RSS):
// load, validate and compile 2,000 services x 10 servers.
func BenchmarkLoadCompileScale(b *testing.B) {
	for _, form := range []string{"flat", "dynamic"} {
		b.Run(form, func(b *testing.B) {
			path := writeScaleConfig(b, 2000, 10, form == "dynamic")
			b.ReportAllocs()
			for b.Loop() {
				cfg, diags := config.Load(path, config.Options{})
				if diags.HasErrors() {
					b.Fatal(diags)
				}
				if _, diags := Compile(cfg); diags.HasErrors() {
					b.Fatal(diags)
				}
			}
		})
	}
}
