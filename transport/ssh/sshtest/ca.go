package sshtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	gossh "golang.org/x/crypto/ssh"
)

// CertAuthority returns the lab's host CA public key file, made with
// ssh-keygen the first time, and trusts it in known_hosts for the lab's
// addresses (@cert-authority 198.18.*), as an operator whose hosts have
// signed host keys would.
func (l *Lab) CertAuthority() string {
	l.t.Helper()
	ca := filepath.Join(l.Dir, "host_ca")
	if _, err := os.Stat(ca); err == nil {
		return ca + ".pub"
	}
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "lab host CA", "-f", ca).CombinedOutput(); err != nil {
		l.t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	pub, err := os.ReadFile(ca + ".pub")
	if err != nil {
		l.t.Fatal(err)
	}
	f, err := os.OpenFile(l.KnownHosts, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		l.t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("@cert-authority 198.18.* " + strings.TrimSpace(string(pub)) + "\n"); err != nil {
		l.t.Fatal(err)
	}
	return ca + ".pub"
}

// certify signs h's host key with the lab's CA and returns the
// certificate's file.
func (l *Lab) certify(h *Host) string {
	l.t.Helper()
	ca := strings.TrimSuffix(l.CertAuthority(), ".pub")
	pub := h.HostKeyFile + ".pub"
	l.write(pub, gossh.MarshalAuthorizedKey(h.HostKey), 0o644)
	if out, err := exec.Command("ssh-keygen", "-q", "-s", ca, "-I", h.Name, "-h", "-n", h.Addr, pub).CombinedOutput(); err != nil {
		l.t.Fatalf("sign the host key of %s: %v: %s", h.Name, err, out)
	}
	return h.HostKeyFile + "-cert.pub"
}

// HashKnownHosts hashes the host names of the lab's known_hosts, as
// HashKnownHosts yes (Debian's default) leaves them.
func (l *Lab) HashKnownHosts() {
	l.t.Helper()
	if out, err := exec.Command("ssh-keygen", "-H", "-f", l.KnownHosts).CombinedOutput(); err != nil {
		l.t.Fatalf("ssh-keygen -H: %v: %s", err, out)
	}
	_ = os.Remove(l.KnownHosts + ".old")
}
