package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// LockPath is the lock file of the host whose ownership record (of any
// cluster) is at recordPath: beside it, so LVSCTL_RECORD_DIR moves both,
// and one per host, shared by the clusters on it (HOSTID.json.lock).
func LockPath(recordPath string) string {
	hostPath, _ := hostRecords(recordPath)
	return hostPath + ".lock"
}

// LockOptions ask New to lock the host for as long as it is open: every run
// that changes a host holds its lock from its first read to its last
// write, so two runs cannot interleave their changes or their records.
type LockOptions struct {
	// Timeout is how long to wait for another run to finish; 0 fails at once.
	Timeout time.Duration
	// Command is what holds the lock, as the holder's entry shows it to the
	// run that waits ("lvsctl apply ./cluster").
	Command string
	// Client is who the holder works for when it is an agent on another
	// machine: the user and machine of the lvsctl that started it over SSH
	// ("alice@laptop").
	Client string
}

// Holder is who holds a host's lock, as written into the lock file by the
// holder once it has the lock.
type Holder struct {
	PID     int       `json:"pid"`
	User    string    `json:"user,omitempty"`
	Host    string    `json:"host,omitempty"`
	Since   time.Time `json:"since"`
	Command string    `json:"command,omitempty"`
	// Client is the user@host of the lvsctl an agent holds the lock for.
	Client string `json:"client,omitempty"`
}

func (h Holder) String() string {
	if h.PID == 0 {
		return "another run (it has not yet said who it is)"
	}
	s := fmt.Sprintf("pid %d", h.PID)
	if h.User != "" {
		s += " of " + h.User
	}
	if h.Host != "" {
		s += " on " + h.Host
	}
	if h.Client != "" {
		s += " for " + h.Client
	}
	if !h.Since.IsZero() {
		s += ", since " + h.Since.UTC().Format(time.RFC3339)
	}
	if h.Command != "" {
		s += ": " + strconv.Quote(h.Command)
	}
	return s
}

// LockedError says the host is locked by another run.
type LockedError struct {
	Path   string
	Holder Holder
	// Waited is how long this run waited before giving up.
	Waited time.Duration
}

func (e *LockedError) Error() string {
	wait := "wait for it to finish, or pass -lock-timeout DURATION to wait"
	if e.Waited > 0 {
		wait = fmt.Sprintf("waited %s; wait longer with a larger -lock-timeout", e.Waited)
	}
	return fmt.Sprintf("another lvsctl run is changing this host: %s holds %s (%s). If that process is gone, the lock is free already: the kernel releases it when its holder exits",
		e.Holder, e.Path, wait)
}

// Lock is a host's lock, held until Release.
type Lock struct {
	f *os.File
}

// lockPoll is how often a waiting run tries the lock again.
const lockPoll = 50 * time.Millisecond

// AcquireLock takes the lock of the host whose record is at recordPath,
// waiting up to opts.Timeout for another holder, and writes who holds it
// into the lock file. The lock is an flock on an open file: a holder that
// dies, however it dies, releases it with its file descriptors.
func AcquireLock(ctx context.Context, recordPath string, opts LockOptions) (*Lock, error) {
	path := LockPath(recordPath)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	start := time.Now()
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		waited := time.Since(start)
		if waited >= opts.Timeout {
			holder, _ := readHolder(path)
			f.Close()
			if opts.Timeout == 0 {
				waited = 0
			}
			return nil, &LockedError{Path: path, Holder: holder, Waited: waited}
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("wait for the lock %s: %w", path, ctx.Err())
		case <-time.After(min(lockPoll, opts.Timeout-waited)):
		}
	}
	if err := writeHolder(f, opts); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: write who holds it: %w", path, err)
	}
	return &Lock{f: f}, nil
}

func writeHolder(f *os.File, opts LockOptions) error {
	h := Holder{PID: os.Getpid(), Since: time.Now().UTC(), Command: opts.Command, Client: opts.Client}
	h.User = holderUser()
	h.Host, _ = os.Hostname()
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err = f.WriteAt(append(b, '\n'), 0)
	return err
}

// holderUser is who runs this process, for people: under sudo (an agent
// started with `sudo -n` by a login that is not root, or `sudo lvsctl`)
// the user who ran sudo, which says more than "root".
func holderUser() string {
	if u := os.Getenv("SUDO_USER"); u != "" && os.Geteuid() == 0 {
		return u + " (sudo)"
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

// Release gives the lock up. The holder's entry is left in the file: the
// lock is the flock, not the content.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the descriptor releases the flock
	l.f = nil
	return err
}

// LockHolder says whether the host whose record is at recordPath is locked
// now and, if so, by whom. It does not take the lock (a shared probe that
// it drops at once), so it is safe to call while another run works.
func LockHolder(recordPath string) (Holder, bool, error) {
	path := LockPath(recordPath)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Holder{}, false, nil
	}
	if err != nil {
		return Holder{}, false, fmt.Errorf("read lock %s: %w", path, err)
	}
	defer f.Close()
	err = unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB)
	if err == nil {
		return Holder{}, false, nil // closing f drops the probe
	}
	if !errors.Is(err, unix.EWOULDBLOCK) {
		return Holder{}, false, fmt.Errorf("read lock %s: %w", path, err)
	}
	h, err := readHolder(path)
	return h, true, err
}

// readHolder reads the holder's entry; an entry not yet written (the holder
// is between its flock and its write) is an empty Holder.
func readHolder(path string) (Holder, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Holder{}, fmt.Errorf("read lock %s: %w", path, err)
	}
	var h Holder
	if s := strings.TrimSpace(string(b)); s != "" {
		if err := json.Unmarshal([]byte(s), &h); err != nil {
			return Holder{}, nil // half written: someone holds it, not yet said who
		}
	}
	return h, nil
}
