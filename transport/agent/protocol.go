package agent

import (
	"errors"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// ProtocolVersion is the version of the agent protocol. Both sides must
// speak the same one; bump it on any change of what crosses the wire (the
// requests and responses here, and plan.Change, plan.Result, state.Host
// inside them). testdata/protocol-vN.golden pins version N.
//
// The protocol is newline-delimited JSON over a byte stream: the client
// writes one request per line and the agent answers each with one response
// line carrying the same id. The first request is a hello; then any number
// of read and apply requests; then close. The hello exchange, {"id":1,
// "op":"hello","hello":{"protocol":N,"version":"..."}} and its answer with
// the agent's hello, is the same in every version, so two versions can
// always tell each other apart and say so.
//
// Version 2: a read may ask for the servers' active connections (draining).
// Version 3: changes of kind boot (the state kept for `lvsctl boot`), and
// the record's links_up.
const ProtocolVersion = 3

// Request operations.
const (
	opHello = "hello"
	opRead  = "read"
	opApply = "apply"
	opClose = "close"
)

type request struct {
	ID      uint64               `json:"id"`
	Op      string               `json:"op"`
	Hello   *hello               `json:"hello,omitempty"`
	Read    *cluster.ReadRequest `json:"read,omitempty"`
	Changes []plan.Change        `json:"changes,omitempty"` // plan.Change carries its action in its JSON
}

type response struct {
	ID      uint64        `json:"id"`
	Hello   *hello        `json:"hello,omitempty"`
	Host    *state.Host   `json:"host,omitempty"`
	Results []plan.Result `json:"results,omitempty"`
	Error   *wireError    `json:"error,omitempty"`
}

// hello is what each side says about itself first.
type hello struct {
	Protocol int    `json:"protocol"`
	Version  string `json:"version"`
}

// wireError carries an error across; Permission lets the client match it
// against cluster.ErrPermission again.
type wireError struct {
	Message    string `json:"message"`
	Permission bool   `json:"permission,omitempty"`
}

func errorToWire(err error) *wireError {
	if err == nil {
		return nil
	}
	return &wireError{Message: err.Error(), Permission: isPermission(err)}
}

func isPermission(err error) bool {
	return errors.Is(err, cluster.ErrPermission)
}
