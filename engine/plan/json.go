package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// changeFields is Change without its methods, so that MarshalJSON and
// UnmarshalJSON can use the default encoding for every field but Action.
type changeFields Change

// changeJSON is the wire form of a Change: the action as terraform-style
// verbs ("actions": ["create", "delete"] for a replacement).
type changeJSON struct {
	Actions []string `json:"actions"`
	changeFields
}

// MarshalJSON writes the change with its action as "actions" (Action.Verbs).
// Addresses keep their "->" readable: no HTML escaping.
func (c Change) MarshalJSON() ([]byte, error) {
	return marshalNoEscape(changeJSON{Actions: c.Action.Verbs(), changeFields: changeFields(c)})
}

// marshalNoEscape is json.Marshal without HTML escaping.
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (c *Change) UnmarshalJSON(b []byte) error {
	var w changeJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	a, err := actionOf(w.Actions)
	if err != nil {
		return fmt.Errorf("change %q: %w", w.Address, err)
	}
	*c = Change(w.changeFields)
	c.Action = a
	return nil
}

// actionOf is the inverse of Action.Verbs.
func actionOf(verbs []string) (Action, error) {
	for _, a := range []Action{Create, Update, Delete, Replace, NoOp} {
		if slices.Equal(verbs, a.Verbs()) {
			return a, nil
		}
	}
	if slices.Equal(verbs, []string{"delete", "create"}) {
		return Replace, nil
	}
	return NoOp, fmt.Errorf("unknown actions %q (want one of create, update, delete, [create delete], no-op)", verbs)
}

// WritePlan writes the plan as indented JSON, the form `plan -json` prints
// and `plan -out FILE` saves. An empty FormatVersion is filled in.
func WritePlan(w io.Writer, p Plan) error {
	if p.FormatVersion == "" {
		p.FormatVersion = FormatVersion
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	return nil
}

// ReadPlan reads a plan written by WritePlan. It refuses a plan of another
// major format version, since its changes may not mean what this lvsctl
// would do with them.
func ReadPlan(r io.Reader) (Plan, error) {
	var p Plan
	if err := decodePlan(r, &p, &p); err != nil {
		return Plan{}, err
	}
	return p, nil
}

// decodePlan decodes one JSON document from r into v, which holds p (a
// plan, or a saved plan around it), and checks the plan.
func decodePlan(r io.Reader, v any, p *Plan) error {
	dec := json.NewDecoder(r)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("read plan: the file is empty; save a plan with `lvsctl plan -out FILE`")
		}
		return fmt.Errorf("read plan: not a plan saved by `lvsctl plan -out`: %w", err)
	}
	if p.FormatVersion == "" {
		return errors.New("read plan: no format_version: not a plan saved by `lvsctl plan -out`")
	}
	if major(p.FormatVersion) != major(FormatVersion) {
		return fmt.Errorf("read plan: format version %s is not supported by this lvsctl (it reads %s.x): make the plan again with this lvsctl (`lvsctl plan -out FILE`)",
			p.FormatVersion, major(FormatVersion))
	}
	if dec.More() {
		return errors.New("read plan: unexpected data after the plan: the file is not a single saved plan")
	}
	for _, h := range p.Hosts {
		for _, c := range h.Changes {
			if err := c.Validate(); err != nil {
				return fmt.Errorf("read plan: host %s: %w: the file was changed or damaged; make the plan again", h.Host, err)
			}
		}
	}
	return nil
}

// Validate checks that the change carries what its action needs of the
// resource its kind names (After to create or update, Before to delete,
// both to replace), so apply never meets a change it cannot carry out.
func (c Change) Validate() error {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("change %q: "+format, append([]any{c.Address}, a...)...)
	}
	if !c.Kind.Known() {
		return fail("unknown kind %q", c.Kind)
	}
	if c.Step() == StepUnknown {
		return fail("a %s change has no place in the apply order", c.Kind)
	}
	if c.Kind == KindServer && c.Service == nil {
		return fail("a server change names no service")
	}
	needBefore := c.Action == Delete || c.Action == Replace
	needAfter := c.Action == Create || c.Action == Update || c.Action == Replace
	for _, r := range []struct {
		name string
		res  *Resource
		need bool
	}{{"before", c.Before, needBefore}, {"after", c.After, needAfter}} {
		switch {
		case r.res == nil && r.need:
			return fail("%s needs its %q %s", strings.Join(c.Action.Verbs(), " and "), r.name, c.Kind)
		case r.res != nil && !r.res.holds(c.Kind):
			return fail("the %q value is not just a %s", r.name, c.Kind)
		}
	}
	return nil
}

// holds reports whether the resource holds exactly the value of kind k.
func (r *Resource) holds(k Kind) bool {
	n := 0
	for _, v := range []bool{r.Service != nil, r.Server != nil, r.Address != nil, r.Route != nil,
		r.Sysctl != nil, r.Timeouts != nil, r.SyncDaemon != nil, r.Peers != nil, r.Boot != nil} {
		if v {
			n++
		}
	}
	return n == 1 && r.Has(k)
}

// Has reports whether the resource holds a value of kind k.
func (r *Resource) Has(k Kind) bool {
	switch k {
	case KindService:
		return r.Service != nil
	case KindServer:
		return r.Server != nil
	case KindAddress:
		return r.Address != nil
	case KindRoute:
		return r.Route != nil
	case KindSysctl:
		return r.Sysctl != nil
	case KindTimeouts:
		return r.Timeouts != nil
	case KindSyncDaemon:
		return r.SyncDaemon != nil
	case KindPeers:
		return r.Peers != nil
	case KindBoot:
		return r.Boot != nil
	}
	return false
}

func major(version string) string {
	m, _, _ := strings.Cut(version, ".")
	return m
}
