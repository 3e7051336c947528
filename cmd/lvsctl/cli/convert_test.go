package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/lvsctl/lvsctl/engine/compile"
	"github.com/lvsctl/lvsctl/engine/config"
	"github.com/lvsctl/lvsctl/internal/golden"
)

// TestConvertGolden runs every case of testdata/convert/cases.txt (a name,
// then the arguments of lvsctl convert, inputs relative to
// testdata/convert/in) and compares the HCL and the stderr with
// testdata/convert/NAME.hcl and NAME.stderr; refresh with -update. An
// expected .hcl must itself be canonical HCL that loads, validates and
// compiles, so a wrong converter output cannot become the expectation.
func TestConvertGolden(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "testdata", "convert"))
	if err != nil {
		t.Fatal(err)
	}
	cases := readCases(t, filepath.Join(dir, "cases.txt"))
	if len(cases) < 40 {
		t.Errorf("only %d cases; the corpus should hold at least 40", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(filepath.Join(dir, "in"))
			var out, errb bytes.Buffer
			code := Run(context.Background(), append([]string{"convert"}, c.args...), IO{In: strings.NewReader(""), Out: &out, Err: &errb})
			fmt.Fprintf(&errb, "exit status %d\n", code)
			golden.Check(t, filepath.Join(dir, c.name+".hcl"), out.Bytes())
			golden.Check(t, filepath.Join(dir, c.name+".stderr"), errb.Bytes())
			if code == 1 {
				if out.Len() != 0 {
					t.Error("exit status 1 with output")
				}
				return
			}
			checkHCL(t, filepath.Join(dir, c.name+".hcl"))
		})
	}
}

type convertCase struct {
	name string
	args []string
}

func readCases(t *testing.T, path string) []convertCase {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []convertCase
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		name := strings.TrimSuffix(fields[0], ":")
		if seen[name] {
			t.Fatalf("case %s twice in %s", name, path)
		}
		seen[name] = true
		out = append(out, convertCase{name: name, args: fields[1:]})
	}
	return out
}

// checkHCL loads, validates and compiles a converted file the way
// `lvsctl validate` does, and checks `lvsctl fmt -check` would pass.
func checkHCL(t *testing.T, path string) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(hclwrite.Format(src), src) {
		t.Errorf("%s is not formatted canonically", path)
	}
	cfg, diags := config.Load(path, config.Options{})
	if !diags.HasErrors() {
		var more hcl.Diagnostics
		_, more = compile.Compile(cfg)
		diags = append(diags, more...)
	}
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			t.Errorf("%s does not validate: %s: %s", path, d.Summary, d.Detail)
		}
	}
}
