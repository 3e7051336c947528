package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/lvsctl/lvsctl/providers/local"
	"github.com/lvsctl/lvsctl/transport/agent"
)

// Starting an agent in a network namespace (`ip netns exec NS lvsctl
// agent`: a second start of this binary, and its greeting) needs only the
// host's name and namespace, while loading a big configuration takes
// longer than that. So plan and show guess the namespaced hosts from the
// configuration's text and start their agents while it loads; the loaded
// configuration then decides. An agent is used only for the host name and
// namespace it was started for, exactly as openHost would start it; one the
// configuration does not use, or one that fails to start, is closed
// without a word (the host is then reached as always, and any error is
// the usual one). Until its setup an agent neither reads nor locks
// anything, so a wrong guess costs one process start.

// maxEarly bounds the agents started on a guess.
const maxEarly = 8

// earlyAgents are the agents started while the configuration loads.
type earlyAgents struct {
	mu     sync.Mutex
	agents map[earlyHost]*earlyAgent
}

// earlyHost is a host block's name and its literal netns.
type earlyHost struct{ name, netns string }

type earlyAgent struct {
	done chan struct{} // closed once the start is over
	c    *agent.Client
	err  error
}

// netnsAgentCommand is the agent openHost runs for host name in netns.
func netnsAgentCommand(name, netns string) ([]string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("host %s: find the lvsctl binary to run as the agent: %w", name, err)
	}
	// The agent runs in the namespace but on this machine's file system:
	// each namespace keeps a record of its own.
	record := local.RecordPath(local.RecordDir(), "netns-"+netns)
	return []string{self, "agent", "--name", name, "--record", record}, nil
}

// startEarly starts the agents of the namespaced hosts o's configuration
// seems to have, among -target's if given. It starts none for a snapshot
// (--state) or a saved plan. ctx is the command's: the agents end with it.
func startEarly(ctx context.Context, o *configOptions) *earlyAgents {
	if o.stateFile != "" || isPlanFile(o.path) {
		return nil
	}
	hosts := guessNetnsHosts(o.path, o.targets)
	if len(hosts) == 0 {
		return nil
	}
	e := &earlyAgents{agents: map[earlyHost]*earlyAgent{}}
	for _, h := range hosts {
		a := &earlyAgent{done: make(chan struct{})}
		e.agents[h] = a
		go func() {
			defer close(a.done)
			command, err := netnsAgentCommand(h.name, h.netns)
			if err == nil {
				a.c, a.err = agent.Netns(ctx, h.name, h.netns, command)
			} else {
				a.err = err
			}
		}()
	}
	return e
}

// take hands over the agent started for host name in netns once its start
// is over, or nil when there is none or it failed (the caller starts one
// as always, and reports that one's error).
func (e *earlyAgents) take(name, netns string) *agent.Client {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	a, ok := e.agents[earlyHost{name, netns}]
	delete(e.agents, earlyHost{name, netns})
	e.mu.Unlock()
	if !ok {
		return nil
	}
	<-a.done
	if a.err != nil {
		return nil
	}
	return a.c
}

// close closes the agents not taken, once their starts are over: after a
// configuration error, or those of hosts the configuration does not have.
func (e *earlyAgents) close() {
	if e == nil {
		return
	}
	e.mu.Lock()
	left := e.agents
	e.agents = nil
	e.mu.Unlock()
	for _, a := range left {
		<-a.done
		if a.c != nil {
			_ = a.c.Close()
		}
	}
}

// guessNetnsHosts finds, in the files config.Load reads for path (the
// file, or a directory's *.hcl), the director and real_server blocks
// written plainly with a literal netns:
//
//	director "lvs1" {
//	  netns = "lvs1"
//
// A block opened at the start of a line, its attributes indented, the
// netns a string without interpolation or escapes. Anything else is left
// to the loaded configuration; a guess it contradicts only costs a process.
func guessNetnsHosts(path string, targets []string) []earlyHost {
	names := []string{path}
	if st, err := os.Stat(path); err != nil {
		return nil
	} else if st.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil
		}
		names = names[:0]
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".hcl") {
				names = append(names, filepath.Join(path, e.Name()))
			}
		}
	}
	var out []earlyHost
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil
		}
		for _, h := range netnsBlocks(src) {
			if len(targets) > 0 && !slices.Contains(targets, h.name) || slices.ContainsFunc(out, func(o earlyHost) bool { return o.name == h.name }) {
				continue
			}
			if out = append(out, h); len(out) == maxEarly {
				return out
			}
		}
	}
	return out
}

// netnsBlocks finds the plainly written host blocks with a literal netns
// in src (see guessNetnsHosts).
func netnsBlocks(src []byte) []earlyHost {
	var out []earlyHost
	for i := 0; ; {
		k := bytes.Index(src[i:], []byte("netns"))
		if k < 0 {
			return out
		}
		at := i + k
		i = at + len("netns")
		lineStart := bytes.LastIndexByte(src[:at], '\n') + 1
		if at == lineStart || strings.TrimLeft(string(src[lineStart:at]), " \t") != "" {
			continue // not an indented attribute name
		}
		netns, ok := literalAttr(src[i:])
		if !ok {
			continue
		}
		if name, ok := enclosingHost(src[:lineStart]); ok {
			out = append(out, earlyHost{name, netns})
		}
	}
}

// literalAttr reads ` = "value"` up to the end of the line: the value when
// it is a plain string and nothing else follows but a comment.
func literalAttr(rest []byte) (string, bool) {
	line := rest
	if n := bytes.IndexByte(rest, '\n'); n >= 0 {
		line = rest[:n]
	}
	s := strings.TrimLeft(string(line), " \t")
	s, ok := strings.CutPrefix(s, "=")
	if !ok {
		return "", false
	}
	s, ok = strings.CutPrefix(strings.TrimLeft(s, " \t"), `"`)
	if !ok {
		return "", false
	}
	value, after, ok := strings.Cut(s, `"`)
	if !ok || value == "" || strings.ContainsAny(value, `\$%{}/`) {
		return "", false
	}
	after = strings.TrimSpace(after)
	if after != "" && !strings.HasPrefix(after, "#") && !strings.HasPrefix(after, "//") {
		return "", false
	}
	return value, true
}

// enclosingHost is the name of the host block the text before ends in: the
// last line of before that starts in its first column must open it as
// `director "NAME" {` or `real_server "NAME" {`, and every line after it
// be indented, blank or a comment.
func enclosingHost(before []byte) (string, bool) {
	for end := len(before); end > 0; {
		start := bytes.LastIndexByte(before[:end-1], '\n') + 1
		line := string(before[start : end-1])
		end = start
		if line == "" || line[0] == ' ' || line[0] == '\t' || line[0] == '#' || strings.HasPrefix(line, "//") {
			continue
		}
		for _, kind := range []string{"director", "real_server"} {
			rest, ok := strings.CutPrefix(line, kind+` "`)
			if !ok {
				continue
			}
			name, brace, ok := strings.Cut(rest, `"`)
			if ok && name != "" && !strings.ContainsAny(name, `\$%{}`) && strings.TrimSpace(brace) == "{" {
				return name, true
			}
		}
		return "", false
	}
	return "", false
}
