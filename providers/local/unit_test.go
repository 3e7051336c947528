package local

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// Without systemd under the root, the boot unit is the SysV script: LSB
// header and chkconfig line, the record directory when it is not the
// default, the kept binary; removed with the last kept state.
func TestBootScriptSysV(t *testing.T) {
	r := newRig(t)
	root := t.TempDir()
	bin := filepath.Join(t.TempDir(), "lvsctl-src")
	if err := os.WriteFile(bin, []byte("binary v1"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.local.executable = bin
	keep := func(d *state.Host) {
		t.Helper()
		c := plan.Change{Kind: plan.KindBoot, Action: plan.Update, Address: "state kept for boot",
			After: &plan.Resource{Boot: &plan.Boot{Desired: d, Root: root}}}
		if _, err := r.local.Apply(t.Context(), []plan.Change{c}); err != nil {
			t.Fatal(err)
		}
	}
	keep(&state.Host{Name: "web1", Role: state.RoleRealServer})
	dir := filepath.Dir(r.record)
	script, err := os.ReadFile(filepath.Join(root, InitScriptPath))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\n# Required-Start:    $local_fs\n", "\n# X-Start-Before:    $network\n", "\n# chkconfig: 2345 09 91\n",
		"\nexport LVSCTL_RECORD_DIR=" + dir + "\n", "\n\texec " + filepath.Join(dir, "bin", "lvsctl") + " boot\n",
	} {
		if !strings.Contains(string(script), want) {
			t.Errorf("the init script lacks %q:\n%s", want, script)
		}
	}
	if st, err := os.Stat(filepath.Join(root, InitScriptPath)); err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("init script mode: %v, %v", st.Mode(), err)
	}
	if _, err := os.Stat(filepath.Join(root, UnitPath)); err == nil {
		t.Error("a systemd unit without systemd")
	}
	if b, err := os.ReadFile(filepath.Join(dir, "bin", "lvsctl")); err != nil || string(b) != "binary v1" {
		t.Errorf("kept binary: %q, %v", b, err)
	}
	// A new lvsctl replaces the kept copy at the next apply.
	if err := os.WriteFile(bin, []byte("binary v2"), 0o755); err != nil {
		t.Fatal(err)
	}
	keep(&state.Host{Name: "web1", Role: state.RoleRealServer})
	if b, _ := os.ReadFile(filepath.Join(dir, "bin", "lvsctl")); string(b) != "binary v2" {
		t.Errorf("kept binary after an upgrade: %q", b)
	}
	keep(nil)
	for _, p := range []string{filepath.Join(root, InitScriptPath), filepath.Join(dir, "bin", "lvsctl"), BootStatePath(r.record)} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s after the last kept state went: %v", p, err)
		}
	}
}

// The record directory's default needs no environment in the unit.
func TestUnitDefaultRecordDir(t *testing.T) {
	u := Unit{RecordDir: DefaultRecordDir, Binary: "/var/lib/lvsctl/bin/lvsctl"}
	if s := u.ServiceFile(); strings.Contains(s, "Environment=") || !strings.Contains(s, "\nExecStart=/var/lib/lvsctl/bin/lvsctl boot\n") {
		t.Errorf("unit:\n%s", s)
	}
	if s := u.InitScript(); strings.Contains(s, "export ") {
		t.Errorf("init script:\n%s", s)
	}
}
