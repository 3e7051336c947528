// Command hclparse parses HCL files with hclsyntax.ParseConfig and nothing
// else: the reference bench/validate.sh compares `lvsctl validate` with.
// hcl's own parse of a file, on one CPU, without decoding, is what any
// loader built on hcl starts from; lvsctl's load of the same file does
// all of its work (parse, decode, validate, compile) in a ratio of it.
//
//	hclparse FILE...
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "hclparse:", err)
		os.Exit(1)
	}
}

// run parses each file; an error when one cannot be read or has a
// problem.
func run(files []string) error {
	if len(files) == 0 {
		return errors.New("usage: hclparse FILE (one or more)")
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		if _, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos); diags.HasErrors() {
			return diags
		}
	}
	return nil
}
