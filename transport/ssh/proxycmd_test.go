package ssh

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// TestProxyCommandFails: a ProxyCommand that ends without carrying a
// connection is an error that says what the command said, at once; also
// when it says it a while after closing its output (as a slow ssh -W does,
// or any command on a loaded machine).
func TestProxyCommandFails(t *testing.T) {
	for name, command := range map[string]string{
		"at once": "echo no route to %h:%p >&2; exit 3",
		"later":   "sh -c 'exec >&-; sleep 0.3; echo no route to %h:%p >&2; exit 3'",
	} {
		t.Run(name, func(t *testing.T) { testProxyCommandFails(t, command) })
	}
}

func testProxyCommandFails(t *testing.T, command string) {
	dir := t.TempDir()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "id")
	known := filepath.Join(dir, "known_hosts")
	cfg := filepath.Join(dir, "config")
	for f, b := range map[string][]byte{
		key:   pem.EncodeToMemory(block),
		known: nil,
		cfg: []byte("Host web1\n  HostName 192.0.2.1\n  ProxyCommand " + command + "\n" +
			"Host *\n  IdentityFile " + key + "\n  UserKnownHostsFile " + known + "\n"),
	} {
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p, err := NewPool(Options{ConfigFile: cfg, Home: dir, NoSystemSSH: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = p.Client(ctx, Target{Host: "web1"})
	if err == nil || !strings.Contains(err.Error(), "via ProxyCommand") || !strings.Contains(err.Error(), "ProxyCommand said: no route to 192.0.2.1:22") {
		t.Fatalf("a failing ProxyCommand: %v", err)
	}
}
