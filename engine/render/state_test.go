package render_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/render"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/golden"
)

// Each testdata/state/NAME.state.json (a snapshot) is drawn as `lvsctl show`
// draws it, in NAME.txt.
func TestStateGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "state", "*.state.json"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no snapshots under testdata/state (err %v)", err)
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			b, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			var snap state.Snapshot
			if err := dec.Decode(&snap); err != nil {
				t.Fatalf("%s: %v", in, err)
			}
			var out bytes.Buffer
			if err := render.State(&out, snap.Hosts); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, strings.TrimSuffix(in, ".state.json")+".txt", out.Bytes())
		})
	}
}
