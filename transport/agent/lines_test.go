package agent

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestParseProgress: what progressLine writes, parseProgress reads back;
// anything else, even JSON saying the same, is left to encoding/json.
func TestParseProgress(t *testing.T) {
	for _, c := range []struct {
		id uint64
		op string
		n  int
	}{{1, "", 0}, {7, "", 16}, {1<<64 - 1, "", 1<<31 - 1}, {3, opAck, 32}, {0, opAck, 1}} {
		line := progressLine(nil, c.id, c.op, c.n)
		for _, l := range [][]byte{line, line[:len(line)-1]} {
			id, n, ok := parseProgress(l, c.op)
			if !ok || id != c.id || n != c.n {
				t.Errorf("parseProgress(%q, %q) = %d, %d, %v; want %d, %d", l, c.op, id, n, ok, c.id, c.n)
			}
		}
	}
	for _, bad := range []struct{ line, op string }{
		{`{"id":1,"progress":2,"error":{"message":"x"}}`, ""},
		{`{"id":1,"progress":2}`, opAck},
		{`{"id":1,"op":"ack","progress":2}`, ""},
		{`{"id":1,"op":"apply","progress":2}`, opAck},
		{`{"id":01,"progress":2}`, ""},
		{`{"id":1,"progress":-2}`, ""},
		{`{"id":1,"progress":2147483648}`, ""},
		{`{"id":18446744073709551616,"progress":2}`, ""},
		{`{"id":1, "progress":2}`, ""},
		{`{"id":1,"progress":2}` + "\n\n", ""},
		{`{"id":1,"progress":2} `, ""},
		{`{"id":,"progress":2}`, ""},
		{`{"id":1,"progress":}`, ""},
		{`{"id":1,"progress":2`, ""},
		{``, ""},
	} {
		if id, n, ok := parseProgress([]byte(bad.line), bad.op); ok {
			t.Errorf("parseProgress(%q, %q) = %d, %d; want it left to JSON", bad.line, bad.op, id, n)
		}
	}
}

// FuzzParseProgress: a line parseProgress takes says, read as JSON, the
// same id, op and progress, and nothing else.
func FuzzParseProgress(f *testing.F) {
	f.Add([]byte(`{"id":2,"op":"ack","progress":16}`), true)
	f.Add([]byte(`{"id":2,"progress":16}`+"\n"), false)
	f.Add([]byte(`{"id":2,"progress":16,"made":3}`), false)
	f.Fuzz(func(t *testing.T, line []byte, ack bool) {
		op := ""
		if ack {
			op = opAck
		}
		id, n, ok := parseProgress(line, op)
		if !ok {
			return
		}
		var req request
		if err := json.Unmarshal(line, &req); err != nil {
			t.Fatalf("%q: taken by hand, refused as JSON: %v", line, err)
		}
		if want := (request{ID: id, Op: op, Progress: n}); req.ID != want.ID || req.Op != want.Op || req.Progress != want.Progress {
			t.Fatalf("%q: by hand %+v, as JSON %+v", line, want, req)
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(line, &raw); err != nil || len(raw) != 2+len(op)/len(opAck) {
			t.Fatalf("%q: taken by hand, but says more than id, op and progress: %v", line, raw)
		}
	})
}

// TestLineReader: lines come trimmed, blank ones skipped, one as long as a
// big apply's in one piece; a last line without its newline is a stream
// cut short, not a request.
func TestLineReader(t *testing.T) {
	long := `{"id":2,"compact":"` + strings.Repeat("A", 300<<10) + `"}`
	lr := newLineReader(strings.NewReader("{\"id\":1}\n\n  \r\n" + long + "\r\n{\"id\":3}\n{\"id\":4"))
	for _, want := range []string{`{"id":1}`, long, `{"id":3}`} {
		got, err := lr.next()
		if err != nil || string(got) != want {
			t.Fatalf("line %.20q..., %v; want %.20q...", got, err, want)
		}
	}
	if got, err := lr.next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a last line without its newline: %q, %v; want io.ErrUnexpectedEOF", got, err)
	}
	if _, err := newLineReader(strings.NewReader("\n \n")).next(); err != io.EOF {
		t.Errorf("blank lines, then the end: %v; want io.EOF", err)
	}
}
