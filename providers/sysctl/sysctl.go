// Package sysctl reads and writes kernel parameters through /proc/sys.
//
// Names are in the dotted form sysctl(8) uses. An interface name that
// contains dots (a VLAN such as eth0.100) is written with '/' in place of
// its dots, as sysctl(8) does: net.ipv4.conf.eth0/100.arp_ignore is the file
// /proc/sys/net/ipv4/conf/eth0.100/arp_ignore.
package sysctl

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DefaultRoot is where the kernel exposes its parameters.
const DefaultRoot = "/proc/sys"

// Provider reads and writes sysctls below Root. Tests point Root at a
// directory tree of their own; the code path is the same as for /proc/sys.
type Provider struct {
	// Root is the directory the dotted names are resolved under; empty means DefaultRoot.
	Root string
}

// Get returns the value of the named sysctl with surrounding white space
// trimmed. A missing sysctl is an error that matches fs.ErrNotExist.
func (p *Provider) Get(name string) (string, error) {
	path, err := p.Path(name)
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", explain(name, "read", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// Set writes value to the named sysctl. The kernel parses the value; an
// invalid one comes back as an error from the write.
func (p *Provider) Set(name, value string) error {
	path, err := p.Path(name)
	if err != nil {
		return err
	}
	// O_WRONLY without O_CREATE: a sysctl that does not exist must not be
	// created as a plain file (which would only happen outside /proc).
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return explain(name, "write", err)
	}
	_, werr := f.WriteString(strings.TrimSpace(value) + "\n")
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return fmt.Errorf("sysctl %s: write %q: %w", name, value, err)
	}
	return nil
}

// Path returns the file behind a dotted sysctl name. It rejects names that
// would escape Root.
func (p *Provider) Path(name string) (string, error) {
	if name == "" {
		return "", errors.New("sysctl: empty name")
	}
	if strings.HasPrefix(name, "/") {
		return "", fmt.Errorf("sysctl %q: a path, not a dotted name like net.ipv4.ip_forward", name)
	}
	parts := strings.Split(name, ".")
	for i, part := range parts {
		if part == "" {
			return "", fmt.Errorf("sysctl %q: empty component: not a dotted name like net.ipv4.ip_forward", name)
		}
		// '/' stands for a dot inside one component (eth0/100 is eth0.100).
		part = strings.ReplaceAll(part, "/", ".")
		if strings.HasPrefix(part, ".") {
			return "", fmt.Errorf("sysctl %q: component %q would leave %s", name, part, p.root())
		}
		parts[i] = part
	}
	return filepath.Join(append([]string{p.root()}, parts...)...), nil
}

func (p *Provider) root() string {
	if p.Root == "" {
		return DefaultRoot
	}
	return p.Root
}

// explain wraps a file error with what it means for a sysctl.
func explain(name, op string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sysctl %s does not exist on this kernel (is the interface or module it belongs to missing?): %w", name, err)
	}
	return fmt.Errorf("sysctl %s: %s: %w", name, op, err)
}
