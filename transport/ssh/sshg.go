package ssh

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kevinburke/ssh_config"
)

// ssh_config is read in one of two ways. kevinburke/ssh_config parses the
// files in-process: Host patterns, Include, first value wins. It has no
// Match (it would silently apply a Match block's settings to every host).
// So when the files have a Match block, lvsctl asks the OpenSSH client:
// `ssh -G HOST` prints the configuration ssh itself would use for HOST,
// Match (host, originalhost, user, localuser, exec, ...) and all evaluated
// by OpenSSH, exactly. That costs a process per host (15-20 ms of CPU, and
// far more wall time on a busy machine), which is why files without Match
// keep the parser. Without the client, a Match block is refused.

// settings are the values of one host's ssh_config, by lower-case keyword.
type settings interface {
	get(key string) (string, error)
	all(key string) ([]string, error)
}

// parsed looks a host up with kevinburke/ssh_config.
type parsed struct {
	c     *sshConfig
	alias string
}

func (p parsed) get(key string) (string, error) { return p.c.get(p.alias, key) }

func (p parsed) all(key string) ([]string, error) {
	v, err := p.c.settings.GetAllStrict(p.alias, key)
	if err != nil {
		return nil, p.c.errorf("Host %s, %s: %v", p.alias, key, err)
	}
	if key == "IdentityFile" {
		// The library's default is SSH protocol 1's file: no one has it.
		v = slices.DeleteFunc(v, func(f string) bool { return f == ssh_config.Default("IdentityFile") })
	}
	return v, nil
}

// evaluated is what `ssh -G` printed for a host.
type evaluated map[string][]string

func (e evaluated) get(key string) (string, error) {
	if v := e[strings.ToLower(key)]; len(v) > 0 && v[0] != "none" {
		return v[0], nil
	}
	return "", nil
}

func (e evaluated) all(key string) ([]string, error) {
	v := e[strings.ToLower(key)]
	if key == "IdentityFile" && slices.Equal(v, opensshDefaultIdentities) {
		// ssh -G lists its defaults when no IdentityFile is set; lvsctl
		// has its own (see auth), which skip missing files quietly.
		return nil, nil
	}
	return v, nil
}

// opensshDefaultIdentities is what `ssh -G` prints as identityfile when
// ssh_config names none (OpenSSH 8.x and 9.x).
var opensshDefaultIdentities = []string{"~/.ssh/id_rsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ecdsa_sk", "~/.ssh/id_ed25519", "~/.ssh/id_ed25519_sk", "~/.ssh/id_xmss", "~/.ssh/id_dsa"}

// sshG runs `ssh -G` for targets, once each per run; hosts are looked up
// in parallel.
type sshG struct {
	path string // the ssh binary
	file string // -F, "" for ssh's own files
	mu   sync.Mutex
	memo map[Target]*lookup
}

// lookup is one `ssh -G`, run once; waiters block on done.
type lookup struct {
	done chan struct{}
	v    evaluated
	err  error
}

// sshGTimeout bounds one `ssh -G` (a `Match exec` in the configuration
// runs a command).
const sshGTimeout = 30 * time.Second

func (g *sshG) lookup(t Target) (evaluated, error) {
	g.mu.Lock()
	l, ok := g.memo[t]
	if !ok {
		l = &lookup{done: make(chan struct{})}
		if g.memo == nil {
			g.memo = map[Target]*lookup{}
		}
		g.memo[t] = l
	}
	g.mu.Unlock()
	if !ok {
		l.v, l.err = g.run(t)
		close(l.done)
	}
	<-l.done
	return l.v, l.err
}

func (g *sshG) run(t Target) (evaluated, error) {
	if strings.HasPrefix(t.Host, "-") || strings.HasPrefix(t.User, "-") {
		return nil, fmt.Errorf("ssh: host %q: a host or user name cannot start with '-'", t)
	}
	args := []string{"-G"}
	if g.file != "" {
		args = append(args, "-F", g.file)
	}
	if t.User != "" {
		args = append(args, "-l", t.User)
	}
	if t.Port != 0 {
		args = append(args, "-p", strconv.Itoa(t.Port))
	}
	args = append(args, t.Host)
	ctx, cancel := context.WithTimeout(context.Background(), sshGTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, g.path, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("ssh_config: `ssh %s` (lvsctl asks OpenSSH for the host's settings) failed: %w: %s",
			strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return parseSSHG(out), nil
}

// parseSSHG reads `ssh -G` output: one "keyword value" per line, keywords
// in lower case, a keyword repeated for each value of a list.
func parseSSHG(out []byte) evaluated {
	v := evaluated{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		key, value, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if key == "" {
			continue
		}
		key = strings.ToLower(key)
		v[key] = append(v[key], strings.TrimSpace(value))
	}
	return v
}

// findMatch looks for a Match block in ssh_config files and those they
// Include (relative names under dir, as ssh reads them: ~/.ssh for the
// user's file, /etc/ssh for the system's), returning where the first is.
func findMatch(files []string, dir, home string, depth int) (file string, line int) {
	if depth > 16 {
		return "", 0 // an Include loop: ssh reports it
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // missing files are fine; a broken one the reader reports
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for n := 1; sc.Scan(); n++ {
			fields := strings.Fields(strings.ReplaceAll(sc.Text(), "=", " "))
			if len(fields) == 0 {
				continue
			}
			switch strings.ToLower(fields[0]) {
			case "match":
				return f, n
			case "include":
				for _, pat := range fields[1:] {
					if strings.HasPrefix(pat, "~/") {
						pat = filepath.Join(home, pat[2:])
					} else if !filepath.IsAbs(pat) {
						pat = filepath.Join(dir, pat)
					}
					names, _ := filepath.Glob(pat)
					if file, line := findMatch(names, dir, home, depth+1); file != "" {
						return file, line
					}
				}
			}
		}
	}
	return "", 0
}

// matchError is the refusal of a Match block without the OpenSSH client.
func matchError(file string, line int) error {
	return fmt.Errorf("ssh_config %s:%d: Match blocks are evaluated with OpenSSH's `ssh -G`, and no `ssh` is installed here: install the OpenSSH client (Debian: apt-get install openssh-client), or write the block as Host patterns", file, line)
}
