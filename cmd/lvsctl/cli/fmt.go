package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/spf13/cobra"

	"github.com/lvsctl/lvsctl/engine/render"
	"github.com/lvsctl/lvsctl/internal/atomicfile"
)

type fmtOptions struct {
	check bool
}

func newFmtCommand(stdio IO) *cobra.Command {
	var o fmtOptions
	cmd := &cobra.Command{
		Use:   "fmt [PATH...]",
		Short: "Rewrite configuration files in the canonical layout",
		Long: `Fmt rewrites .hcl files (the files named, or every *.hcl in the directories
named; default: the current directory) in the canonical HCL layout. With
-check it changes nothing and exits 1 if any file needs formatting, for CI.`,
		Example: `  lvsctl fmt
  lvsctl fmt -check examples/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			return runFmt(stdio, o, args)
		},
	}
	cmd.Flags().BoolVar(&o.check, "check", false, "change nothing; exit 1 and list the files that need formatting")
	return cmd
}

func runFmt(stdio IO, o fmtOptions, paths []string) error {
	names, err := hclFiles(paths)
	if err != nil {
		return err
	}
	// Parse every file before writing any: a formatter must never be the
	// one to hide a syntax error (hclwrite would keep it), and a directory
	// with one broken file is left as it was, not half rewritten.
	srcs := make([][]byte, len(names))
	files := map[string]*hcl.File{}
	var diags hcl.Diagnostics
	for i, name := range names {
		if srcs[i], err = os.ReadFile(name); err != nil {
			return err
		}
		f, d := hclsyntax.ParseConfig(srcs[i], name, hcl.InitialPos)
		files[name] = f
		diags = append(diags, d...)
	}
	if diags.HasErrors() {
		_ = render.Diagnostics(stdio.Err, files, diags, 100, false)
		return errReported
	}
	var unformatted []string
	for i, name := range names {
		out := hclwrite.Format(srcs[i])
		if bytes.Equal(srcs[i], out) {
			continue
		}
		unformatted = append(unformatted, name)
		if o.check {
			continue
		}
		if err := atomicfile.Write(name, out, 0); err != nil {
			return err
		}
		fmt.Fprintln(stdio.Out, name)
	}
	if o.check && len(unformatted) > 0 {
		for _, f := range unformatted {
			fmt.Fprintln(stdio.Out, f)
		}
		return &exitError{code: 1, err: fmt.Errorf("%d file(s) need formatting: run `lvsctl fmt`", len(unformatted))}
	}
	return nil
}

// hclFiles expands directories to the *.hcl files in them, sorted.
func hclFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		m, err := filepath.Glob(filepath.Join(p, "*.hcl"))
		if err != nil {
			return nil, err
		}
		sort.Strings(m)
		out = append(out, m...)
	}
	return out, nil
}
