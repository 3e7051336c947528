package state

import (
	"regexp"
	"strings"
	"testing"
)

// clusterNameRule is the rule ValidClusterName implements by hand, as the
// regexp it replaced (compiled at every start of lvsctl).
var clusterNameRule = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

func TestValidClusterNameMatchesRule(t *testing.T) {
	for _, name := range []string{
		"", "a", "0", "prod", "prod-eu_1", "-a", "_a", "a-", "a_", "A", "prod.eu", "prod/eu", "prod eu",
		"é", "a\x00", "a\n", strings.Repeat("a", 62), strings.Repeat("a", 63), strings.Repeat("a", 64),
		"0" + strings.Repeat("-", 62), "0" + strings.Repeat("-", 63),
	} {
		if got, want := ValidClusterName(name), clusterNameRule.MatchString(name); got != want {
			t.Errorf("ValidClusterName(%q) = %v, the rule says %v", name, got, want)
		}
	}
}

func FuzzValidClusterName(f *testing.F) {
	for _, s := range []string{"prod", "-x", strings.Repeat("z", 63), "a\n", "Ab"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := ValidClusterName(name), clusterNameRule.MatchString(name); got != want {
			t.Errorf("ValidClusterName(%q) = %v, the rule says %v", name, got, want)
		}
	})
}
