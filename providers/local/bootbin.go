package local

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/lvsctl/lvsctl/internal/atomicfile"
)

// installBinary copies the lvsctl binary src to the fixed path dst the
// boot unit runs, unless dst already has the same content. Comparing the
// contents reads both binaries (20 MB or more each) and hashing them is
// the slowest part of an apply that changes little; so, as git's index
// does, a stamp beside dst (dst + ".ok") keeps both files' size, times
// and inode from when they last matched, and while neither was touched
// since, they are not read again. Any write to a file changes its ctime,
// which no one can set back.
func installBinary(src, dst string) error {
	if src == "" {
		self, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find this lvsctl binary: %w", err)
		}
		src = self
	}
	if filepath.Clean(src) == filepath.Clean(dst) {
		return nil
	}
	stampPath := dst + ".ok"
	if stamped(src, dst, stampPath) {
		return nil
	}
	// The source as it was before it was read: the stamp is written only if
	// it is still so afterwards, so a binary replaced while it was compared
	// or copied is compared again next time, never taken as kept.
	srcBefore, srcOK := stamp(src)
	same, err := sameContent(src, dst)
	if err != nil {
		return err
	}
	if !same {
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := atomicfile.Write(dst, data, 0o755); err != nil {
			return err
		}
	}
	// A stamp that cannot be written only costs the next run a comparison.
	if srcAfter, ok := stamp(src); !ok || !srcOK || srcAfter != srcBefore {
		return nil
	}
	if st, ok := stamps(src, dst); ok {
		writeStamp(stampPath, st, src, dst)
	}
	return nil
}

// stampWait bounds how long writeStamp waits for the clock to move.
const stampWait = 100 * time.Millisecond

// writeStamp writes the stamp st of files a and b at path, and writes it
// again until its own time is past both files' change times. A stamp
// written in the clock tick a file last changed in (file times move by
// the kernel's coarse clock, a few ms: a copy and its stamp often share a
// tick) is racy, and stamped ignores it: the apply after every install
// then compared both binaries again, 3 s of hashing in the test VM. The
// stamp is rewritten only while it still matches the files, so it never
// vouches for a file changed since it was taken.
func writeStamp(path, st, a, b string) {
	deadline := time.Now().Add(stampWait)
	for {
		if os.WriteFile(path, []byte(st), 0o644) != nil || stamped(a, b, path) || time.Now().After(deadline) {
			return
		}
		time.Sleep(time.Millisecond)
		if now, ok := stamps(a, b); !ok || now != st {
			return // changed meanwhile: stamped sees it, the next run compares
		}
	}
}

// removeBinary removes the boot unit's binary and its stamp.
func removeBinary(path string) error {
	_ = os.Remove(path + ".ok")
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return nil
}

// stamped reports whether the stamp at stampPath says a and b matched and
// neither changed since. A file changed in the clock tick the stamp was
// written in keeps the times the stamp has, so a file whose change time
// is not older than the stamp's own is compared again (git's "racy" rule).
func stamped(a, b, stampPath string) bool {
	var st syscall.Stat_t
	if err := syscall.Stat(stampPath, &st); err != nil {
		return false
	}
	written := st.Mtim
	now, ok := stamps(a, b)
	if !ok {
		return false
	}
	for _, p := range []string{a, b} {
		var fst syscall.Stat_t
		if err := syscall.Stat(p, &fst); err != nil || !before(fst.Ctim, written) {
			return false
		}
	}
	old, err := os.ReadFile(stampPath)
	return err == nil && string(old) == now
}

func before(a, b syscall.Timespec) bool {
	return a.Sec < b.Sec || a.Sec == b.Sec && a.Nsec < b.Nsec
}

// stamps is the stamp of files a and b: each one's size, modification and
// change times, device and inode.
func stamps(a, b string) (string, bool) {
	sa, ok := stamp(a)
	if !ok {
		return "", false
	}
	sb, ok := stamp(b)
	return sa + sb, ok
}

// stamp is the stamp of one file.
func stamp(p string) (string, bool) {
	var st syscall.Stat_t
	if err := syscall.Stat(p, &st); err != nil {
		return "", false
	}
	return stampOf(&st), true
}

func stampOf(st *syscall.Stat_t) string {
	return fmt.Sprintf("%d %d.%09d %d.%09d %d %d\n", st.Size, st.Mtim.Sec, st.Mtim.Nsec, st.Ctim.Sec, st.Ctim.Nsec, st.Dev, st.Ino)
}

func sameContent(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil || sa.Size() != sb.Size() {
		return false, nil
	}
	ha, err := fileSum(a)
	if err != nil {
		return false, err
	}
	hb, err := fileSum(b)
	if err != nil {
		return false, nil
	}
	return bytes.Equal(ha, hb), nil
}

// binarySums counts the files fileSum read, for tests.
var binarySums atomic.Int64

func fileSum(path string) ([]byte, error) {
	binarySums.Add(1)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}
