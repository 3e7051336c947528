package config

import (
	"regexp"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// clusterName is what a cluster name may be: it names files on the hosts.
var clusterName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

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
	if !clusterName.MatchString(name) {
		return hcl.Diagnostics{errorAt(a.Expr.Range(), "Invalid cluster name",
			"%q is not a cluster name: use 1 to 63 lower-case letters, digits, '-' and '_', starting with a letter or digit (it names the ownership record on each host).", name)}
	}
	cfg.Cluster = name
	return nil
}
