package agent

import (
	"encoding/binary"
	"errors"
	"math"

	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/servicecodec"
)

// An apply's IPVS service and server changes, nearly all of a large
// apply, travel in a compact binary form (request.Compact, base64 in the
// JSON line) instead of JSON objects: decoding 11,000 of them with
// encoding/json cost the agent about as much CPU as the kernel writes
// they make. The form is internal/servicecodec's. It is:
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
		b = servicecodec.AppendString(b, c.Address)
		b = servicecodec.AppendString(b, c.Name)
		b = servicecodec.AppendBool(b, c.Service != nil)
		if c.Service != nil {
			b = appendServiceID(b, c.Service)
		}
		b = appendResource(b, tags[i], c.Before)
		b = appendResource(b, tags[i], c.After)
		b = binary.AppendUvarint(b, uint64(len(c.ForcesReplacement)))
		for _, f := range c.ForcesReplacement {
			b = servicecodec.AppendString(b, f)
		}
		b = servicecodec.AppendString(b, c.Reason)
		b = servicecodec.AppendString(b, string(c.Own))
		b = servicecodec.AppendBool(b, c.Drain != nil)
		if c.Drain != nil {
			b = binary.AppendUvarint(b, uint64(c.Drain.Timeout))
			b = binary.AppendUvarint(b, uint64(len(c.Drain.Servers)))
			for j := range c.Drain.Servers {
				b = servicecodec.AppendServer(b, &c.Drain.Servers[j])
			}
		}
		b = servicecodec.AppendBool(b, c.Original != nil)
		if c.Original != nil {
			b = servicecodec.AppendService(b, c.Original)
		}
		b = servicecodec.AppendBool(b, c.HandOver != nil)
		if c.HandOver != nil {
			b = servicecodec.AppendString(b, c.HandOver.Cluster)
		}
	}
	if len(others) > 0 {
		rest = toWire(others)
	}
	return b, rest
}

func appendServiceID(b []byte, id *state.ServiceID) []byte {
	b = servicecodec.AppendString(b, id.Protocol)
	b = servicecodec.AppendAddr(b, id.Address)
	b = binary.AppendUvarint(b, uint64(id.Port))
	b = binary.AppendUvarint(b, uint64(id.FWMark))
	return servicecodec.AppendString(b, string(id.Family))
}

func appendResource(b []byte, tag byte, r *plan.Resource) []byte {
	b = servicecodec.AppendBool(b, r != nil)
	switch {
	case r == nil:
	case tag == changeService:
		b = servicecodec.AppendBool(b, r.Service != nil)
		if r.Service != nil {
			b = servicecodec.AppendService(b, r.Service)
		}
	default:
		b = servicecodec.AppendBool(b, r.Server != nil)
		if r.Server != nil {
			b = servicecodec.AppendServer(b, r.Server)
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
	r := servicecodec.NewReader(compact, errChanges)
	n := r.Count()
	// A change is a JSON one sent, or at least minCompactChange bytes.
	out := make([]plan.Change, 0, min(n, len(others)+r.Len()/minCompactChange))
	for range n {
		tag := readTag(r)
		if tag == changeJSON {
			if len(others) == 0 {
				r.Fail("more JSON changes named than sent")
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
		c.Action = plan.Action(int32(uint32(r.Uint(math.MaxUint32))))
		c.Address = r.Unique()
		c.Name = r.Str()
		if r.Bool() {
			id := readServiceID(r)
			c.Service = &id
		}
		c.Before = readResource(r, tag)
		c.After = readResource(r, tag)
		if nf := r.Count(); nf > 0 {
			c.ForcesReplacement = make([]string, nf)
			for k := range c.ForcesReplacement {
				c.ForcesReplacement[k] = r.Str()
			}
		}
		c.Reason = r.Str()
		c.Own = plan.Ownership(r.Str())
		if r.Bool() {
			c.Drain = &plan.Drain{Timeout: uint32(r.Uint(math.MaxUint32))}
			if ns := r.Count(); ns > 0 {
				c.Drain.Servers = make([]state.Server, ns)
				for k := range c.Drain.Servers {
					r.Server(&c.Drain.Servers[k])
				}
			}
		}
		if r.Bool() {
			s := r.Service()
			c.Original = &s
		}
		if r.Bool() {
			c.HandOver = &plan.HandOver{Cluster: r.Str()}
		}
		if r.Err() != nil {
			break
		}
		if err := knownAction(c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	switch {
	case r.Err() != nil:
	case r.Len() > 0:
		r.Fail("%d bytes left over", r.Len())
	case len(others) > 0:
		r.Fail("%d JSON changes sent and not named", len(others))
	}
	if r.Err() != nil {
		return nil, r.Err()
	}
	return out, nil
}

func readTag(r *servicecodec.Reader) byte {
	v, ok := r.Byte()
	if !ok {
		return changeJSON
	}
	if v > changeServer {
		r.Fail("a change of unknown form")
		return changeJSON
	}
	return v
}

func readServiceID(r *servicecodec.Reader) state.ServiceID {
	var id state.ServiceID
	id.Protocol = r.Str()
	id.Address = r.Addr()
	id.Port = uint16(r.Uint(math.MaxUint16))
	id.FWMark = uint32(r.Uint(math.MaxUint32))
	id.Family = state.Family(r.Str())
	return id
}

func readResource(r *servicecodec.Reader, tag byte) *plan.Resource {
	if !r.Bool() {
		return nil
	}
	var res plan.Resource
	if !r.Bool() {
		return &res
	}
	if tag == changeService {
		s := r.Service()
		res.Service = &s
	} else {
		res.Server = new(state.Server)
		r.Server(res.Server)
	}
	return &res
}
