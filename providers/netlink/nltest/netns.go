package nltest

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// RequireNetnsEnv, set to 1 (as CI does), makes the tests that need
// network namespaces fail instead of skipping when they cannot run.
const RequireNetnsEnv = "LVSCTL_REQUIRE_NETNS"

// Netns creates a network namespace for the test and deletes it when the
// test ends. It is named lvsctl-t-PID-TESTNAME, and holds lo (down, as
// `ip netns add` leaves it) and a veth pair eth0 / eth0p, both up, with IPv6
// duplicate address detection and link-local addresses off so that what
// the namespace holds does not change on its own while a test looks at it.
//
// Without root or the ip command the test is skipped, or fails when
// LVSCTL_REQUIRE_NETNS=1. Nothing outside the new namespace is touched.
func Netns(t testing.TB) string {
	t.Helper()
	need := func(format string, args ...any) { t.Helper(); Need(t, format, args...) }
	RequireNetns(t)
	name := "lvsctl-t-" + strconv.Itoa(os.Getpid()) + "-" + strings.NewReplacer("/", "-", " ", "_").Replace(t.Name())
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		need("cannot create network namespace %s: %v: %s", name, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("delete network namespace %s: %v: %s", name, err, out)
		}
	})
	for _, args := range [][]string{
		{"netns", "exec", name, "sh", "-c", "echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad"},
		{"-n", name, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0p"},
		{"-n", name, "link", "set", "eth0", "addrgenmode", "none", "up"},
		{"-n", name, "link", "set", "eth0p", "addrgenmode", "none", "up"},
	} {
		IP(t, args...)
	}
	return name
}

// Need skips the test for a missing prerequisite, or fails it when
// LVSCTL_REQUIRE_NETNS=1: in CI a missing prerequisite must not pass as green.
func Need(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(RequireNetnsEnv) == "1" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format+" (set "+RequireNetnsEnv+"=1 to fail instead)", args...)
}

// RequireNetns checks for what network namespace tests need: root and the
// ip command (see Need).
func RequireNetns(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		Need(t, "network namespace tests need root: sudo go test ./providers/... -run Netns")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		Need(t, "network namespace tests need the ip command (iproute2): %v", err)
	}
}

// IP runs the ip command and returns its output, failing the test on error.
func IP(t testing.TB, args ...string) []byte {
	t.Helper()
	out, err := exec.Command("ip", args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, stderr)
	}
	return out
}

// NetnsHandle returns a netlink handle into the named namespace, closed
// when the test ends. The calling thread stays in its own namespace.
func NetnsHandle(t testing.TB, name string) *netlink.Handle {
	t.Helper()
	ns, err := netns.GetFromName(name)
	if err != nil {
		t.Fatalf("open network namespace %s: %v", name, err)
	}
	defer ns.Close()
	// Only rtnetlink, as the provider's Open: with no families named, the library
	// also opens XFRM and netfilter sockets, which fail without xfrm_user.
	h, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	if err != nil {
		t.Fatalf("netlink handle in %s: %v", name, err)
	}
	t.Cleanup(h.Close)
	return h
}
