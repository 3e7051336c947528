// Package cli is lvsctl's command line: one file per command, each a
// newXCommand that parses flags into an options struct and a runX that does
// the work, so commands are testable without cobra. Errors become exit codes
// in one place, Run.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// IO is where a command reads and writes, and whether those are terminals.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// InTerminal and OutTerminal say whether In and Out are terminals:
	// confirmation needs one, colour is only for one.
	InTerminal, OutTerminal bool
}

// StdIO is the process's standard streams.
func StdIO() IO {
	return IO{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		InTerminal:  term.IsTerminal(int(os.Stdin.Fd())),
		OutTerminal: term.IsTerminal(int(os.Stdout.Fd())),
	}
}

// exitError carries an exit code other than 1 out of a command. A nil err
// means the command succeeded but wants that code (plan -detailed-exitcode).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// errReported means the command already printed what went wrong (for
// example HCL diagnostics) and only the exit status is left to give.
var errReported = errors.New("reported")

// exitInterrupted is the shells' status for a command stopped by SIGINT.
const exitInterrupted = 130

// changesHostsKey marks the commands that change hosts: interrupted, they
// are let finish the change in hand rather than abandoned halfway.
const changesHostsKey = "lvsctl/changes-hosts"

func changesHosts(root *cobra.Command, args []string) bool {
	cmd, _, err := root.Find(args)
	return err == nil && cmd.Annotations[changesHostsKey] == "true"
}

var errPlanFileToDestroy = errors.New("destroy takes a configuration, not a saved plan: apply a saved plan with `lvsctl apply FILE`")

// Main runs lvsctl as a process: on the standard streams, stopped by
// SIGINT and SIGTERM. It returns the exit code.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, args, StdIO())
}

// Run runs lvsctl with args and returns the process exit code:
// 0 success, 1 error, 2 plan -detailed-exitcode found changes.
//
// When ctx is cancelled (Ctrl-C, SIGTERM), a command that changes hosts
// stops at its next safe point (between two changes) and reports what it
// did; any other command changes nothing, so it is abandoned at once.
func Run(ctx context.Context, args []string, stdio IO) int {
	root := newRootCommand(stdio)
	args = normalizeArgs(args)
	root.SetArgs(args)
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		if !changesHosts(root, args) {
			fmt.Fprintln(stdio.Err, "Interrupted: lvsctl stopped; it changed nothing.")
			return exitInterrupted
		}
		err = <-done
	}
	if err != nil && ctx.Err() != nil {
		fmt.Fprintf(stdio.Err, "Error: %v\nInterrupted: lvsctl stopped between two changes; the lines above say what was done.\n", err)
		return exitInterrupted
	}
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && !errors.Is(ee.err, errReported) {
			fmt.Fprintf(stdio.Err, "Error: %v\n", ee.err)
		}
		return ee.code
	}
	if !errors.Is(err, errReported) {
		fmt.Fprintf(stdio.Err, "Error: %v\n", err)
	}
	return 1
}

func newRootCommand(stdio IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "lvsctl",
		Short: "Linux Virtual Server clusters as code",
		Long: `lvsctl manages LVS/IPVS clusters from one HCL description: the directors'
virtual services, real servers and VIP aliases, and the real servers' VIP,
ARP suppression and routes. It plans the change against the live hosts and
applies it in a safe order.

Flags may be written with one dash or two: -auto-approve and --auto-approve
are the same.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.AddCommand(
		newValidateCommand(stdio),
		newPlanCommand(stdio),
		newApplyCommand(stdio),
		newDestroyCommand(stdio),
		newShowCommand(stdio),
		newPingCommand(stdio),
		newGraphCommand(stdio),
		newFmtCommand(stdio),
		newVersionCommand(stdio),
		newAgentCommand(stdio),
		newBootCommand(stdio),
		newManCommand(stdio),
		newConvertCommand(stdio),
		newImportCommand(stdio),
	)
	return root
}

// normalizeArgs lets Terraform-style single-dash long flags (-auto-approve,
// -var k=v) through pflag, which reads "-abc" as three shorthand flags. A
// single-dash word longer than one letter becomes "--word"; "-o" and
// negative numbers stay, and nothing after "--" is touched.
func normalizeArgs(args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' && !isNumber(a[1:]) {
			name := a[1:]
			if eq := strings.IndexByte(name, '='); eq >= 0 {
				name = name[:eq]
			}
			if len(name) > 1 {
				a = "-" + a
			}
		}
		out = append(out, a)
	}
	return out
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' {
			return false
		}
	}
	return true
}
