package local

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLockRefusesASecondRunNamingTheHolder(t *testing.T) {
	record := RecordPath(filepath.Join(t.TempDir(), "lib"), "local")
	if _, locked, err := LockHolder(record); locked || err != nil {
		t.Fatalf("before any run: locked %v, %v; want free", locked, err)
	}
	first, err := AcquireLock(context.Background(), record, LockOptions{Command: "lvsctl apply ./a"})
	if err != nil {
		t.Fatal(err)
	}
	h, locked, err := LockHolder(record)
	if err != nil || !locked || h.PID != os.Getpid() || h.Command != "lvsctl apply ./a" || h.Since.IsZero() {
		t.Fatalf("LockHolder while held = %+v, %v, %v; want this process and its command", h, locked, err)
	}
	_, err = AcquireLock(context.Background(), record, LockOptions{Command: "lvsctl apply ./b"})
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second run: %v; want a LockedError", err)
	}
	for _, want := range []string{LockPath(record), "lvsctl apply ./a", "-lock-timeout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("second run's error %q does not say %q", err, want)
		}
	}
	if le.Holder.PID != os.Getpid() {
		t.Errorf("holder named %+v, want pid %d", le.Holder, os.Getpid())
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	if _, locked, err := LockHolder(record); locked || err != nil {
		t.Fatalf("after release: locked %v, %v; want free", locked, err)
	}
	second, err := AcquireLock(context.Background(), record, LockOptions{})
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	_ = second.Release()
}

func TestLockWaitsForTheHolder(t *testing.T) {
	record := RecordPath(t.TempDir(), "local")
	first, err := AcquireLock(context.Background(), record, LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		lk, err := AcquireLock(context.Background(), record, LockOptions{Timeout: time.Hour})
		if err == nil {
			err = lk.Release()
		}
		got <- err
	}()
	// The waiter cannot have the lock while the first run holds it.
	select {
	case err := <-got:
		t.Fatalf("the waiter returned (%v) while the lock was held", err)
	default:
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("the waiter, once the lock was free: %v", err)
	}
}

func TestLockWaitEndsWithTheContext(t *testing.T) {
	record := RecordPath(t.TempDir(), "local")
	first, err := AcquireLock(context.Background(), record, LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := AcquireLock(ctx, record, LockOptions{Timeout: time.Hour}); !errors.Is(err, context.Canceled) {
		t.Fatalf("waiting with a cancelled context: %v; want context.Canceled", err)
	}
}

func TestHostHoldsItsLockUntilClosed(t *testing.T) {
	r := newRig(t)
	if err := r.local.Lock(context.Background(), LockOptions{Command: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, locked, _ := LockHolder(r.record); !locked {
		t.Fatal("the host's lock is not held after Lock")
	}
	if err := r.local.Close(); err != nil {
		t.Fatal(err)
	}
	if _, locked, _ := LockHolder(r.record); locked {
		t.Fatal("the host's lock is still held after Close")
	}
}

// An agent's entry names the lvsctl it works for, so that a run refused on
// a remote host learns whose laptop holds it.
func TestLockHolderNamesTheClient(t *testing.T) {
	record := RecordPath(t.TempDir(), "local")
	lk, err := AcquireLock(context.Background(), record, LockOptions{Command: "lvsctl apply ./a", Client: "alice@laptop"})
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Release()
	h, locked, err := LockHolder(record)
	if err != nil || !locked || h.Client != "alice@laptop" {
		t.Fatalf("LockHolder = %+v, %v, %v; want the client alice@laptop", h, locked, err)
	}
	if s := h.String(); !strings.Contains(s, " for alice@laptop") || !strings.Contains(s, "pid ") {
		t.Errorf("holder %q does not name its pid and client", s)
	}
}

// Under sudo (an SSH login that is not root runs the agent with sudo -n),
// the holder is the user who ran sudo, not "root".
func TestLockHolderUserUnderSudo(t *testing.T) {
	t.Setenv("SUDO_USER", "deploy")
	got := holderUser()
	if os.Geteuid() == 0 {
		if got != "deploy (sudo)" {
			t.Errorf("holder user under sudo = %q, want \"deploy (sudo)\"", got)
		}
		return
	}
	// Not root: SUDO_USER is not to be believed.
	if got == "deploy (sudo)" || got == "" {
		t.Errorf("holder user of a process that is not root = %q, want its own user", got)
	}
}
