// Package shell converts LVS shell scripts by running them, not by matching
// patterns: mvdan.cc/sh parses the script and its interpreter runs it with
// handlers that execute nothing on this machine. Each command reaches the
// exec handler with its arguments expanded (variables, loops, functions,
// heredocs, $IPVSADM indirection all resolved by the interpreter) and is
// replayed on a convert.Host; writes to /proc/sys become sysctls.
package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/lvsctl/lvsctl/engine/convert"
)

// Options control how a script is run.
type Options struct {
	// Args are the positional parameters; default "start", so that
	// `case "$1" in start)` takes its start branch.
	Args []string
	// Branch names the branch to take in a script that asks instead of
	// reading $1: it becomes $1 (unless Args are given) and the answer to
	// `select` menus and `read`.
	Branch string
	// Hostname answers `hostname` and $HOSTNAME.
	Hostname string
	// MaxSteps bounds the commands one script may run (default 100000);
	// Timeout bounds its time (default 10s). Either stops an endless loop.
	MaxSteps int
	Timeout  time.Duration
}

// ErrUnfinished is returned when a script is stopped by the step budget or
// the timeout, which in practice means an endless loop.
var ErrUnfinished = errors.New("the script did not finish")

// Run runs the script src, named file, and replays what it does on host.
// Problems in the script are notes on the host; an error means the script
// could not be converted at all (it never finished).
func Run(ctx context.Context, host *convert.Host, file string, src []byte, opts Options) error {
	if opts.MaxSteps <= 0 {
		opts.MaxSteps = 100000
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	args := opts.Args
	if len(args) == 0 {
		args = []string{"start"}
		if opts.Branch != "" {
			args = []string{opts.Branch}
		}
	}
	src = normalize(src)
	host.Files = append(host.Files, file)
	readComments(host, file, src)

	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	r := &runner{host: host, file: file, opts: opts, term: &terminal{}}
	stdin, menu := answers(src, opts.Branch)
	if menu > 0 && opts.Branch == "" {
		host.Note(convert.Pos{File: file, Line: menu}, convert.LeftOut, "select", "the script asks which branch to take and nothing answers; give it with --branch NAME (e.g. --branch start)")
	}
	hostname := opts.Hostname
	if hostname == "" {
		hostname = "localhost"
	}
	run, err := interp.New(
		interp.Params(append([]string{"--"}, args...)...),
		interp.Env(expand.ListEnviron("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/bin/bash", "TERM=dumb", "LANG=C", "HOSTNAME="+hostname)),
		interp.StdIO(strings.NewReader(stdin), r.term, r.term),
		interp.CallHandler(r.call),
		interp.ExecHandlers(func(interp.ExecHandlerFunc) interp.ExecHandlerFunc { return r.exec }),
		interp.OpenHandler(r.open),
		interp.StatHandler(r.stat),
		interp.AccessHandler(r.access),
		interp.ReadDirHandler2(func(context.Context, string) ([]fs.DirEntry, error) { return nil, nil }),
	)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	r.hostname = hostname
	parser := syntax.NewParser(syntax.Variant(syntax.LangBash))
	var runErr error
	var perr error
	for st, err := range parser.StmtsSeq(bytes.NewReader(src)) {
		if err != nil {
			perr = err
			break
		}
		runErr = run.Run(ctx, st)
		var status interp.ExitStatus
		if errors.As(runErr, &status) {
			runErr = nil
		}
		if runErr != nil || run.Exited() {
			break
		}
	}
	switch {
	case runErr != nil && (errors.Is(runErr, errBudget) || errors.Is(runErr, context.DeadlineExceeded)):
		return fmt.Errorf("%s: %w: stopped at line %d after %d commands (an endless loop? a `while :` health-check loop never ends); nothing from it is converted", file, ErrUnfinished, r.line, r.steps)
	case runErr != nil:
		return fmt.Errorf("%s:%d: %w", file, r.line, runErr)
	}
	var pe syntax.ParseError
	if errors.As(perr, &pe) {
		host.Note(convert.Pos{File: file, Line: int(pe.Pos.Line())}, convert.Failed, "syntax error",
			pe.Text+"; bash stops the script here, so nothing after this line is converted")
	} else if perr != nil {
		host.Note(convert.Pos{File: file, Line: 1}, convert.Failed, "syntax error", perr.Error())
	}
	r.variables(run)
	return nil
}

// normalize makes CRLF and CR files, and a UTF-8 BOM, read as the shell would
// after dos2unix: operators copy scripts through Windows editors.
func normalize(src []byte) []byte {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(src, []byte("\r"), []byte("\n"))
}

// readComments keeps the comment lines directly above each line, and the
// script's leading comment block.
func readComments(host *convert.Host, file string, src []byte) {
	var block []string
	header := true
	for i, line := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "#!") && i == 0:
		case strings.HasPrefix(t, "#"):
			c := strings.TrimSpace(strings.TrimLeft(t, "#"))
			if c != "" && !strings.HasPrefix(c, "chkconfig:") && !strings.HasPrefix(c, "-*-") {
				block = append(block, c)
			}
		case t == "":
			if header && len(block) > 0 {
				host.Header = append(host.Header, block...)
				header = false
			}
			block = nil
		default:
			if header && len(block) > 0 && host.Header == nil {
				host.Header = append(host.Header, block...)
				block = nil
			}
			header = false
			if len(block) > 0 {
				host.Comments[convert.Pos{File: file, Line: i + 1}] = block
			}
			block = nil
		}
	}
}

// answers is the standard input the script reads: the branch, as the
// number of its entry when a `select` menu offers it. menu is the line of
// the first select menu, 0 when there is none.
func answers(src []byte, branch string) (stdin string, menu int) {
	f, err := syntax.NewParser().Parse(bytes.NewReader(src), "")
	answer := ""
	if err == nil {
		syntax.Walk(f, func(n syntax.Node) bool {
			fc, ok := n.(*syntax.ForClause)
			if !ok || !fc.Select || menu != 0 {
				return true
			}
			menu = int(fc.Pos().Line())
			if wi, ok := fc.Loop.(*syntax.WordIter); ok {
				for i, w := range wi.Items {
					if w.Lit() == branch {
						answer = fmt.Sprint(i + 1)
					}
				}
			}
			return true
		})
	}
	switch {
	case branch == "":
		return "", menu
	case answer != "":
		return answer + "\n", menu
	}
	return branch + "\n", menu
}

// Compiled on first use, not at init: every lvsctl start (and every
// agent's) would pay for them, and only convert runs scripts.
var (
	addrVarName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)vip|_ip$|^ip|addr|^[rd]ip\d*$`) })
	dipName     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(DIP|DIRECTOR_?IP|DS_?IP|LVS_?IP)$`) })
	ripName     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(RIP|RS_?IP|REAL_?IP|REAL_?SERVER_?IP|LOCAL_?IP)$`) })
)

// variables remembers which variables held addresses, so the output can
// name a VIP as the script did, and the DIP or RIP a script declares.
func (r *runner) variables(run *interp.Runner) {
	for name, v := range run.Vars {
		if v.Kind != expand.String || !addrVarName().MatchString(name) {
			continue
		}
		a, err := netip.ParseAddr(v.Str)
		if err != nil {
			continue
		}
		if prev, ok := r.host.Vars[a.String()]; !ok || name < prev {
			r.host.Vars[a.String()] = name
		}
		switch {
		case dipName().MatchString(name):
			r.host.SetHint(convert.DirectorHint, a, convert.Pos{File: r.file}, name)
		case ripName().MatchString(name):
			r.host.SetHint(convert.RealServerHint, a, convert.Pos{File: r.file}, name)
		}
	}
}

// terminal is the script's standard output and error: what is written
// there only reaches the operator's screen.
type terminal struct{ bytes.Buffer }

type runner struct {
	host     *convert.Host
	file     string
	opts     Options
	term     *terminal
	hostname string
	steps    int
	line     int
}

var errBudget = errors.New("step budget exhausted")

func (r *runner) pos(ctx context.Context) convert.Pos {
	hc := interp.HandlerCtx(ctx)
	if hc.Pos.IsValid() {
		r.line = int(hc.Pos.Line())
	}
	return convert.Pos{File: r.file, Line: r.line}
}

func (r *runner) note(pos convert.Pos, kind convert.Kind, what, why string) {
	r.host.Note(pos, kind, what, why)
}

func (r *runner) call(ctx context.Context, args []string) ([]string, error) {
	r.steps++
	pos := r.pos(ctx)
	if r.steps > r.opts.MaxSteps {
		return nil, errBudget
	}
	if args[0] == "read" && r.opts.Branch == "" {
		r.note(pos, convert.LeftOut, strings.Join(args, " "), "the script asks on the terminal and nothing answers; give the answer with --branch NAME")
	}
	if args[0] == "echo" || args[0] == "printf" {
		if interp.HandlerCtx(ctx).Stdout == io.Writer(r.term) {
			r.note(pos, convert.Ignored, strings.Join(args, " "), "prints to the terminal")
		}
	}
	return args, nil
}

func (r *runner) exec(ctx context.Context, args []string) error {
	pos := r.pos(ctx)
	hc := interp.HandlerCtx(ctx)
	args = stripPrefixes(args)
	if len(args) == 0 {
		return nil
	}
	before := r.host.NoteCount()
	c := &cmd{r: r, ctx: ctx, pos: pos, args: args, name: baseName(args[0]), what: strings.Join(args, " "), out: hc.Stdout, in: hc.Stdin}
	status := c.run()
	if r.host.FailedSince(before) && status == 0 {
		status = 1
	}
	if status != 0 {
		return interp.ExitStatus(uint8(status))
	}
	return nil
}

// stripPrefixes drops what only changes how a command runs: sudo and its
// options, env assignments, nohup, time, command.
func stripPrefixes(args []string) []string {
	for len(args) > 0 {
		switch baseName(args[0]) {
		case "sudo":
			args = args[1:]
			for len(args) > 0 && strings.HasPrefix(args[0], "-") {
				opt := args[0]
				args = args[1:]
				if (opt == "-u" || opt == "-g" || opt == "-p" || opt == "-C" || opt == "-h") && len(args) > 0 {
					args = args[1:]
				}
			}
		case "env":
			args = args[1:]
			for len(args) > 0 && (strings.Contains(args[0], "=") || strings.HasPrefix(args[0], "-")) {
				args = args[1:]
			}
		case "nohup", "time", "command", "exec", "builtin":
			args = args[1:]
		default:
			return args
		}
	}
	return args
}

func baseName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// lockPath reports paths of lock and pid files, which scripts test and
// create but which are not LVS state.
func lockPath(p string) bool {
	for _, prefix := range []string{"/var/lock/", "/var/run/", "/run/", "/tmp/", "/var/tmp/"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

func (r *runner) open(ctx context.Context, path string, flag int, _ os.FileMode) (io.ReadWriteCloser, error) {
	pos := r.pos(ctx)
	write := flag&(os.O_WRONLY|os.O_RDWR|os.O_APPEND|os.O_CREATE|os.O_TRUNC) != 0
	switch {
	case path == "/dev/null" || path == "/dev/stdout" || path == "/dev/stderr" || path == "/dev/tty" || path == "/dev/console":
		return nopRWC{}, nil
	case strings.HasPrefix(path, "/proc/sys/") && write:
		return &sysctlWriter{done: func(v string) {
			// The redirection has no position of its own; the command
			// writing through it has run by now and set r.line.
			if v = strings.TrimSpace(v); v != "" {
				r.host.SetSysctl(convert.Pos{File: r.file, Line: r.line}, strings.TrimPrefix(path, "/proc/sys/"), v)
			}
		}}, nil
	case strings.HasPrefix(path, "/proc/sys/"):
		name := strings.ReplaceAll(strings.TrimPrefix(path, "/proc/sys/"), "/", ".")
		v, ok := r.host.State.Sysctl(name)
		if !ok {
			v = "0"
		}
		return nopRWC{Reader: strings.NewReader(v + "\n")}, nil
	case isFunctionsLibrary(path):
		r.note(pos, convert.Ignored, "source "+path, "the distribution's init-script helpers")
		return nopRWC{Reader: strings.NewReader("")}, nil
	case lockPath(path):
		r.note(pos, convert.Ignored, path, "a lock or pid file")
		return nopRWC{}, nil
	case write:
		r.note(pos, convert.Ignored, "writes "+path, "a file edit applies at the next boot, not now; only what the script applies is converted")
		return nopRWC{}, nil
	}
	r.note(pos, convert.LeftOut, "reads "+path, "the file was not given, so it reads as empty; settings it holds are missing from the output")
	return nopRWC{Reader: strings.NewReader("")}, nil
}

func isFunctionsLibrary(p string) bool {
	switch p {
	case "/etc/rc.d/init.d/functions", "/etc/init.d/functions", "/lib/lsb/init-functions", "/etc/rc.status":
		return true
	}
	return false
}

type nopRWC struct{ io.Reader }

func (n nopRWC) Read(p []byte) (int, error) {
	if n.Reader == nil {
		return 0, io.EOF
	}
	return n.Reader.Read(p)
}
func (nopRWC) Write(p []byte) (int, error) { return len(p), nil }
func (nopRWC) Close() error                { return nil }

type sysctlWriter struct {
	buf  bytes.Buffer
	done func(string)
}

func (w *sysctlWriter) Read([]byte) (int, error)    { return 0, io.EOF }
func (w *sysctlWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }
func (w *sysctlWriter) Close() error {
	w.done(w.buf.String())
	return nil
}

// stat answers file tests: the tools and libraries a script checks for
// exist; lock and pid files do not (the service is not running yet).
func (r *runner) stat(_ context.Context, name string, _ bool) (fs.FileInfo, error) {
	if lockPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	return fakeFile(baseName(name)), nil
}

func (r *runner) access(_ context.Context, name string, _ interp.AccessMode) error {
	if lockPath(name) {
		return &fs.PathError{Op: "access", Path: name, Err: fs.ErrNotExist}
	}
	return nil
}

type fakeFile string

func (f fakeFile) Name() string     { return string(f) }
func (fakeFile) Size() int64        { return 0 }
func (fakeFile) Mode() fs.FileMode  { return 0o755 }
func (fakeFile) ModTime() time.Time { return time.Time{} }
func (fakeFile) IsDir() bool        { return false }
func (fakeFile) Sys() any           { return nil }
