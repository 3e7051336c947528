// Package sshtest builds SSH labs for tests: Debian's OpenSSH sshd running
// in network namespaces of the test's own, one per host, reached from a
// "laptop" namespace over veth pairs, with generated host keys, user keys,
// known_hosts and ssh_config. Nothing outside the namespaces is touched
// except files under the test's temporary directory, /var/lib/lvsctl as a
// mount point (each host sees a directory of its own there), and users
// and sudoers files that a test asks for (removed at the end).
//
// Needs root, iproute2 and openssh-server; without them the test skips,
// or fails under LVSCTL_REQUIRE_NETNS=1 (as in CI).
package sshtest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lvsctl/lvsctl/providers/netlink/nltest"
	"github.com/vishvananda/netns"
	gossh "golang.org/x/crypto/ssh"
)

// Sshd is the OpenSSH server the lab runs.
const Sshd = "/usr/sbin/sshd"

// labs numbers namespaces uniquely within the test process.
var labs atomic.Int64

// Lab is a set of hosts and the laptop that reaches them.
type Lab struct {
	t testing.TB
	// Dir holds the generated files; it is readable by every user so that
	// sshd can read authorized keys as a non-root login.
	Dir string
	// Laptop is the namespace the client dials from (see Dial).
	Laptop string
	// Key is a private key (ed25519, unencrypted) that every host accepts
	// for root and for the lab's users.
	Key    string
	Signer gossh.Signer
	// KnownHosts holds every host's key, as ssh-keyscan would write it.
	KnownHosts string
	// AuthorizedKeys is the file every sshd reads for every user.
	AuthorizedKeys string

	id    int64
	mu    sync.Mutex
	hosts []*Host
}

// Host is one sshd in a namespace of its own.
type Host struct {
	Name string // the ssh_config alias
	NS   string
	Addr string // on eth0, the link towards its upstream
	Port int
	// Via is the bastion in front of the host, nil when the laptop
	// reaches it directly.
	Via *Host
	// HostKey is the host's public key; HostKeyFile its private key.
	HostKey     gossh.PublicKey
	HostKeyFile string
	// VarLib is the host's own /var/lib/lvsctl, RootHome its /root.
	VarLib    string
	RootHome  string
	log       *logBuffer
	certified bool
	cmd       *exec.Cmd
	lab       *Lab
	index     int
}

// New makes an empty lab: the laptop namespace, the user key, the
// directories. Cleanup removes everything when the test ends.
func New(t testing.TB) *Lab {
	t.Helper()
	nltest.RequireNetns(t)
	if _, err := os.Stat(Sshd); err != nil {
		nltest.Need(t, "SSH tests need OpenSSH's sshd at %s: apt-get install openssh-server (make deps)", Sshd)
	}
	l := &Lab{t: t, id: labs.Add(1)}
	l.Dir = t.TempDir()
	// sshd reads authorized keys as the login user, who must reach them.
	for _, d := range []string{filepath.Dir(l.Dir), l.Dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// sshd wants its privilege separation directory; the package creates
	// it at boot, and no sshd may be running here.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatal(err)
	}
	l.Laptop = l.netns("laptop")
	ip(t, "-n", l.Laptop, "link", "set", "lo", "up")
	l.Key, l.Signer = l.UserKey("id_ed25519", nil)
	l.AuthorizedKeys = filepath.Join(l.Dir, "authorized_keys")
	l.write(l.AuthorizedKeys, gossh.MarshalAuthorizedKey(l.Signer.PublicKey()), 0o644)
	l.KnownHosts = filepath.Join(l.Dir, "known_hosts")
	l.write(l.KnownHosts, nil, 0o600)
	return l
}

// netns creates a namespace named for the lab and deletes it at the end,
// with every process still in it.
func (l *Lab) netns(role string) string {
	name := "lvs-ssh-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(l.id, 10) + "-" + role
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		nltest.Need(l.t, "cannot create network namespace %s: %v: %s", name, err, out)
	}
	l.t.Cleanup(func() {
		killAll(name)
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			l.t.Errorf("delete network namespace %s: %v: %s", name, err, out)
		}
	})
	return name
}

// killAll ends the processes in namespace ns (sshd and what its sessions
// run; they are all the test's) and waits until they are gone.
func killAll(ns string) {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		out, _ := exec.Command("ip", "netns", "pids", ns).Output()
		left := 0
		for _, f := range strings.Fields(string(out)) {
			// This process may be listed: a thread that entered the
			// namespace for a dial can be the main thread, which Go
			// parks, not ends.
			if pid, err := strconv.Atoi(f); err == nil && pid != os.Getpid() {
				_ = syscall.Kill(pid, syscall.SIGKILL)
				left++
			}
		}
		if left == 0 {
			return
		}
	}
}

// UserKey writes a new ed25519 private key named name in the lab's
// directory, encrypted when passphrase is not nil, with its .pub beside.
func (l *Lab) UserKey(name string, passphrase []byte) (string, gossh.Signer) {
	l.t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		l.t.Fatal(err)
	}
	var block *pem.Block
	if passphrase != nil {
		block, err = gossh.MarshalPrivateKeyWithPassphrase(priv, name, passphrase)
	} else {
		block, err = gossh.MarshalPrivateKey(priv, name)
	}
	if err != nil {
		l.t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		l.t.Fatal(err)
	}
	path := filepath.Join(l.Dir, name)
	l.write(path, pem.EncodeToMemory(block), 0o600)
	l.write(path+".pub", gossh.MarshalAuthorizedKey(signer.PublicKey()), 0o644)
	return path, signer
}

// Authorize lets key log in to every host.
func (l *Lab) Authorize(key gossh.PublicKey) {
	l.t.Helper()
	f, err := os.OpenFile(l.AuthorizedKeys, os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.Write(gossh.MarshalAuthorizedKey(key))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		l.t.Fatal(err)
	}
}

func (l *Lab) write(path string, data []byte, mode os.FileMode) {
	l.t.Helper()
	if err := os.WriteFile(path, data, mode); err != nil {
		l.t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		l.t.Fatal(err)
	}
}

// HostOptions shape a host.
type HostOptions struct {
	// Via is the bastion the host sits behind; nil puts it on a link to
	// the laptop.
	Via *Host
	// NoKnownHost leaves its key out of the lab's known_hosts.
	NoKnownHost bool
	// NoSshd leaves the namespace without an sshd: nothing answers there.
	NoSshd bool
	// Port is where sshd listens; 0 is 22.
	Port int
	// Certified gives the host a certificate signed by the lab's host CA
	// (see CertAuthority) instead of a known_hosts entry of its own.
	Certified bool
}

// AddHost creates a host: a namespace with eth0 linked to its upstream
// (the laptop or its bastion), 198.18.N.2/24 on it, and sshd listening
// there. It returns when sshd accepts connections.
func (l *Lab) AddHost(name string, o HostOptions) *Host {
	l.t.Helper()
	l.mu.Lock()
	h := &Host{Name: name, Port: 22, Via: o.Via, lab: l, index: len(l.hosts) + 1, log: &logBuffer{}, certified: o.Certified}
	if o.Port != 0 {
		h.Port = o.Port
	}
	l.hosts = append(l.hosts, h)
	l.mu.Unlock()
	if h.index > 250 {
		l.t.Fatal("sshtest: at most 250 hosts in a lab")
	}
	h.NS = l.netns(strconv.Itoa(h.index))
	upstream := h.upstream()
	up := "h" + strconv.Itoa(h.index)
	h.Addr = fmt.Sprintf("198.18.%d.2", h.index)
	ip(l.t, "-n", h.NS, "link", "set", "lo", "up")
	ip(l.t, "-n", upstream, "link", "add", up, "type", "veth", "peer", "name", "eth0", "netns", h.NS)
	ip(l.t, "-n", upstream, "addr", "add", fmt.Sprintf("198.18.%d.1/24", h.index), "dev", up)
	ip(l.t, "-n", upstream, "link", "set", up, "up")
	ip(l.t, "-n", h.NS, "addr", "add", h.Addr+"/24", "dev", "eth0")
	ip(l.t, "-n", h.NS, "link", "set", "eth0", "up")
	// Answers go back the way the session came: the host's default route
	// points at its upstream, as a LAN's would.
	ip(l.t, "-n", h.NS, "route", "add", "default", "via", fmt.Sprintf("198.18.%d.1", h.index))

	h.HostKey, h.HostKeyFile = l.hostKey(name)
	if !o.NoKnownHost && !o.Certified {
		l.AddKnownHost(h, h.HostKey)
	}
	h.VarLib = filepath.Join(l.Dir, name+"-var-lib-lvsctl")
	h.RootHome = filepath.Join(l.Dir, name+"-root")
	for _, d := range []string{h.VarLib, h.RootHome} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			l.t.Fatal(err)
		}
	}
	if !o.NoSshd {
		h.Start()
	}
	return h
}

// hostKey generates a host key, as sshd-keygen would.
func (l *Lab) hostKey(name string) (gossh.PublicKey, string) {
	l.t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		l.t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "root@"+name)
	if err != nil {
		l.t.Fatal(err)
	}
	path := filepath.Join(l.Dir, name+"_host_ed25519_key")
	l.write(path, pem.EncodeToMemory(block), 0o600)
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		l.t.Fatal(err)
	}
	return signer.PublicKey(), path
}

// AddKnownHost writes a known_hosts line for h with key.
func (l *Lab) AddKnownHost(h *Host, key gossh.PublicKey) {
	l.t.Helper()
	f, err := os.OpenFile(l.KnownHosts, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		l.t.Fatal(err)
	}
	defer f.Close()
	name := h.Addr
	if h.Port != 22 {
		name = fmt.Sprintf("[%s]:%d", h.Addr, h.Port)
	}
	if _, err := fmt.Fprintf(f, "%s %s", name, gossh.MarshalAuthorizedKey(key)); err != nil {
		l.t.Fatal(err)
	}
}

// NewHostKey gives h a new host key and restarts its sshd, as a
// reinstalled host would come back.
func (h *Host) NewHostKey() {
	h.lab.t.Helper()
	h.Stop()
	h.HostKey, h.HostKeyFile = h.lab.hostKey(h.Name + "-new")
	h.Start()
}

// sshdConfig is the server's whole configuration: keys only, root and
// users allowed, each host's /var/lib/lvsctl its own.
func (h *Host) sshdConfig() string {
	cert := ""
	if h.certified {
		cert = "HostCertificate " + h.lab.certify(h) + "\n"
	}
	return cert + fmt.Sprintf(`ListenAddress %s:%d
HostKey %s
PidFile none
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile %s
AllowTcpForwarding yes
MaxStartups 100
LogLevel VERBOSE
`, h.Addr, h.Port, h.HostKeyFile, h.lab.AuthorizedKeys)
}

// Start runs sshd in the host's namespace, in a mount namespace where the
// host's own directory is mounted on /var/lib/lvsctl, and waits until it
// accepts connections. This machine's /var/lib is not touched: the mount
// namespace gets an empty tmpfs over /var/lib to make the mount point in.
func (h *Host) Start() {
	t := h.lab.t
	t.Helper()
	cfg := filepath.Join(h.lab.Dir, h.Name+"_sshd_config")
	h.lab.write(cfg, []byte(h.sshdConfig()), 0o600)
	// `ip netns exec` puts the command in a mount namespace of its own
	// whose mounts do not propagate back (it remounts /sys there), so the
	// mounts stay inside it. Root's home is an empty one of the host's:
	// this machine's ~/.bashrc, which bash reads for every command run by
	// sshd, is not the host's business.
	script := fmt.Sprintf("mount -t tmpfs -o mode=0755 lvsctl-test /var/lib && mkdir /var/lib/lvsctl && "+
		"mount --bind %s /var/lib/lvsctl && mount --bind %s /root && exec %s -D -e -f %s", h.VarLib, h.RootHome, Sshd, cfg)
	h.cmd = exec.Command("ip", "netns", "exec", h.NS, "sh", "-c", script)
	h.cmd.Stderr = h.log
	h.cmd.Stdout = h.log
	if err := h.cmd.Start(); err != nil {
		t.Fatalf("start sshd in %s: %v", h.NS, err)
	}
	cmd := h.cmd
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		conn, err := dialIn(context.Background(), h.upstream(), "tcp", net.JoinHostPort(h.Addr, strconv.Itoa(h.Port)))
		if err == nil {
			conn.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("sshd in %s exited: %s", h.NS, h.Log())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd in %s does not accept connections on %s: %v\n%s", h.NS, h.Addr, err, h.Log())
		}
	}
}

// upstream is the namespace at the other end of the host's eth0: the
// laptop, or its bastion.
func (h *Host) upstream() string {
	if h.Via != nil {
		return h.Via.NS
	}
	return h.lab.Laptop
}

// Stop ends sshd (and the sessions it runs).
func (h *Host) Stop() {
	killAll(h.NS)
}

// Signal sends sig to every process in the host's namespace: sshd, its
// sessions, what they run.
func (h *Host) Signal(sig syscall.Signal) {
	out, _ := exec.Command("ip", "netns", "pids", h.NS).Output()
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil && pid != os.Getpid() {
			_ = syscall.Kill(pid, sig)
		}
	}
}

// Log is what sshd wrote (LogLevel VERBOSE): logins, errors.
func (h *Host) Log() string { return h.log.String() }

// Sessions counts the sessions (commands) sshd started.
func (h *Host) Sessions() int { return strings.Count(h.Log(), "Starting session: ") }

// Logins counts the connections sshd accepted.
func (h *Host) Logins() int { return strings.Count(h.Log(), "Accepted publickey for ") }

// Dial opens a connection from the laptop namespace (a client's
// Options.Dial). Each dial runs on a thread of its own that enters the
// namespace and is thrown away afterwards: the socket belongs to the
// namespace it was created in, whichever thread uses it later.
func (l *Lab) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	return dialIn(ctx, l.Laptop, network, addr)
}

// Silent listens on the host's sshd address instead of sshd, accepting
// connections and saying nothing: a hung server.
func (h *Host) Silent() {
	t := h.lab.t
	t.Helper()
	ln, err := inNetns(h.NS, func() (net.Listener, error) {
		return net.Listen("tcp", net.JoinHostPort(h.Addr, strconv.Itoa(h.Port)))
	})
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
}

// inNetns runs f on a thread inside namespace ns, thrown away afterwards.
func inNetns[T any](ns string, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		// Never unlocked: the thread is in another namespace and must
		// die with this goroutine rather than go back to the scheduler.
		runtime.LockOSThread()
		var zero T
		h, err := netns.GetFromName(ns)
		if err != nil {
			ch <- result{zero, fmt.Errorf("open namespace %s: %w", ns, err)}
			return
		}
		defer h.Close()
		if err := netns.Set(h); err != nil {
			ch <- result{zero, fmt.Errorf("enter namespace %s: %w", ns, err)}
			return
		}
		v, err := f()
		ch <- result{v, err}
	}()
	r := <-ch
	return r.v, r.err
}

func dialIn(ctx context.Context, ns, network, addr string) (net.Conn, error) {
	return inNetns(ns, func() (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	})
}

// SSHConfig writes an ssh_config with a Host block per host (HostName,
// ProxyJump through bastions), then extra, then defaults for all (User
// root, the lab's key and known_hosts), and returns its path.
func (l *Lab) SSHConfig(extra string) string {
	return l.SSHConfigKey(l.Key, extra)
}

// SSHConfigKey is SSHConfig with another identity file for every host.
func (l *Lab) SSHConfigKey(key, extra string) string {
	l.t.Helper()
	var b strings.Builder
	l.mu.Lock()
	for _, h := range l.hosts {
		fmt.Fprintf(&b, "Host %s\n  HostName %s\n  Port %d\n", h.Name, h.Addr, h.Port)
		if h.Via != nil {
			var hops []string
			for v := h.Via; v != nil; v = v.Via {
				hops = append([]string{v.Name}, hops...)
			}
			fmt.Fprintf(&b, "  ProxyJump %s\n", strings.Join(hops, ","))
		}
	}
	l.mu.Unlock()
	b.WriteString(extra)
	fmt.Fprintf(&b, "\nHost *\n  User root\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n  ConnectTimeout 5\n  ServerAliveInterval 5\n", key, l.KnownHosts)
	path := filepath.Join(l.Dir, fmt.Sprintf("ssh_config.%d", time.Now().UnixNano()))
	l.write(path, []byte(b.String()), 0o600)
	return path
}

func ip(t testing.TB, args ...string) {
	t.Helper()
	nltest.IP(t, args...)
}

// logBuffer collects a process's output for the test to read.
type logBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
