package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/zclconf/go-cty/cty"
)

// decodeCluster reads the top-level `cluster = "NAME"`.
func decodeCluster(cfg *Config, a *hcl.Attribute, ctx *hcl.EvalContext) hcl.Diagnostics {
	if a == nil {
		return nil
	}
	cfg.ClusterRange = a.Expr.Range()
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		return diags
	}
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return hcl.Diagnostics{errorAt(a.Expr.Range(), "Invalid cluster name", `cluster is a string: cluster = "web".`)}
	}
	name := v.AsString()
	if !state.ValidClusterName(name) {
		return hcl.Diagnostics{errorAt(a.Expr.Range(), "Invalid cluster name",
			"%q is not a cluster name: use 1 to 63 lower-case letters, digits, '-' and '_', starting with a letter or digit (it names the ownership record on each host).", name)}
	}
	cfg.Cluster = name
	return nil
}
