// Package release_test runs tools/release/release.sh, what `make release`
// runs, and checks what it makes.
package release_test

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The release has a static linux binary per architecture, named
// lvsctl-linux-ARCH (the SSH transport looks for that name), SHA256SUMS
// that match them, man pages, and a version that names the commit.
func TestRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("builds lvsctl for two architectures (about a minute); make test runs it")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the release script runs on Linux")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dist := t.TempDir()
	keep := filepath.Join(dist, "README.txt") // not the script's: it stays
	if err := os.WriteFile(keep, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "tools", "release", "release.sh"), dist)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "VERSION=v9.9.9-test", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("release.sh: %v\n%s", err, out)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("release.sh removed a file it did not make: %v", err)
	}

	machines := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	for arch, machine := range machines {
		name := "lvsctl-linux-" + arch
		path := filepath.Join(dist, name)
		f, err := elf.Open(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if f.Machine != machine {
			t.Errorf("%s is for %v, want %v", name, f.Machine, machine)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
				t.Errorf("%s is dynamically linked (%v): want a static binary", name, p.Type)
			}
		}
		f.Close()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if line := hex.EncodeToString(sum[:]) + "  " + name + "\n"; !bytes.Contains(sums, []byte(line)) {
			t.Errorf("SHA256SUMS lacks %q:\n%s", line, sums)
		}
	}
	if n := bytes.Count(sums, []byte("\n")); n != len(machines) {
		t.Errorf("SHA256SUMS has %d lines, want %d", n, len(machines))
	}

	native := filepath.Join(dist, "lvsctl-linux-"+runtime.GOARCH)
	out, err := exec.Command(native, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", native, err)
	}
	head, err := exec.Command("git", "-C", root, "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "lvsctl v9.9.9-test (commit " + strings.TrimSpace(string(head)) + ", "
	if !strings.HasPrefix(string(out), want) {
		t.Errorf("version says %q, want it to start %q", out, want)
	}

	for _, page := range []string{"lvsctl.1", "lvsctl-plan.1", "lvsctl-graph.1", "lvsctl-completion.1"} {
		b, err := os.ReadFile(filepath.Join(dist, "man", page))
		if err != nil {
			t.Errorf("man page: %v", err)
			continue
		}
		if !bytes.Contains(b, []byte(`.TH "LVSCTL" "1"`)) || !bytes.Contains(b, []byte("lvsctl v9.9.9-test")) {
			t.Errorf("%s lacks its header with the version:\n%.300s", page, b)
		}
	}
}
