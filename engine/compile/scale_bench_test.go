package compile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/config"
)

// writeScaleConfig writes a director with n services of m NAT servers,
// the same file bench/validate.sh measures (flat, or with a dynamic block
// per service's servers).
func writeScaleConfig(b *testing.B, n, m int, dynamic bool) string {
	var sb strings.Builder
	if dynamic {
		fmt.Fprintf(&sb, "locals {\n  rips = [for j in range(%d) : format(\"172.16.%%d.%%d:80\", floor(j / 250), 1 + j %% 250)]\n}\n\n", m)
	}
	sb.WriteString("director \"lvs\" {\n  netns = \"lvs\"\n  interface = \"eth0\"\n}\n\n")
	for i := range n {
		fmt.Fprintf(&sb, "virtual_server \"s%d\" {\n  directors = [\"lvs\"]\n  protocol = \"tcp\"\n  vip = \"10.%d.%d.%d\"\n  port = 80\n  method = \"nat\"\n", i, 1+i/62500, (i/250)%250, 1+i%250)
		if dynamic {
			sb.WriteString("  dynamic \"server\" {\n    for_each = local.rips\n    labels = [server.value]\n    content {}\n  }\n}\n\n")
			continue
		}
		for j := range m {
			fmt.Fprintf(&sb, "  server \"172.16.%d.%d:80\" {}\n", j/250, 1+j%250)
		}
		sb.WriteString("}\n\n")
	}
	path := filepath.Join(b.TempDir(), "c.hcl")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
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
