package ssh_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"testing"
)

// TestMain lets the test binary stand in for `lvsctl agent` on the lab's
// hosts: the pool uploads this binary (it is the running executable) and
// runs `BINARY agent`. The stand-in says who it runs as and what
// SSH_CONNECTION it sees, then echoes its input, which is enough to see
// the pipes, sudo and the upload work; the real agent is tested over SSH
// in transport/agent.
func TestMain(m *testing.M) {
	if len(os.Args) == 2 && os.Args[1] == "agent" {
		os.Exit(standInAgent())
	}
	os.Exit(m.Run())
}

type standIn struct {
	UID           int    `json:"uid"`
	SSHConnection string `json:"ssh_connection"`
}

func standInAgent() int {
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(standIn{UID: os.Getuid(), SSHConnection: os.Getenv("SSH_CONNECTION")}); err != nil {
		return 1
	}
	in := bufio.NewReader(os.Stdin)
	for {
		line, err := in.ReadString('\n')
		if line != "" {
			fmt.Print(line)
		}
		if err == io.EOF {
			return 0
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
}
