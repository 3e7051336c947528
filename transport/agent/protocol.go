package agent

import (
	"errors"
	"fmt"

	"github.com/lvsctl/lvsctl/engine/cluster"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/local"
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
//
// Version 3: after the hello, a setup request names the cluster whose
// ownership record the agent keeps and may ask it to hold the host's lock
// for the rest of the session (a fixed command line such as SSH's
// `sudo -n PATH agent` leaves no room for flags); a lock request reads the
// lock's state without taking it (ping); and an apply streams a progress
// line per change made before its answer, each acknowledged by the client,
// the agent running at most progressWindow changes ahead of the
// acknowledgements, so a client whose connection dies knows which changes
// were done, which may have been, and which were not. Changes of kind boot
// (the state kept for `lvsctl boot`), the record's links_up, and the
// clusters' shared uses in a live state came with it.
//
// Version 4: a read may name the only IPVS services to read (verify reads
// back what an apply touched); an agent of version 3 would ignore that and
// answer with the whole table. An apply's changes carry their action as a
// field ("action", the plan.Action rune) instead of plan.Change's verbs,
// and a read's IPVS services come in a compact binary form (internal/servicecodec).
//
// Version 5: an apply's IPVS service and server changes come in a compact
// binary form ("compact", compact.go) that also says where the others,
// still JSON in "changes", go; its answer says how many changes were
// attempted ("made") and which of those failed ("failed"), not a result
// object per change.
const ProtocolVersion = 5

// Request operations.
const (
	opHello = "hello"
	opSetup = "setup"
	opLock  = "lock"
	opRead  = "read"
	opApply = "apply"
	opAck   = "ack"
	opClose = "close"
)

type request struct {
	ID      uint64               `json:"id"`
	Op      string               `json:"op"`
	Hello   *hello               `json:"hello,omitempty"`
	Setup   *Setup               `json:"setup,omitempty"`
	Read    *cluster.ReadRequest `json:"read,omitempty"`
	Changes []wireChange         `json:"changes,omitempty"`
	// Compact, in an apply, is its changes in compact form (compact.go):
	// the service and server changes, and the order of all.
	Compact []byte `json:"compact,omitempty"`
	// changes are the changes of an apply, on the client's side.
	changes []plan.Change
	// Progress, in an ack (which is not answered), is how many changes of
	// apply request ID the client has been told are made.
	Progress int `json:"progress,omitempty"`
}

type response struct {
	ID    uint64      `json:"id"`
	Hello *hello      `json:"hello,omitempty"`
	Host  *state.Host `json:"host,omitempty"`
	// Services are the IPVS services of Host, in their compact form
	// (servicecodec.Append); Host has none of its own then.
	Services []byte        `json:"services,omitempty"`
	Lock     *LockState    `json:"lock,omitempty"`
	Results  []plan.Result `json:"results,omitempty"`
	// Made, answering an apply, is how many of its changes (the first
	// ones, in order) were attempted: each made unless Failed names it.
	// Results is left out then: their addresses are the changes'.
	Made   int       `json:"made,omitempty"`
	Failed []failure `json:"failed,omitempty"`
	// Progress, on a line sent during an apply, is how many of its changes
	// are made so far. Such a line is not the answer: that follows.
	Progress int        `json:"progress,omitempty"`
	Error    *wireError `json:"error,omitempty"`
}

// failure is a change of an apply that failed: its index in the request,
// and the error.
type failure struct {
	Index int    `json:"i"`
	Error string `json:"error"`
}

// compactResults is results, the outcome of changes, as Made and Failed
// say it; ok is false when a result is not for the change at its index
// (the answer carries Results then).
func compactResults(changes []plan.Change, results []plan.Result) (made int, failed []failure, ok bool) {
	if len(results) > len(changes) {
		return 0, nil, false
	}
	for i, r := range results {
		if r.Address != changes[i].Address {
			return 0, nil, false
		}
		if r.Error != "" {
			failed = append(failed, failure{Index: i, Error: r.Error})
		}
	}
	return len(results), failed, true
}

// expandResults undoes compactResults.
func expandResults(changes []plan.Change, made int, failed []failure) ([]plan.Result, error) {
	if made > len(changes) {
		return nil, fmt.Errorf("%d of %d changes made", made, len(changes))
	}
	out := make([]plan.Result, made)
	for i := range out {
		out[i].Address = changes[i].Address
	}
	last := -1
	for _, f := range failed {
		if f.Index <= last || f.Index >= made {
			return nil, fmt.Errorf("a failure of change %d of %d made", f.Index, made)
		}
		out[f.Index].Error = f.Error
		last = f.Index
	}
	return out, nil
}

// Setup is what a client asks of an agent after the hello and before any
// read or apply. A session without one is served as Setup{} asks.
type Setup struct {
	// Name is the host's name in the configuration, for the agent's
	// messages.
	Name string `json:"name,omitempty"`
	// Cluster names the configuration's cluster: the agent keeps that
	// cluster's ownership record (empty: the host's unnamed cluster).
	Cluster string `json:"cluster,omitempty"`
	// Lock, when set, makes the agent take the host's lock and hold it
	// until the session ends, however it ends.
	Lock *LockRequest `json:"lock,omitempty"`
}

// LockRequest is how the agent takes the host's lock for its client.
type LockRequest struct {
	// TimeoutMS is how long to wait for another run holding it, in
	// milliseconds; 0 fails at once, naming the holder.
	TimeoutMS int64 `json:"timeout_ms,omitempty"`
	// Command is the client's command line, shown to runs that find the
	// host locked.
	Command string `json:"command,omitempty"`
	// Client is the client's user@host.
	Client string `json:"client,omitempty"`
}

// LockState is whether a host's lock is held, and by whom.
type LockState struct {
	Path   string        `json:"path"`
	Held   bool          `json:"held"`
	Holder *local.Holder `json:"holder,omitempty"`
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
