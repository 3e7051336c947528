package keepalived

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lvsctl/lvsctl/engine/convert"
)

func TestParseLayouts(t *testing.T) {
	src := "virtual_server 10.0.0.1 80\n{   # comment after the brace\n\tlb_algo rr ! bang comment\n  real_server 10.0.0.11 80 { weight 2 }\n  real_server 10.0.0.12 80\n  {\n    weight 3\n  }\n}\n"
	p := &Parser{}
	nodes := p.Parse("k.conf", []byte(src))
	if len(p.Problems) > 0 {
		t.Fatalf("problems: %+v", p.Problems)
	}
	if len(nodes) != 1 || nodes[0].Key != "virtual_server" || len(nodes[0].Children) != 3 {
		t.Fatalf("got %s", dump(nodes))
	}
	rs := nodes[0].Children[2]
	if rs.Key != "real_server" || len(rs.Children) != 1 || rs.Children[0].Args[0] != "3" || rs.Line != 5 {
		t.Errorf("real_server with { on its own line: %s", dump([]*Node{rs}))
	}
}

func TestParseProblems(t *testing.T) {
	p := &Parser{}
	p.Parse("k.conf", []byte("virtual_server 1.2.3.4 80 {\n lb_algo rr\n"))
	p.Parse("k.conf", []byte("}\n"))
	p.Parse("k.conf", []byte("include other.conf\n"))
	if len(p.Problems) != 3 {
		t.Errorf("got %+v, want three problems", p.Problems)
	}
}

func TestInclude(t *testing.T) {
	files := map[string]string{
		"/etc/keepalived/conf.d/a.conf": "virtual_server 10.0.0.1 80 {\n}\n",
		"/etc/keepalived/conf.d/b.conf": "include ../deep.conf\n",
		"/etc/keepalived/deep.conf":     "virtual_server 10.0.0.2 80 {\n}\n",
	}
	p := &Parser{
		Read: func(name string) ([]byte, error) {
			if s, ok := files[name]; ok {
				return []byte(s), nil
			}
			return nil, fs.ErrNotExist
		},
		Glob: func(pattern string) ([]string, error) {
			var out []string
			for name := range files {
				if ok, _ := filepath.Match(pattern, name); ok {
					out = append(out, name)
				}
			}
			return out, nil
		},
	}
	nodes := p.Parse("/etc/keepalived/keepalived.conf", []byte("include conf.d/*.conf\n"))
	if len(p.Problems) > 0 || len(nodes) != 2 {
		t.Fatalf("got %s, problems %+v", dump(nodes), p.Problems)
	}
	if nodes[1].File != "/etc/keepalived/deep.conf" {
		t.Errorf("nested include read from %s", nodes[1].File)
	}
}

func TestIncludeLoopStops(t *testing.T) {
	p := &Parser{Read: func(string) ([]byte, error) { return []byte("include self.conf\n"), nil },
		Glob: func(p string) ([]string, error) { return []string{p}, nil }}
	p.Parse("self.conf", []byte("include self.conf\n"))
	if len(p.Problems) == 0 || !strings.Contains(p.Problems[0].Text, "nest") {
		t.Errorf("got %+v", p.Problems)
	}
}

func TestConvertGroupRange(t *testing.T) {
	h := convert.NewHost("lb")
	src := "virtual_server_group G {\n 10.0.0.1-3 80\n fwmark 5\n}\nvirtual_server group G {\n lb_kind DR\n real_server 10.0.0.11 80 { }\n}\n"
	if err := Convert(h, "k.conf", []byte(src), nil); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, s := range h.State.Services {
		keys = append(keys, s.Key())
	}
	want := "tcp/10.0.0.1:80 tcp/10.0.0.2:80 tcp/10.0.0.3:80 fwmark/5/inet"
	if strings.Join(keys, " ") != want {
		t.Errorf("services %v, want %s", keys, want)
	}
}

func dump(nodes []*Node) string {
	var b strings.Builder
	var walk func([]*Node, string)
	walk = func(ns []*Node, indent string) {
		for _, n := range ns {
			fmt.Fprintf(&b, "%s%s %v (line %d)\n", indent, n.Key, n.Args, n.Line)
			walk(n.Children, indent+"  ")
		}
	}
	walk(nodes, "")
	return b.String()
}

func FuzzKeepalived(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "convert", "in", "*.conf"))
	for _, name := range files {
		if src, err := os.ReadFile(name); err == nil {
			f.Add(string(src))
		}
	}
	f.Add("virtual_server group X {\n}\nvirtual_server_group X { 1.2.3.4-1 80 }")
	f.Fuzz(func(t *testing.T, src string) {
		h := convert.NewHost("h")
		if err := Convert(h, "fuzz.conf", []byte(src), nil); err != nil {
			t.Fatal(err)
		}
		// Whatever the input, the output must validate.
		if _, err := convert.Convert([]*convert.Host{h}, convert.Options{}); err != nil {
			t.Fatal(err)
		}
	})
}
