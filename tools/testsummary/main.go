// Command testsummary reads `go test -json` on stdin, prints the usual test
// output, and ends with one line "N passed, N failed, N skipped". With
// -no-skip it fails when any test skipped: in CI every test must run, and a
// test that quietly skips (no root, no qemu) would hide that it proves nothing.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

func main() {
	noSkip := flag.Bool("no-skip", false, "fail when any test was skipped")
	flag.Parse()
	os.Exit(run(os.Stdin, os.Stdout, *noSkip))
}

func run(in io.Reader, out io.Writer, noSkip bool) int {
	var passed, failed, skipped int
	var skips, fails []string
	buildFailed := false
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			// Build errors and other non-JSON lines come through as they are.
			fmt.Fprintf(out, "%s\n", line)
			buildFailed = true
			continue
		}
		switch e.Action {
		case "output":
			fmt.Fprint(out, e.Output)
		case "pass":
			if e.Test != "" {
				passed++
			}
		case "fail":
			if e.Test != "" {
				failed++
				fails = append(fails, e.Package+" "+e.Test)
			} else if !hasTestFail(fails, e.Package) {
				// A package that failed with no failing test did not build
				// or panicked outside a test.
				failed++
				fails = append(fails, e.Package+" (package)")
			}
		case "skip":
			if e.Test != "" {
				skipped++
				skips = append(skips, e.Package+" "+e.Test)
			}
		}
	}
	sort.Strings(skips)
	sort.Strings(fails)
	for _, s := range skips {
		fmt.Fprintf(out, "SKIPPED: %s\n", s)
	}
	for _, f := range fails {
		fmt.Fprintf(out, "FAILED: %s\n", f)
	}
	fmt.Fprintf(out, "%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	switch {
	case failed > 0 || buildFailed:
		return 1
	case noSkip && skipped > 0:
		fmt.Fprintln(out, "testsummary: tests were skipped, and -no-skip says every test must run here (run as root with the test dependencies: `make deps`)")
		return 1
	case passed == 0:
		fmt.Fprintln(out, "testsummary: no test ran")
		return 1
	}
	return 0
}

func hasTestFail(fails []string, pkg string) bool {
	for _, f := range fails {
		if len(f) > len(pkg) && f[:len(pkg)+1] == pkg+" " {
			return true
		}
	}
	return false
}
