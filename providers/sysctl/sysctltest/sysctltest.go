// Package sysctltest builds fake /proc/sys trees for tests.
package sysctltest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lvsctl/lvsctl/providers/sysctl"
)

// Tree returns a provider over a fresh directory under t.TempDir() holding
// one file per sysctl in values, keyed by dotted name as sysctl(8) writes
// it (net.ipv4.conf.eth0/100.arp_ignore is net/ipv4/conf/eth0.100/arp_ignore).
// Each file holds its value and a newline, as /proc/sys shows it.
func Tree(t testing.TB, values map[string]string) *sysctl.Provider {
	t.Helper()
	p := &sysctl.Provider{Root: t.TempDir()}
	for name, value := range values {
		path, err := p.Path(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(value+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return p
}
