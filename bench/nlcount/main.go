// Command nlcount counts the IPVS requests that processes of this network
// namespace send to the kernel, as the kernel sees them: it reads a nlmon
// device (a tap on every netlink message of the namespace), so what it
// counts does not depend on what the program under test says it did.
//
//	ip link add nlmon0 type nlmon && ip link set nlmon0 up
//	nlcount nlmon0 > counts &    # prints "ready" on stderr once listening
//	... the program under test ...
//	kill -TERM $!                # nlcount prints its counts and exits
//
// Requests are told from the kernel's answers by NLM_F_REQUEST, which only
// a request carries. It prints one line, e.g. "writes=1 reads=3 set_dest=1 get_service=1 ...":
// writes are the requests that change the table (new, set, delete of
// services, servers, daemons; set config; zero; flush), reads the rest.
// Used by the VM benchmark (e2e/scenarios/bench-scale).
package main

import (
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/mdlayher/genetlink"
	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: nlcount NLMON-DEVICE (e.g. nlmon0, made with: ip link add nlmon0 type nlmon; ip link set nlmon0 up)")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "nlcount:", err)
		os.Exit(1)
	}
}

func run(dev string) error {
	family, err := ipvsFamily()
	if err != nil {
		return err
	}
	ifi, err := ifIndex(dev)
	if err != nil {
		return err
	}
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM, int(htons(unix.ETH_P_ALL)))
	if err != nil {
		return fmt.Errorf("open a packet socket (needs CAP_NET_RAW): %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifi}); err != nil {
		return fmt.Errorf("bind to %s: %w", dev, err)
	}
	// A big receive buffer: apply sends 100,000 requests in a few seconds.
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 64<<20)

	// One goroutine reads and counts; a signal asks it to finish what is
	// queued (sent before the signal) and stop.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	var stopping atomic.Bool
	go func() { <-sig; stopping.Store(true) }()
	c := newCounter(family)
	fmt.Fprintln(os.Stderr, "ready")
	if err := c.read(fd, &stopping); err != nil {
		return err
	}
	fmt.Println(c.String())
	if c.dropped > 0 {
		return fmt.Errorf("the socket dropped %d message(s): the counts are short", c.dropped)
	}
	return nil
}

// ipvsFamily returns the generic netlink family number of IPVS in this
// namespace's kernel.
func ipvsFamily() (uint16, error) {
	c, err := genetlink.Dial(nil)
	if err != nil {
		return 0, fmt.Errorf("dial generic netlink: %w", err)
	}
	defer c.Close()
	f, err := c.GetFamily("IPVS")
	if err != nil {
		return 0, fmt.Errorf("look up the IPVS netlink family (is ip_vs loaded?): %w", err)
	}
	return f.ID, nil
}

func ifIndex(dev string) (int, error) {
	b, err := os.ReadFile("/sys/class/net/" + dev + "/ifindex")
	if err != nil {
		return 0, fmt.Errorf("no device %s: make it with: ip link add %s type nlmon; ip link set %s up", dev, dev, dev)
	}
	var i int
	if _, err := fmt.Sscanf(string(b), "%d", &i); err != nil {
		return 0, fmt.Errorf("ifindex of %s: %w", dev, err)
	}
	return i, nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// read counts messages from fd until stopping is set and nothing is
// queued any more.
func (c *counter) read(fd int, stopping *atomic.Bool) error {
	buf := make([]byte, 1<<20)
	for {
		n, from, err := unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT)
		switch {
		case err == unix.EAGAIN || err == unix.EWOULDBLOCK:
			if stopping.Load() {
				// Drops since the socket opened (reading resets the count).
				if st, err := unix.GetsockoptTpacketStats(fd, unix.SOL_PACKET, unix.PACKET_STATISTICS); err == nil {
					c.dropped += int(st.Drops)
				}
				return nil
			}
			_, _ = unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, 100)
		case err == unix.EINTR:
		case err != nil:
			return fmt.Errorf("read: %w", err)
		default:
			c.packet(from, buf[:n])
		}
	}
}

func (c *counter) packet(from unix.Sockaddr, b []byte) {
	ll, ok := from.(*unix.SockaddrLinklayer)
	if !ok {
		return
	}
	// The tap sees both ways; its packet type says nothing of the
	// direction (every frame a packet socket reads off nlmon is
	// "outgoing"), so add tells requests by their header. The protocol is
	// the netlink one.
	if htons(ll.Protocol) != unix.NETLINK_GENERIC {
		return
	}
	c.add(b)
}
