package main

// A cluster over SSH, from a "laptop" namespace to Debian's OpenSSH sshd in
// a namespace per host (transport/ssh/sshtest). Needs root, iproute2 and
// openssh-server; without them it skips, or fails under
// LVSCTL_REQUIRE_NETNS=1. Run it with
//
//	sudo go test ./cmd/lvsctl -run NetnsSSH -v

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lvsctl/lvsctl/transport/ssh/sshtest"
)

// sshLab is the lab and the lvsctl that runs in its laptop namespace.
type sshLab struct {
	*sshtest.Lab
	t      testing.TB
	lvsctl string // this test binary, under the name lvsctl
	dir    string
	config string
}

func newSSHLab(t *testing.T) *sshLab {
	lab := sshtest.New(t)
	return &sshLab{Lab: lab, t: t, lvsctl: lvsctlLink(t), dir: t.TempDir()}
}

// lvsctlLink is this test binary under the name lvsctl (see TestMain).
func lvsctlLink(t testing.TB) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "lvsctl")
	if err := os.Symlink(self, bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

// write puts a configuration file in the working directory.
func (l *sshLab) write(name, content string) string {
	l.t.Helper()
	p := filepath.Join(l.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		l.t.Fatal(err)
	}
	return p
}

// run runs lvsctl in the laptop namespace with the lab's ssh_config and
// returns its output and exit status.
func (l *sshLab) run(args ...string) (stdout, stderr string, code int) {
	l.t.Helper()
	stdout, stderr, code, _ = l.runCPU(args...)
	return stdout, stderr, code
}

// runCPU is run, also returning the CPU time lvsctl used.
func (l *sshLab) runCPU(args ...string) (stdout, stderr string, code int, cpu time.Duration) {
	l.t.Helper()
	args = append([]string{"netns", "exec", l.Laptop, l.lvsctl, args[0], "-ssh-config", l.config}, args[1:]...)
	cmd := exec.Command("ip", args...)
	cmd.Dir = l.dir
	// The hosts' boot units go under the lab, not into this machine's /etc.
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "HOME="+l.Dir, "SSH_AUTH_SOCK=", "LVSCTL_BOOT_ROOT="+l.Dir+"/bootroot")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		l.t.Fatal(err)
	}
	// `ip netns exec` execs lvsctl: the process is lvsctl's.
	cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return out.String(), errb.String(), code, cpu
}

// in runs a command inside a host's namespace, to look at it independently
// of lvsctl.
func in(t *testing.T, h *sshtest.Host, args ...string) string {
	t.Helper()
	out, err := exec.Command("ip", append([]string{"netns", "exec", h.NS}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s in %s: %v: %s", strings.Join(args, " "), h.Name, err, out)
	}
	return string(out)
}

func must(t *testing.T, what, out, errOut string, code, want int) {
	t.Helper()
	if code != want {
		t.Fatalf("%s: exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", what, code, want, out, errOut)
	}
}

func TestNetnsSSHCluster(t *testing.T) {
	l := newSSHLab(t)
	lvs1 := l.AddHost("lvs1", sshtest.HostOptions{})
	web1 := l.AddHost("web1", sshtest.HostOptions{})
	web2 := l.AddHost("web2", sshtest.HostOptions{})
	l.config = l.SSHConfig("")
	for _, h := range []*sshtest.Host{lvs1, web1, web2} {
		// Start from the kernel's defaults whatever this machine has.
		in(t, h, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0", "net.ipv4.conf.all.arp_ignore=0", "net.ipv4.conf.all.arp_announce=0",
			"net.ipv4.conf.lo.arp_ignore=0", "net.ipv4.conf.lo.arp_announce=0")
	}

	// The director role: this kernel has no IPVS, so a director without
	// services, forwarding on.
	director := l.write("director.hcl", `
director "lvs1" {
  ssh { host = "lvs1" }
  interface  = "eth0"
  ip_forward = true
}
`)
	out, errOut, code := l.run("plan", director)
	must(t, "plan director", out, errOut, code, 0)
	if !strings.Contains(out, "net.ipv4.ip_forward") || !strings.Contains(out, `"0" -> "1"`) {
		t.Errorf("director plan:\n%s", out)
	}
	out, errOut, code = l.run("apply", "-auto-approve", director)
	must(t, "apply director", out, errOut, code, 0)
	if got := strings.TrimSpace(in(t, lvs1, "cat", "/proc/sys/net/ipv4/ip_forward")); got != "1" {
		t.Errorf("lvs1 ip_forward = %s after apply", got)
	}
	out, errOut, code = l.run("plan", "-detailed-exitcode", director)
	must(t, "second plan director", out, errOut, code, 0)

	// The real servers of a DR service (the director is declared but not
	// targeted), with a route of their own.
	cluster := l.write("cluster.hcl", `
director "lvs1" {
  ssh { host = "lvs1" }
  interface = "eth0"
}

virtual_server "web" {
  directors = ["lvs1"]
  protocol  = "tcp"
  vip       = "172.25.0.100"
  port      = 80
  server "198.18.2.2" {}
  server "198.18.3.2" {}
}

real_server "web1" {
  address = "198.18.2.2"
  ssh { host = "web1" }
  route {
    destination = "10.99.0.0/16"
    gateway     = "198.18.2.1"
  }
}

real_server "web2" {
  address = "198.18.3.2"
  ssh { host = "web2" }
}
`)
	targets := []string{"-target", "web1", "-target", "web2"}
	out, errOut, code = l.run(append([]string{"plan"}, append(targets, cluster)...)...)
	must(t, "plan real servers", out, errOut, code, 0)
	for _, want := range []string{`# real_server "web1"`, `# real_server "web2"`, "+ address lo/172.25.0.100/32", "+ route 10.99.0.0/16"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	out, errOut, code = l.run(append([]string{"apply", "-auto-approve"}, append(targets, cluster)...)...)
	must(t, "apply real servers", out, errOut, code, 0)
	for _, h := range []*sshtest.Host{web1, web2} {
		if got := in(t, h, "ip", "-4", "addr", "show", "dev", "lo"); !strings.Contains(got, "inet 172.25.0.100/32 scope global lo:0") {
			t.Errorf("%s lo:\n%s", h.Name, got)
		}
		if got := in(t, h, "cat", "/proc/sys/net/ipv4/conf/all/arp_ignore", "/proc/sys/net/ipv4/conf/all/arp_announce"); got != "1\n2\n" {
			t.Errorf("%s ARP sysctls: %q", h.Name, got)
		}
	}
	if got := in(t, web1, "ip", "-4", "route", "show", "10.99.0.0/16"); !strings.Contains(got, "via 198.18.2.1 dev eth0") {
		t.Errorf("web1 route: %q", got)
	}
	out, errOut, code = l.run(append([]string{"plan", "-detailed-exitcode"}, append(targets, cluster)...)...)
	must(t, "second plan real servers", out, errOut, code, 0)

	// One connection per host for the whole run (read, apply, verify):
	// three runs against web1 so far (plan, apply, plan).
	if n := web1.Logins(); n != 3 {
		t.Errorf("web1 accepted %d SSH connections in 3 runs, want 3", n)
	}

	unreachable(t, l, cluster, lvs1, web1, web2)
}

// unreachable: a host that cannot be reached does not stop the others.
// A real server down: plan and apply show the others and name it, apply
// makes the others' changes and fails; once it is back, apply converges.
// The director down: a real server the configuration drops keeps what the
// director's traffic needs (held back, and the plan says so) while another
// real server's new route is made.
func unreachable(t *testing.T, l *sshLab, cluster string, lvs1, web1, web2 *sshtest.Host) {
	web3 := l.AddHost("web3", sshtest.HostOptions{NoSshd: true})
	l.config = l.SSHConfig("")
	more := l.write("more.hcl", strings.NewReplacer(`server "198.18.3.2" {}`, `server "198.18.3.2" {}
  server "198.18.4.2" {}`, `  route {`, `  route {
    destination = "10.98.0.0/16"
    gateway     = "198.18.2.1"
  }
  route {`).Replace(readFile(t, cluster))+`
real_server "web3" {
  address = "198.18.4.2"
  ssh { host = "web3" }
}
`)
	all := []string{"-target", "web1", "-target", "web2", "-target", "web3", more}
	out, errOut, code := l.run(append([]string{"plan"}, all...)...)
	must(t, "plan with web3 down", out, errOut, code, 1)
	for _, want := range []string{"+ route 10.98.0.0/16", "Host could not be reached", `real_server "web3" could not be reached`} {
		if !strings.Contains(out, want) {
			t.Errorf("plan with web3 down lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "not in the plan above") || !strings.Contains(errOut, "host web3: ssh: connect to web3 (root@"+web3.Addr+":22)") {
		t.Errorf("plan with web3 down:\nstdout:\n%s\nstderr:\n%s", out, errOut)
	}
	out, errOut, code = l.run(append([]string{"apply", "-auto-approve"}, all...)...)
	must(t, "apply with web3 down", out, errOut, code, 1)
	t.Logf("apply with web3 down:\n%s%s", out, errOut)
	for _, want := range []string{"web1: route 10.98.0.0/16: done", "Apply incomplete: 1 added", "  web1: applied 1 change(s)\n", "  web2: no changes to apply\n", "  web3: unreachable: host web3: ssh: connect to web3"} {
		if !strings.Contains(out, want) {
			t.Errorf("apply with web3 down lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "web3 could not be reached") {
		t.Errorf("apply with web3 down, stderr:\n%s", errOut)
	}
	if got := in(t, web1, "ip", "-4", "route", "show", "10.98.0.0/16"); !strings.Contains(got, "via 198.18.2.1 dev eth0") {
		t.Errorf("web1 route not made while web3 was down: %q", got)
	}
	web3.Start()
	out, errOut, code = l.run(append([]string{"apply", "-auto-approve"}, all...)...)
	must(t, "apply with web3 back", out, errOut, code, 0)
	if got := in(t, web3, "ip", "-4", "addr", "show", "dev", "lo"); !strings.Contains(got, "inet 172.25.0.100/32") {
		t.Errorf("web3 lo after it came back:\n%s", got)
	}
	out, errOut, code = l.run(append([]string{"plan", "-detailed-exitcode"}, all...)...)
	must(t, "second plan with web3 back", out, errOut, code, 0)

	// The director down: web2 leaves the service (its VIP and ARP settings
	// would go: held back), web1 gets a route (made).
	lvs1.Stop()
	less := l.write("less.hcl", strings.NewReplacer(`  server "198.18.3.2" {}
`, "", `  route {
    destination = "10.98.0.0/16"`, `  route {
    destination = "10.97.0.0/16"
    gateway     = "198.18.2.1"
  }
  route {
    destination = "10.98.0.0/16"`).Replace(readFile(t, more)))
	out, errOut, code = l.run("plan", less)
	must(t, "plan with lvs1 down", out, errOut, code, 1)
	for _, want := range []string{"+ route 10.97.0.0/16", "Held back (not applied in this run):", "address lo/172.25.0.100/32 (delete): depends on lvs1, which could not be reached",
		"Held back: depends on lvs1", "change(s) held back until the hosts they depend on can be reached"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan with lvs1 down lacks %q:\n%s", want, out)
		}
	}
	out, errOut, code = l.run("apply", "-auto-approve", less)
	must(t, "apply with lvs1 down", out, errOut, code, 1)
	t.Logf("apply with lvs1 down:\n%s%s", out, errOut)
	for _, want := range []string{"web1: route 10.97.0.0/16: done", "  web1: applied 1 change(s)\n", "  web2: no changes to apply; held back ", "depends on lvs1, which could not be reached", "  lvs1: unreachable: host lvs1: ssh: connect to lvs1"} {
		if !strings.Contains(out, want) {
			t.Errorf("apply with lvs1 down lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "web2: address") {
		t.Errorf("apply changed web2's addresses while the director was down:\n%s", out)
	}
	if got := in(t, web2, "ip", "-4", "addr", "show", "dev", "lo"); !strings.Contains(got, "inet 172.25.0.100/32") {
		t.Errorf("web2 lost the VIP while the director, which may still send to it, was down:\n%s", got)
	}
	if got := in(t, web1, "ip", "-4", "route", "show", "10.97.0.0/16"); !strings.Contains(got, "via 198.18.2.1 dev eth0") {
		t.Errorf("web1 route not made while lvs1 was down: %q", got)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestNetnsSSHLockout(t *testing.T) {
	l := newSSHLab(t)
	web1 := l.AddHost("web1", sshtest.HostOptions{})
	l.config = l.SSHConfig("")
	before := in(t, web1, "ip", "-4", "route", "show")
	// A route that would send the replies to the operator's machine
	// (198.18.1.1, on eth0's subnet) elsewhere.
	cfg := l.write("cluster.hcl", `
real_server "web1" {
  address = "198.18.1.2"
  ssh { host = "web1" }
  route {
    destination = "198.18.1.0/28"
    gateway     = "198.18.1.254"
  }
}
`)
	out, errOut, code := l.run("apply", "-auto-approve", cfg)
	must(t, "apply", out, errOut, code, 1)
	for _, want := range []string{"host web1: the plan would cut the SSH session", "198.18.1.1 → 198.18.1.2", "route 198.18.1.0/28", "instead of the subnet of eth0/198.18.1.2/24"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if after := in(t, web1, "ip", "-4", "route", "show"); after != before {
		t.Errorf("routes changed:\n%s\nwas:\n%s", after, before)
	}
}

func TestNetnsSSHPing(t *testing.T) {
	l := newSSHLab(t)
	l.AddHost("web1", sshtest.HostOptions{})
	l.AddHost("web2", sshtest.HostOptions{})
	l.AddHost("web3", sshtest.HostOptions{NoSshd: true})
	u := l.AddUser("op", "%u ALL=(root) NOPASSWD: %h/.cache/lvsctl/bin/lvsctl agent")
	l.config = l.SSHConfig("")
	cfg := l.write("cluster.hcl", fmt.Sprintf(`
real_server "web1" {
  address = "198.18.1.2"
  ssh { host = "web1" }
}
real_server "web2" {
  address = "198.18.2.2"
  ssh {
    host = "web2"
    user = %q
  }
}
real_server "web3" {
  address = "198.18.3.2"
  ssh { host = "web3" }
}
`, u.Name))
	out, errOut, code := l.run("ping", cfg)
	must(t, "ping", out, errOut, code, 1)
	t.Logf("lvsctl ping:\n%s%s", out, errOut)
	arch := runtime.GOARCH
	for _, re := range []string{
		`(?m)^HOST +VIA +USER +SUDO +ARCH +KERNEL +IPVS +AGENT +LOCK$`,
		`(?m)^web1 +ssh web1 +root +no \(root\) +` + arch + ` +\S+ +no +\S+ +free$`,
		`(?m)^web2 +ssh ` + u.Name + `@web2 +` + u.Name + ` +yes \(sudo -n\) +` + arch + ` +\S+ +no +\S+ +free$`,
		`(?m)^web3 +ssh web3 +unreachable`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("ping output does not match %s:\n%s", re, out)
		}
	}
	if !strings.Contains(errOut, "1 of 3 host(s) failed") || !strings.Contains(errOut, "host web3: ssh: connect to web3 (root@198.18.3.2:22)") {
		t.Errorf("stderr:\n%s", errOut)
	}
}

// testTimeout bounds what a test waits for.
const testTimeout = 2 * time.Minute
