package ssh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"

	gossh "golang.org/x/crypto/ssh"
)

// Remote is what lvsctl learns about a host before it starts the agent.
type Remote struct {
	User   string // the login user
	Root   bool   // whether the login user is root (else sudo -n is used)
	Arch   string // Go's name: amd64, arm64, ...
	Kernel string // uname -r
	Home   string
	// Client and Server are the two ends of the SSH session's TCP
	// connection as the host sees them (SSH_CONNECTION): the address and
	// route the session travels over, which must not be taken away from
	// under it. Behind a bastion, Client is the bastion's address.
	Client, Server netip.AddrPort
}

// run runs cmd on client, with stdin, and returns its standard output. A
// failure carries the end of its standard error.
func run(ctx context.Context, client *gossh.Client, cmd string, stdin io.Reader) ([]byte, error) {
	s, err := client.NewSession()
	if err != nil {
		return nil, fmt.Errorf("open a session: %w", err)
	}
	defer s.Close()
	var stdout, stderr bytes.Buffer
	s.Stdin, s.Stdout, s.Stderr = stdin, &stdout, &stderr
	if err := s.Start(cmd); err != nil {
		return nil, fmt.Errorf("run `%s`: %w", cmd, err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		_ = s.Signal(gossh.SIGKILL)
		_ = s.Close()
		return nil, fmt.Errorf("run `%s`: %w", firstLine(cmd), ctx.Err())
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = strings.TrimSpace(stdout.String())
		}
		return stdout.Bytes(), &commandError{cmd: firstLine(cmd), err: err, stderr: msg}
	}
	return stdout.Bytes(), nil
}

type commandError struct {
	cmd, stderr string
	err         error
}

func (e *commandError) Error() string {
	s := fmt.Sprintf("`%s` failed (%v)", e.cmd, e.err)
	if e.stderr != "" {
		s += ": " + e.stderr
	}
	return s
}

func (e *commandError) Unwrap() error { return e.err }

// probeScript prints, one per line, what Remote holds. POSIX sh only: it
// runs in the login shell of whatever host this is.
const probeScript = `uname -m; uname -r; id -u; id -un; printf '%s\n' "$HOME" "$SSH_CONNECTION"`

func probe(ctx context.Context, client *gossh.Client) (Remote, error) {
	out, err := run(ctx, client, probeScript, nil)
	if err != nil {
		return Remote{}, fmt.Errorf("probe the host: %w", err)
	}
	return parseProbe(string(out))
}

func parseProbe(out string) (Remote, error) {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 6 {
		return Remote{}, fmt.Errorf("probe the host: unexpected answer %q: is the login shell a POSIX shell?", out)
	}
	r := Remote{Kernel: lines[1], Root: lines[2] == "0", User: lines[3], Home: lines[4]}
	var err error
	if r.Arch, err = goArch(lines[0]); err != nil {
		return r, err
	}
	if f := strings.Fields(lines[5]); len(f) == 4 {
		r.Client, _ = netip.ParseAddrPort(joinHostPort(f[0], f[1]))
		r.Server, _ = netip.ParseAddrPort(joinHostPort(f[2], f[3]))
	}
	if !r.Client.IsValid() || !r.Server.IsValid() {
		return r, fmt.Errorf("probe the host: SSH_CONNECTION is %q, not \"CLIENT PORT SERVER PORT\": lvsctl needs it to protect the session's own address and route", lines[5])
	}
	return r, nil
}

func joinHostPort(host, port string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + port
	}
	return host + ":" + port
}

// goArch maps `uname -m` to Go's GOARCH, which names the release binaries.
func goArch(machine string) (string, error) {
	switch machine {
	case "x86_64", "amd64":
		return "amd64", nil
	case "aarch64", "arm64", "armv8l":
		return "arm64", nil
	case "armv7l", "armv6l":
		return "arm", nil
	case "i386", "i486", "i586", "i686":
		return "386", nil
	case "ppc64le":
		return "ppc64le", nil
	case "s390x":
		return "s390x", nil
	case "riscv64":
		return "riscv64", nil
	case "loongarch64":
		return "loong64", nil
	}
	return "", fmt.Errorf("the host's architecture %q (uname -m) is not one lvsctl is built for", machine)
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+=:@,", r))
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// exitStatus is the remote command's exit status, or -1.
func exitStatus(err error) int {
	var ee *gossh.ExitError
	if errors.As(err, &ee) {
		return ee.ExitStatus()
	}
	return -1
}
