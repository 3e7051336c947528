// Package configtest holds configurations that tests and benchmarks of
// several packages share.
package configtest

import (
	"fmt"
	"strings"
)

// Scale is the configuration bench/validate.sh measures: a director with
// n services of m NAT servers, written flat (a server line each) or with a
// plain dynamic block per service's servers.
func Scale(n, m int, dynamic bool) string {
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
