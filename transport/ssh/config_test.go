package ssh

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const testConfig = `
Host web*
  User deploy
  IdentityFile %d/.ssh/web_%r
  ProxyJump bastion2

Host lvs1
  HostName 10.1.0.1
  Port 2222
  StrictHostKeyChecking accept-new
  ConnectTimeout 3
  ServerAliveInterval 7
  ServerAliveCountMax 2
  IdentitiesOnly yes
  ProxyJump ops@bastion1:2201,bastion2

Host bastion1
  HostName 192.0.2.1

Host bastion2
  HostName 192.0.2.2
  ProxyJump bastion1

Host viacmd
  HostName 10.1.0.9
  User ops
  ProxyCommand nc -X 5 -x proxy:1080 %h %p %r %n %%

Host loop1
  ProxyJump loop2
Host loop2
  ProxyJump loop1

Host *
  UserKnownHostsFile ~/.ssh/known_hosts /etc/lvsctl/known_hosts_%h
  GlobalKnownHostsFile /dev/null
`

func testResolver(t *testing.T, opts Options) *sshConfig {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "config")
	if err := os.WriteFile(file, []byte(testConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	opts.ConfigFile, opts.Home = file, "/home/me"
	if !opts.NoSystemSSH {
		// OpenSSH expands ~ and picks the user itself: this machine's.
		u, err := user.Current()
		if err != nil {
			t.Fatal(err)
		}
		opts.Home = u.HomeDir
	}
	c, err := newSSHConfig(&opts)
	if err != nil {
		t.Fatal(err)
	}
	if opts.NoSystemSSH {
		c.local = "me"
	}
	return c
}

// eachReader runs f with ssh_config read by `ssh -G` (when the OpenSSH
// client is installed; required under LVSCTL_REQUIRE_TOOLS=1) and by the
// built-in parser: both must resolve alike.
func eachReader(t *testing.T, f func(t *testing.T, opts Options)) {
	t.Run("parser", func(t *testing.T) { f(t, Options{NoSystemSSH: true}) })
	t.Run("ssh-G", func(t *testing.T) {
		if _, err := exec.LookPath("ssh"); err != nil {
			if os.Getenv("LVSCTL_REQUIRE_TOOLS") == "1" {
				t.Fatal("LVSCTL_REQUIRE_TOOLS=1 but the OpenSSH client (ssh) is not installed: make deps")
			}
			t.Skip("needs the OpenSSH client (ssh)")
		}
		f(t, Options{alwaysSSHG: true})
	})
}

// flat is an endpoint chain as comparable values, first hop first.
type flat struct {
	Alias, Host, User string
	Port              int
	Identities        []string
	IdentitiesOnly    bool
	KnownHosts        []string
	Strict            StrictHostKeyChecking
	Timeout, Alive    time.Duration
	AliveMax          int
}

func flatten(e *endpoint) []flat {
	var out []flat
	for ; e != nil; e = e.via {
		out = append([]flat{{e.alias, e.hostname, e.user, e.port, e.identityFiles, e.identitiesOnly, e.knownHosts, e.strict,
			e.connectTimeout, e.aliveInterval, e.aliveCountMax}}, out...)
	}
	return out
}

func TestResolve(t *testing.T) { eachReader(t, testResolve) }

func testResolve(t *testing.T, opts Options) {
	c := testResolver(t, opts)
	me, home := c.local, c.home
	known := func(h string) []string { return []string{home + "/.ssh/known_hosts", "/etc/lvsctl/known_hosts_" + h} }
	b1 := flat{"bastion1", "192.0.2.1", me, 22, nil, false, known("192.0.2.1"), StrictYes, DefaultConnectTimeout, DefaultKeepaliveInterval, 3}
	b1ops := b1
	b1ops.User, b1ops.Port = "ops", 2201
	b2 := flat{"bastion2", "192.0.2.2", me, 22, nil, false, known("192.0.2.2"), StrictYes, DefaultConnectTimeout, DefaultKeepaliveInterval, 3}
	for _, tc := range []struct {
		target Target
		want   []flat
	}{
		// A pattern, tokens, and a bastion that has a bastion of its own.
		{Target{Host: "web3"}, []flat{b1, b2, {"web3", "web3", "deploy", 22, []string{home + "/.ssh/web_deploy"}, false, known("web3"), StrictYes, DefaultConnectTimeout, DefaultKeepaliveInterval, 3}}},
		// The configuration's user, port and key win over ssh_config's.
		{Target{Host: "web3", User: "root", Port: 23, IdentityFile: "~/k"}, []flat{b1, b2, {"web3", "web3", "root", 23, []string{home + "/k"}, false, known("web3"), StrictYes, DefaultConnectTimeout, DefaultKeepaliveInterval, 3}}},
		// Two hops listed: the second is reached through the first,
		// whatever its own ProxyJump says.
		{Target{Host: "lvs1"}, []flat{b1ops, b2, {"lvs1", "10.1.0.1", me, 2222, nil, true, known("10.1.0.1"), StrictAcceptNew, 3 * time.Second, 7 * time.Second, 2}}},
		// Unknown to ssh_config: OpenSSH's defaults.
		{Target{Host: "192.0.2.9"}, []flat{{"192.0.2.9", "192.0.2.9", me, 22, nil, false, known("192.0.2.9"), StrictYes, DefaultConnectTimeout, DefaultKeepaliveInterval, 3}}},
	} {
		e, err := c.resolve(tc.target)
		if err != nil {
			t.Fatalf("%v: %v", tc.target, err)
		}
		if d := cmp.Diff(tc.want, flatten(e)); d != "" {
			t.Errorf("%v (-want +got):\n%s", tc.target, d)
		}
	}
}

func TestResolveSharesBastionKey(t *testing.T) { eachReader(t, testResolveSharesBastionKey) }

func testResolveSharesBastionKey(t *testing.T, opts Options) {
	c := testResolver(t, opts)
	a, _ := c.resolve(Target{Host: "web1"})
	b, _ := c.resolve(Target{Host: "web2"})
	if a.via.key() != b.via.key() {
		t.Errorf("web1 and web2 reach bastion2 by different connections: %q, %q", a.via.key(), b.via.key())
	}
	if a.key() == b.key() {
		t.Errorf("web1 and web2 share a key: %q", a.key())
	}
}

func TestResolveOptions(t *testing.T) { eachReader(t, testResolveOptions) }

func testResolveOptions(t *testing.T, opts Options) {
	opts.AcceptNewHostKeys, opts.KnownHostsFiles, opts.ConnectTimeout = true, []string{"/k"}, time.Second
	c := testResolver(t, opts)
	e, err := c.resolve(Target{Host: "bastion1"})
	if err != nil {
		t.Fatal(err)
	}
	if e.strict != StrictAcceptNew || !cmp.Equal(e.knownHosts, []string{"/k"}) || e.connectTimeout != time.Second {
		t.Errorf("options not applied: %+v", e)
	}
}

func TestResolveErrors(t *testing.T) { eachReader(t, testResolveErrors) }

func testResolveErrors(t *testing.T, opts Options) {
	c := testResolver(t, opts)
	if _, err := c.resolve(Target{Host: "loop1"}); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Errorf("ProxyJump loop: %v", err)
	}
	if _, err := newSSHConfig(&Options{ConfigFile: "/nonexistent/ssh_config", NoSystemSSH: opts.NoSystemSSH}); err == nil || !strings.Contains(err.Error(), "/nonexistent/ssh_config") {
		t.Errorf("missing config file: %v", err)
	}
}

func TestParseJump(t *testing.T) {
	for in, want := range map[string]Target{
		"b":                  {Host: "b"},
		"ops@b:2201":         {Host: "b", User: "ops", Port: 2201},
		"ssh://ops@b":        {Host: "b", User: "ops"},
		"[2001:db8::1]:22":   {Host: "2001:db8::1", Port: 22},
		"me@x@b":             {Host: "b", User: "me@x"},
		"2001:db8::1":        {Host: "2001:db8::1"},
		"ssh://[::1]:2022":   {Host: "::1", Port: 2022},
		"user@192.0.2.1:022": {Host: "192.0.2.1", User: "user", Port: 22},
	} {
		got, err := parseJump(in)
		if err != nil || got != want {
			t.Errorf("parseJump(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "b:0", "b:x", "b:70000", "a b", "@"} {
		if got, err := parseJump(in); err == nil {
			t.Errorf("parseJump(%q) = %+v, want an error", in, got)
		}
	}
}

func FuzzParseJump(f *testing.F) {
	for _, s := range []string{"b", "ops@b:2201", "ssh://[::1]:2022", "", "a:b:c", "[x]:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseJump(s)
		if err != nil {
			return
		}
		if got.Host == "" || strings.ContainsAny(got.Host, " \t/") || got.Port < 0 || got.Port > 65535 {
			t.Errorf("parseJump(%q) = %+v", s, got)
		}
	})
}

func TestExpand(t *testing.T) {
	c := &sshConfig{home: "/home/me", local: "me"}
	e := &endpoint{hostname: "h", user: "r", port: 2}
	for in, want := range map[string]string{
		"~/.ssh/id": "/home/me/.ssh/id", "~": "/home/me", "%d/%h_%r_%u_%p%%": "/home/me/h_r_me_2%",
		"a~b": "a~b", "%": "%", "%x": "%x",
	} {
		if got := c.expand(in, e); got != want {
			t.Errorf("expand(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseProbe(t *testing.T) {
	r, err := parseProbe("aarch64\n6.1.0-13-arm64\n1000\ndeploy\n/home/deploy\n192.0.2.10 50122 192.0.2.31 22\n")
	if err != nil {
		t.Fatal(err)
	}
	want := Remote{User: "deploy", Arch: "arm64", Kernel: "6.1.0-13-arm64", Home: "/home/deploy"}
	if r.User != want.User || r.Root || r.Arch != want.Arch || r.Kernel != want.Kernel || r.Home != want.Home ||
		r.Client.String() != "192.0.2.10:50122" || r.Server.String() != "192.0.2.31:22" {
		t.Errorf("parseProbe = %+v", r)
	}
	r, err = parseProbe("x86_64\n6.1\n0\nroot\n/root\n2001:db8::a 1 2001:db8::1 22\n")
	if err != nil || !r.Root || r.Server.String() != "[2001:db8::1]:22" {
		t.Errorf("IPv6 session: %+v, %v", r, err)
	}
	for _, bad := range []string{"", "x86_64\n", "sparc\n1\n0\nroot\n/root\n1.2.3.4 1 5.6.7.8 22\n", "x86_64\n1\n0\nroot\n/root\n\n"} {
		if _, err := parseProbe(bad); err == nil {
			t.Errorf("parseProbe(%q): no error", bad)
		}
	}
}

func FuzzParseProbe(f *testing.F) {
	f.Add("x86_64\n6.1\n0\nroot\n/root\n192.0.2.1 1 192.0.2.2 22\n")
	f.Add("aarch64\n\n\n\n\n::1 1 ::1 2\n")
	f.Add("\n\n\n\n\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parseProbe(s)
		if err == nil && (!r.Client.IsValid() || !r.Server.IsValid() || r.Arch == "") {
			t.Errorf("parseProbe(%q) = %+v without an error", s, r)
		}
	})
}

// The quoting is checked by the shell that will read it.
func FuzzShellQuote(f *testing.F) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		f.Skip("no sh")
	}
	for _, s := range []string{"", "plain", "a b", "it's", `"$HOME"`, "`id`", "a\nb", "-n", "*", "~"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsRune(s, 0) {
			return // no argument can hold NUL
		}
		out, err := exec.Command(sh, "-c", "printf '%s' "+shellQuote(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("sh read %q back as %q (%v)", s, out, err)
		}
	})
}

func FuzzParseSSHG(f *testing.F) {
	for _, s := range []string{"user root\nhostname 10.0.0.1\nport 22\n", "identityfile ~/.ssh/a\nidentityfile ~/.ssh/b\n", "", "\n\n  \nX y z\n", "proxycommand ssh -W %h:%p b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for k, vs := range parseSSHG([]byte(s)) {
			if k == "" || k != strings.ToLower(k) || strings.ContainsAny(k, " \n") || len(vs) == 0 {
				t.Errorf("parseSSHG(%q): key %q = %q", s, k, vs)
			}
		}
	})
}

// TestMatchWithoutSSH: the built-in parser cannot evaluate Match, and a
// configuration that has it is refused rather than read wrongly.
func TestMatchWithoutSSH(t *testing.T) {
	dir := t.TempDir()
	file, inc := filepath.Join(dir, "config"), filepath.Join(dir, "more.conf")
	if err := os.WriteFile(file, []byte("Host a\n  Port 1\nInclude "+dir+"/*.conf\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inc, []byte("Host c\n  Port 3\n  match=host b\n  Port 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := newSSHConfig(&Options{ConfigFile: file, NoSystemSSH: true})
	if err == nil || !strings.Contains(err.Error(), inc+":3: Match blocks are evaluated with OpenSSH's `ssh -G`") {
		t.Fatalf("a Match block read by the parser: %v", err)
	}
	if err := os.WriteFile(inc, []byte("Host c\n  Port 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := newSSHConfig(&Options{ConfigFile: file})
	if err != nil || c.g != nil {
		t.Fatalf("a file without Match is read by the parser: %v, ssh -G: %v", err, c.g != nil)
	}
}

// TestMatchWithSSH: with the OpenSSH client, Match host and Match user
// set the port and the user, as ssh would, and ProxyCommand's tokens are
// expanded.
func TestMatchWithSSH(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		if os.Getenv("LVSCTL_REQUIRE_TOOLS") == "1" {
			t.Fatal("LVSCTL_REQUIRE_TOOLS=1 but the OpenSSH client (ssh) is not installed: make deps")
		}
		t.Skip("needs the OpenSSH client (ssh)")
	}
	file := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(file, []byte(`
Host web2
  HostName 10.0.0.2
Host web1
  HostName 10.0.0.1
  ProxyCommand ssh -W %h:%p -l %r bastion # %n
Match host 10.0.0.2
  User deploy
Match user deploy
  Port 2222
`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := newSSHConfig(&Options{ConfigFile: file})
	if err != nil {
		t.Fatal(err)
	}
	if c.g == nil {
		t.Fatal("a file with Match blocks is not read through ssh -G")
	}
	e, err := c.resolve(Target{Host: "web2"})
	if err != nil {
		t.Fatal(err)
	}
	if e.user != "deploy" || e.port != 2222 || e.hostname != "10.0.0.2" {
		t.Errorf("web2 = %s, want deploy@10.0.0.2:2222 (Match host, then Match user)", e)
	}
	e, err = c.resolve(Target{Host: "web1", User: "deploy"})
	if err != nil {
		t.Fatal(err)
	}
	if e.port != 2222 || e.proxyCommand != "ssh -W 10.0.0.1:2222 -l deploy bastion # web1" {
		t.Errorf("web1 as deploy = %s, proxy %q; want port 2222 (Match user) and the tokens expanded", e, e.proxyCommand)
	}
}

func TestResolveProxyCommand(t *testing.T) {
	eachReader(t, func(t *testing.T, opts Options) {
		c := testResolver(t, opts)
		e, err := c.resolve(Target{Host: "viacmd", Port: 2200})
		if err != nil {
			t.Fatal(err)
		}
		if want := "nc -X 5 -x proxy:1080 10.1.0.9 2200 ops viacmd %"; e.proxyCommand != want || e.via != nil {
			t.Errorf("ProxyCommand = %q, want %q", e.proxyCommand, want)
		}
		if b, _ := c.resolve(Target{Host: "bastion1"}); b.proxyCommand != "" || e.key() == b.key() {
			t.Errorf("bastion1 has a ProxyCommand %q, or shares viacmd's connection", b.proxyCommand)
		}
	})
}
