package local

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/plan"
)

func TestRecordPath(t *testing.T) {
	t.Setenv(RecordDirEnv, "")
	if got := RecordDir(); got != DefaultRecordDir {
		t.Errorf("RecordDir() = %q, want %q", got, DefaultRecordDir)
	}
	t.Setenv(RecordDirEnv, "/tmp/records")
	if got := RecordDir(); got != "/tmp/records" {
		t.Errorf("RecordDir() with %s set = %q", RecordDirEnv, got)
	}
	local, ns1, ns2 := RecordPath("/d", "local"), RecordPath("/d", "netns-lvs1"), RecordPath("/d", "netns-web1")
	if local != "/d/local.json" || ns1 == ns2 || ns1 == local {
		t.Errorf("record paths collide or are unexpected: %s %s %s", local, ns1, ns2)
	}
}

func TestLoadRecord(t *testing.T) {
	dir := t.TempDir()
	if rec, err := LoadRecord(filepath.Join(dir, "missing.json")); rec != nil || err != nil {
		t.Errorf("missing record: %+v, %v; want none and no error", rec, err)
	}
	for name, content := range map[string]string{
		"damaged":      `{"format_version": "1", "addresses": [`,
		"newer format": `{"format_version": "99"}`,
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadRecord(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s record: %v, want an error naming the file", name, err)
		}
	}
}

// TestRecordWriteIsAtomic has readers read the record while it is
// rewritten: with a plain truncate-and-write they would see torn files.
func TestRecordWriteIsAtomic(t *testing.T) {
	path := RecordPath(filepath.Join(t.TempDir(), "new", "dir"), "local")
	rec := plan.NewRecord()
	if err := saveRecord(path, rec); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || fi.Mode().Perm() != 0o755 {
		t.Fatalf("record dir: %v, %v; want mode 0755", fi, err)
	}
	const writes = 100
	var wg sync.WaitGroup
	torn := make(chan string, 1)
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := LoadRecord(path); err != nil {
					select {
					case torn <- err.Error():
					default:
					}
					return
				}
			}
		})
	}
	for i := range writes {
		rec.Addresses = append(rec.Addresses, fmt.Sprintf("lo/10.0.%d.%d/32", i/256, i%256))
		if err := saveRecord(path, rec); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	select {
	case msg := <-torn:
		t.Fatalf("a reader saw a torn record: %s", msg)
	default:
	}
	got, err := LoadRecord(path)
	if err != nil || len(got.Addresses) != writes {
		t.Fatalf("final record: %d addresses, %v; want %d", len(got.Addresses), err, writes)
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("record dir holds %d entries, want only the record", len(entries))
	}
}

// TestRecordSurvivesFailedWrite: a write that cannot complete (here the
// temporary file cannot be renamed over a directory) leaves the old record
// as it was, and no temporary file.
func TestRecordSurvivesFailedWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "local.json")
	old := plan.NewRecord()
	old.Addresses = []string{"lo/10.0.0.1/32"}
	if err := saveRecord(path, old); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	// Replace the parent with a path the rename cannot reach: saving to a
	// record whose name is a non-empty directory fails at the rename.
	blocked := filepath.Join(dir, "blocked.json")
	if err := os.MkdirAll(filepath.Join(blocked, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := saveRecord(blocked, old); err == nil {
		t.Fatal("saving over a directory succeeded")
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("the existing record changed")
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if d := cmp.Diff([]string{"blocked.json", "local.json"}, names); d != "" {
		t.Errorf("files left (-want +got):\n%s", d)
	}
}
