package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/lvsctl/lvsctl/engine/state"
)

// Digest identifies a live state: the sha256 (hex) of its canonical JSON,
// that is of the normalized state including the ownership record. Two reads
// of an unchanged host give the same digest whatever order the kernel listed
// things in, so apply can tell a saved plan from a stale one.
func Digest(live state.Host) string {
	h := Normalized(live)
	// Marshalling plain state values cannot fail: no channels, funcs or
	// cyclic values, and map keys are strings (encoding/json sorts them).
	b, err := json.Marshal(h)
	if err != nil {
		panic("plan: state does not marshal: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Normalized returns a normalized deep copy of h; h itself is not touched
// (state.Host.Normalize sorts in place, and callers keep their states).
func Normalized(h state.Host) state.Host {
	c := h.Clone()
	c.Normalize()
	return c
}
