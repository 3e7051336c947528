package e2e

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const (
	// defaultVMLimit bounds the whole VM: build, boot and every scenario.
	// TCG is slow; each scenario also has its own limit inside the VM.
	defaultVMLimit = 20 * time.Minute
	// tailLines of a failed scenario's console output go into the test log.
	tailLines = 60
)

// TestVM boots one VM for every selected scenario and reports each as a
// subtest. Environment:
//
//	LVSCTL_E2E=1              run the VM (so does -run TestVM...); without either it skips
//	LVSCTL_E2E=required       run it, and anything missing is a failure, not a skip (CI)
//	LVSCTL_E2E_VM_TIMEOUT     limit for the whole VM, a Go duration (default 20m)
//	LVSCTL_E2E_TIMEOUT        limit per scenario in seconds, inside the VM (default 300)
//	LVSCTL_E2E_CONSOLE=1      copy the console to stderr as it runs
//	LVSCTL_E2E_CACHE          where the kernel download is cached
//
// Run one scenario: go test ./e2e -run 'TestVM/^dr-lab$' -v
func TestVM(t *testing.T) {
	required := os.Getenv("LVSCTL_E2E") == "required"
	unavailable := func(format string, args ...any) {
		t.Helper()
		if required {
			t.Fatalf("LVSCTL_E2E=required, but "+format, args...)
		}
		t.Skipf(format+" (LVSCTL_E2E=required makes this a failure)", args...)
	}
	if !vmRequested(required) {
		t.Skip("the VM tests take minutes: run them with make e2e, LVSCTL_E2E=1 or -run TestVM")
	}
	if reason := missingPrerequisite(); reason != "" {
		unavailable("%s", reason)
	}

	all, err := listScenarios("scenarios")
	if err != nil {
		t.Fatal(err)
	}
	selected, err := SelectScenarios(all, flagValue("test.run"), flagValue("test.skip"))
	if err != nil {
		t.Fatal(err)
	}
	selected = DropManual(selected, manualScenarios("scenarios", all), flagValue("test.run"))
	if len(selected) == 0 {
		// Under LVSCTL_E2E=required a selection that runs nothing fails.
		unavailable("no scenario matches -run %q; the scenarios are %s", flagValue("test.run"), strings.Join(all, " "))
	}

	out := outputDir(t)
	limit, err := vmLimit(t)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), limit)
	defer cancel()

	start := time.Now()
	image := filepath.Join(out, "image")
	if err := buildImage(ctx, image, filepath.Join(out, "build.log")); err != nil {
		t.Fatal(err)
	}
	built := time.Now()
	vm, err := bootVM(ctx, image, filepath.Join(out, "console.log"), selected)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range selected {
		t.Run(name, func(t *testing.T) { vm.await(t, name) })
	}
	vm.Drain()

	t.Logf("image built in %.1fs; VM ran %.1fs (kernel to runner: %.1fs) for %d scenario(s)",
		built.Sub(start).Seconds(), time.Since(built).Seconds(), vm.Ready, len(selected))
	for _, w := range vm.Warnings {
		t.Logf("VM warning: %s", w)
	}
	for _, err := range vm.Errors {
		t.Errorf("console: %v", err)
	}
	switch {
	case ctx.Err() != nil:
		t.Errorf("the VM exceeded its %v limit and was killed (LVSCTL_E2E_VM_TIMEOUT raises it); console log: %s", limit, vm.logPath)
	case !vm.Done:
		t.Errorf("the in-VM runner never finished (qemu: %v); console log: %s", vm.exitErr, vm.logPath)
	case vm.exitErr != nil:
		t.Errorf("qemu: %v; console log: %s", vm.exitErr, vm.logPath)
	}
}

// vmRequested reports whether to boot the VM: `go test ./...` is the quick
// loop, so the VM runs only when asked for, by LVSCTL_E2E or by -run.
func vmRequested(required bool) bool {
	if testing.Short() {
		return required
	}
	return os.Getenv("LVSCTL_E2E") != "" || strings.Contains(flagValue("test.run"), "TestVM")
}

// missingPrerequisite says what keeps the VM from running here, if anything.
// Missing packages are fine when build.sh can install them (root with apt).
func missingPrerequisite() string {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return "the VM harness needs linux/amd64, this is " + runtime.GOOS + "/" + runtime.GOARCH
	}
	for _, cmd := range []string{"bash", "go"} {
		if _, err := exec.LookPath(cmd); err != nil {
			return cmd + " is not on PATH"
		}
	}
	// vm/build.sh fetches and unpacks the Debian kernel package with them,
	// and cannot install them itself.
	for _, cmd := range []string{"apt-cache", "dpkg"} {
		if !onPath(cmd) {
			return cmd + " is not on PATH: the VM image is built from Debian packages (apt and dpkg), so it needs a Debian-based host"
		}
	}
	var missing []string
	for _, cmd := range []string{"qemu-system-x86_64", "busybox", "depmod", "cpio", "ipvsadm", "ip"} {
		if !onPath(cmd) {
			missing = append(missing, cmd)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	if _, err := exec.LookPath("apt-get"); err != nil || os.Geteuid() != 0 {
		return fmt.Sprintf("%s not installed (vm/build.sh installs them when run as root on Debian)", strings.Join(missing, ", "))
	}
	return ""
}

func onPath(cmd string) bool {
	if _, err := exec.LookPath(cmd); err == nil {
		return true
	}
	for _, dir := range []string{"/usr/sbin", "/sbin"} {
		if _, err := os.Stat(filepath.Join(dir, cmd)); err == nil {
			return true
		}
	}
	return false
}

// listScenarios returns the scenario directories (those with a run.sh), in name order.
func listScenarios(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("listing scenarios: %w", err)
	}
	var names []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "run.sh")); err != nil {
			continue
		}
		if !validName(e.Name()) {
			return nil, fmt.Errorf("scenario directory %q: use lower-case letters, digits, - and _ only", e.Name())
		}
		names = append(names, e.Name())
	}
	return names, nil
}

// manualScenarios are the scenarios marked with a file named "manual"
// (benchmarks): they run only when -run names them.
func manualScenarios(dir string, all []string) map[string]bool {
	m := map[string]bool{}
	for _, name := range all {
		if _, err := os.Stat(filepath.Join(dir, name, "manual")); err == nil {
			m[name] = true
		}
	}
	return m
}

func flagValue(name string) string {
	if f := flag.Lookup(name); f != nil {
		return f.Value.String()
	}
	return ""
}

// outputDir holds the image, the build log and the console log. With
// go test -artifacts it is the test's artifact directory; otherwise a
// temporary directory kept when the test fails, so the log can be read.
func outputDir(t *testing.T) string {
	if flagValue("test.artifacts") == "true" {
		return t.ArtifactDir()
	}
	dir, err := os.MkdirTemp("", "lvsctl-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("kept the image and logs in %s", dir)
			return
		}
		os.RemoveAll(dir)
	})
	return dir
}

// vmLimit is the limit for the whole VM, within the go test deadline.
func vmLimit(t *testing.T) (time.Duration, error) {
	limit := defaultVMLimit
	if s := os.Getenv("LVSCTL_E2E_VM_TIMEOUT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("LVSCTL_E2E_VM_TIMEOUT=%q: want a positive Go duration such as 30m", s)
		}
		limit = d
	}
	if deadline, ok := t.Deadline(); ok {
		// Leave go test time to report what happened rather than panic.
		if left := time.Until(deadline) - 30*time.Second; left < limit {
			if left <= 0 {
				return 0, fmt.Errorf("go test -timeout leaves no time for the VM; use -timeout 40m")
			}
			limit = left
		}
	}
	return limit, nil
}

// buildImage runs vm/build.sh with its output in logPath.
func buildImage(ctx context.Context, dir, logPath string) error {
	logf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.CommandContext(ctx, "bash", "vm/build.sh", dir)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Run(); err != nil {
		tail, _ := os.ReadFile(logPath)
		return fmt.Errorf("vm/build.sh failed (%v); its log %s ends:\n%s", err, logPath, lastLines(string(tail), 30))
	}
	return nil
}

// vmRun is a booted VM whose console is being read.
type vmRun struct {
	*Console
	logPath string
	// exitErr is qemu's exit status, set before the console's channel closes.
	exitErr error
}

// bootVM starts qemu through vm/boot.sh and streams its console into
// logPath and the items channel, which closes when qemu has exited.
func bootVM(ctx context.Context, image, logPath string, scenarios []string) (*vmRun, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "bash", append([]string{"vm/boot.sh", image}, scenarios...)...)
	cmd.Env = append(os.Environ(), "LVSCTL_E2E_MODE=test")
	cmd.Stdin = nil
	cmd.Stderr = logf
	// boot.sh execs qemu, so the context's kill reaches qemu itself.
	cmd.WaitDelay = 10 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting vm/boot.sh: %w", err)
	}
	lines := make(chan string, 256)
	vm := &vmRun{Console: NewConsole(lines), logPath: logPath}
	var sink io.Writer = logf
	if os.Getenv("LVSCTL_E2E_CONSOLE") == "1" {
		sink = io.MultiWriter(logf, os.Stderr)
	}
	go func() {
		defer close(lines)
		defer logf.Close()
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			fmt.Fprintln(sink, sc.Text())
			lines <- sc.Text()
		}
		if err := sc.Err(); err != nil {
			fmt.Fprintf(logf, "\n[driver] reading the console: %v\n", err)
		}
		vm.exitErr = cmd.Wait()
		if vm.exitErr != nil {
			fmt.Fprintf(logf, "\n[driver] qemu: %v\n", vm.exitErr)
		}
	}()
	return vm, nil
}

// await reports the result of the named scenario on t.
func (vm *vmRun) await(t *testing.T, name string) {
	r := vm.Next(name)
	if r.Passed {
		t.Logf("passed in %.1fs inside the VM", r.Seconds)
		return
	}
	if strings.Contains(r.Reason, "VM ended") {
		r.Reason += fmt.Sprintf(" (qemu: %v)", vm.exitErr)
	}
	t.Errorf("%s\n--- last console lines of %s:\n%s\n--- full console log: %s",
		r.Reason, name, strings.Join(last(r.Output, tailLines), "\n"), vm.logPath)
}

func last(lines []string, n int) []string {
	if len(lines) > n {
		return lines[len(lines)-n:]
	}
	return lines
}

func lastLines(s string, n int) string {
	return strings.Join(last(strings.Split(strings.TrimRight(s, "\n"), "\n"), n), "\n")
}
