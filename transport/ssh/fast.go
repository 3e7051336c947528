package ssh

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path"
	"runtime"
	"strings"

	gossh "golang.org/x/crypto/ssh"
)

// The usual run finds the host as the last one left it: same architecture,
// binary in place. Then one session does it all: the probe, the checksum
// check, and `exec` of the agent. Its first lines on stdout are the probe
// and a status line; after "lvsctl-probe-end agent" the stream is the
// agent's. Any other status ends the session and the slow path (upload,
// link, sudo check, then a session of its own for the agent) takes over.
const (
	probeBegin = "lvsctl-probe-begin"
	probeEnd   = "lvsctl-probe-end "
)

// fastScript is the one-session start for a host whose `uname -m` is one
// of machines, with the binary of checksum sum. The binary is hashed (some
// 0.1 s of CPU for 20 MB, paid by every host of every run) only when its
// size, times or inode differ from those recorded in "$f.ok" when it last
// matched: as git's index does, a file not touched since is not read
// again, and any write to it changes its ctime, which no one can set back.
func fastScript(sum string, machines []string) string {
	return fmt.Sprintf(`m=$(uname -m); u=$(id -u); read -r k < /proc/sys/kernel/osrelease || k=unknown
printf '%%s\n' %s "$m" "$k" "$u" "$USER" "$HOME" "$SSH_CONNECTION"
case "$m" in %s) ;; *) echo '%sarch'; exit 0;; esac
if [ "$u" = 0 ]; then f=%s/lvsctl-%s; run="$f"; else d="$HOME/%s"; f="$d/lvsctl-%s"; run="$d/lvsctl"; fi
[ -x "$f" ] || { echo '%smissing'; exit 0; }
st=$(stat -c '%%s %%.9Y %%.9Z %%i' "$f" 2>/dev/null) || st=
{ read -r ok < "$f.ok"; } 2>/dev/null || ok=
if [ -z "$st" ] || [ "$ok" != "$st" ]; then
  [ "$(sha256sum < "$f" | cut -d' ' -f1)" = %s ] || { echo '%smissing'; exit 0; }
  [ -z "$st" ] || { echo "$st" > "$f.ok"; } 2>/dev/null || :
fi
if [ "$u" = 0 ]; then echo '%sagent'; exec "$run" agent; fi
[ "$run" -ef "$f" ] || { echo '%slink'; exit 0; }
sudo -n -l "$run" agent >/dev/null 2>&1 || { echo '%ssudo'; exit 0; }
echo '%sagent'; exec sudo -n "$run" agent`,
		probeBegin, strings.Join(machines, "|"), probeEnd, RootBinDir, sum, userBinDir, sum, probeEnd, sum, probeEnd, probeEnd, probeEnd, probeEnd, probeEnd)
}

// machinesOf lists the `uname -m` names of a Go architecture.
func machinesOf(arch string) []string {
	var out []string
	for _, m := range []string{"x86_64", "amd64", "aarch64", "arm64", "armv8l", "armv7l", "armv6l", "i386", "i486", "i586", "i686", "ppc64le", "s390x", "riscv64", "loongarch64"} {
		if a, _ := goArch(m); a == arch {
			out = append(out, m)
		}
	}
	return out
}

// fastStart runs fastScript on client. It returns the started session
// when the agent runs, or the probe and nil when the slow path must
// follow (the session is over then).
func fastStart(ctx context.Context, client *gossh.Client, sum string, stderr io.Writer) (Remote, *Session, error) {
	s, err := client.NewSession()
	if err != nil {
		return Remote{}, nil, fmt.Errorf("open a session: %w", err)
	}
	s.Stderr = stderr
	sess := &Session{s: s}
	var stdout io.Reader
	if sess.Stdin, err = s.StdinPipe(); err == nil {
		if stdout, err = s.StdoutPipe(); err == nil {
			err = s.Start(fastScript(sum, machinesOf(runtime.GOARCH)))
		}
	}
	if err != nil {
		_ = s.Close()
		return Remote{}, nil, fmt.Errorf("start the probe: %w", err)
	}
	type result struct {
		lines  []string
		status string
		err    error
	}
	br := bufio.NewReader(stdout)
	ch := make(chan result, 1)
	go func() {
		var r result
		for {
			line, err := br.ReadString('\n')
			line = strings.TrimSuffix(line, "\n")
			if status, ok := strings.CutPrefix(line, probeEnd); ok {
				r.status = status
				break
			}
			if err != nil {
				r.err = fmt.Errorf("probe the host: %w (it said %q)", err, strings.Join(r.lines, "\n"))
				break
			}
			r.lines = append(r.lines, line)
		}
		ch <- r
	}()
	var res result
	select {
	case res = <-ch:
	case <-ctx.Done():
		sess.Kill()
		return Remote{}, nil, fmt.Errorf("probe the host: %w", ctx.Err())
	}
	if res.err != nil {
		sess.Kill()
		return Remote{}, nil, res.err
	}
	lines := res.lines
	if len(lines) == 0 || lines[0] != probeBegin {
		sess.Kill()
		return Remote{}, nil, fmt.Errorf("probe the host: unexpected answer %q: is the login shell a POSIX shell?", strings.Join(lines, "\n"))
	}
	r, err := parseProbe(strings.Join(lines[1:], "\n") + "\n")
	if err != nil {
		sess.Kill()
		return r, nil, err
	}
	if res.status != "agent" {
		_ = sess.Stdin.Close()
		_ = s.Wait()
		return r, nil, nil
	}
	sess.Stdout, sess.Remote = br, r
	sess.Command = path.Join(RootBinDir, "lvsctl-"+sum) + " agent"
	if !r.Root {
		sess.Command = "sudo -n " + path.Join(r.Home, userBinDir, "lvsctl") + " agent"
	}
	return r, sess, nil
}
