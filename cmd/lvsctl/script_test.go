package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/lvsctl/lvsctl/cmd/lvsctl/cli"
	"github.com/lvsctl/lvsctl/providers/local"
)

// The CLI is tested as a user drives it: scripts in testdata/script run the
// real lvsctl (this test binary, re-executed under the name lvsctl) and
// check its output and exit status. Run one with
//
//	go test ./cmd/lvsctl -run TestScript/plan-state
//
// and refresh expected output in place with -testwork / UPDATE_SCRIPTS=1.
func TestMain(m *testing.M) {
	// Over SSH, lvsctl copies itself (this test binary) to the host as
	// lvsctl-SHA256 and runs `lvsctl-SHA256 agent` there.
	if strings.HasPrefix(filepath.Base(os.Args[0]), "lvsctl-") {
		os.Exit(cli.Main(os.Args[1:]))
	}
	// No test may install a boot unit into this machine's /etc: every
	// lvsctl this process starts (as a script's command, in a namespace,
	// or as the CLI of an SSH test, which sends it to its hosts) inherits
	// a boot root of its own, unless a test sets one.
	if os.Getenv(local.BootRootEnv) == "" {
		_ = os.Setenv(local.BootRootEnv, filepath.Join(os.TempDir(), "lvsctl-test-bootroot"))
	}
	testscript.Main(m, map[string]func(){
		"lvsctl": func() {
			// LVSCTL_TEST_CPUPROFILE=FILE profiles the run (the SSH
			// benchmark's lvsctl runs, to see what lvsctl does per host).
			if f := os.Getenv("LVSCTL_TEST_CPUPROFILE"); f != "" {
				out, err := os.Create(f)
				if err == nil && pprof.StartCPUProfile(out) == nil {
					code := cli.Main(os.Args[1:])
					pprof.StopCPUProfile()
					out.Close()
					os.Exit(code)
				}
			}
			os.Exit(cli.Main(os.Args[1:]))
		},
	})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") == "1",
		Setup:         setupScript,
		Cmds:          map[string]func(*testscript.TestScript, bool, []string){"exitcode": cmdExitcode},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "netns":
				if !netnsUsable() && os.Getenv("LVSCTL_REQUIRE_NETNS") == "1" {
					return false, errors.New("LVSCTL_REQUIRE_NETNS=1 but network namespaces are not usable here: run as root with iproute2 installed")
				}
				return netnsUsable(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}

// setupScript gives each script a unique namespace prefix (NS) it may use
// for `ip netns add $NS-x`, and removes every namespace with that prefix
// when the script ends, pass or fail. EXAMPLES is the examples directory,
// for `cp $EXAMPLES/dr-lab.hcl .`; RENDER_GOLDEN and GRAPH_GOLDEN are
// engine/render/testdata and engine/graph/testdata.
func setupScript(env *testscript.Env) error {
	examples, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		return err
	}
	env.Setenv("EXAMPLES", examples)
	// Goldens of engine/render and engine/graph, which some scripts
	// compare the CLI's output with.
	for name, dir := range map[string]string{"RENDER_GOLDEN": "render", "GRAPH_GOLDEN": "graph"} {
		abs, err := filepath.Abs(filepath.Join("..", "..", "engine", dir, "testdata"))
		if err != nil {
			return err
		}
		env.Setenv(name, abs)
	}
	script := env.WorkDir[strings.LastIndex(env.WorkDir, "script-")+len("script-"):]
	prefix := fmt.Sprintf("lt%d-%s", os.Getpid(), script)
	env.Setenv("NS", prefix)
	env.Setenv("LVSCTL_RECORD_DIR", env.WorkDir+"/records")
	// The boot unit apply installs goes here, never into this machine's /etc.
	env.Setenv("LVSCTL_BOOT_ROOT", env.WorkDir+"/root")
	env.Setenv("NO_COLOR", "1")
	env.Defer(func() {
		out, _ := exec.Command("ip", "netns", "list").Output()
		for _, line := range strings.Split(string(out), "\n") {
			name, _, _ := strings.Cut(line, " ")
			if name != "" && strings.HasPrefix(name, prefix) {
				_ = exec.Command("ip", "netns", "delete", name).Run()
			}
		}
	})
	return nil
}

// netnsUsable reports whether scripts may build hosts in namespaces: root
// and iproute2. In CI, LVSCTL_REQUIRE_NETNS=1 turns what would be a skip
// of the scripts guarded by [!netns] into a failure.
func netnsUsable() bool {
	if os.Geteuid() != 0 {
		return false
	}
	_, err := exec.LookPath("ip")
	return err == nil
}

// cmdExitcode is `exitcode N command [args...]`: it runs command like exec,
// keeping its stdout and stderr for the next checks, and fails unless it
// exits with status N. `! exec` only tells zero from non-zero, and lvsctl
// gives 1 and 2 different meanings (plan -detailed-exitcode).
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("exitcode does not take !: give the status expected")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil || want < 0 {
		ts.Fatalf("exitcode: %q is not an exit status", args[0])
	}
	got := 0
	var exit *exec.ExitError
	switch err := ts.Exec(args[1], args[2:]...); {
	case err == nil:
	case errors.As(err, &exit):
		got = exit.ExitCode()
	default:
		ts.Fatalf("exitcode: run %s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
