package main

// The host's lock and the clusters' records over SSH: the agent takes the
// lock and opens the cluster's record at the client's setup request.
//
//	sudo go test ./cmd/lvsctl -run 'NetnsSSH(Lock|Clusters)' -v

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/providers/local"
	"github.com/lvsctl/lvsctl/transport/ssh/sshtest"
)

// running is lvsctl started in the background in the lab's laptop.
type running struct {
	t   *testing.T
	cmd *exec.Cmd
	out *lockedBuffer
	// term is the master side of its terminal, when it has one.
	term *os.File
}

// start starts lvsctl in the laptop namespace; with terminal, its standard
// input is a terminal of its own (so apply asks for confirmation, holding
// the hosts' locks while it waits).
func (l *sshLab) start(t *testing.T, terminal bool, args ...string) *running {
	t.Helper()
	args = append([]string{"netns", "exec", l.Laptop, l.lvsctl, args[0], "-ssh-config", l.config}, args[1:]...)
	r := &running{t: t, cmd: exec.Command("ip", args...), out: &lockedBuffer{}}
	r.cmd.Dir = l.dir
	r.cmd.Env = append(os.Environ(), "NO_COLOR=1", "HOME="+l.Dir, "SSH_AUTH_SOCK=")
	r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
	if terminal {
		var tty *os.File
		r.term, tty = openPTY(t)
		defer tty.Close()
		r.cmd.Stdin = tty
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if r.cmd.ProcessState == nil {
			_ = r.cmd.Process.Kill()
			_ = r.cmd.Wait()
		}
	})
	return r
}

// waitFor waits until lvsctl has written s.
func (r *running) waitFor(s string) {
	r.t.Helper()
	waitUntil(r.t, fmt.Sprintf("lvsctl to say %q", s), func() bool {
		if r.exited() {
			r.t.Fatalf("lvsctl %q exited before it said %q:\n%s", r.cmd.Args, s, r.out.String())
		}
		return strings.Contains(r.out.String(), s)
	})
}

// exited says whether lvsctl has exited (it is left to be reaped by wait).
func (r *running) exited() bool {
	var st unix.Siginfo
	err := unix.Waitid(unix.P_PID, r.cmd.Process.Pid, &st, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	return err == nil && st.Signo != 0
}

// wait waits for lvsctl to exit and returns its output and exit status.
func (r *running) wait() (string, int) {
	r.t.Helper()
	err := r.cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return r.out.String(), ee.ExitCode()
	} else if err != nil {
		r.t.Fatal(err)
	}
	return r.out.String(), 0
}

// waitUntil polls ok until it holds, for at most testTimeout.
func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(testTimeout); !ok(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", testTimeout, what)
		}
	}
}

// openPTY opens a new pseudo-terminal: its master side and its terminal.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open a pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { _ = m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock the pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("name the pseudo-terminal: %v", err)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open the pseudo-terminal: %v", err)
	}
	// Nobody reads the echo; keep it from filling the master's buffer.
	if tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS); err == nil {
		tio.Lflag &^= unix.ECHO
		_ = unix.IoctlSetTermios(int(tty.Fd()), unix.TCSETS, tio)
	}
	return m, tty
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// processRunning says whether process pid exists and has not exited (a zombie
// waiting for its parent has).
func processRunning(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(rest, "Z") && !strings.HasPrefix(rest, "X")
}

// holder is who holds the lock of the host whose record is at record, or
// fails the test when nobody does.
func holder(t *testing.T, record string) local.Holder {
	t.Helper()
	h, held, err := local.LockHolder(record)
	if err != nil || !held || h.PID == 0 {
		t.Fatalf("lock of %s: held %v by %+v, %v; want it held", record, held, h, err)
	}
	return h
}

// lockWaiter says whether a process in h's namespace other than holderPID
// has h's lock file open: an agent waiting for the lock.
func lockWaiter(h *sshtest.Host, holderPID int) bool {
	out, _ := exec.Command("ip", "netns", "pids", h.NS).Output()
	for _, f := range strings.Fields(string(out)) {
		pid, err := strconv.Atoi(f)
		if err != nil || pid == holderPID {
			continue
		}
		fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
		for _, fd := range fds {
			if target, err := os.Readlink(fd); err == nil && strings.HasSuffix(target, "/local.json.lock") {
				return true
			}
		}
	}
	return false
}

// Two runs at once against one host over SSH: the second is refused,
// naming the holder (the agent's pid, the remote user, the laptop's
// user@host) and changing nothing; ping shows the lock held; a run with
// -lock-timeout waits for it. A run whose SSH session dies frees the lock
// with it: the next run gets it without waiting.
func TestNetnsSSHLock(t *testing.T) {
	l := newSSHLab(t)
	web1 := l.AddHost("web1", sshtest.HostOptions{})
	l.config = l.SSHConfig("")
	in(t, web1, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=0", "net.ipv4.conf.all.arp_announce=0")
	cfg, targets := realServers(l, "cluster.hcl", []*sshtest.Host{web1}, 2)
	args := append(targets, cfg)
	record := filepath.Join(web1.VarLib, "local.json")

	// The first run waits at its confirmation, holding web1's lock.
	first := l.start(t, true, append([]string{"apply"}, args...)...)
	first.waitFor("Enter a value:")
	held := holder(t, record)

	out, errOut, code := l.run(append([]string{"apply", "-auto-approve"}, args...)...)
	must(t, "second apply", out, errOut, code, 1)
	for _, want := range []string{"host web1", "another lvsctl run is changing this host", fmt.Sprintf("pid %d of root on ", held.PID), " for root@", "/var/lib/lvsctl/local.json.lock", "-lock-timeout"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("second apply's error does not say %q:\n%s", want, errOut)
		}
	}
	if got := in(t, web1, "ip", "-4", "addr", "show", "dev", "lo"); strings.Contains(got, "172.25.") {
		t.Errorf("the refused run changed web1:\n%s", got)
	}

	out, errOut, code = l.run("ping", "-target", "web1", cfg)
	must(t, "ping", out, errOut, code, 0)
	if re := fmt.Sprintf(`(?m)^web1 .* held by pid %d of root for root@\S+ since \S+Z$`, held.PID); !regexp.MustCompile(re).MatchString(out) {
		t.Errorf("ping does not show the lock held (%s):\n%s", re, out)
	}

	// A third run waits for the lock, and goes on once the first is done.
	third := l.start(t, false, append([]string{"apply", "-auto-approve", "-lock-timeout", "2m"}, args...)...)
	waitUntil(t, "the third run's agent to wait for the lock", func() bool { return lockWaiter(web1, held.PID) })
	if _, err := first.term.WriteString("yes\n"); err != nil {
		t.Fatal(err)
	}
	if out, code := first.wait(); code != 0 || !strings.Contains(out, "Apply complete!") {
		t.Fatalf("first apply: exit %d\n%s", code, out)
	}
	if out, code := third.wait(); code != 0 || !strings.Contains(out, "No changes.") {
		t.Fatalf("third apply, once the lock was free: exit %d\n%s", code, out)
	}
	out, errOut, code = l.run("ping", "-target", "web1", cfg)
	must(t, "ping", out, errOut, code, 0)
	if !regexp.MustCompile(`(?m)^web1 .* free$`).MatchString(out) {
		t.Errorf("ping does not show the lock free:\n%s", out)
	}

	// A run killed while it holds the lock (its SSH session dies with it):
	// the agent exits, and the lock goes with it.
	// (The director is not in the lab: a real server's VIP goes without
	// checking it, -target-unsafe.)
	fourth := l.start(t, true, append([]string{"destroy", "-target-unsafe"}, args...)...)
	fourth.waitFor("Enter a value:")
	killed := holder(t, record)
	_ = fourth.cmd.Process.Kill()
	_, _ = fourth.wait()
	waitUntil(t, fmt.Sprintf("the killed run's agent (pid %d) to exit and let go of the lock", killed.PID), func() bool {
		_, locked, _ := local.LockHolder(record)
		return !locked && !processRunning(killed.PID)
	})
	out, errOut, code = l.run(append([]string{"destroy", "-auto-approve", "-target-unsafe"}, args...)...)
	must(t, "destroy after the killed run", out, errOut, code, 0)
	if got := in(t, web1, "ip", "-4", "addr", "show", "dev", "lo"); strings.Contains(got, "172.25.") {
		t.Errorf("VIPs left after destroy:\n%s", got)
	}
}

// Two configurations (cluster = "a", cluster = "b") on one host over SSH:
// each keeps its own record there, and destroying one leaves the other's
// work.
func TestNetnsSSHClusters(t *testing.T) {
	l := newSSHLab(t)
	web1 := l.AddHost("web1", sshtest.HostOptions{})
	l.config = l.SSHConfig("")
	in(t, web1, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=0", "net.ipv4.conf.all.arp_announce=0")
	config := func(cluster, vip string) string {
		return l.write(cluster+".hcl", fmt.Sprintf(`
cluster = %q

director "lvs1" {
  ssh { host = "lvs1" }
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs1"]
  protocol  = "tcp"
  vip       = %q
  port      = 80
  server %q {}
}

real_server "web1" {
  address = %q
  ssh { host = "web1" }
}
`, cluster, vip, web1.Addr, web1.Addr))
	}
	a, b := config("a", "172.25.1.1"), config("b", "172.25.2.1")
	for _, cfg := range []string{a, b} {
		out, errOut, code := l.run("apply", "-auto-approve", "-target", "web1", cfg)
		must(t, "apply "+cfg, out, errOut, code, 0)
	}
	lo := in(t, web1, "ip", "-4", "addr", "show", "dev", "lo")
	if !strings.Contains(lo, "172.25.1.1/32") || !strings.Contains(lo, "172.25.2.1/32") {
		t.Fatalf("web1 lo after both applies:\n%s", lo)
	}
	for cluster, vip := range map[string]string{"a": "172.25.1.1", "b": "172.25.2.1"} {
		rec := readFile(t, filepath.Join(web1.VarLib, "local@"+cluster+".json"))
		if !strings.Contains(rec, "lo/"+vip+"/32") {
			t.Errorf("cluster %s's record on web1 does not list its VIP %s:\n%s", cluster, vip, rec)
		}
	}
	if _, err := os.Stat(filepath.Join(web1.VarLib, "local.json")); err == nil {
		t.Errorf("the unnamed cluster's record was written on web1")
	}
	for _, cfg := range []string{a, b} {
		out, errOut, code := l.run("plan", "-detailed-exitcode", "-target", "web1", cfg)
		must(t, "second plan "+cfg, out, errOut, code, 0)
	}

	// The director is not in the lab: without -target-unsafe, a real
	// server's VIP cannot go before it is checked.
	out, errOut, code := l.run("destroy", "-auto-approve", "-target", "web1", "-target-unsafe", a)
	must(t, "destroy a", out, errOut, code, 0)
	lo = in(t, web1, "ip", "-4", "addr", "show", "dev", "lo")
	if strings.Contains(lo, "172.25.1.1/32") || !strings.Contains(lo, "172.25.2.1/32") {
		t.Errorf("web1 lo after destroying cluster a: want b's VIP only:\n%s", lo)
	}
	if rec := readFile(t, filepath.Join(web1.VarLib, "local@b.json")); !strings.Contains(rec, "lo/172.25.2.1/32") {
		t.Errorf("cluster b's record after destroying a:\n%s", rec)
	}
	out, errOut, code = l.run("destroy", "-auto-approve", "-target", "web1", "-target-unsafe", b)
	must(t, "destroy b", out, errOut, code, 0)
	if lo = in(t, web1, "ip", "-4", "addr", "show", "dev", "lo"); strings.Contains(lo, "172.25.") {
		t.Errorf("web1 lo after destroying both:\n%s", lo)
	}
}

// A login that is not root runs the agent with sudo -n: the lock's holder
// is that login, as the refused run and ping say.
func TestNetnsSSHLockSudo(t *testing.T) {
	l := newSSHLab(t)
	web1 := l.AddHost("web1", sshtest.HostOptions{})
	u := l.AddUser("op", "%u ALL=(root) NOPASSWD: %h/.cache/lvsctl/bin/lvsctl agent")
	l.config = l.SSHConfig("Host web1\n  User " + u.Name + "\n")
	in(t, web1, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=0", "net.ipv4.conf.all.arp_announce=0")
	cfg, targets := realServers(l, "cluster.hcl", []*sshtest.Host{web1}, 1)
	args := append(targets, cfg)

	first := l.start(t, true, append([]string{"apply"}, args...)...)
	first.waitFor("Enter a value:")
	held := holder(t, filepath.Join(web1.VarLib, "local.json"))
	out, errOut, code := l.run(append([]string{"apply", "-auto-approve"}, args...)...)
	must(t, "second apply", out, errOut, code, 1)
	if want := fmt.Sprintf("pid %d of %s (sudo) on ", held.PID, u.Name); !strings.Contains(errOut, want) || !strings.Contains(errOut, " for root@") {
		t.Errorf("second apply's error does not name %q for root@...:\n%s", want, errOut)
	}
	out, errOut, code = l.run("ping", "-target", "web1", cfg)
	must(t, "ping", out, errOut, code, 0)
	if re := fmt.Sprintf(`(?m)^web1 .* held by pid %d of %s \(sudo\) for root@\S+ since \S+Z$`, held.PID, u.Name); !regexp.MustCompile(re).MatchString(out) {
		t.Errorf("ping does not show the lock held by the sudo login (%s):\n%s", re, out)
	}
	if _, err := first.term.WriteString("yes\n"); err != nil {
		t.Fatal(err)
	}
	if out, code := first.wait(); code != 0 || !strings.Contains(out, "Apply complete!") {
		t.Fatalf("first apply: exit %d\n%s", code, out)
	}
}
