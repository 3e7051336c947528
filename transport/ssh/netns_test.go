package ssh_test

// Tests against Debian's OpenSSH sshd, one per network namespace, built by
// sshtest. They need root, iproute2 and openssh-server; without them they
// skip, or fail under LVSCTL_REQUIRE_NETNS=1. Run them with
//
//	sudo go test ./transport/ssh -run Netns -v

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lvsctl/lvsctl/transport/ssh"
	"github.com/lvsctl/lvsctl/transport/ssh/sshtest"
	gossh "golang.org/x/crypto/ssh"
)

// testTimeout bounds every operation: a hang fails the test with a
// context error instead of stalling the suite.
const testTimeout = 60 * time.Second

func newPool(t *testing.T, lab *sshtest.Lab, config string, mod func(*ssh.Options)) *ssh.Pool {
	t.Helper()
	opts := ssh.Options{ConfigFile: config, Home: lab.Dir, Dial: lab.Dial}
	if mod != nil {
		mod(&opts)
	}
	p, err := ssh.NewPool(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return c
}

// talk checks a session's pipes end to end: the stand-in agent's greeting,
// an echoed line, and a clean exit once its input is closed.
func talk(t *testing.T, s *ssh.Session) standIn {
	t.Helper()
	out := bufio.NewReader(s.Stdout)
	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("read the agent's greeting: %v", err)
	}
	var hello standIn
	if err := json.Unmarshal([]byte(line), &hello); err != nil {
		t.Fatalf("greeting %q: %v", line, err)
	}
	if _, err := io.WriteString(s.Stdin, "ping\n"); err != nil {
		t.Fatal(err)
	}
	if echo, err := out.ReadString('\n'); err != nil || echo != "ping\n" {
		t.Fatalf("echo = %q, %v; want ping", echo, err)
	}
	if err := s.Stdin.Close(); err != nil {
		t.Fatal(err)
	}
	if rest, _ := io.ReadAll(out); len(rest) > 0 {
		t.Errorf("unexpected output %q", rest)
	}
	if err := s.Wait(); err != nil {
		t.Fatalf("agent exit: %v", err)
	}
	return hello
}

func selfSum(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestNetnsConnectRunAgent(t *testing.T) {
	lab := sshtest.New(t)
	web1 := lab.AddHost("web1", sshtest.HostOptions{})
	p := newPool(t, lab, lab.SSHConfig(""), nil)

	client, err := p.Client(ctx(t), ssh.Target{Host: "web1"})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.Output("ip -br addr show dev eth0")
	if err != nil || !strings.Contains(string(out), web1.Addr+"/24") {
		t.Fatalf("command on web1: %q, %v", out, err)
	}

	var stderr strings.Builder
	s, err := p.StartAgent(ctx(t), ssh.Target{Host: "web1"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	hello := talk(t, s)
	if hello.UID != 0 {
		t.Errorf("agent runs as uid %d, want 0", hello.UID)
	}
	r := s.Remote
	if r.User != "root" || !r.Root || r.Arch != runtime.GOARCH || r.Kernel == "" {
		t.Errorf("remote = %+v", r)
	}
	wantServer := netip.MustParseAddrPort(web1.Addr + ":22")
	if r.Server != wantServer || r.Client.Addr().String() != strings.TrimSuffix(web1.Addr, ".2")+".1" {
		t.Errorf("session addresses: client %v server %v; want client on the laptop's link, server %v", r.Client, r.Server, wantServer)
	}
	if got := strings.Fields(hello.SSHConnection); len(got) != 4 || got[2] != web1.Addr {
		t.Errorf("the agent's SSH_CONNECTION = %q", hello.SSHConnection)
	}
	bin := filepath.Join(web1.VarLib, "bin", "lvsctl-"+selfSum(t))
	if s.Command != "/var/lib/lvsctl/bin/lvsctl-"+selfSum(t)+" agent" {
		t.Errorf("command = %q", s.Command)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Errorf("binary not on the host: %v", err)
	}
	if n := web1.Logins(); n != 1 {
		t.Errorf("sshd accepted %d connections, want 1 (one per host per run)", n)
	}
}

func inode(t *testing.T, path string) uint64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

func TestNetnsUploadCache(t *testing.T) {
	lab := sshtest.New(t)
	web1 := lab.AddHost("web1", sshtest.HostOptions{})
	cfg := lab.SSHConfig("")
	bin := filepath.Join(web1.VarLib, "bin", "lvsctl-"+selfSum(t))
	start := func() {
		t.Helper()
		s, err := newPool(t, lab, cfg, nil).StartAgent(ctx(t), ssh.Target{Host: "web1"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		talk(t, s)
	}
	start()
	first := inode(t, bin)
	sessions := web1.Sessions()
	start()
	if inode(t, bin) != first {
		t.Errorf("the binary was uploaded again although it matched")
	}
	// With the binary in place, one session checks it and runs the agent.
	if n := web1.Sessions() - sessions; n != 1 {
		t.Errorf("%d sessions to start the agent with the binary in place, want 1", n)
	}
	// Its checksum matched and is not computed again while the file is
	// untouched (stat stamp); a change in place, same size and mtime,
	// is still caught (its ctime moved) and the copy replaced.
	if _, err := os.Stat(bin + ".ok"); err != nil {
		t.Fatalf("no stamp of the checked binary: %v", err)
	}
	fi, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(bin, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("XX"), fi.Size()/2); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Chtimes(bin, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	start()
	if inode(t, bin) == first {
		t.Errorf("a binary changed in place (same size and mtime) was run, not replaced")
	}
	// A damaged copy is replaced, never run.
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho damaged\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	start()
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != selfSum(t) {
		t.Errorf("the damaged binary was not replaced")
	}
	left, _ := filepath.Glob(filepath.Join(web1.VarLib, "bin", ".lvsctl-upload.*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestNetnsMissingBinaryForArch(t *testing.T) {
	lab := sshtest.New(t)
	lab.AddHost("web1", sshtest.HostOptions{})
	p := newPool(t, lab, lab.SSHConfig(""), func(o *ssh.Options) {
		// As if this lvsctl were built for another architecture than
		// the host's, with no release build beside it.
		o.Binary = func(arch string) (string, error) { return ssh.LocalBinary(arch + "-other") }
	})
	_, err := p.StartAgent(ctx(t), ssh.Target{Host: "web1"}, nil)
	if err == nil || !strings.Contains(err.Error(), "make release") || !strings.Contains(err.Error(), "lvsctl-linux-"+runtime.GOARCH+"-other") {
		t.Fatalf("err = %v; want the missing build and how to make it", err)
	}
}

func TestNetnsUnknownHostKey(t *testing.T) {
	lab := sshtest.New(t)
	web1 := lab.AddHost("web1", sshtest.HostOptions{NoKnownHost: true})
	cfg := lab.SSHConfig("")
	_, err := newPool(t, lab, cfg, nil).Client(ctx(t), ssh.Target{Host: "web1"})
	var hk *ssh.HostKeyError
	if !errors.As(err, &hk) || hk.Changed {
		t.Fatalf("err = %v; want an unknown host key", err)
	}
	fp := gossh.FingerprintSHA256(web1.HostKey)
	if hk.Fingerprint != fp || !strings.Contains(err.Error(), fp) {
		t.Errorf("err = %v; want fingerprint %s", err, fp)
	}
	keyscan := "ssh-keyscan -t ed25519 " + web1.Addr + " >> " + lab.KnownHosts
	if !strings.Contains(err.Error(), "`"+keyscan+"`") {
		t.Fatalf("err = %v; want the command %q", err, keyscan)
	}
	// The command the message gives does trust the host.
	if out, err := lab.Run("sh", "-c", keyscan); err != nil {
		t.Fatalf("%s: %v: %s", keyscan, err, out)
	}
	if _, err := newPool(t, lab, cfg, nil).Client(ctx(t), ssh.Target{Host: "web1"}); err != nil {
		t.Fatalf("after %s: %v", keyscan, err)
	}
}

func TestNetnsChangedHostKey(t *testing.T) {
	lab := sshtest.New(t)
	web1 := lab.AddHost("web1", sshtest.HostOptions{})
	cfg := lab.SSHConfig("")
	if _, err := newPool(t, lab, cfg, nil).Client(ctx(t), ssh.Target{Host: "web1"}); err != nil {
		t.Fatal(err)
	}
	web1.NewHostKey()
	before, _ := os.ReadFile(lab.KnownHosts)
	for _, acceptNew := range []bool{false, true} {
		p := newPool(t, lab, cfg, func(o *ssh.Options) { o.AcceptNewHostKeys = acceptNew })
		_, err := p.Client(ctx(t), ssh.Target{Host: "web1"})
		var hk *ssh.HostKeyError
		if !errors.As(err, &hk) || !hk.Changed {
			t.Fatalf("accept-new %v: err = %v; want a changed host key", acceptNew, err)
		}
		if hk.Fingerprint != gossh.FingerprintSHA256(web1.HostKey) || !strings.Contains(err.Error(), lab.KnownHosts+":1") {
			t.Errorf("err = %v; want the new fingerprint and the known_hosts line", err)
		}
		// Asked again, the pool does not retry: same answer, no new login.
		logins := web1.Logins()
		if _, err2 := p.Client(ctx(t), ssh.Target{Host: "web1"}); err2 != err {
			t.Errorf("second attempt: %v", err2)
		}
		if web1.Logins() != logins {
			t.Errorf("the pool logged in after a changed key")
		}
	}
	if after, _ := os.ReadFile(lab.KnownHosts); string(after) != string(before) {
		t.Errorf("known_hosts changed:\n%s", after)
	}
}

func TestNetnsAcceptNew(t *testing.T) {
	lab := sshtest.New(t)
	web1 := lab.AddHost("web1", sshtest.HostOptions{NoKnownHost: true})
	web2 := lab.AddHost("web2", sshtest.HostOptions{NoKnownHost: true})
	cfg := lab.SSHConfig("Host web2\n  StrictHostKeyChecking accept-new\n")
	// web1 by the option, web2 by ssh_config.
	p := newPool(t, lab, cfg, func(o *ssh.Options) { o.AcceptNewHostKeys = true })
	if _, err := p.Client(ctx(t), ssh.Target{Host: "web1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := newPool(t, lab, cfg, nil).Client(ctx(t), ssh.Target{Host: "web2"}); err != nil {
		t.Fatal(err)
	}
	known, _ := os.ReadFile(lab.KnownHosts)
	for _, h := range []*sshtest.Host{web1, web2} {
		if !strings.Contains(string(known), h.Addr+" "+strings.TrimSpace(string(gossh.MarshalAuthorizedKey(h.HostKey)))) {
			t.Errorf("known_hosts lacks %s:\n%s", h.Name, known)
		}
	}
	// Now known: a strict pool connects.
	if _, err := newPool(t, lab, cfg, nil).Client(ctx(t), ssh.Target{Host: "web1"}); err != nil {
		t.Fatal(err)
	}
}

func TestNetnsProxyJump(t *testing.T) {
	lab := sshtest.New(t)
	b1 := lab.AddHost("bastion1", sshtest.HostOptions{})
	b2 := lab.AddHost("bastion2", sshtest.HostOptions{Via: b1})
	web1 := lab.AddHost("web1", sshtest.HostOptions{Via: b2})
	web2 := lab.AddHost("web2", sshtest.HostOptions{Via: b2})
	p := newPool(t, lab, lab.SSHConfig(""), nil)

	// The hosts are not reachable from the laptop but through the bastions.
	if c, err := lab.Dial(ctx(t), "tcp", web1.Addr+":22"); err == nil {
		c.Close()
		t.Fatal("web1 is reachable from the laptop: the test would prove nothing")
	}
	var wg sync.WaitGroup
	for _, h := range []*sshtest.Host{web1, web2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := p.StartAgent(ctx(t), ssh.Target{Host: h.Name}, nil)
			if err != nil {
				t.Error(err)
				return
			}
			talk(t, s)
			// The session came from the last bastion.
			if want := strings.TrimSuffix(h.Addr, ".2") + ".1"; s.Remote.Client.Addr().String() != want {
				t.Errorf("%s: session client %v, want %s (bastion2)", h.Name, s.Remote.Client, want)
			}
		}()
	}
	wg.Wait()
	// One connection to each bastion, shared by both hosts.
	for _, h := range []*sshtest.Host{b1, b2, web1, web2} {
		if n := h.Logins(); n != 1 {
			t.Errorf("%s accepted %d connections, want 1", h.Name, n)
		}
	}
}

func TestNetnsSudo(t *testing.T) {
	lab := sshtest.New(t)
	lab.AddHost("web1", sshtest.HostOptions{})
	u := lab.AddUser("ok", "%u ALL=(root) NOPASSWD: %h/.cache/lvsctl/bin/lvsctl agent")
	cfg := lab.SSHConfig("")
	// The first run copies the binary; the second finds it in place.
	for range 2 {
		s, err := newPool(t, lab, cfg, nil).StartAgent(ctx(t), ssh.Target{Host: "web1", User: u.Name}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := "sudo -n " + u.Home + "/.cache/lvsctl/bin/lvsctl agent"; s.Command != want {
			t.Errorf("command = %q, want %q", s.Command, want)
		}
		if s.Remote.Root || s.Remote.User != u.Name {
			t.Errorf("remote = %+v", s.Remote)
		}
		if hello := talk(t, s); hello.UID != 0 {
			t.Errorf("agent runs as uid %d, want 0 through sudo", hello.UID)
		}
	}
}

func TestNetnsSudoAsksPassword(t *testing.T) {
	lab := sshtest.New(t)
	lab.AddHost("web1", sshtest.HostOptions{})
	u := lab.AddUser("pw", "%u ALL=(root) %h/.cache/lvsctl/bin/lvsctl agent")
	cfg := lab.SSHConfig("")
	// The first run copies the binary; the second finds it in place.
	for range 2 {
		_, err := newPool(t, lab, cfg, nil).StartAgent(ctx(t), ssh.Target{Host: "web1", User: u.Name}, nil)
		want := u.Name + " ALL=(root) NOPASSWD: " + u.Home + "/.cache/lvsctl/bin/lvsctl agent"
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "password") {
			t.Fatalf("err = %v; want a refusal naming the sudoers line %q", err, want)
		}
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("sudo hung: %v", err)
		}
	}
}

func TestNetnsEncryptedKey(t *testing.T) {
	lab := sshtest.New(t)
	lab.AddHost("web1", sshtest.HostOptions{})
	key, signer := lab.UserKey("id_encrypted", []byte("secret"))
	lab.Authorize(signer.PublicKey())
	cfg := lab.SSHConfigKey(key, "")

	t.Setenv("SSH_AUTH_SOCK", "")
	_, err := newPool(t, lab, cfg, nil).Client(ctx(t), ssh.Target{Host: "web1"})
	if err == nil || !strings.Contains(err.Error(), "encrypted") || !strings.Contains(err.Error(), "ssh-add "+key) {
		t.Fatalf("err = %v; want the encrypted key explained", err)
	}

	// With ssh-agent holding the key, it logs in.
	sock := lab.SSHAgent(key, []byte("secret"))
	t.Setenv("SSH_AUTH_SOCK", sock)
	if _, err := newPool(t, lab, cfg, nil).Client(ctx(t), ssh.Target{Host: "web1"}); err != nil {
		t.Fatal(err)
	}
}

func TestNetnsUnreachable(t *testing.T) {
	lab := sshtest.New(t)
	web1 := lab.AddHost("web1", sshtest.HostOptions{})
	hung := lab.AddHost("hung", sshtest.HostOptions{NoSshd: true})
	hung.Silent()
	// An address on web1's link where no host answers ARP.
	nobody := strings.TrimSuffix(web1.Addr, ".2") + ".3"
	// The TCP connect to hung and its wait for the greeting share one
	// ConnectTimeout: on a loaded machine a connect can take a good part
	// of a second, so hung's is long enough that only the greeting can
	// run out. nobody's never connects.
	cfg := lab.SSHConfig(fmt.Sprintf("Host nobody\n  HostName %s\n  ConnectTimeout 1\nHost hung\n  ConnectTimeout 3\n", nobody))
	p := newPool(t, lab, cfg, nil)
	for host, want := range map[string]string{
		"nobody": "no answer within 1s (ConnectTimeout)",
		"hung":   "no SSH greeting within 3s (ConnectTimeout)",
	} {
		_, err := p.Client(ctx(t), ssh.Target{Host: host})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v; want %q", host, err, want)
		}
	}
	// The others are not held up.
	if _, err := p.Client(ctx(t), ssh.Target{Host: "web1"}); err != nil {
		t.Fatal(err)
	}
}

// known_hosts as OpenSSH writes and reads it: hashed names, a port other
// than 22 as [host]:port, and a host CA.
func TestNetnsKnownHostsForms(t *testing.T) {
	lab := sshtest.New(t)
	lab.AddHost("hashed", sshtest.HostOptions{})
	lab.AddHost("ported", sshtest.HostOptions{Port: 2222})
	lab.AddHost("signed", sshtest.HostOptions{Certified: true})
	lab.HashKnownHosts()
	known, _ := os.ReadFile(lab.KnownHosts)
	if strings.Contains(string(known), "198.18.1.2") || !strings.Contains(string(known), "|1|") {
		t.Fatalf("known_hosts is not hashed:\n%s", known)
	}
	p := newPool(t, lab, lab.SSHConfig(""), nil)
	for _, h := range []string{"hashed", "ported", "signed"} {
		if _, err := p.Client(ctx(t), ssh.Target{Host: h}); err != nil {
			t.Errorf("%s: %v", h, err)
		}
	}
	// The port is part of the name: the same address on 22 is unknown,
	// and the command offered scans the right port.
	other := lab.AddHost("ported-elsewhere", sshtest.HostOptions{NoKnownHost: true, Port: 2200})
	_, err := newPool(t, lab, lab.SSHConfig(""), nil).Client(ctx(t), ssh.Target{Host: "ported-elsewhere"})
	if !strings.Contains(fmt.Sprint(err), "ssh-keyscan -t ed25519 -p 2200 "+other.Addr) {
		t.Errorf("err = %v", err)
	}
}

// A host that stops answering in the middle of a session (frozen, the TCP
// connection still up): keepalives end the connection, and the session's
// reader sees the end instead of waiting forever.
func TestNetnsKeepaliveEndsHungSession(t *testing.T) {
	lab := sshtest.New(t)
	web1 := lab.AddHost("web1", sshtest.HostOptions{})
	cfg := lab.SSHConfig("Host web1\n  ServerAliveInterval 1\n  ServerAliveCountMax 2\n")
	p := newPool(t, lab, cfg, nil)
	s, err := p.StartAgent(ctx(t), ssh.Target{Host: "web1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := bufio.NewReader(s.Stdout)
	if _, err := out.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	web1.Signal(syscall.SIGSTOP)
	t.Cleanup(func() { web1.Signal(syscall.SIGCONT) })
	done := make(chan error, 1)
	go func() {
		_, _ = io.WriteString(s.Stdin, "ping\n")
		_, err := out.ReadString('\n')
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the frozen host answered")
		}
	case <-ctx(t).Done():
		t.Fatal("the session still waits on a host that stopped answering")
	}
	if err := s.Wait(); err == nil {
		t.Error("Wait reports success for a session whose connection was dropped")
	}
}
