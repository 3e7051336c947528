package plan

import (
	"encoding/json"

	"github.com/hashicorp/hcl/v2"
)

// Warning is a note for the reviewer that does not stop the plan, shown as
// an HCL diagnostic (Diagnostic) like the configuration's own warnings.
//
// In JSON a plan lists them twice: as objects under "diagnostics", and, as
// plans of format 1.0 always have, their details alone under "warnings".
type Warning struct {
	// Host is the host the warning is about.
	Host string `json:"host,omitempty"`
	// Summary says in a few words what happens.
	Summary string `json:"summary"`
	// Detail is the whole message: what, where, and what to do about it.
	Detail string `json:"detail"`
	// Block is the configuration block the warning is about, if any, as
	// `virtual_server "http"`: the CLI shows the diagnostic at its place.
	Block string `json:"block,omitempty"`
}

// Diagnostic is the warning as an HCL diagnostic, the host named in its
// summary, at subject (nil when there is no place to show).
func (w Warning) Diagnostic(subject *hcl.Range) *hcl.Diagnostic {
	summary := w.Summary
	if w.Host != "" {
		summary += " on " + w.Host
	}
	return &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: summary, Detail: w.Detail, Subject: subject}
}

// Diagnostics are every warning of the plan, the cluster's first, then each
// host's, as HCL diagnostics; at places where ranges knows the block.
func (p Plan) Diagnostics(ranges map[string]hcl.Range) hcl.Diagnostics {
	var out hcl.Diagnostics
	add := func(ws []Warning) {
		for _, w := range ws {
			var subject *hcl.Range
			if r, ok := ranges[w.Block]; ok && w.Block != "" {
				subject = &r
			}
			out = append(out, w.Diagnostic(subject))
		}
	}
	add(p.Warnings)
	for _, h := range p.Hosts {
		add(h.Warnings)
	}
	return out
}

// warningTexts are the details of ws, the "warnings" of format 1.0.
func warningTexts(ws []Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Detail)
	}
	return out
}

// fromTexts reads the "warnings" of a plan that has no "diagnostics".
func fromTexts(texts []string, host string) []Warning {
	var out []Warning
	for _, t := range texts {
		out = append(out, Warning{Host: host, Summary: "Plan warning", Detail: t})
	}
	return out
}

type (
	hostPlanFields HostPlan
	planFields     Plan
)

// hostPlanJSON is HostPlan with its warnings in both forms.
type hostPlanJSON struct {
	hostPlanFields
	Warnings []string `json:"warnings,omitempty"`
}

// planJSON is Plan with its warnings in both forms.
type planJSON struct {
	planFields
	Warnings []string `json:"warnings,omitempty"`
}

// MarshalJSON writes the host plan with its warnings in both forms.
func (h HostPlan) MarshalJSON() ([]byte, error) {
	return marshalNoEscape(hostPlanJSON{hostPlanFields(h), warningTexts(h.Warnings)})
}

// UnmarshalJSON reads a host plan, its warnings from "diagnostics", or from
// "warnings" when a plan has only those.
func (h *HostPlan) UnmarshalJSON(b []byte) error {
	var v hostPlanJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*h = HostPlan(v.hostPlanFields)
	if h.Warnings == nil {
		h.Warnings = fromTexts(v.Warnings, h.Host)
	}
	return nil
}

// MarshalJSON writes the plan with its warnings in both forms.
func (p Plan) MarshalJSON() ([]byte, error) {
	return marshalNoEscape(planJSON{planFields(p), warningTexts(p.Warnings)})
}

// UnmarshalJSON reads a plan, its warnings from "diagnostics", or from
// "warnings" when a plan has only those.
func (p *Plan) UnmarshalJSON(b []byte) error {
	var v planJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*p = v.plan()
	return nil
}

// plan is the plan read, its warnings from "warnings" when it has no
// "diagnostics".
func (v planJSON) plan() Plan {
	p := Plan(v.planFields)
	if p.Warnings == nil {
		p.Warnings = fromTexts(v.Warnings, "")
	}
	return p
}
