package local

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"slices"
	"syscall"
	"time"

	"github.com/lvsctl/lvsctl/engine/state"
)

// recordCache is the host's own record file as this run last read or
// wrote it, kept while the run holds the host's lock: an apply reads the
// record in each phase (plan, apply, verify, membership, boot state), and
// decoding it each time was a fixed cost of every apply. Every lvsctl run
// that writes the record takes the lock first, so while it is held only
// this run writes it; the file's stamp (size, times, inode: every write
// lvsctl makes is a rename, a new inode) is still checked at each use, so a
// file changed by anything else is read again, and a damaged one refuses
// as it always did. A stamp taken within racyWindow of the file's last
// change does not tell a later change apart (a file's times have the
// filesystem's granularity: a tick of the kernel's coarse clock, or a
// second), so with such a stamp the file's bytes are kept and compared.
type recordCache struct {
	file  *recordFile // as decoded from the file; never handed out
	stamp string
	data  []byte // the file's bytes, if the stamp is racy
}

// racyWindow is more than any filesystem's time granularity (1 s at most
// on the filesystems a director's /var/lib is on; FAT's 2 s aside).
const racyWindow = 2 * time.Second

// statFile is syscall.Stat; tests give it a coarser clock.
var statFile = syscall.Stat

// recordStamp is stamp for the record file, and whether the file changed
// so recently that a change to come could leave the stamp as it is.
func recordStamp(p string) (st string, racy, ok bool) {
	var fi syscall.Stat_t
	if err := statFile(p, &fi); err != nil {
		return "", false, false
	}
	last := fi.Ctim
	if before(last, fi.Mtim) {
		last = fi.Mtim
	}
	racy = time.Since(time.Unix(last.Sec, last.Nsec)) < racyWindow
	return stampOf(&fi), racy, true
}

// loadRecord reads the host's own record file, from the cache when the
// file is the one cached. The caller may change what it gets.
func (l *Host) loadRecord() (*recordFile, error) {
	if l.lock == nil {
		l.cache = nil
		return loadRecordFile(l.recordPath)
	}
	// The stamp is taken before the read: a file replaced in between has
	// another stamp at the next use, and is read again then.
	st, racy, stamped := recordStamp(l.recordPath)
	if c := l.cache; c != nil && stamped && c.stamp == st {
		if c.data == nil {
			return cloneRecordFile(c.file), nil
		}
		if b, err := os.ReadFile(l.recordPath); err == nil && bytes.Equal(b, c.data) {
			return cloneRecordFile(c.file), nil
		}
	}
	l.cache = nil
	f, data, err := readRecordFile(l.recordPath)
	if err != nil || f == nil || !stamped {
		return f, err
	}
	l.cache = &recordCache{file: cloneRecordFile(f), stamp: st}
	if racy {
		l.cache.data = data
	}
	return f, nil
}

// cacheWritten keeps in the cache the record file just written as data:
// decoded from those bytes, so it is what the next read of the file would
// give, not the value in memory it was encoded from.
func (l *Host) cacheWritten(data []byte) {
	l.cache = nil
	if l.lock == nil {
		return
	}
	st, racy, ok := recordStamp(l.recordPath)
	if !ok {
		return
	}
	var f recordFile
	if err := json.Unmarshal(data, &f); err != nil {
		return
	}
	l.cache = &recordCache{file: &f, stamp: st}
	if racy {
		l.cache.data = data
	}
}

// cloneRecordFile copies f deeply: nothing the copy's user changes reaches
// f.
func cloneRecordFile(f *recordFile) *recordFile {
	if f == nil {
		return nil
	}
	c := &recordFile{Record: *deepCloneRecord(&f.Record)}
	if in := f.Intents; in != nil {
		c.Intents = &Intents{Create: deepCloneRecord(in.Create)}
		if r := in.Remove; r != nil {
			c.Intents.Remove = &Removals{Services: slices.Clone(r.Services), Addresses: slices.Clone(r.Addresses), Routes: slices.Clone(r.Routes)}
		}
	}
	return c
}

// deepCloneRecord is cloneRecord down to the last slice and pointer, for
// a copy that outlives the call (the cache).
func deepCloneRecord(r *state.Record) *state.Record {
	c := cloneRecord(r)
	if c == nil {
		return nil
	}
	c.SyncDaemons = slices.Clone(r.SyncDaemons)
	if r.ServiceOriginals != nil {
		c.ServiceOriginals = make(map[string]state.Service, len(r.ServiceOriginals))
		for k, s := range r.ServiceOriginals {
			s.Flags = slices.Clone(s.Flags)
			s.Servers = slices.Clone(s.Servers)
			if s.DrainTimeout != nil {
				d := *s.DrainTimeout
				s.DrainTimeout = &d
			}
			c.ServiceOriginals[k] = s
		}
	}
	if r.Peers != nil {
		c.Peers = maps.Clone(r.Peers)
		for k, p := range c.Peers {
			if p.Connection.SSH != nil {
				ssh := *p.Connection.SSH
				p.Connection.SSH = &ssh
				c.Peers[k] = p
			}
		}
	}
	return c
}
