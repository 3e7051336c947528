// Package keepalived reads keepalived.conf: a parser of its own (there is
// no maintained Go one) for the block syntax — include with globs, # and !
// comments anywhere, `{` on its own line — and a converter of the LVS part
// (virtual_server, virtual_server_group, vrrp_instance's VIPs) to a
// convert.Host.
package keepalived

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Node is one statement: a keyword, its arguments, and the statements of
// its block, if it has one.
type Node struct {
	Key      string
	Args     []string
	File     string
	Line     int
	EndLine  int
	Block    bool
	Children []*Node
}

// ReadFile reads an included file; nil means includes are reported, not read.
type ReadFile func(name string) ([]byte, error)

// Parser reads a configuration and the files it includes.
type Parser struct {
	Read ReadFile
	// Glob expands include patterns; filepath.Glob when nil.
	Glob func(pattern string) ([]string, error)
	// Problems are what could not be read: unbalanced braces, includes
	// that match nothing or nest too deep.
	Problems []Problem
	depth    int
}

// Problem is a parse problem at a line.
type Problem struct {
	File string
	Line int
	Text string
}

type token struct {
	text string
	line int
	nl   bool // a newline ends the statement before this token
}

func tokenize(src string) []token {
	var out []token
	nl := true
	for i, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		if j := strings.IndexAny(line, "#!"); j >= 0 {
			line = line[:j]
		}
		line = strings.NewReplacer("{", " { ", "}", " } ").Replace(line)
		for _, f := range strings.Fields(line) {
			out = append(out, token{text: f, line: i + 1, nl: nl})
			nl = false
		}
		nl = true
	}
	return out
}

// Parse parses src, named file, into its top-level statements.
func (p *Parser) Parse(file string, src []byte) []*Node {
	toks := tokenize(string(src))
	root := &Node{Block: true}
	stack := []*Node{root}
	var cur *Node // the statement being read
	var last *Node
	for _, t := range toks {
		parent := stack[len(stack)-1]
		switch {
		case t.text == "{":
			switch {
			case cur != nil:
				cur.Block = true
				stack = append(stack, cur)
			case last != nil && !last.Block:
				last.Block = true // "{" on its own line opens the previous statement
				stack = append(stack, last)
			default:
				p.problem(file, t.line, "a { with no keyword before it")
				stack = append(stack, &Node{Block: true, File: file, Line: t.line})
			}
			cur, last = nil, nil
		case t.text == "}":
			if len(stack) == 1 {
				p.problem(file, t.line, "a } with no { to close")
				continue
			}
			stack[len(stack)-1].EndLine = t.line
			last = stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			cur = nil
		case t.nl || cur == nil:
			cur = &Node{Key: t.text, File: file, Line: t.line, EndLine: t.line}
			if cur.Key == "include" {
				last = cur
				parent.Children = append(parent.Children, cur)
				continue
			}
			parent.Children = append(parent.Children, cur)
			last = cur
		default:
			cur.Args = append(cur.Args, t.text)
		}
	}
	for _, n := range stack[1:] {
		p.problem(file, n.Line, fmt.Sprintf("the block %s opened here is not closed with }", n.Key))
	}
	root.Children = p.includes(file, root.Children)
	return root.Children
}

func (p *Parser) problem(file string, line int, text string) {
	p.Problems = append(p.Problems, Problem{File: file, Line: line, Text: text})
}

// includes replaces include statements, at any depth, by the statements
// of the files they name.
func (p *Parser) includes(file string, nodes []*Node) []*Node {
	var out []*Node
	for _, n := range nodes {
		if n.Key != "include" || n.Block {
			n.Children = p.includes(file, n.Children)
			out = append(out, n)
			continue
		}
		out = append(out, p.include(file, n)...)
	}
	return out
}

func (p *Parser) include(file string, n *Node) []*Node {
	if len(n.Args) == 0 {
		p.problem(file, n.Line, "include needs a file")
		return nil
	}
	if p.Read == nil {
		p.problem(file, n.Line, "include "+n.Args[0]+" was not read")
		return nil
	}
	if p.depth >= 8 {
		p.problem(file, n.Line, "includes nest more than 8 deep")
		return nil
	}
	pattern := n.Args[0]
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(filepath.Dir(file), pattern)
	}
	glob := p.Glob
	if glob == nil {
		glob = filepath.Glob
	}
	names, err := glob(pattern)
	if err != nil || len(names) == 0 {
		p.problem(file, n.Line, "include "+n.Args[0]+" matches no file")
		return nil
	}
	// In name order, as keepalived's glob(3) reads them.
	slices.Sort(names)
	var out []*Node
	for _, name := range names {
		src, err := p.Read(name)
		if err != nil {
			p.problem(file, n.Line, fmt.Sprintf("include %s: %v", name, err))
			continue
		}
		p.depth++
		out = append(out, p.Parse(name, src)...)
		p.depth--
	}
	return out
}
