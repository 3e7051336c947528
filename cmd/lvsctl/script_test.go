package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/lvsctl/lvsctl/cmd/lvsctl/cli"
)

// The CLI is tested as a user drives it: scripts in testdata/script run the
// real lvsctl (this test binary, re-executed under the name lvsctl) and
// check its output and exit status. Run one with
//
//	go test ./cmd/lvsctl -run TestScript/plan-state
//
// and refresh expected output in place with -testwork / UPDATE_SCRIPTS=1.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"lvsctl": func() {
			os.Exit(cli.Run(context.Background(), os.Args[1:], cli.StdIO()))
		},
	})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") == "1",
		Setup:         setupScript,
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "netns":
				return netnsUsable(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}

// setupScript gives each script a unique namespace prefix (NS) it may use
// for `ip netns add $NS-x`, and removes every namespace with that prefix
// when the script ends, pass or fail.
func setupScript(env *testscript.Env) error {
	script := env.WorkDir[strings.LastIndex(env.WorkDir, "script-")+len("script-"):]
	prefix := fmt.Sprintf("lt%d-%s", os.Getpid(), script)
	env.Setenv("NS", prefix)
	env.Setenv("LVSCTL_RECORD_DIR", env.WorkDir+"/records")
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
// and iproute2. In CI (LVSCTL_REQUIRE_NETNS=1) scripts guarded by [!netns]
// skip, and the skip fails the run.
func netnsUsable() bool {
	if os.Geteuid() != 0 {
		return false
	}
	_, err := exec.LookPath("ip")
	return err == nil
}
