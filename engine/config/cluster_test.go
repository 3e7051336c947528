package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClusterName(t *testing.T) {
	tests := []struct{ src, want, err string }{
		{"", "", ""},
		{`cluster = "web"`, "web", ""},
		{"variable \"c\" {\n  default = \"edge-2\"\n}\ncluster = var.c", "edge-2", ""},
		{`cluster = "Web Team"`, "", `"Web Team" is not a cluster name`},
		{`cluster = "../x"`, "", "is not a cluster name"},
		{`cluster = 3`, "", "cluster is a string"},
	}
	path := filepath.Join(t.TempDir(), "c.hcl")
	for _, tt := range tests {
		src := tt.src + "\ndirector \"d\" {\n  interface = \"eth0\"\n}\n"
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, diags := Load(path, Options{})
		switch {
		case tt.err != "":
			if !diags.HasErrors() || !strings.Contains(diags.Error(), tt.err) {
				t.Errorf("%s: diagnostics %v, want %q", tt.src, diags, tt.err)
			}
		case len(diags) > 0:
			t.Errorf("%s: %v", tt.src, diags)
		case cfg.Cluster != tt.want:
			t.Errorf("%s: cluster %q, want %q", tt.src, cfg.Cluster, tt.want)
		}
	}
}
