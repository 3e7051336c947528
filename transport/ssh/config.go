// Package ssh reaches remote hosts over SSH for lvsctl: it dials them as
// OpenSSH would (ssh_config, known_hosts, ssh-agent, ProxyJump), keeps one
// connection per host for a run, puts the lvsctl binary on the host and
// starts `lvsctl agent` there, handing back the session's pipes.
//
// It uses golang.org/x/crypto/ssh rather than the system ssh binary so that
// one process multiplexes every host and bastion, errors can be told apart
// (unknown key, changed key, auth, timeout) and explained, and the pool,
// keepalives and timeouts are in our hands.
package ssh

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kevinburke/ssh_config"
)

// Defaults when ssh_config does not say.
const (
	DefaultConnectTimeout    = 10 * time.Second
	DefaultKeepaliveInterval = 15 * time.Second
	defaultKeepaliveCountMax = 3
)

// Target is a host as the configuration names it. Empty fields come from
// ssh_config (as `ssh HOST` would take them), then OpenSSH's defaults.
type Target struct {
	// Host is an ssh_config alias or a host name or address.
	Host         string
	User         string
	Port         int
	IdentityFile string
}

func (t Target) String() string {
	s := t.Host
	if t.User != "" {
		s = t.User + "@" + s
	}
	if t.Port != 0 {
		s += ":" + strconv.Itoa(t.Port)
	}
	return s
}

// StrictHostKeyChecking is the host key policy.
type StrictHostKeyChecking int

const (
	// StrictYes refuses a host whose key is not in known_hosts.
	StrictYes StrictHostKeyChecking = iota
	// StrictAcceptNew trusts and records the key of a host seen for the
	// first time; a changed key is still refused.
	StrictAcceptNew
)

// endpoint is a Target resolved through ssh_config: everything needed to
// dial it, and the hops in front of it.
type endpoint struct {
	alias          string // the name ssh_config was asked about
	hostname       string
	port           int
	user           string
	identityFiles  []string
	identitiesOnly bool
	identityAgent  string // socket path, "" = $SSH_AUTH_SOCK, "none" = no agent
	knownHosts     []string
	strict         StrictHostKeyChecking
	connectTimeout time.Duration
	aliveInterval  time.Duration
	aliveCountMax  int
	via            *endpoint // the last ProxyJump hop, nil when direct
	// proxyCommand, tokens expanded, is run to carry the connection
	// instead of dialing (ProxyCommand); "" when direct or via.
	proxyCommand string
}

// addr is host:port for dialing.
func (e *endpoint) addr() string {
	return net.JoinHostPort(e.hostname, strconv.Itoa(e.port))
}

// key identifies one connection in the pool: the same login to the same
// address through the same hops.
func (e *endpoint) key() string {
	k := e.user + "@" + e.addr()
	if e.via != nil {
		k += " via " + e.via.key()
	}
	if e.proxyCommand != "" {
		k += " via `" + e.proxyCommand + "`"
	}
	return k
}

// String names the endpoint for messages: the alias, and where it leads
// when that differs.
func (e *endpoint) String() string {
	s := e.user + "@" + e.addr()
	if e.alias != e.hostname {
		s = e.alias + " (" + s + ")"
	}
	if e.via != nil {
		s += " via " + e.via.alias
	}
	if e.proxyCommand != "" {
		s += " via ProxyCommand"
	}
	return s
}

// sshConfig looks settings up in one set of ssh_config files.
type sshConfig struct {
	settings *ssh_config.UserSettings
	file     string // for messages; "" = the user's and the system's
	home     string
	local    string // the local user name
	opts     *Options
	// g, when the OpenSSH client is installed, evaluates ssh_config
	// with `ssh -G` (see sshg.go); nil parses it with settings.
	g *sshG
}

func newSSHConfig(opts *Options) (*sshConfig, error) {
	home := opts.Home
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return nil, fmt.Errorf("ssh: find the home directory for ~/.ssh: %w", err)
		}
	}
	local := "root"
	if u, err := user.Current(); err == nil {
		local = u.Username
	}
	// A UserSettings of our own: the package's default one is global and
	// caches the files of whoever asked first.
	settings := &ssh_config.UserSettings{}
	file := opts.ConfigFile
	if file != "" {
		settings.ConfigFinder(func() string { return file })
	}
	c := &sshConfig{settings: settings, file: file, home: home, local: local, opts: opts}
	mfile, line := "", 0
	if file != "" {
		// Relative Includes of a user's file are under ~/.ssh, as ssh has it.
		mfile, line = findMatch([]string{file}, filepath.Join(home, ".ssh"), home, 0)
	} else {
		if mfile, line = findMatch([]string{filepath.Join(home, ".ssh", "config")}, filepath.Join(home, ".ssh"), home, 0); mfile == "" {
			mfile, line = findMatch([]string{"/etc/ssh/ssh_config"}, "/etc/ssh", home, 0)
		}
	}
	if (mfile != "" || opts.alwaysSSHG) && !opts.NoSystemSSH {
		if path, err := exec.LookPath("ssh"); err == nil {
			c.g = &sshG{path: path, file: file}
			if file != "" {
				if _, err := os.Stat(file); err != nil {
					return nil, c.errorf("%v", err)
				}
			}
			return c, nil
		}
	}
	if mfile != "" {
		return nil, matchError(mfile, line)
	}
	// Parse now, so that a broken file is one clear error up front.
	if _, err := settings.GetStrict("*", "Port"); err != nil {
		return nil, c.errorf("%v", err)
	}
	return c, nil
}

func (c *sshConfig) errorf(format string, args ...any) error {
	where := c.file
	if where == "" {
		where = "~/.ssh/config"
	}
	return fmt.Errorf("ssh_config %s: "+format, append([]any{where}, args...)...)
}

func (c *sshConfig) get(alias, key string) (string, error) {
	v, err := c.settings.GetStrict(alias, key)
	if err != nil {
		return "", c.errorf("Host %s, %s: %v", alias, key, err)
	}
	return strings.TrimSpace(v), nil
}

// maxHops bounds ProxyJump chains, which could otherwise loop.
const maxHops = 8

// resolve turns a target into an endpoint with its ProxyJump hops.
func (c *sshConfig) resolve(t Target) (*endpoint, error) {
	return c.resolveDepth(t, 0)
}

func (c *sshConfig) resolveDepth(t Target, depth int) (*endpoint, error) {
	if depth > maxHops {
		return nil, c.errorf("ProxyJump for %s goes through more than %d hops: is there a loop?", t.Host, maxHops)
	}
	alias := t.Host
	if alias == "" {
		return nil, fmt.Errorf("ssh: no host given")
	}
	e := &endpoint{alias: alias}
	var s settings = parsed{c, alias}
	if c.g != nil {
		ev, err := c.g.lookup(t)
		if err != nil {
			return nil, err
		}
		s = ev
	}
	var err error
	get := func(key string) string {
		if err != nil {
			return ""
		}
		var v string
		v, err = s.get(key)
		return v
	}
	e.hostname = get("HostName")
	if e.hostname == "" {
		e.hostname = alias
	}
	e.hostname = strings.ReplaceAll(e.hostname, "%h", alias)
	e.user = t.User
	if e.user == "" {
		e.user = get("User")
	}
	if e.user == "" {
		e.user = c.local
	}
	e.port = t.Port
	if e.port == 0 {
		p := get("Port")
		if e.port, _ = strconv.Atoi(p); e.port <= 0 || e.port > 65535 {
			e.port = 22
		}
	}
	if t.IdentityFile != "" {
		e.identityFiles = []string{c.expand(t.IdentityFile, e)}
	} else {
		files, gerr := s.all("IdentityFile")
		if gerr != nil {
			return nil, gerr
		}
		for _, f := range files {
			e.identityFiles = append(e.identityFiles, c.expand(f, e))
		}
	}
	e.identitiesOnly = strings.EqualFold(get("IdentitiesOnly"), "yes")
	if a := get("IdentityAgent"); a != "" && a != "SSH_AUTH_SOCK" {
		e.identityAgent = c.expand(a, e)
	}
	e.knownHosts, err = c.knownHosts(s, e, err)
	switch v := strings.ToLower(get("StrictHostKeyChecking")); {
	case c.opts.AcceptNewHostKeys, v == "accept-new":
		e.strict = StrictAcceptNew
	default:
		// yes, ask (we cannot ask) and no/off (we will not trust blindly)
		// are all strict; see the README's host key policy.
		e.strict = StrictYes
	}
	e.connectTimeout = c.seconds(get("ConnectTimeout"), c.opts.ConnectTimeout, DefaultConnectTimeout)
	e.aliveInterval = c.seconds(get("ServerAliveInterval"), c.opts.KeepaliveInterval, DefaultKeepaliveInterval)
	if e.aliveCountMax, _ = strconv.Atoi(get("ServerAliveCountMax")); e.aliveCountMax <= 0 {
		e.aliveCountMax = defaultKeepaliveCountMax
	}
	jump := get("ProxyJump")
	proxy := get("ProxyCommand")
	if err != nil {
		return nil, err
	}
	switch {
	case jump != "" && !strings.EqualFold(jump, "none"):
		if e.via, err = c.jumps(alias, jump, depth); err != nil {
			return nil, err
		}
	case proxy != "" && !strings.EqualFold(proxy, "none"):
		e.proxyCommand = c.expandProxy(proxy, e)
	}
	return e, nil
}

// jumps resolves a ProxyJump list "a,b,c": a is dialed first (with its own
// ProxyJump, as ssh does), then b through a, then c through b.
func (c *sshConfig) jumps(alias, list string, depth int) (*endpoint, error) {
	var prev *endpoint
	for i, hop := range strings.Split(list, ",") {
		t, err := parseJump(strings.TrimSpace(hop))
		if err != nil {
			return nil, c.errorf("Host %s, ProxyJump %q: %v", alias, list, err)
		}
		e, err := c.resolveDepth(t, depth+1)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			// Later hops are reached through the earlier ones, whatever
			// their own ProxyJump says.
			e.via = prev
		}
		prev = e
	}
	return prev, nil
}

// parseJump reads one ProxyJump hop: [user@]host[:port], or
// ssh://[user@]host[:port].
func parseJump(s string) (Target, error) {
	s = strings.TrimPrefix(s, "ssh://")
	var t Target
	if i := strings.LastIndex(s, "@"); i >= 0 {
		t.User, s = s[:i], s[i+1:]
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		host, port = strings.Trim(s, "[]"), ""
	}
	if port != "" {
		p, perr := strconv.Atoi(port)
		if perr != nil || p <= 0 || p > 65535 {
			return t, fmt.Errorf("bad port %q", port)
		}
		t.Port = p
	}
	if host == "" || strings.ContainsAny(host, " \t/") {
		return t, fmt.Errorf("bad host %q", host)
	}
	t.Host = host
	return t, nil
}

// knownHosts lists the known_hosts files for alias: the option's, or
// UserKnownHostsFile then GlobalKnownHostsFile.
func (c *sshConfig) knownHosts(s settings, e *endpoint, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	if len(c.opts.KnownHostsFiles) > 0 {
		return c.opts.KnownHostsFiles, nil
	}
	var files []string
	for _, key := range []string{"UserKnownHostsFile", "GlobalKnownHostsFile"} {
		v, err := s.get(key)
		if err != nil {
			return nil, err
		}
		for _, f := range strings.Fields(v) {
			if f != "/dev/null" {
				files = append(files, c.expand(f, e))
			}
		}
	}
	return files, nil
}

// seconds reads a number of seconds; unset or 0 falls back to the option,
// then to def.
func (c *sshConfig) seconds(v string, opt, def time.Duration) time.Duration {
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if opt > 0 {
		return opt
	}
	return def
}

// expand does what ssh does to a path: ~ and the tokens %d %h %u %r %p %%.
func (c *sshConfig) expand(s string, e *endpoint) string {
	if s == "~" || strings.HasPrefix(s, "~/") {
		s = c.home + s[1:]
	}
	return expandTokens(s, map[byte]string{'d': c.home, 'h': e.hostname, 'u': c.local, 'r': e.user, 'p': strconv.Itoa(e.port)})
}

// expandProxy does what ssh does to a ProxyCommand: the tokens %h %p %r
// %n (the name asked for) and %%; no ~.
func (c *sshConfig) expandProxy(s string, e *endpoint) string {
	return expandTokens(s, map[byte]string{'h': e.hostname, 'p': strconv.Itoa(e.port), 'r': e.user, 'n': e.alias})
}

// expandTokens replaces %X by tokens[X] and %% by %, leaving unknown
// tokens as they are.
func expandTokens(s string, tokens map[byte]string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		if v, ok := tokens[s[i]]; ok {
			b.WriteString(v)
		} else if s[i] == '%' {
			b.WriteByte('%')
		} else {
			b.WriteByte('%')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
