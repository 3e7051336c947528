package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.hcl"), filepath.Join(dir, "bad.hcl")
	if err := os.WriteFile(good, []byte("a \"b\" {\n  c = 1\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("a \"b\" {\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{good}); err != nil {
		t.Errorf("good file: %v", err)
	}
	if err := run([]string{good, bad}); err == nil {
		t.Error("an unclosed block parsed")
	}
	if err := run(nil); err == nil {
		t.Error("no files: no error")
	}
	if err := run([]string{filepath.Join(dir, "missing.hcl")}); err == nil {
		t.Error("a missing file: no error")
	}
}
