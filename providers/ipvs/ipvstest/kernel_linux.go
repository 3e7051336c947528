//go:build linux

package ipvstest

import (
	"errors"
	"fmt"
	"runtime"
	"testing"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/lvsctl/lvsctl/providers/ipvs"
	"golang.org/x/sys/unix"
)

// NewKernelClient opens the kernel's IPVS inside a fresh network namespace
// of the test's own, with its loopback up, and closes it when the test ends.
//
// IPVS keeps one table per network namespace, so the test sees an empty
// table and cannot disturb the machine's. The loopback matters: until a
// namespace has an IPv4 address it has no local routing table, and the
// kernel then refuses every IPv4 server as not unicast (EINVAL). Needs
// root (CAP_SYS_ADMIN and CAP_NET_ADMIN) and the ip_vs module loaded.
func NewKernelClient(t *testing.T) cfipvs.Client {
	t.Helper()
	type result struct {
		c   cfipvs.Client
		err error
	}
	done := make(chan result)
	go func() {
		// The thread enters the new namespace and is never unlocked, so
		// the runtime ends it with the goroutine instead of reusing a
		// thread in the wrong namespace. Sockets keep the namespace they
		// were opened in, whichever thread uses them later.
		runtime.LockOSThread()
		c, err := openInNewNetns()
		done <- result{c, err}
	}()
	r := <-done
	if r.err != nil {
		t.Fatalf("opening IPVS in a new network namespace: %v", r.err)
	}
	t.Cleanup(func() {
		if cl, ok := r.c.(interface{ Close() error }); ok {
			if err := cl.Close(); err != nil {
				t.Errorf("closing the IPVS client: %v", err)
			}
		}
	})
	return r.c
}

func openInNewNetns() (cfipvs.Client, error) {
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		return nil, fmt.Errorf("unshare(CLONE_NEWNET): %w (run as root)", err)
	}
	if err := loopbackUp(); err != nil {
		return nil, err
	}
	if err := globalLoopbackAddress(); err != nil {
		return nil, err
	}
	c, err := cfipvs.New()
	if err != nil {
		return nil, fmt.Errorf("%w (is the ip_vs module loaded? modprobe ip_vs)", err)
	}
	d, err := ipvs.DialDaemons()
	if err != nil {
		return nil, fmt.Errorf("sync daemons: %w", err)
	}
	w, err := ipvs.DialWriter()
	if err != nil {
		return nil, fmt.Errorf("batch writer: %w", err)
	}
	r, err := ipvs.DialReader()
	if err != nil {
		return nil, fmt.Errorf("reader: %w", err)
	}
	return &kernelClient{Client: c, DaemonConn: d, Writer: w, lean: r}, nil
}

// kernelClient is cloudflare's client with the sync daemons and the batch
// writer beside it.
type kernelClient struct {
	cfipvs.Client
	*ipvs.DaemonConn
	*ipvs.Writer
	lean *ipvs.Reader
}

// LeanReader is the provider's own reader of the table, beside
// cloudflare's.
func (k *kernelClient) LeanReader() *ipvs.Reader { return k.lean }

func (k *kernelClient) Close() error {
	err := errors.Join(k.DaemonConn.Close(), k.Writer.Close(), k.lean.Close())
	if c, ok := k.Client.(interface{ Close() error }); ok {
		err = errors.Join(err, c.Close())
	}
	return err
}

// globalLoopbackAddress gives lo 192.0.2.254 (as lo:0), an address of
// global scope for a sync daemon master to send from: 127.0.0.1 is of host
// scope, and the kernel will not send multicast from it.
func globalLoopbackAddress() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket for ioctl: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo:0")
	if err != nil {
		return err
	}
	if err := ifr.SetInet4Addr([]byte{192, 0, 2, 254}); err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFADDR, ifr); err != nil {
		return fmt.Errorf("adding 192.0.2.254 to lo: %w", err)
	}
	return nil
}

// loopbackUp sets lo up in the current namespace; the kernel then gives it
// 127.0.0.1/8 and ::1.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket for ioctl: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("reading the flags of lo: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("setting lo up: %w", err)
	}
	return nil
}
