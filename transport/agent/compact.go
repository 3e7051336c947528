package agent

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
)

// An apply's IPVS service and server changes, nearly all of a large
// apply, travel in a compact binary form (request.Compact, base64 in the
// JSON line) instead of JSON objects: decoding 11,000 of them with
// encoding/json cost the agent about as much CPU as the kernel writes
// they make. The form is that of services.go. It is:
//
//	count, then per change a tag: changeJSON (the next of the request's
//	JSON changes, in their order), or changeService or changeServer
//	followed by action, address, name, service (pointer to an identity:
//	protocol, address, port, fwmark, family), before and after (pointer
//	to a service or a server, as the tag says), forces_replacement
//	(count and strings), reason, ownership, drain (pointer: timeout,
//	server count and servers), original (pointer to a service),
//	hand_over (pointer: cluster).
//
// A service or server change whose before or after holds a resource of
// another kind goes as JSON. TestCompactChangeFields fails when
// plan.Change grows a field the form does not know.
const (
	changeJSON    = 0
	changeService = 1
	changeServer  = 2
)

// minCompactChange is the fewest bytes a compact change takes: its tag
// and a byte for each of the 12 fields after it.
const minCompactChange = 13

// errChanges is what decoding says of compact changes it cannot read.
var errChanges = errors.New("the apply's changes are not in the form this agent reads: use the same lvsctl version on both sides")

// compactTag is the tag change c goes under: changeJSON when the compact
// form cannot carry all of it.
func compactTag(c *plan.Change) byte {
	// Only the value of the change's kind, if any: Resource is all
	// pointers, so == says whether another is set.
	onlyService := func(r *plan.Resource) bool { return r == nil || *r == plan.Resource{Service: r.Service} }
	onlyServer := func(r *plan.Resource) bool { return r == nil || *r == plan.Resource{Server: r.Server} }
	switch {
	case c.Kind == plan.KindService && onlyService(c.Before) && onlyService(c.After):
		return changeService
	case c.Kind == plan.KindServer && onlyServer(c.Before) && onlyServer(c.After):
		return changeServer
	}
	return changeJSON
}

// splitChanges is changes as an apply request carries them: compact, the
// service and server changes and the order of all, and rest, the other
// changes as JSON. Without a change to compact, compact is nil and rest
// all of them, as protocol 4 sent them.
func splitChanges(changes []plan.Change) (compact []byte, rest []wireChange) {
	tags := make([]byte, len(changes))
	n := 0
	for i := range changes {
		if tags[i] = compactTag(&changes[i]); tags[i] != changeJSON {
			n++
		}
	}
	if n == 0 {
		return nil, toWire(changes)
	}
	var others []plan.Change
	b := make([]byte, 0, 16+100*n) // about a server change each
	b = binary.AppendUvarint(b, uint64(len(changes)))
	for i := range changes {
		c := &changes[i]
		b = append(b, tags[i])
		if tags[i] == changeJSON {
			others = append(others, *c)
			continue
		}
		b = binary.AppendUvarint(b, uint64(uint32(c.Action)))
		b = appendString(b, c.Address)
		b = appendString(b, c.Name)
		b = appendBool(b, c.Service != nil)
		if c.Service != nil {
			b = appendServiceID(b, c.Service)
		}
		b = appendResource(b, tags[i], c.Before)
		b = appendResource(b, tags[i], c.After)
		b = binary.AppendUvarint(b, uint64(len(c.ForcesReplacement)))
		for _, f := range c.ForcesReplacement {
			b = appendString(b, f)
		}
		b = appendString(b, c.Reason)
		b = appendString(b, string(c.Own))
		b = appendBool(b, c.Drain != nil)
		if c.Drain != nil {
			b = binary.AppendUvarint(b, uint64(c.Drain.Timeout))
			b = binary.AppendUvarint(b, uint64(len(c.Drain.Servers)))
			for j := range c.Drain.Servers {
				b = appendServer(b, &c.Drain.Servers[j])
			}
		}
		b = appendBool(b, c.Original != nil)
		if c.Original != nil {
			b = appendService(b, c.Original)
		}
		b = appendBool(b, c.HandOver != nil)
		if c.HandOver != nil {
			b = appendString(b, c.HandOver.Cluster)
		}
	}
	if len(others) > 0 {
		rest = toWire(others)
	}
	return b, rest
}

func appendServiceID(b []byte, id *state.ServiceID) []byte {
	b = appendString(b, id.Protocol)
	b = appendAddr(b, id.Address)
	b = binary.AppendUvarint(b, uint64(id.Port))
	b = binary.AppendUvarint(b, uint64(id.FWMark))
	return appendString(b, string(id.Family))
}

func appendResource(b []byte, tag byte, r *plan.Resource) []byte {
	b = appendBool(b, r != nil)
	switch {
	case r == nil:
	case tag == changeService:
		b = appendBool(b, r.Service != nil)
		if r.Service != nil {
			b = appendService(b, r.Service)
		}
	default:
		b = appendBool(b, r.Server != nil)
		if r.Server != nil {
			b = appendServer(b, r.Server)
		}
	}
	return b
}

// joinChanges is the changes of an apply request, in their order:
// splitChanges undone. It allocates no more than the input can hold.
func joinChanges(compact []byte, rest []wireChange) ([]plan.Change, error) {
	others, err := fromWire(rest)
	if err != nil || compact == nil {
		return others, err
	}
	r := reader{b: compact, strings: map[string]string{}, form: errChanges}
	n := r.count()
	// A change is a JSON one sent, or at least minCompactChange bytes.
	out := make([]plan.Change, 0, min(n, len(others)+len(r.b)/minCompactChange))
	for range n {
		tag := r.tag()
		if tag == changeJSON {
			if len(others) == 0 {
				r.fail("more JSON changes named than sent")
				break
			}
			out = append(out, others[0])
			others = others[1:]
			continue
		}
		c := plan.Change{Kind: plan.KindService}
		if tag == changeServer {
			c.Kind = plan.KindServer
		}
		c.Action = plan.Action(int32(uint32(r.uint(math.MaxUint32))))
		c.Address = r.unique()
		c.Name = r.str()
		if r.bool() {
			id := r.serviceID()
			c.Service = &id
		}
		c.Before = r.resource(tag)
		c.After = r.resource(tag)
		if nf := r.count(); nf > 0 {
			c.ForcesReplacement = make([]string, nf)
			for k := range c.ForcesReplacement {
				c.ForcesReplacement[k] = r.str()
			}
		}
		c.Reason = r.str()
		c.Own = plan.Ownership(r.str())
		if r.bool() {
			c.Drain = &plan.Drain{Timeout: uint32(r.uint(math.MaxUint32))}
			if ns := r.count(); ns > 0 {
				c.Drain.Servers = make([]state.Server, ns)
				for k := range c.Drain.Servers {
					r.server(&c.Drain.Servers[k])
				}
			}
		}
		if r.bool() {
			s := r.service()
			c.Original = &s
		}
		if r.bool() {
			c.HandOver = &plan.HandOver{Cluster: r.str()}
		}
		if r.err != nil {
			break
		}
		switch c.Action {
		case plan.Create, plan.Update, plan.Delete, plan.Replace, plan.NoOp:
		default:
			return nil, fmt.Errorf("change %q: unknown action %d: use the same lvsctl version on both sides", c.Address, c.Action)
		}
		out = append(out, c)
	}
	switch {
	case r.err != nil:
	case len(r.b) > 0:
		r.fail("%d bytes left over", len(r.b))
	case len(others) > 0:
		r.fail("%d JSON changes sent and not named", len(others))
	}
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}

func (r *reader) tag() byte {
	if r.err != nil {
		return changeJSON
	}
	if len(r.b) == 0 || r.b[0] > changeServer {
		r.fail("a change of unknown form")
		return changeJSON
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) serviceID() state.ServiceID {
	var id state.ServiceID
	id.Protocol = r.str()
	id.Address = r.addr()
	id.Port = uint16(r.uint(math.MaxUint16))
	id.FWMark = uint32(r.uint(math.MaxUint32))
	id.Family = state.Family(r.str())
	return id
}

func (r *reader) resource(tag byte) *plan.Resource {
	if !r.bool() {
		return nil
	}
	var res plan.Resource
	if !r.bool() {
		return &res
	}
	if tag == changeService {
		s := r.service()
		res.Service = &s
	} else {
		res.Server = new(state.Server)
		r.server(res.Server)
	}
	return &res
}

// unique reads a string that is seldom repeated (a change's address): not
// kept for sharing.
func (r *reader) unique() string {
	return string(r.bytes())
}
