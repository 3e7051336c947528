package sysctl_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/providers/sysctl"
	"github.com/lvsctl/lvsctl/providers/sysctl/sysctltest"
)

func TestPath(t *testing.T) {
	p := &sysctl.Provider{Root: "/r"}
	for _, tc := range []struct {
		name, want string
	}{
		{"net.ipv4.ip_forward", "/r/net/ipv4/ip_forward"},
		{"net.ipv4.conf.eth0/100.arp_ignore", "/r/net/ipv4/conf/eth0.100/arp_ignore"},
		{"net.ipv6.conf.all.forwarding", "/r/net/ipv6/conf/all/forwarding"},
	} {
		got, err := p.Path(tc.name)
		if err != nil || got != tc.want {
			t.Errorf("Path(%q) = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "/etc/passwd", "net..ipv4", ".net", "net.", "net./..", "net.//.x", "net.ipv4.conf./.arp_ignore"} {
		if got, err := p.Path(bad); err == nil {
			t.Errorf("Path(%q) = %q, want an error", bad, got)
		}
	}
	if got, _ := (&sysctl.Provider{}).Path("kernel.hostname"); got != "/proc/sys/kernel/hostname" {
		t.Errorf("default root: got %q", got)
	}
}

func TestGetSet(t *testing.T) {
	p := sysctltest.Tree(t, map[string]string{
		"net.ipv4.ip_forward":                 "0",
		"net.ipv4.conf.eth0/100.arp_announce": "0",
	})
	if v, err := p.Get("net.ipv4.ip_forward"); err != nil || v != "0" {
		t.Fatalf("Get = %q, %v; want 0", v, err)
	}
	if err := p.Set("net.ipv4.ip_forward", " 1 "); err != nil {
		t.Fatal(err)
	}
	if v, err := p.Get("net.ipv4.ip_forward"); err != nil || v != "1" {
		t.Fatalf("after Set: Get = %q, %v; want 1", v, err)
	}
	if err := p.Set("net.ipv4.conf.eth0/100.arp_announce", "2"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(p.Root, "net/ipv4/conf/eth0.100/arp_announce"))
	if err != nil || string(b) != "2\n" {
		t.Fatalf("file holds %q, %v; want \"2\\n\"", b, err)
	}
}

func TestMissing(t *testing.T) {
	p := sysctltest.Tree(t, nil)
	_, err := p.Get("net.ipv4.conf.tunl0.rp_filter")
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "does not exist on this kernel") {
		t.Errorf("Get of a missing sysctl: %v", err)
	}
	err = p.Set("net.ipv4.conf.tunl0.rp_filter", "0")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Set of a missing sysctl: %v", err)
	}
	// Set must not have created it.
	if _, err := p.Get("net.ipv4.conf.tunl0.rp_filter"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Set created the sysctl: %v", err)
	}
}

// FuzzPath checks that no name resolves outside the root.
func FuzzPath(f *testing.F) {
	for _, s := range []string{"net.ipv4.ip_forward", "net.ipv4.conf.eth0/100.arp_ignore", "..", "a./..", "a.//x", "/x"} {
		f.Add(s)
	}
	p := &sysctl.Provider{Root: "/root/of/sys"}
	f.Fuzz(func(t *testing.T, name string) {
		path, err := p.Path(name)
		if err != nil {
			return
		}
		rel, err := filepath.Rel(p.Root, path)
		if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
			t.Fatalf("Path(%q) = %q escapes or equals the root", name, path)
		}
	})
}
