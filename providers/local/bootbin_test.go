package local

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// TestInstallBinaryStamp: the kept binary is copied when it differs, and
// neither binary is read again while both are untouched since they last
// matched; a change of either, even in place with its times set back or
// in the clock tick its stamp was written in, is seen and the copy
// replaced.
func TestInstallBinaryStamp(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "lvsctl"), filepath.Join(dir, "bin", "lvsctl")
	write := func(path, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	install := func(wantContent string) int64 {
		t.Helper()
		before := binarySums.Load()
		if err := installBinary(src, dst); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(dst); err != nil || string(b) != wantContent {
			t.Errorf("kept binary: %q, %v; want %q", b, err, wantContent)
		}
		return binarySums.Load() - before
	}
	// settled installs once the clock has moved past every file's last
	// change, as a later apply does, and then again: that one must not
	// read the binaries.
	settled := func(wantContent string) {
		t.Helper()
		tick(t, dir, src, dst, dst+".ok")
		install(wantContent)
		tick(t, dir, src, dst, dst+".ok")
		if n := install(wantContent); n != 0 {
			t.Errorf("an install with both binaries untouched read %d of them, want 0", n)
		}
	}
	write(src, "binary v1")
	install("binary v1")
	settled("binary v1")
	write(src, "binary v2") // same size, new content, maybe in the stamp's tick
	install("binary v2")
	settled("binary v2")

	// The kept copy changed in place, its times set back: its ctime moved.
	st, err := os.Stat(dst)
	if err != nil {
		t.Fatal(err)
	}
	write(dst, "damaged!!")
	if err := os.Chtimes(dst, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	install("binary v2")

	if err := removeBinary(dst); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dst, dst + ".ok"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s after removeBinary: %v", p, err)
		}
	}
}

// tick waits until a file written in dir gets a change time later than
// those of paths: the file system's clock has moved on.
func tick(t *testing.T, dir string, paths ...string) {
	t.Helper()
	var newest syscall.Timespec
	for _, p := range paths {
		var st syscall.Stat_t
		if syscall.Stat(p, &st) == nil && before(newest, st.Ctim) {
			newest = st.Ctim
		}
	}
	probe := filepath.Join(dir, "probe")
	for range 1000 {
		if err := os.WriteFile(probe, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		var st syscall.Stat_t
		if err := syscall.Stat(probe, &st); err != nil {
			t.Fatal(err)
		}
		if before(newest, st.Ctim) {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("the file system's clock did not move in a second")
}

// TestBootStateNotRewrittenUnchanged: keeping the same state for boot
// again leaves the file as it is (a big state is not written and synced
// at every apply); a changed state replaces it.
func TestBootStateNotRewrittenUnchanged(t *testing.T) {
	r := newRig(t)
	bin := filepath.Join(t.TempDir(), "lvsctl-src")
	if err := os.WriteFile(bin, []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.local.executable = bin
	root := t.TempDir()
	keep := func(d *state.Host) uint64 {
		t.Helper()
		c := plan.Change{Kind: plan.KindBoot, Action: plan.Update, Address: "state kept for boot",
			After: &plan.Resource{Boot: &plan.Boot{Desired: d, Root: root}}}
		if _, err := r.local.Apply(t.Context(), []plan.Change{c}); err != nil {
			t.Fatal(err)
		}
		var st syscall.Stat_t
		if err := syscall.Stat(BootStatePath(r.record), &st); err != nil {
			t.Fatal(err)
		}
		return st.Ino // a write replaces the file: a new inode
	}
	first := keep(&state.Host{Name: "web1", Role: state.RoleRealServer})
	if again := keep(&state.Host{Name: "web1", Role: state.RoleRealServer}); again != first {
		t.Error("the same state kept for boot again was written again")
	}
	if changed := keep(&state.Host{Name: "web1", Role: state.RoleRealServer, Sysctls: []state.Sysctl{{Name: "net.ipv4.ip_forward", Value: "1"}}}); changed == first {
		t.Error("a changed state kept for boot was not written")
	}
}

// TestBootStateCompactAndOldFilesLoad: the state kept for boot is written
// as compact JSON (one line) and loads back as it was kept; a file written
// indented by an earlier lvsctl still loads the same, and the next apply
// replaces it once. A change that keeps the file's size (a weight 1 to 2)
// is still written: same size is not taken for same content.
func TestBootStateCompactAndOldFilesLoad(t *testing.T) {
	r := newRig(t)
	bin := filepath.Join(t.TempDir(), "lvsctl-src")
	if err := os.WriteFile(bin, []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.local.executable = bin
	root := t.TempDir()
	desired := directorWants(3)
	keep := func(d state.Host) {
		t.Helper()
		c := plan.Change{Kind: plan.KindBoot, Action: plan.Update, Address: "state kept for boot",
			After: &plan.Resource{Boot: &plan.Boot{Desired: &d, Root: root}}}
		if _, err := r.local.Apply(t.Context(), []plan.Change{c}); err != nil {
			t.Fatal(err)
		}
	}
	loaded := func() state.Host {
		t.Helper()
		states, err := LoadBootStates(filepath.Dir(r.record))
		if err != nil || len(states) != 1 {
			t.Fatalf("LoadBootStates = %d states, %v; want 1", len(states), err)
		}
		return states[0].Desired
	}
	keep(desired)
	path := BootStatePath(r.record)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b, []byte("\n")); n != 1 {
		t.Errorf("the boot state has %d lines, want 1 (compact)", n)
	}
	if d := cmp.Diff(desired, loaded(), clustertest.CmpOpts); d != "" {
		t.Errorf("the boot state loaded is not what was kept (-kept +loaded):\n%s", d)
	}

	// As an earlier lvsctl wrote it: indented.
	old, err := json.MarshalIndent(BootState{FormatVersion: state.FormatVersion, Record: filepath.Base(r.record), Desired: desired}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(old, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(desired, loaded(), clustertest.CmpOpts); d != "" {
		t.Errorf("an indented boot state does not load as kept (-kept +loaded):\n%s", d)
	}
	keep(desired)
	if now, _ := os.ReadFile(path); !bytes.Equal(now, b) {
		t.Errorf("the indented boot state was not replaced by the compact one")
	}

	// One weight, same size.
	desired.Services[2].Servers[0].Weight = 2
	keep(desired)
	now, _ := os.ReadFile(path)
	if len(now) != len(b) || bytes.Equal(now, b) {
		t.Fatalf("after a weight change: %d bytes (was %d), same content %v; want the same size, new content", len(now), len(b), bytes.Equal(now, b))
	}
	if got := loaded(); got.Services[2].Servers[0].Weight != 2 {
		t.Errorf("the weight kept for boot is %d, want 2", got.Services[2].Servers[0].Weight)
	}
	// What boot restores is the whole new desired state, not only the weight.
	if d := cmp.Diff(desired, loaded(), clustertest.CmpOpts); d != "" {
		t.Errorf("after a weight change the boot state is not the desired state (-desired +loaded):\n%s", d)
	}
}

// TestInstallBinaryStampNotRacy: the apply right after an install (with
// no tick of the clock in between) does not read the binaries again: the
// stamp is written past the copy's change time, not in its tick. Before,
// it was racy after every install, and the next apply hashed 2 x 20 MB.
func TestInstallBinaryStampNotRacy(t *testing.T) {
	for i := range 20 { // a copy and its stamp often share a tick: try many
		dir := t.TempDir()
		src, dst := filepath.Join(dir, "lvsctl"), filepath.Join(dir, "bin", "lvsctl")
		if err := os.WriteFile(src, []byte("binary"), 0o755); err != nil {
			t.Fatal(err)
		}
		tick(t, dir, src) // src as a binary is: not just written
		if err := installBinary(src, dst); err != nil {
			t.Fatal(err)
		}
		before := binarySums.Load()
		if err := installBinary(src, dst); err != nil {
			t.Fatal(err)
		}
		if n := binarySums.Load() - before; n != 0 {
			t.Fatalf("install %d: the install right after a copy read %d binaries, want 0", i, n)
		}
	}
}
