package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/transport/ssh/sshtest"
)

// TestNetnsSSHProxyCommandMatch: ssh_config as OpenSSH evaluates it (`ssh
// -G`), against real sshd: web1 reached through `ProxyCommand ssh -W %h:%p
// bastion` (the system ssh carries the connection), web2 on the port a
// `Match host` block sets, web3 as the user a `Match host` block sets and on
// the port a `Match user` block sets for that user.
func TestNetnsSSHProxyCommandMatch(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Fatal("the OpenSSH client (ssh) is not installed, though openssh-server is: make deps")
	}
	l := newSSHLab(t)
	bastion := l.AddHost("bastion", sshtest.HostOptions{})
	web1 := l.AddHost("web1", sshtest.HostOptions{Via: bastion})
	web2 := l.AddHost("web2", sshtest.HostOptions{Port: 2222})
	u := l.AddUser("op", "%u ALL=(root) NOPASSWD: %h/.cache/lvsctl/bin/lvsctl agent")
	web3 := l.AddHost("web3", sshtest.HostOptions{Port: 2200})
	cfg := filepath.Join(l.dir, "ssh_config")
	l.config = l.write("ssh_config", fmt.Sprintf(`
Host bastion
  HostName %s
Host web1
  HostName %s
  ProxyCommand ssh -F %s -W %%h:%%p bastion
Host web2
  HostName %s
Host web3
  HostName %s
Match host %s
  Port 2222
Match host %s
  User %s
Match user %s
  Port 2200
Host *
  User root
  IdentityFile %s
  IdentitiesOnly yes
  UserKnownHostsFile %s
  BatchMode yes
  ConnectTimeout 5
`, bastion.Addr, web1.Addr, cfg, web2.Addr, web3.Addr, web2.Addr, web3.Addr, u.Name, u.Name, l.Key, l.KnownHosts))
	hcl := l.write("cluster.hcl", `
real_server "web1" {
  address = "198.18.2.2"
  ssh { host = "web1" }
}
real_server "web2" {
  address = "198.18.3.2"
  ssh { host = "web2" }
}
real_server "web3" {
  address = "198.18.4.2"
  ssh { host = "web3" }
}
`)
	out, errOut, code := l.run("ping", hcl)
	t.Logf("lvsctl ping:\n%s%s", out, errOut)
	must(t, "ping", out, errOut, code, 0)
	arch := runtime.GOARCH
	for _, re := range []string{
		`(?m)^web1 +ssh web1 +root +no \(root\) +` + arch + ` `,
		`(?m)^web2 +ssh web2 +root +no \(root\) +` + arch + ` `,
		`(?m)^web3 +ssh web3 +` + u.Name + ` +yes \(sudo -n\) +` + arch + ` `,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("ping output does not match %s:\n%s", re, out)
		}
	}
	// web1's connection came through the bastion, by the system ssh.
	if bastion.Logins() != 1 || web1.Logins() != 1 {
		t.Errorf("bastion: %d login(s), web1: %d; bastion's log:\n%s", bastion.Logins(), web1.Logins(), bastion.Log())
	}
	if !strings.Contains(web3.Log(), "Accepted publickey for "+u.Name) || web2.Logins() != 1 {
		t.Errorf("web3 (Match user) log:\n%s\nweb2 (Match host) logins: %d", web3.Log(), web2.Logins())
	}

	// The same through plan and apply: real servers get their VIPs.
	more := l.write("apply.hcl", readFile(t, hcl)+`
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
  server "198.18.4.2" {}
}
`)
	targets := []string{"-target", "web1", "-target", "web2", "-target", "web3", more}
	out, errOut, code = l.run(append([]string{"apply", "-auto-approve"}, targets...)...)
	must(t, "apply", out, errOut, code, 0)
	for _, h := range []*sshtest.Host{web1, web2, web3} {
		if got := in(t, h, "ip", "-4", "addr", "show", "dev", "lo"); !strings.Contains(got, "inet 172.25.0.100/32") {
			t.Errorf("%s lo after apply:\n%s", h.Name, got)
		}
	}
	out, errOut, code = l.run(append([]string{"plan", "-detailed-exitcode"}, targets...)...)
	must(t, "second plan", out, errOut, code, 0)
}
