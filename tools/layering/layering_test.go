package layering

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/lvsctl/lvsctl/"

// forbidden are the trees the engine must not depend on, even indirectly.
var forbidden = []string{module + "providers/", module + "transport/", module + "cmd/"}

// TestEngineImportsNoProviders runs `go list -deps ./engine/...` (the
// engine's own code, tests aside: they may build hosts over fakes) and
// fails on any dependency in a forbidden tree, naming the engine package
// that pulls it in.
func TestEngineImportsNoProviders(t *testing.T) {
	deps := goList(t, "-deps", "./engine/...")
	if len(deps) < 5 {
		t.Fatalf("go list -deps ./engine/... named only %v: the check would see nothing", deps)
	}
	for _, dep := range deps {
		for _, f := range forbidden {
			if strings.HasPrefix(dep, f) {
				t.Errorf("the engine depends on %s (imported by %s): move the seam it needs into the engine, owned by the package that uses it",
					dep, strings.Join(importers(t, dep), ", "))
			}
		}
	}
}

// importers are the engine packages that import dep directly.
func importers(t *testing.T, dep string) []string {
	var out []string
	for _, line := range goList(t, "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./engine/...") {
		pkg, imports, _ := strings.Cut(line, " ")
		for _, imp := range strings.Fields(imports) {
			if imp == dep {
				out = append(out, pkg)
			}
		}
	}
	return out
}

// goList runs go list from the module's root and returns its lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}
