// Package golden compares test output with files under testdata/, and
// rewrites them when the tests run with -update. Review the rewrite with
// `git diff` before committing it.
package golden

import (
	"flag"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The flag belongs to the test binary of whichever package imports this.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/ with the current output")

// Check compares got with the file at path, or writes got there with -update.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got); if the change is intended, rerun with -update and review the diff:\n%s", path, d)
	}
}
