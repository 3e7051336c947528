package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchConfig writes what bench/validate.sh generates: n services of m NAT
// servers, flat (a server line each) or with a plain dynamic block each.
func benchConfig(n, m int, dynamic bool) string {
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
	return sb.String()
}

// BenchmarkLoadBig is `lvsctl validate`'s load of bench/validate.sh's
// files at 10,000 x 10 (-short: 1,000 x 10).
func BenchmarkLoadBig(b *testing.B) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	for _, dynamic := range []bool{false, true} {
		name := map[bool]string{false: "flat", true: "dynamic"}[dynamic]
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), name+".hcl")
			if err := os.WriteFile(path, []byte(benchConfig(n, 10, dynamic)), 0o644); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, diags := Load(path, Options{}); diags.HasErrors() {
					b.Fatal(diags)
				}
			}
		})
	}
}
