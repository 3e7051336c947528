package sshtest

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Run runs a command in the laptop namespace and returns its output.
func (l *Lab) Run(name string, args ...string) ([]byte, error) {
	return exec.Command("ip", append([]string{"netns", "exec", l.Laptop, name}, args...)...).CombinedOutput()
}

// SSHAgent starts OpenSSH's ssh-agent holding the key in file (decrypted
// with passphrase) and returns its socket; it is stopped at the end.
func (l *Lab) SSHAgent(file string, passphrase []byte) string {
	l.t.Helper()
	sock := filepath.Join(l.Dir, "agent.sock")
	cmd := exec.Command("ssh-agent", "-D", "-a", sock)
	if err := cmd.Start(); err != nil {
		l.t.Fatalf("start ssh-agent (openssh-client): %v", err)
	}
	l.t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	var conn net.Conn
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if conn, err = net.Dial("unix", sock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("ssh-agent does not answer on %s: %v", sock, err)
		}
	}
	defer conn.Close()
	pem, err := os.ReadFile(file)
	if err != nil {
		l.t.Fatal(err)
	}
	key, err := gossh.ParseRawPrivateKeyWithPassphrase(pem, passphrase)
	if err != nil {
		l.t.Fatal(err)
	}
	if err := agent.NewClient(conn).Add(agent.AddedKey{PrivateKey: key}); err != nil {
		l.t.Fatalf("ssh-add: %v", err)
	}
	return sock
}
