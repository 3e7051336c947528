package ssh

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	gossh "golang.org/x/crypto/ssh"
)

// RootBinDir is where lvsctl keeps its binaries on a host it logs in to as
// root, each named by its SHA-256 so that versions never overwrite each
// other and an unchanged binary is not sent again.
const RootBinDir = "/var/lib/lvsctl/bin"

// userBinDir is the same for a login user who is not root, under $HOME:
// that user cannot write to /var/lib. The fixed name `lvsctl` there, a
// hard link to the current binary, is what sudoers allows.
const userBinDir = ".cache/lvsctl/bin"

// LocalBinary finds the lvsctl binary for hosts of a Go architecture: this
// executable when the architectures match, else lvsctl-linux-ARCH beside
// it, as `make release` names them.
func LocalBinary(arch string) (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find this lvsctl binary: %w", err)
	}
	if arch == runtime.GOARCH && runtime.GOOS == "linux" {
		return self, nil
	}
	p := filepath.Join(filepath.Dir(self), "lvsctl-linux-"+arch)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("the host runs linux/%s and there is no lvsctl built for it: put a static linux/%s build at %s "+
			"(`make release` builds one per architecture into dist/; copy dist/lvsctl-linux-%s next to lvsctl)", arch, arch, p, arch)
	}
	return p, nil
}

// binaries hashes local binaries once per run.
type binaries struct {
	mu   sync.Mutex
	sums map[string]string
}

func (b *binaries) sum(file string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s, ok := b.sums[file]; ok {
		return s, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", file, err)
	}
	s := hex.EncodeToString(h.Sum(nil))
	if b.sums == nil {
		b.sums = map[string]string{}
	}
	b.sums[file] = s
	return s, nil
}

// install makes sure the binary with checksum sum is on the host and
// returns the path to run. A binary already there is used while its
// checksum matches; otherwise the local file is streamed into a temporary
// file, checked, and renamed into place, so a broken upload never leaves
// a binary that would run.
func install(ctx context.Context, client *gossh.Client, r Remote, local, sum string) (string, error) {
	dir := RootBinDir
	if !r.Root {
		dir = path.Join(r.Home, userBinDir)
	}
	target := path.Join(dir, "lvsctl-"+sum)
	check := fmt.Sprintf(`f=%s; if [ -x "$f" ] && [ "$(sha256sum < "$f" | cut -d' ' -f1)" = %s ]; then echo present; else echo missing; fi`,
		shellQuote(target), sum)
	out, err := run(ctx, client, check, nil)
	if err != nil {
		return "", fmt.Errorf("look for lvsctl in %s: %w", dir, err)
	}
	if strings.TrimSpace(string(out)) != "present" {
		if err := upload(ctx, client, local, dir, target, sum); err != nil {
			return "", err
		}
	}
	if r.Root {
		return target, nil
	}
	// sudoers allows one fixed path: point it at this binary, atomically.
	fixed := path.Join(dir, "lvsctl")
	link := fmt.Sprintf(`set -e; d=%s; if [ ! "$d/lvsctl" -ef "$d/lvsctl-%s" ]; then t="$d/.lvsctl-link.$$"; ln -f "$d/lvsctl-%s" "$t"; mv -f "$t" "$d/lvsctl"; fi`,
		shellQuote(dir), sum, sum)
	if _, err := run(ctx, client, link, nil); err != nil {
		return "", fmt.Errorf("point %s at the new binary: %w", fixed, err)
	}
	return fixed, nil
}

func upload(ctx context.Context, client *gossh.Client, local, dir, target, sum string) error {
	f, err := os.Open(local)
	if err != nil {
		return fmt.Errorf("open the lvsctl binary to copy: %w", err)
	}
	defer f.Close()
	script := fmt.Sprintf(`set -e; umask 022; d=%s; mkdir -p "$d"; t=$(mktemp "$d/.lvsctl-upload.XXXXXX"); trap 'rm -f "$t"' EXIT
cat > "$t"
got=$(sha256sum < "$t" | cut -d' ' -f1)
if [ "$got" != %s ]; then echo "the copy's SHA-256 is $got, not %s: the upload was damaged" >&2; exit 1; fi
chmod 755 "$t"; mv -f "$t" %s; trap - EXIT`, shellQuote(dir), sum, sum, shellQuote(target))
	if _, err := run(ctx, client, script, f); err != nil {
		var ce *commandError
		if errors.As(err, &ce) && strings.Contains(ce.stderr, "ermission denied") {
			return fmt.Errorf("copy lvsctl to %s: %w: the login user cannot write there", target, err)
		}
		return fmt.Errorf("copy lvsctl to %s: %w", target, err)
	}
	return nil
}

// checkSudo makes sure the login user may run the agent as root without a
// password. sudo -n never asks: it fails at once, which is what we want
// from a tool that runs unattended.
func checkSudo(ctx context.Context, client *gossh.Client, r Remote, bin string) error {
	_, err := run(ctx, client, "sudo -n -l "+shellQuote(bin)+" agent", nil)
	if err == nil {
		return nil
	}
	why := err.Error()
	if exitStatus(err) == 127 {
		why = "sudo is not installed there"
	}
	return fmt.Errorf("user %s is not root and may not run `sudo -n %s agent` without a password (%s): allow exactly that command with the sudoers line\n"+
		"    %s ALL=(root) NOPASSWD: %s agent\n(e.g. in /etc/sudoers.d/lvsctl, edited with visudo), or log in as root",
		r.User, bin, why, r.User, bin)
}
