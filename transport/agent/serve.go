package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/internal/version"
)

// Serve answers agent requests read from r with responses written to
// w, calling h, until the client sends close or r reaches its end. It does
// not close h. Errors of h go back to the client; Serve itself fails
// only when the stream breaks or the client speaks another protocol.
//
// The next request is read while one is served, so a client that goes
// away (its end of r closed: the CLI killed, the SSH session gone) is
// noticed during a long apply: the apply stops at its next change boundary
// and commits what it did, as when ctx is cancelled; the answer is still
// written, for a client that only closed its side.
func Serve(ctx context.Context, r io.Reader, w io.Writer, h cluster.Host) error {
	enc := json.NewEncoder(w)
	lines, gone := readRequests(ctx, r)
	greeted := false
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
		resp, done, err := serveRaw(opCtx, h, in.raw, greeted)
		cancel()
		greeted = greeted || (err == nil && resp.Hello != nil)
		if werr := enc.Encode(resp); werr != nil {
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

// errClientGone ends a session whose client went away during a request.
var errClientGone = errors.New("agent: the client went away; what was done is recorded on the host")

// requestLine is one request read, or why none could be.
type requestLine struct {
	raw json.RawMessage
	err error
}

// readRequests reads request lines ahead, one at a time, until r ends;
// gone is closed when it does, whoever is waiting for a line.
func readRequests(ctx context.Context, r io.Reader) (<-chan requestLine, <-chan struct{}) {
	lines := make(chan requestLine)
	gone := make(chan struct{})
	go func() {
		dec := json.NewDecoder(r)
		for {
			var raw json.RawMessage
			err := dec.Decode(&raw)
			if err != nil {
				close(gone)
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

// serveRaw answers one request line. A line that is JSON but not a valid
// request (an unknown action, say) is answered with an error and the
// session goes on; only a broken stream ends it.
func serveRaw(ctx context.Context, h cluster.Host, raw json.RawMessage, greeted bool) (response, bool, error) {
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		err = fmt.Errorf("agent: bad %s request: %w: use the same lvsctl version on both sides", req.Op, err)
		return response{ID: req.ID, Error: errorToWire(err)}, false, nil
	}
	return serveOne(ctx, h, req, greeted)
}

// serveOne answers one request. It returns whether the session is over and
// an error that ends it (after the response has told the client why).
func serveOne(ctx context.Context, h cluster.Host, req request, greeted bool) (resp response, done bool, err error) {
	resp.ID = req.ID
	fail := func(err error) (response, bool, error) {
		resp.Error = errorToWire(err)
		return resp, true, err
	}
	if !greeted && req.Op != opHello {
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
	case opRead:
		var rr cluster.ReadRequest
		if req.Read != nil {
			rr = *req.Read
		}
		st, err := h.Read(ctx, rr)
		if err != nil {
			resp.Error = errorToWire(err)
		} else {
			resp.Host = &st
		}
	case opApply:
		var err error
		resp.Results, err = h.Apply(ctx, req.Changes)
		resp.Error = errorToWire(err)
	case opClose:
		return resp, true, nil
	default:
		resp.Error = errorToWire(fmt.Errorf("agent: unknown request %q: use the same lvsctl version on both sides", req.Op))
	}
	return resp, false, nil
}
