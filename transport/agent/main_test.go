package agent

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/lvsctl/lvsctl/providers/local"
)

// Environment of the test binary acting as `lvsctl agent` (see TestMain).
const (
	testAgentEnv       = "LVSCTL_TEST_AGENT"        // "1": serve the agent protocol
	testAgentNameEnv   = "LVSCTL_TEST_AGENT_NAME"   // --name
	testAgentRecordEnv = "LVSCTL_TEST_AGENT_RECORD" // --record
)

// TestMain lets the test binary stand in for `lvsctl agent`, so the netns
// tests can run an agent inside a namespace without building lvsctl: with
// LVSCTL_TEST_AGENT=1 it serves this machine's namespace (LocalHosts) over stdin and stdout, as
// `lvsctl agent --name NAME --record PATH` does.
func TestMain(m *testing.M) {
	if os.Getenv(testAgentEnv) == "1" {
		os.Exit(serveTestAgent())
	}
	os.Exit(m.Run())
}

func serveTestAgent() int {
	hosts := LocalHosts{Options: local.Options{Name: os.Getenv(testAgentNameEnv), RecordPath: os.Getenv(testAgentRecordEnv)}}
	if err := ServeHosts(context.Background(), os.Stdin, os.Stdout, hosts); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// testAgentCommand is the agent command for the test binary, passing its
// settings through env(1) because `ip netns exec` keeps the environment
// of the command it runs but Exec does not set one.
func testAgentCommand(name, record string) []string {
	return []string{"env", testAgentEnv + "=1", testAgentNameEnv + "=" + name, testAgentRecordEnv + "=" + record, os.Args[0]}
}
