package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lvsctl/lvsctl/transport/ssh/sshtest"
)

// realServers writes a configuration of n real servers web1..webN (host
// i of the lab at 198.18.i.2) behind one DR service per VIP, vips of them,
// and a director that is declared but not targeted (no IPVS here). It
// returns the file and the -target flags of the real servers.
func realServers(l *sshLab, name string, hosts []*sshtest.Host, vips int) (string, []string) {
	var b strings.Builder
	b.WriteString("director \"lvs1\" {\n  ssh { host = \"lvs1\" }\n  interface = \"eth0\"\n}\n")
	for v := range vips {
		fmt.Fprintf(&b, "virtual_server \"vs%d\" {\n  directors = [\"lvs1\"]\n  protocol = \"tcp\"\n  vip = \"172.25.%d.%d\"\n  port = 80\n", v, v/250, v%250+1)
		for _, h := range hosts {
			fmt.Fprintf(&b, "  server %q {}\n", h.Addr)
		}
		b.WriteString("}\n")
	}
	var targets []string
	for _, h := range hosts {
		fmt.Fprintf(&b, "real_server %q {\n  address = %q\n  ssh { host = %q }\n}\n", h.Name, h.Addr, h.Name)
		targets = append(targets, "-target", h.Name)
	}
	return l.write(name, b.String()), targets
}

func TestNetnsSSHTwentyHosts(t *testing.T) {
	l := newSSHLab(t)
	var hosts []*sshtest.Host
	for i := 1; i <= 20; i++ {
		h := l.AddHost("web"+strconv.Itoa(i), sshtest.HostOptions{})
		in(t, h, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=0", "net.ipv4.conf.all.arp_announce=0")
		hosts = append(hosts, h)
	}
	l.config = l.SSHConfig("")
	cfg, targets := realServers(l, "cluster.hcl", hosts, 2)
	args := append(targets, cfg)
	out, errOut, code := l.run(append([]string{"apply", "-auto-approve"}, args...)...)
	must(t, "apply to 20 hosts", out, errOut, code, 0)
	if !strings.Contains(out, "Apply complete! 80 added, 80 changed, 0 destroyed.") {
		t.Errorf("apply:\n%s", out)
	}
	for _, h := range hosts {
		if got := in(t, h, "ip", "-4", "addr", "show", "dev", "lo"); !strings.Contains(got, "172.25.0.1/32") || !strings.Contains(got, "172.25.0.2/32") {
			t.Errorf("%s lo:\n%s", h.Name, got)
		}
		if n := h.Logins(); n != 1 {
			t.Errorf("%s: %d SSH connections for one apply, want 1", h.Name, n)
		}
	}
	out, errOut, code = l.run(append([]string{"plan", "-detailed-exitcode"}, args...)...)
	must(t, "second plan", out, errOut, code, 0)
}

// The SSH connection to a host dies in the middle of an apply: lvsctl
// says so and stops; the host keeps what was applied (and its record says
// what lvsctl made); the next apply finishes the job.
func TestNetnsSSHKilledMidApply(t *testing.T) {
	const vipCount = 150
	l := newSSHLab(t)
	web1 := l.AddHost("web1", sshtest.HostOptions{})
	l.config = l.SSHConfig("")
	cfg, targets := realServers(l, "cluster.hcl", []*sshtest.Host{web1}, vipCount)
	args := append([]string{"apply", "-auto-approve"}, append(targets, cfg)...)
	cmd := exec.Command("ip", append([]string{"netns", "exec", l.Laptop, l.lvsctl, args[0], "-ssh-config", l.config}, args[1:]...)...)
	cmd.Dir = l.dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "SSH_AUTH_SOCK=", "LVSCTL_BOOT_ROOT="+l.Dir+"/bootroot")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The record appears with the intents of the first batch, before its
	// kernel writes. Freezing lvsctl then stops its acknowledgements, so
	// the agent makes at most its window of changes (32) and waits: the
	// apply is cut short however fast the machine is.
	record := filepath.Join(web1.VarLib, "local.json")
	for deadline := time.Now().Add(testTimeout); ; time.Sleep(time.Millisecond) {
		if _, err := os.Stat(record); err == nil {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the apply never started on web1:\n%s", out.String())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	// Freeze everything on the host, so nothing more is applied, then
	// kill sshd, its sessions and the agent: the connection drops. lvsctl
	// goes on and finds it gone.
	web1.Signal(syscall.SIGSTOP)
	web1.Stop()
	if err := cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if err == nil {
		t.Fatalf("apply succeeded although its connection was killed:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "host web1") || !strings.Contains(out.String(), "SSH connection was lost") {
		t.Errorf("the failure does not say the connection to web1 was lost:\n%s", out.String())
	}
	vips := strings.Count(in(t, web1, "ip", "-4", "addr", "show", "dev", "lo"), "inet 172.25.")
	// The record is written after each change: something was applied.
	if vips == vipCount {
		t.Fatalf("all %d VIPs on web1 after the kill: the connection did not die mid-apply", vipCount)
	}
	t.Logf("killed after %d of %d VIPs; lvsctl said:\n%s", vips, vipCount, tail(out.String(), 1500))
	checkLostReport(t, web1, out.String())

	// The record on the host is true: what lvsctl made is listed there (as
	// owned, or as the intents of the batch under way), so the next plan
	// adds exactly what is missing and destroy could remove it all.
	rec := readFile(t, filepath.Join(web1.VarLib, "local.json"))
	lo := in(t, web1, "ip", "-4", "addr", "show", "dev", "lo")
	for _, m := range regexp.MustCompile(`inet (172\.25\.[\d.]+)/32`).FindAllStringSubmatch(lo, -1) {
		if !strings.Contains(rec, "lo/"+m[1]+"/32") {
			t.Errorf("VIP %s is on web1 but not in its record", m[1])
		}
	}

	web1.Start()
	planOut, errOut, code := l.run(append([]string{"plan", "-detailed", "-no-color"}, append(targets, cfg)...)...)
	must(t, "plan after the kill", planOut, errOut, code, 0)
	if got := strings.Count(planOut, "+ address lo/172.25."); got != vipCount-vips {
		t.Errorf("plan after the kill adds %d VIPs, want the %d missing:\n%s", got, vipCount-vips, tail(planOut, 1500))
	}
	stdout, errOut, code := l.run(append(args, "-no-color")...)
	must(t, "apply again", stdout, errOut, code, 0)
	if got := strings.Count(in(t, web1, "ip", "-4", "addr", "show", "dev", "lo"), "inet 172.25."); got != vipCount {
		t.Errorf("%d of %d VIPs after the second apply", got, vipCount)
	}
	stdout, errOut, code = l.run(append([]string{"plan", "-detailed-exitcode"}, append(targets, cfg)...)...)
	must(t, "plan after", stdout, errOut, code, 0)
}

// checkLostReport checks what lvsctl said of a host's apply cut short
// against the host: the last change said done is there, the first said not
// done is not, and at most the agent's window is unknown.
func checkLostReport(t *testing.T, h *sshtest.Host, said string) {
	t.Helper()
	for _, want := range []string{"  done: ", "  not done: ", "  unknown (in flight when the agent was lost: made or not): ", "lvsctl apply` again finishes it"} {
		if !strings.Contains(said, want) {
			t.Errorf("lvsctl does not say %q of the lost apply:\n%s", want, said)
		}
	}
	lo := in(t, h, "ip", "-4", "addr", "show", "dev", "lo")
	if m := regexp.MustCompile(`(?m)^  done: \d+ \(.*[ (]address lo/([\d.]+)/32\)$`).FindStringSubmatch(said); m != nil && !strings.Contains(lo, "inet "+m[1]+"/32") {
		t.Errorf("VIP %s said done is not on %s", m[1], h.Name)
	}
	if m := regexp.MustCompile(`(?m)^  not done: \d+ \(address lo/([\d.]+)/32`).FindStringSubmatch(said); m != nil && strings.Contains(lo, "inet "+m[1]+"/32") {
		t.Errorf("VIP %s said not done is on %s", m[1], h.Name)
	}
	if m := regexp.MustCompile(`unknown \(in flight[^)]*\): (\d+)`).FindStringSubmatch(said); m != nil {
		if n, _ := strconv.Atoi(m[1]); n > 32 {
			t.Errorf("%d changes unknown, more than the agent's window of 32", n)
		}
	}
}

// tail is the end of s, for logs.
func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
