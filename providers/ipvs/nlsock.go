package ipvs

import (
	"encoding/binary"
	"errors"
	"sync"
	"syscall"

	"github.com/mdlayher/genetlink"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// nlsock is a generic netlink socket on the IPVS family, read a message
// batch at a time into a buffer of its own, so that the answers of many
// requests (the acknowledgements of a batch, the parts of a dump) are
// matched to their requests by sequence number. mdlayher/netlink's Receive
// cannot: it returns the first error it meets without the message it came
// in, and peeks at every message before reading it.
type nlsock struct {
	mu     sync.Mutex
	c      *netlink.Conn
	family genetlink.Family
	buf    []byte
}

// recvBuf is the read buffer: the kernel makes dump messages of up to
// 32 KiB when the reader's buffer allows it.
const recvBuf = 64 << 10

func dialSock() (*nlsock, error) {
	c, err := netlink.Dial(unix.NETLINK_GENERIC, nil)
	if err != nil {
		return nil, err
	}
	f, err := genetlink.NewConn(c).GetFamily("IPVS")
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	return &nlsock{c: c, family: f, buf: make([]byte, recvBuf)}, nil
}

// recv reads what one recvmsg gives: the messages of one answer, parsed.
// Their data stays valid until the next recv.
func (s *nlsock) recv() ([]syscall.NetlinkMessage, error) {
	rc, err := s.c.SyscallConn()
	if err != nil {
		return nil, err
	}
	for {
		var (
			n    int
			rerr error
		)
		// The socket is non-blocking, under the runtime's poller: Read
		// waits for it to be readable while the function says so.
		err := rc.Read(func(fd uintptr) bool {
			n, _, rerr = unix.Recvfrom(int(fd), s.buf, 0)
			return rerr != unix.EAGAIN && rerr != unix.EWOULDBLOCK
		})
		if err == nil {
			err = rerr
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return syscall.ParseNetlinkMessage(s.buf[:n])
	}
}

// ackError is the error of an acknowledgement (struct nlmsgerr: a negative
// errno, or 0 for success), or of the end of a dump, as cloudflare/ipvs
// reports a kernel error.
func ackError(data []byte) error {
	if len(data) < 4 {
		return errors.New("short acknowledgement from the kernel")
	}
	if code := int32(binary.NativeEndian.Uint32(data[:4])); code != 0 {
		return &netlink.OpError{Op: "receive", Err: unix.Errno(-code)}
	}
	return nil
}
