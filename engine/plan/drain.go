package plan

import (
	"fmt"
	"time"

	"github.com/lvsctl/lvsctl/engine/state"
)

// DefaultDrainTimeout is how long removing a server waits for its active
// connections to close when its service sets no drain_timeout: long enough
// for most requests in flight to finish, short enough that an apply does
// not hang on a client that keeps a connection open forever.
const DefaultDrainTimeout = 120 * time.Second

// Drain says that apply drains servers before a change removes them (when
// Timeout is not 0): sets
// their weight to 0, so the director sends them no new connections, and
// waits until their active connections are closed, or Timeout passes, before
// the change deletes them.
type Drain struct {
	// Timeout is the longest wait, in whole seconds.
	Timeout uint32 `json:"timeout"`
	// Servers are the servers of a service the change deletes (a server
	// change drains the server itself); kept with a zero Timeout too, for
	// a rollback to put them back.
	Servers []state.Server `json:"servers,omitempty"`
}

// Duration is the timeout as a duration.
func (d *Drain) Duration() time.Duration { return time.Duration(d.Timeout) * time.Second }

// Draining is one server a change drains.
type Draining struct {
	Service state.ServiceID
	Server  state.Server
	// Address names the server as plans do.
	Address string
}

// Draining lists the servers c drains before it removes them: none unless
// c has a Drain.
func (c Change) Draining() []Draining {
	if c.Drain == nil || c.Drain.Timeout == 0 {
		return nil
	}
	switch {
	case c.Kind == KindServer && c.Service != nil && c.Before != nil && c.Before.Server != nil:
		return []Draining{{Service: *c.Service, Server: *c.Before.Server, Address: c.Address}}
	case c.Kind == KindService && c.Before != nil && c.Before.Service != nil:
		svc := c.Before.Service.ID()
		out := make([]Draining, 0, len(c.Drain.Servers))
		for _, s := range c.Drain.Servers {
			out = append(out, Draining{Service: svc, Server: s, Address: serverAddress(svc, s.Key())})
		}
		return out
	}
	return nil
}

// drainTimeout is the drain timeout of a desired service in seconds.
func drainTimeout(s *state.Service) uint32 {
	if s != nil && s.DrainTimeout != nil {
		return *s.DrainTimeout
	}
	return uint32(DefaultDrainTimeout / time.Second)
}

// drainReason says in a plan how a server leaves.
func drainReason(timeout uint32) string {
	if timeout == 0 {
		return "weight 0, then removed without waiting (drain_timeout = 0)"
	}
	return fmt.Sprintf("drained first: weight 0, then waits up to %s for its active connections to close, then removed",
		time.Duration(timeout)*time.Second)
}

// drainServer marks the removal of a server of want (nil: the service
// itself is going) to be drained.
func drainServer(c *Change, want *state.Service) {
	t := drainTimeout(want)
	c.Reason = drainReason(t)
	if t > 0 {
		c.Drain = &Drain{Timeout: t}
	}
}

// drainService marks the deletion of service have, whose servers go with
// it, to drain them first; want is the service that replaces it, if any.
func drainService(c *Change, have, want *state.Service) {
	if len(have.Servers) == 0 {
		return
	}
	t := drainTimeout(want)
	why := fmt.Sprintf("its %d server(s) drained first (weight 0, up to %s for their active connections to close)",
		len(have.Servers), time.Duration(t)*time.Second)
	if t == 0 {
		why = fmt.Sprintf("its %d server(s) removed with it without waiting (drain_timeout = 0)", len(have.Servers))
	}
	if c.Reason != "" {
		c.Reason += "; " + why
	} else {
		c.Reason = why
	}
	// The servers are kept even with no wait: a rollback puts them back.
	servers := make([]state.Server, len(have.Servers))
	copy(servers, have.Servers)
	for i := range servers {
		servers[i].ActiveConnections = 0
	}
	c.Drain = &Drain{Timeout: t, Servers: servers}
}
