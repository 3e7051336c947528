package render

import (
	"bytes"
	"fmt"
	"io"

	"github.com/hashicorp/hcl/v2"
)

// Diagnostics writes HCL diagnostics as hcl's text writer does (summary, the
// source snippet with the problem marked, detail), naming each place as
// file:line:col, the form editors and CI annotations jump to.
func Diagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, width uint, color bool) error {
	for _, d := range diags {
		var buf bytes.Buffer
		if err := hcl.NewDiagnosticTextWriter(&buf, files, width, color).WriteDiagnostic(d); err != nil {
			return err
		}
		out := buf.Bytes()
		if r := d.Subject; r != nil {
			// hcl writes "on FILE line N"; make it "on FILE:N:COL".
			from := fmt.Appendf(nil, "on %s line %d", r.Filename, r.Start.Line)
			to := fmt.Appendf(nil, "on %s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
			out = bytes.Replace(out, from, to, 1)
		}
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
	return nil
}
