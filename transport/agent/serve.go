package agent

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/internal/servicecodec"
	"github.com/lvsctl/lvsctl/internal/version"
)

// Opener opens the host an agent serves, as its client's setup asks: which
// cluster's record, whether to hold the host's lock (LocalHosts is the
// real one).
type Opener interface {
	// Open opens the host once per session, before its first read or
	// apply. ctx ends when the client goes away (a wait for the lock
	// included).
	Open(ctx context.Context, s Setup) (cluster.Host, error)
	// LockState says whether the host's lock is held and by whom, without
	// taking it.
	LockState() (LockState, error)
}

// eachHost is a host that tells of each change it makes during an apply
// (providers/local.Host), so the agent can stream progress.
type eachHost interface {
	ApplyEach(ctx context.Context, changes []plan.Change, done func(n int)) ([]plan.Result, error)
}

// Serve answers agent requests read from r with responses written to w,
// calling h, which it does not close; a setup may not ask for a cluster
// or the lock (ServeHosts serves those). See ServeHosts.
func Serve(ctx context.Context, r io.Reader, w io.Writer, h cluster.Host) error {
	return ServeHosts(ctx, r, w, fixedHost{h})
}

// ServeHosts answers agent requests read from r with responses written to
// w, until the client sends close or r reaches its end. The host is opened
// by o at the client's setup (or its first read or apply) and closed at the
// end, which releases its lock. Errors of the host go back to the client;
// ServeHosts itself fails only when the stream breaks or the client speaks
// another protocol.
//
// The next request is read while one is served, so a client that goes
// away (its end of r closed: the CLI killed, the SSH session gone) is
// noticed during a long apply or a wait for the lock: the apply stops at
// its next change boundary and commits what it did, as when ctx is
// cancelled; the answer is still written, for a client that only closed
// its side.
func ServeHosts(ctx context.Context, r io.Reader, w io.Writer, o Opener) error {
	s := &server{open: o, w: w, enc: json.NewEncoder(w), acks: newAcks()}
	s.enc.SetEscapeHTML(false) // as the client: "A -> B" as it is
	defer s.close()
	lines, gone := readRequests(ctx, r, s.acks)
	for {
		var in requestLine
		select {
		case in = <-lines:
		case <-ctx.Done():
			return ctx.Err()
		}
		if in.err != nil {
			if errors.Is(in.err, io.EOF) {
				return nil
			}
			return fmt.Errorf("agent: read request: %w", in.err)
		}
		opCtx, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-gone:
				cancel()
			case <-opCtx.Done():
			}
		}()
		resp, done, err := s.serveRaw(opCtx, in.raw)
		cancel()
		if werr := s.enc.Encode(resp); werr != nil {
			select {
			case <-gone:
				return errClientGone
			default:
			}
			return fmt.Errorf("agent: write response: %w", werr)
		}
		if err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

// server is one session's state.
type server struct {
	open Opener
	// w is where enc writes; progress lines are written there directly.
	w io.Writer
	// line is the buffer of progress lines.
	line    []byte
	enc     *json.Encoder
	acks    *acks
	greeted bool
	// host is open once the setup (or the first read or apply) opened it.
	host cluster.Host
	// setUp is set once the host was opened or failed to open: a session
	// has one setup.
	setUp bool
}

func (s *server) close() {
	if _, fixed := s.open.(fixedHost); !fixed && s.host != nil {
		_ = s.host.Close()
	}
}

// errClientGone ends a session whose client went away during a request.
var errClientGone = errors.New("agent: the client went away; what was done is recorded on the host")

// requestLine is one request read, or why none could be.
type requestLine struct {
	raw json.RawMessage
	err error
}

// readRequests reads request lines ahead, one at a time, until r ends;
// gone is closed when it does, whoever is waiting for a line. Acks are
// taken here, not queued: the apply they pace is what the session waits
// on.
func readRequests(ctx context.Context, r io.Reader, a *acks) (<-chan requestLine, <-chan struct{}) {
	lines := make(chan requestLine)
	gone := make(chan struct{})
	go func() {
		lr := newLineReader(r)
		for {
			raw, err := lr.next()
			if err != nil {
				close(gone)
			} else if a.take(raw) {
				continue
			}
			select {
			case lines <- requestLine{raw: raw, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return lines, gone
}

// lineReader reads the protocol's lines, one JSON value each: the end of
// a line is found by a byte search, so a request is only validated and
// decoded by json.Unmarshal, not also scanned by a json.Decoder to find
// its end and copied into a json.RawMessage first. An apply request of
// 11,000 changes is a line of 1.5 MB; on the agent's side those extra
// passes were about a tenth of its CPU in the VM (on the client's side,
// which decodes straight into its response, natively no difference).
type lineReader struct{ r *bufio.Reader }

func newLineReader(r io.Reader) lineReader { return lineReader{bufio.NewReaderSize(r, 64<<10)} }

// next returns the next line that is not blank, trimmed; its bytes are
// the caller's. A line without its newline at the end of the input is cut
// short (io.ErrUnexpectedEOF), as a peer that died while writing leaves it.
func (l lineReader) next() ([]byte, error) {
	for {
		line, err := l.r.ReadBytes('\n')
		if err != nil {
			if err == io.EOF && len(bytes.TrimSpace(line)) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			return line, nil
		}
	}
}

// serveRaw answers one request line. A line that is JSON but not a valid
// request (an unknown action, say) is answered with an error and the
// session goes on; a line that is not JSON ends it, as a broken stream.
func (s *server) serveRaw(ctx context.Context, raw json.RawMessage) (response, bool, error) {
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return response{Error: errorToWire(fmt.Errorf("agent: read request: %w", err))}, true, fmt.Errorf("agent: read request: %w", err)
		}
		err = fmt.Errorf("agent: bad %s request: %w: use the same lvsctl version on both sides", req.Op, err)
		return response{ID: req.ID, Error: errorToWire(err)}, false, nil
	}
	resp, done, err := s.serveOne(ctx, req)
	s.greeted = s.greeted || (err == nil && resp.Hello != nil)
	return resp, done, err
}

// serveOne answers one request. It returns whether the session is over and
// an error that ends it (after the response has told the client why).
func (s *server) serveOne(ctx context.Context, req request) (resp response, done bool, err error) {
	resp.ID = req.ID
	fail := func(err error) (response, bool, error) {
		resp.Error = errorToWire(err)
		return resp, true, err
	}
	if !s.greeted && req.Op != opHello {
		return fail(fmt.Errorf("agent: the first request must be %s, got %q", opHello, req.Op))
	}
	switch req.Op {
	case opHello:
		resp.Hello = &hello{Protocol: ProtocolVersion, Version: version.String()}
		if req.Hello == nil || req.Hello.Protocol != ProtocolVersion {
			got := 0
			if req.Hello != nil {
				got = req.Hello.Protocol
			}
			return fail(fmt.Errorf("agent speaks protocol %d, the client %d: use the same lvsctl version on both sides", ProtocolVersion, got))
		}
	case opSetup:
		if s.setUp {
			return fail(errors.New("agent: setup must come once, before any read or apply"))
		}
		var set Setup
		if req.Setup != nil {
			set = *req.Setup
		}
		// A setup that fails (the host locked by another run) ends the
		// session: nothing may be read or changed without what it asked.
		if err := s.openHost(ctx, set); err != nil {
			return fail(err)
		}
	case opLock:
		st, err := s.open.LockState()
		if err != nil {
			resp.Error = errorToWire(err)
		} else {
			resp.Lock = &st
		}
	case opRead:
		var rr cluster.ReadRequest
		if req.Read != nil {
			rr = *req.Read
		}
		if err := s.openHost(ctx, Setup{}); err != nil {
			return fail(err)
		}
		st, err := s.host.Read(ctx, rr)
		if err != nil {
			resp.Error = errorToWire(err)
		} else {
			if len(st.Services) > 0 {
				resp.Services = servicecodec.Append(nil, st.Services)
				st.Services = nil
			}
			resp.Host = &st
		}
	case opApply:
		if err := s.openHost(ctx, Setup{}); err != nil {
			return fail(err)
		}
		changes, err := joinChanges(req.Compact, req.Changes)
		var results []plan.Result
		if err == nil {
			results, err = s.apply(ctx, req.ID, changes)
		}
		var ok bool
		if resp.Made, resp.Failed, ok = compactResults(changes, results); !ok {
			resp.Results = results
		}
		resp.Error = errorToWire(err)
	case opClose:
		return resp, true, nil
	default:
		resp.Error = errorToWire(fmt.Errorf("agent: unknown request %q: use the same lvsctl version on both sides", req.Op))
	}
	return resp, false, nil
}

// openHost opens the host as set asks, unless it is open already.
func (s *server) openHost(ctx context.Context, set Setup) error {
	if s.setUp {
		if s.host == nil {
			return errors.New("agent: the host could not be opened")
		}
		return nil
	}
	s.setUp = true
	h, err := s.open.Open(ctx, set)
	if err != nil {
		return err
	}
	s.host = h
	return nil
}

// apply carries out an apply request, streaming a progress line per change
// made when the host tells of them. After each, the agent goes on only
// while fewer than progressWindow changes are unacknowledged: a client
// that loses the connection knows that nothing beyond that window was
// started.
func (s *server) apply(ctx context.Context, id uint64, changes []plan.Change) ([]plan.Result, error) {
	eh, ok := s.host.(eachHost)
	if !ok {
		return s.host.Apply(ctx, changes)
	}
	s.acks.start(id)
	// Progress is told every few changes (or when one took a while), not
	// after each: a line and an ack per change cost more than the kernel
	// write itself. Telling at least twice per window keeps the agent
	// going while the acknowledgements of the last report travel.
	every := max(1, min(progressEvery, progressWindow/2))
	told, toldAt := 0, time.Now()
	return eh.ApplyEach(ctx, changes, func(n int) {
		if n == len(changes) || n-told >= every || time.Since(toldAt) >= progressPause {
			// A failed write is a client gone: ctx ends and the apply stops.
			s.line = progressLine(s.line[:0], id, "", n)
			_, _ = s.w.Write(s.line)
			told, toldAt = n, time.Now()
		}
		if n < len(changes) {
			s.acks.wait(ctx, id, n+1-progressWindow)
		}
	})
}

// fixedHost serves one host already open, for Serve.
type fixedHost struct{ h cluster.Host }

func (f fixedHost) Open(_ context.Context, s Setup) (cluster.Host, error) {
	if s.Cluster != "" || s.Lock != nil {
		return nil, errors.New("agent: this agent serves one ownership record and takes no lock: it cannot open a cluster's record or lock the host")
	}
	return f.h, nil
}

func (fixedHost) LockState() (LockState, error) {
	return LockState{}, errors.New("agent: this agent does not know its host's lock")
}
