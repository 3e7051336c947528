package ipvs

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"

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
	// seq numbers the requests sendDump sends; req is their buffer.
	seq uint32
	req []byte
	// buf2 takes the second datagram of recvDump.
	buf2 []byte
	// pending is the sequence number of a dump left before its end (an
	// error or a cancel while reading), 0 if none: the kernel refuses
	// another dump on the socket (EBUSY) until that one is read out.
	pending uint32
	// wait bounds each dump (and the reading out of a pending one): a
	// kernel, or a namespace, that never answers must not block a plan
	// for ever. dlmu and gen keep a late cancel of one dump from setting
	// the deadline of the next.
	wait time.Duration
	dlmu sync.Mutex
	gen  uint64
}

// dumpWait is nlsock.wait: far above any answer of a working kernel (a
// dump's parts come in milliseconds, even in a VM under emulation).
const dumpWait = 30 * time.Second

// errNoAnswer is a dump the kernel did not answer within the wait.
type errNoAnswer struct {
	wait time.Duration
	err  error
}

func (e *errNoAnswer) Error() string {
	return fmt.Sprintf("the kernel's IPVS (generic netlink) did not answer in %s: its network namespace or kernel is stuck or overloaded; check it (`ipvsadm -Ln` there) and run again", e.wait)
}

func (e *errNoAnswer) Unwrap() error { return e.err }

// watch bounds the reads of the dump about to start: by the wait, and by
// ctx. The returned stop must be called when the dump ends.
func (s *nlsock) watch(ctx context.Context) (stop func() bool, err error) {
	s.dlmu.Lock()
	s.gen++
	gen := s.gen
	err = s.c.SetReadDeadline(time.Now().Add(s.wait))
	s.dlmu.Unlock()
	if err != nil || ctx.Done() == nil {
		return func() bool { return true }, err
	}
	return context.AfterFunc(ctx, func() {
		s.dlmu.Lock()
		defer s.dlmu.Unlock()
		if s.gen == gen {
			_ = s.c.SetReadDeadline(time.Unix(1, 0))
		}
	}), nil
}

// readError is the error of a read of a dump that ended in err: ctx's
// end, the wait, or err itself.
func (s *nlsock) readError(ctx context.Context, err error) error {
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return &errNoAnswer{wait: s.wait, err: err}
}

// finish reads out the pending dump, if any, to its end. It does not wait:
// the kernel queues a dump's next part as the last one is read, so an
// empty queue is a dump over (its end read, or lost in a part that did
// not parse).
func (s *nlsock) finish(ctx context.Context) error {
	for s.pending != 0 {
		msgs, err := s.recvDump(false)
		if errors.Is(err, unix.EAGAIN) {
			s.pending = 0
			break
		}
		if err != nil {
			return fmt.Errorf("reading out an earlier dump left unfinished: %w", s.readError(ctx, err))
		}
		for _, m := range msgs {
			if m.Header.Seq == s.pending && (m.Header.Type == unix.NLMSG_DONE || m.Header.Type == unix.NLMSG_ERROR) {
				s.pending = 0
			}
		}
	}
	return nil
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
	return newSock(c, f), nil
}

func newSock(c *netlink.Conn, f genetlink.Family) *nlsock {
	return &nlsock{c: c, family: f, buf: make([]byte, recvBuf), wait: dumpWait}
}

// genlHeaderLen is struct genlmsghdr: command, version, reserved u16.
const genlHeaderLen = 4

var errShortGenl = errors.New("generic netlink message is invalid or too short")

// sendDump sends one dump request of cmd with attributes data (aligned)
// and returns its sequence number. It writes the message itself, in one
// system call: mdlayher/netlink's Send (copies, checks, a trip through the
// runtime's poller with its locks) cost a quarter of an agent's read of a
// big table, one request per service. The answers carry our socket's port
// (the kernel addresses them by the socket, not by the header's pid).
func (s *nlsock) sendDump(cmd uint8, data []byte) (uint32, error) {
	s.seq++
	n := unix.NLMSG_HDRLEN + genlHeaderLen + len(data)
	b := append(s.req[:0], make([]byte, unix.NLMSG_HDRLEN+genlHeaderLen)...)
	binary.NativeEndian.PutUint32(b[0:], uint32(n))
	binary.NativeEndian.PutUint16(b[4:], s.family.ID)
	binary.NativeEndian.PutUint16(b[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	binary.NativeEndian.PutUint32(b[8:], s.seq)
	// b[12:16], the pid, stays 0: the kernel's answers go to our socket.
	b[16], b[17] = cmd, s.family.Version
	b = append(b, data...)
	s.req = b
	rc, err := s.c.SyscallConn()
	if err != nil {
		return 0, err
	}
	var serr error
	err = rc.Write(func(fd uintptr) bool {
		serr = unix.Sendto(int(fd), b, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
		return serr != unix.EAGAIN && serr != unix.EWOULDBLOCK && serr != unix.EINTR
	})
	if err == nil {
		err = serr
	}
	if err != nil {
		return 0, &netlink.OpError{Op: "send", Err: err}
	}
	return s.seq, nil
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

// recvDump reads the datagrams there are, up to two, in one recvmmsg: a
// dump's answer comes as its data and then its end (NLMSG_DONE), which the
// kernel queues while the data is read, so one system call takes both
// where recv needs two, one per service of a big table. The messages stay
// valid until the next recv or recvDump. Without wait, an empty queue is
// EAGAIN.
func (s *nlsock) recvDump(wait bool) ([]syscall.NetlinkMessage, error) {
	if s.buf2 == nil {
		s.buf2 = make([]byte, recvBuf)
	}
	rc, err := s.c.SyscallConn()
	if err != nil {
		return nil, err
	}
	var (
		iov  [2]unix.Iovec
		hdrs [2]unix.Mmsghdr
	)
	for i, b := range [][]byte{s.buf, s.buf2} {
		iov[i].Base = &b[0]
		iov[i].SetLen(len(b))
		hdrs[i].Hdr.Iov = &iov[i]
		hdrs[i].Hdr.SetIovlen(1)
	}
	for {
		var (
			n    uintptr
			rerr error
		)
		// Non-blocking under the runtime's poller, as recv; with
		// MSG_WAITFORONE the call returns once it has one datagram and
		// no other is waiting.
		err := rc.Read(func(fd uintptr) bool {
			var errno unix.Errno
			n, _, errno = unix.Syscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&hdrs[0])), 2, unix.MSG_WAITFORONE, 0, 0)
			rerr = nil
			if errno != 0 {
				rerr = errno
			}
			return !wait || rerr != unix.EAGAIN && rerr != unix.EWOULDBLOCK
		})
		runtime.KeepAlive(&iov)
		if err == nil {
			err = rerr
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, err
		}
		msgs, err := syscall.ParseNetlinkMessage(s.buf[:hdrs[0].Len])
		if err != nil || n < 2 {
			return msgs, err
		}
		more, err := syscall.ParseNetlinkMessage(s.buf2[:hdrs[1].Len])
		return append(msgs, more...), err
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
