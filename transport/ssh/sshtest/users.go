package sshtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// User is a login that is not root, made for the test.
type User struct {
	Name string
	Home string
}

// AddUser creates a user with a home under the lab's directory, who logs
// in with the lab's key, and removes it when the test ends. sudoers, when
// not empty, is written to a file of /etc/sudoers.d of its own (removed
// too), with %u standing for the user's name and %h for its home.
func (l *Lab) AddUser(suffix, sudoers string) *User {
	l.t.Helper()
	// useradd limits names to 32 bytes.
	name := "lvt" + strconv.Itoa(os.Getpid()) + "x" + strconv.FormatInt(l.id, 10) + suffix
	u := &User{Name: name, Home: filepath.Join(l.Dir, "home-"+name)}
	// A password of "*" matches no password but does not lock the
	// account: sshd (without PAM) refuses keys for locked accounts.
	if out, err := exec.Command("useradd", "-M", "-d", u.Home, "-s", "/bin/sh", "-p", "*", name).CombinedOutput(); err != nil {
		l.t.Fatalf("useradd %s: %v: %s", name, err, out)
	}
	l.t.Cleanup(func() {
		l.stopAll() // the user's sessions would keep userdel from working
		if out, err := exec.Command("userdel", name).CombinedOutput(); err != nil {
			l.t.Errorf("userdel %s: %v: %s", name, err, out)
		}
	})
	if err := os.MkdirAll(u.Home, 0o755); err != nil {
		l.t.Fatal(err)
	}
	if out, err := exec.Command("chown", name+":", u.Home).CombinedOutput(); err != nil {
		l.t.Fatalf("chown %s: %v: %s", u.Home, err, out)
	}
	if sudoers != "" {
		file := filepath.Join("/etc/sudoers.d", name) // no dot: sudo skips names with one
		line := strings.NewReplacer("%u", name, "%h", u.Home).Replace(sudoers) + "\n"
		l.write(file, []byte(line), 0o440)
		l.t.Cleanup(func() { _ = os.Remove(file) })
		if out, err := exec.Command("visudo", "-c", "-f", file).CombinedOutput(); err != nil {
			l.t.Fatalf("sudoers line %q does not parse: %v: %s", line, err, out)
		}
	}
	return u
}

// stopAll ends every process in the lab's namespaces.
func (l *Lab) stopAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, h := range l.hosts {
		killAll(h.NS)
	}
}
