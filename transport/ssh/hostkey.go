package ssh

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/skeema/knownhosts"
	gossh "golang.org/x/crypto/ssh"
	xknownhosts "golang.org/x/crypto/ssh/knownhosts"
)

// HostKeyError is a host whose key is not trusted: unknown, or different
// from the one known_hosts holds. It is never retried.
type HostKeyError struct {
	Host        string // as in known_hosts: host or [host]:port
	Fingerprint string // SHA256:... of the key the host presented
	KeyType     string
	Changed     bool
	// Known lists file:line of the entries the key contradicts (Changed).
	Known []string
	msg   string
}

func (e *HostKeyError) Error() string { return e.msg }

// hostKeys checks host keys against known_hosts files, the way OpenSSH
// does, and records new ones under accept-new.
type hostKeys struct {
	mu sync.Mutex
	// dbs caches one database per list of files; the lists come from
	// ssh_config and may differ per host.
	dbs map[string]*knownhosts.HostKeyDB
}

func (h *hostKeys) db(files []string) (*knownhosts.HostKeyDB, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := strings.Join(files, "\x00")
	if db, ok := h.dbs[k]; ok {
		return db, nil
	}
	var existing []string
	for _, f := range files {
		if _, err := os.Stat(f); err == nil {
			existing = append(existing, f)
		}
	}
	db, err := knownhosts.NewDB(existing...)
	if err != nil {
		return nil, fmt.Errorf("ssh: read known_hosts %s: %w", strings.Join(existing, ", "), err)
	}
	if h.dbs == nil {
		h.dbs = map[string]*knownhosts.HostKeyDB{}
	}
	h.dbs[k] = db
	return db, nil
}

// callback returns the host key check for e, and the key algorithms to ask
// for: those known_hosts has for the host, so that a host with several
// keys presents the one we know.
func (h *hostKeys) callback(e *endpoint) (gossh.HostKeyCallback, []string, error) {
	db, err := h.db(e.knownHosts)
	if err != nil {
		return nil, nil, err
	}
	check := db.HostKeyCallback()
	cb := func(hostname string, remote net.Addr, key gossh.PublicKey) error {
		err := check(hostname, remote, key)
		if err == nil {
			return nil
		}
		name := knownhosts.Normalize(hostname)
		fp := gossh.FingerprintSHA256(key)
		var ke *xknownhosts.KeyError
		errors.As(err, &ke)
		switch {
		case knownhosts.IsHostKeyChanged(err) && !onlyAuthorities(db, e.addr(), ke.Want):
			var known []string
			for _, w := range ke.Want {
				known = append(known, w.Filename+":"+strconv.Itoa(w.Line))
			}
			return &HostKeyError{Host: name, Fingerprint: fp, KeyType: key.Type(), Changed: true, Known: known,
				msg: fmt.Sprintf("host key of %s has CHANGED: it now presents %s key %s, which does not match %s. "+
					"Someone may be intercepting the connection, or the host was reinstalled. lvsctl will not connect. "+
					"If you know the host was reinstalled, check the new fingerprint on its console (`ssh-keygen -lf /etc/ssh/ssh_host_%s_key.pub`), "+
					"then remove the old entry (`ssh-keygen -R '%s' -f %s`) and trust the new key.",
					e, key.Type(), fp, strings.Join(known, ", "), keyFileType(key.Type()), name, ke.Want[0].Filename)}
		case ke != nil:
			// Unknown; or only a @cert-authority line matches the name
			// and the host's key is not signed by it, which OpenSSH also
			// treats as unknown.
			if e.strict == StrictAcceptNew {
				return h.record(e, hostname, remote, key)
			}
			return &HostKeyError{Host: name, Fingerprint: fp, KeyType: key.Type(),
				msg: fmt.Sprintf("host key of %s is unknown: it presents %s key %s, which is in none of %s. "+
					"Check that fingerprint on the host's console (`ssh-keygen -lf /etc/ssh/ssh_host_%s_key.pub`), then trust it with `%s`, "+
					"or let lvsctl record new hosts' keys with -accept-new-host-keys (or StrictHostKeyChecking accept-new in ssh_config).",
					e, key.Type(), fp, knownList(e.knownHosts), keyFileType(key.Type()), keyscan(e, key.Type()))}
		}
		return fmt.Errorf("ssh: check host key of %s: %w", e, err)
	}
	return cb, preferKnown(db.HostKeyAlgorithms(e.addr())), nil
}

// preferKnown puts the algorithms known_hosts has for a host first, then
// the others, as ssh orders them. Only those would make a host with
// another kind of key (say, none signed by a CA that matches by wildcard)
// fail the handshake instead of being reported unknown or changed.
func preferKnown(known []string) []string {
	if len(known) == 0 {
		return nil // x/crypto's defaults
	}
	out := slices.Clone(known)
	for _, a := range gossh.SupportedAlgorithms().HostKeys {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// onlyAuthorities reports whether every known_hosts entry in want is a
// @cert-authority line rather than a key of the host.
func onlyAuthorities(db *knownhosts.HostKeyDB, addr string, want []xknownhosts.KnownKey) bool {
	cas := map[string]bool{}
	for _, k := range db.HostKeys(addr) {
		if k.Cert {
			cas[string(k.Marshal())] = true
		}
	}
	for _, w := range want {
		if !cas[string(w.Key.Marshal())] {
			return false
		}
	}
	return true
}

// record appends a first-seen key to the first known_hosts file
// (accept-new), and trusts it for the rest of the run.
func (h *hostKeys) record(e *endpoint, hostname string, remote net.Addr, key gossh.PublicKey) error {
	if len(e.knownHosts) == 0 {
		return fmt.Errorf("ssh: accept the new host key of %s: no known_hosts file to record it in", e)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	file := e.knownHosts[0]
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return fmt.Errorf("ssh: record the host key of %s: %w", e, err)
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("ssh: record the host key of %s: %w", e, err)
	}
	err = knownhosts.WriteKnownHost(f, hostname, remote, key)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("ssh: record the host key of %s in %s: %w", e, file, err)
	}
	// Later dials in this run read the file again.
	clear(h.dbs)
	return nil
}

// keyscan is the command that adds the host's key to the user's
// known_hosts: through the bastion when there is one, since the host may
// only be reachable from there.
func keyscan(e *endpoint, keyType string) string {
	t := strings.TrimPrefix(keyType, "ssh-")
	if strings.HasPrefix(t, "ecdsa") {
		t = "ecdsa"
	}
	scan := "ssh-keyscan -t " + t
	if e.port != 22 {
		scan += " -p " + strconv.Itoa(e.port)
	}
	scan += " " + e.hostname
	file := "~/.ssh/known_hosts"
	if len(e.knownHosts) > 0 {
		file = e.knownHosts[0]
	}
	if e.via != nil {
		return "ssh " + e.via.alias + " '" + scan + "' >> " + file
	}
	return scan + " >> " + file
}

// keyFileType is the name part of sshd's host key file for a key type.
func keyFileType(keyType string) string {
	switch {
	case strings.Contains(keyType, "ed25519"):
		return "ed25519"
	case strings.Contains(keyType, "ecdsa"):
		return "ecdsa"
	default:
		return "rsa"
	}
}

func knownList(files []string) string {
	if len(files) == 0 {
		return "the known_hosts files (none is configured)"
	}
	return strings.Join(files, ", ")
}
