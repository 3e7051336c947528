package ssh

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// The one-session start script, run by this machine's sh as a host's login
// shell would: the probe it prints parses, and it says why it cannot start
// the agent (another architecture; no binary with that checksum).
func TestFastScriptLocally(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	sum := strings.Repeat("0", 64) // no binary has it
	for _, tc := range []struct {
		machines []string
		status   string
	}{
		{machinesOf(runtime.GOARCH), "missing"},
		{[]string{"no-such-machine"}, "arch"},
	} {
		cmd := exec.Command(sh, "-c", fastScript(sum, tc.machines))
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "SSH_CONNECTION=192.0.2.10 50122 192.0.2.31 22")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if len(lines) != 8 || lines[0] != probeBegin || lines[7] != probeEnd+tc.status {
			t.Fatalf("machines %v: output %q, want the probe and status %q", tc.machines, out, tc.status)
		}
		r, err := parseProbe(strings.Join(lines[1:7], "\n") + "\n")
		if err != nil {
			t.Fatal(err)
		}
		if r.Arch != runtime.GOARCH || r.Kernel == "" || r.Client.String() != "192.0.2.10:50122" || r.Server.String() != "192.0.2.31:22" {
			t.Errorf("probe = %+v", r)
		}
	}
}

func TestMachinesOf(t *testing.T) {
	if got := strings.Join(machinesOf("amd64"), " "); got != "x86_64 amd64" {
		t.Errorf("amd64: %s", got)
	}
	if got := strings.Join(machinesOf("arm64"), " "); got != "aarch64 arm64 armv8l" {
		t.Errorf("arm64: %s", got)
	}
}
