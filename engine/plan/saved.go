package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/lvsctl/lvsctl/engine/state"
)

// SavedFormatVersion is the version of the saved-plan file (`plan -out`),
// apart from the public plan's FormatVersion: it covers what only apply
// reads (connections). Bump it on any change of those; testdata/format
// pins it.
const SavedFormatVersion = "2"

// Saved is a plan saved for apply (`plan -out FILE`): the public JSON plan,
// with the same keys, plus how to reach each host, so applying the file
// needs no configuration, and the lvsctl that made it.
type Saved struct {
	Plan
	// Connections say how to reach each host of the plan.
	Connections map[string]state.Connection `json:"connections"`
	// Cluster is the configuration's cluster name: whose ownership record
	// on each host the plan was made from and is applied to.
	Cluster string `json:"cluster,omitempty"`
	// SavedFormatVersion is the version of this file format.
	SavedFormatVersion string `json:"saved_format_version"`
	// LvsctlVersion is the lvsctl that saved it (internal/version).
	LvsctlVersion string `json:"lvsctl_version"`
}

// savedJSON is the saved plan's JSON form: the plan's, then the keys of a
// saved plan. (Saved needs its own methods: it would take Plan's.)
type savedJSON struct {
	planJSON
	Connections        map[string]state.Connection `json:"connections"`
	Cluster            string                      `json:"cluster,omitempty"`
	SavedFormatVersion string                      `json:"saved_format_version"`
	LvsctlVersion      string                      `json:"lvsctl_version"`
}

// MarshalJSON writes the plan's keys, then the saved plan's.
func (s Saved) MarshalJSON() ([]byte, error) {
	return marshalNoEscape(savedJSON{planJSON{planFields(s.Plan), warningTexts(s.Warnings)},
		s.Connections, s.Cluster, s.SavedFormatVersion, s.LvsctlVersion})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *Saved) UnmarshalJSON(b []byte) error {
	var v savedJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = Saved{Plan: v.plan(), Connections: v.Connections, Cluster: v.Cluster, SavedFormatVersion: v.SavedFormatVersion, LvsctlVersion: v.LvsctlVersion}
	return nil
}

// ErrNotSaved is returned by ReadSaved for a JSON plan that was not saved
// for apply (`plan -json` output, say).
var ErrNotSaved = errors.New("a JSON plan without connections, not a plan saved for apply")

// WriteSaved writes s as indented JSON. Empty format versions are filled in.
func WriteSaved(w io.Writer, s Saved) error {
	if s.FormatVersion == "" {
		s.FormatVersion = FormatVersion
	}
	if s.SavedFormatVersion == "" {
		s.SavedFormatVersion = SavedFormatVersion
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// ReadSaved reads a plan written by WriteSaved. It refuses a plan of
// another major format version, a saved plan of another saved format, and
// a JSON plan that was not saved for apply (ErrNotSaved).
func ReadSaved(r io.Reader) (Saved, error) {
	var s Saved
	if err := decodePlan(r, &s, &s.Plan); err != nil {
		return Saved{}, err
	}
	if s.SavedFormatVersion == "" || s.Connections == nil {
		return Saved{}, ErrNotSaved
	}
	if s.SavedFormatVersion != SavedFormatVersion {
		return Saved{}, fmt.Errorf("read plan: saved-plan format %s (saved by lvsctl %s) is not the format %s this lvsctl reads: make the plan again with this lvsctl (`lvsctl plan -out FILE`)",
			s.SavedFormatVersion, s.LvsctlVersion, SavedFormatVersion)
	}
	return s, nil
}
