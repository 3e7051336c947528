package e2e

import (
	"fmt"
	"regexp"
)

// SelectScenarios returns the scenarios of all that `go test -run RUN
// -skip SKIP` would run as subtests of TestVM, so that the VM boots with
// only those: `-run 'TestVM/dr-lab'` boots for dr-lab (and dr-lab-no-arp,
// as go test's unanchored match would). As in go test, a pattern is split
// on slashes outside brackets and parentheses, and its second element
// matches the subtest name. The first element is go test's business.
func SelectScenarios(all []string, run, skip string) ([]string, error) {
	runRe, err := subtestPattern(run, "-run")
	if err != nil {
		return nil, err
	}
	skipRe, err := subtestPattern(skip, "-skip")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, name := range all {
		if runRe != nil && !runRe.MatchString(name) {
			continue
		}
		if skipRe != nil && skipRe.MatchString(name) {
			continue
		}
		out = append(out, name)
	}
	return out, nil
}

// subtestPattern compiles the subtest level of a -run or -skip pattern;
// nil means the pattern says nothing about subtests.
func subtestPattern(pattern, flag string) (*regexp.Regexp, error) {
	parts := splitPattern(pattern)
	if len(parts) < 2 || parts[1] == "" {
		return nil, nil
	}
	re, err := regexp.Compile(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", flag, pattern, err)
	}
	return re, nil
}

// splitPattern splits a go test pattern on the slashes that separate
// subtest levels, leaving those inside [...] or (...) alone.
func splitPattern(p string) []string {
	if p == "" {
		return nil
	}
	var parts []string
	depth, start := 0, 0
	inClass := false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\' && i+1 < len(p):
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '/' && depth <= 0:
			parts = append(parts, p[start:i])
			start = i + 1
		}
	}
	return append(parts, p[start:])
}

// DropManual leaves out of selected the scenarios of manual (benchmarks,
// which take long) unless the -run pattern run names a subtest: `make e2e`
// does not run them, `go test ./e2e -run 'TestVM/^bench-scale$'` does.
func DropManual(selected []string, manual map[string]bool, run string) []string {
	if parts := splitPattern(run); len(parts) >= 2 && parts[1] != "" {
		return selected
	}
	var out []string
	for _, name := range selected {
		if !manual[name] {
			out = append(out, name)
		}
	}
	return out
}
