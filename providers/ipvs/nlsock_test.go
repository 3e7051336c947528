package ipvs

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mdlayher/genetlink"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// TestDumpReadsWholeAnswers runs the reader's dump (sendDump, recvDump:
// two datagrams per system call) on a generic netlink family every kernel
// has, the controller, whose family dump spans datagrams and ends in
// NLMSG_DONE, and compares what it read with mdlayher/genetlink's list, a
// few times over one socket: nothing lost, nothing left for the next.
func TestDumpReadsWholeAnswers(t *testing.T) {
	r, want := ctrlReader(t)
	const ctrlCmdGetFamily, ctrlAttrFamilyName = 3, 2
	for i := range 3 {
		var got []string
		err := r.dump(t.Context(), ctrlCmdGetFamily, nil, func(ad *attrs) {
			if ad.typ == ctrlAttrFamilyName {
				got = append(got, ad.string())
			}
		})
		if err != nil {
			t.Fatalf("dump %d: %v", i, err)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("dump %d read families %v, want %v", i, got, want)
		}
	}
}

// ctrlReader is a Reader on the generic netlink controller, and the names
// of the families its dump lists.
func ctrlReader(t *testing.T) (*Reader, []string) {
	t.Helper()
	dial := func() *netlink.Conn {
		c, err := netlink.Dial(unix.NETLINK_GENERIC, nil)
		if err != nil {
			t.Skipf("no generic netlink here: %v", err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	gc := genetlink.NewConn(dial())
	f, err := gc.GetFamily("nlctrl")
	if err != nil {
		t.Fatal(err)
	}
	families, err := gc.ListFamilies()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, fam := range families {
		want = append(want, fam.Name)
	}
	slices.Sort(want)
	// A socket of its own: the kernel sizes a dump's parts by the
	// biggest read the socket has seen.
	return &Reader{s: newSock(dial(), f)}, want
}

const ctrlCmdGetFamily, ctrlAttrFamilyName = 3, 2

func dumpFamilies(ctx context.Context, r *Reader, each func()) ([]string, error) {
	var got []string
	err := r.dump(ctx, ctrlCmdGetFamily, nil, func(ad *attrs) {
		if ad.typ == ctrlAttrFamilyName {
			got = append(got, ad.string())
			each()
		}
	})
	slices.Sort(got)
	return got, err
}

// TestDumpAfterAbandoned: a dump left unfinished (an error or its
// context's end while it was read; here right after its request, as the
// controller's dump comes whole in the first read) does not break the next ones on the
// socket: unless the first is read out, the kernel refuses the next
// (EBUSY) while it runs, or the next reads its tail.
func TestDumpAfterAbandoned(t *testing.T) {
	r, want := ctrlReader(t)
	t.Run("with its end lost", func(t *testing.T) {
		// As dump leaves one whose end came in a part that did not parse.
		r.s.pending = 1 << 30
		checkDumps(t, r, want)
	})
	t.Run("right after the request", func(t *testing.T) {
		// As dump leaves one whose first read fails.
		seq, err := r.s.sendDump(ctrlCmdGetFamily, nil)
		if err != nil {
			t.Fatal(err)
		}
		r.s.pending = seq
		checkDumps(t, r, want)
	})
}

func checkDumps(t *testing.T, r *Reader, want []string) {
	t.Helper()
	for i := range 2 {
		got, err := dumpFamilies(t.Context(), r, func() {})
		if err != nil {
			t.Fatalf("dump %d after the abandoned one: %v", i, err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("dump %d after the abandoned one read families %v, want %v", i, got, want)
		}
	}
	if r.s.pending != 0 {
		t.Fatalf("dump %d still pending", r.s.pending)
	}
}

// TestDumpNoAnswer: a read the kernel never answers (here: no request
// sent) ends after the socket's wait, with an error that says what to do,
// or when its context ends; the socket stays usable.
func TestDumpNoAnswer(t *testing.T) {
	r, want := ctrlReader(t)
	read := func(ctx context.Context) error {
		stop, err := r.s.watch(ctx)
		defer stop()
		if err != nil {
			return err
		}
		_, err = r.s.recvDump(true)
		return r.s.readError(ctx, err)
	}
	r.s.wait = 50 * time.Millisecond
	err := read(t.Context())
	var na *errNoAnswer
	if !errors.As(err, &na) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("got %v, want the no-answer error", err)
	}
	if !strings.Contains(err.Error(), "did not answer in 50ms") || !strings.Contains(err.Error(), "run again") {
		t.Errorf("message %q does not say what happened and what to do", err)
	}
	r.s.wait = time.Hour
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	if err := read(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("read with its context ended: %v", err)
	}
	got, err := dumpFamilies(t.Context(), r, func() {})
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("dump after the timeouts: %v, %v", got, err)
	}
}

// BenchmarkDumpFamilies is the reader's dump over a real socket (the
// controller's family list): its allocations are the socket's part of a
// table's read.
func BenchmarkDumpFamilies(b *testing.B) {
	c, err := netlink.Dial(unix.NETLINK_GENERIC, nil)
	if err != nil {
		b.Skip(err)
	}
	defer c.Close()
	f, err := genetlink.NewConn(c).GetFamily("nlctrl")
	if err != nil {
		b.Fatal(err)
	}
	r := &Reader{s: newSock(c, f)}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.dump(context.Background(), ctrlCmdGetFamily, nil, func(*attrs) {}); err != nil {
			b.Fatal(err)
		}
	}
}
