package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestNetnsBlocks(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []earlyHost
	}{
		{"director", "director \"lvs\" {\n  netns     = \"ns1\"\n  interface = \"eth0\"\n}\n", []earlyHost{{"lvs", "ns1"}}},
		{"real server, comment after", "real_server \"web1\" {\n\taddress = \"192.0.2.1\"\n\tnetns = \"w1\" # the host\n}\n", []earlyHost{{"web1", "w1"}}},
		{"both", "director \"a\" {\n  netns = \"x\"\n}\n\nreal_server \"b\" {\n  # here\n\n  netns = \"y\"\n}\n", []earlyHost{{"a", "x"}, {"b", "y"}}},
		{"interpolated", "director \"a\" {\n  netns = \"${var.ns}-a\"\n}\n", nil},
		{"escape", "director \"a\" {\n  netns = \"a\\u0041\"\n}\n", nil},
		{"not literal", "director \"a\" {\n  netns = var.ns\n}\n", nil},
		{"more after", "director \"a\" {\n  netns = \"x\" + 1\n}\n", nil},
		{"top level", "netns = \"x\"\n", nil},
		{"other block", "virtual_server \"a\" {\n  netns = \"x\"\n}\n", nil},
		{"templated label", "director \"${x}\" {\n  netns = \"x\"\n}\n", nil},
		{"another name", "director \"a\" {\n  netns_name = \"x\"\n}\n", nil},
		{"after a closed block", "director \"a\" {\n}\nlocals {\n  netns = \"x\"\n}\n", nil},
		{"in a string", "director \"a\" {\n  description = \"netns = \\\"x\\\"\"\n}\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := netnsBlocks([]byte(tc.src)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("netnsBlocks = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestGuessNetnsHosts reads the files config.Load would (a directory's
// *.hcl), keeps -target's hosts, each name once, at most maxEarly.
func TestGuessNetnsHosts(t *testing.T) {
	dir := t.TempDir()
	var many strings.Builder
	for i := range maxEarly + 2 {
		many.WriteString("real_server \"w" + string(rune('a'+i)) + "\" {\n  netns = \"n\"\n}\n")
	}
	files := map[string]string{
		"a.hcl":     "director \"lvs\" {\n  netns = \"d\"\n}\n",
		"b.hcl":     "director \"lvs\" {\n  netns = \"again\"\n}\nreal_server \"web\" {\n  netns = \"w\"\n}\n",
		"c.hcl.bak": "real_server \"old\" {\n  netns = \"o\"\n}\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := guessNetnsHosts(dir, nil), []earlyHost{{"lvs", "d"}, {"web", "w"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("directory: %v, want %v", got, want)
	}
	if got, want := guessNetnsHosts(dir, []string{"web"}), []earlyHost{{"web", "w"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("-target web: %v, want %v", got, want)
	}
	big := filepath.Join(dir, "many.conf")
	if err := os.WriteFile(big, []byte(many.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := guessNetnsHosts(big, nil); len(got) != maxEarly {
		t.Errorf("%d guesses, want at most %d", len(got), maxEarly)
	}
	if got := guessNetnsHosts(filepath.Join(dir, "missing.hcl"), nil); got != nil {
		t.Errorf("missing file: %v", got)
	}
}

// FuzzNetnsBlocks: any text; each guess is a plain name and namespace
// that the text holds as written.
func FuzzNetnsBlocks(f *testing.F) {
	f.Add("director \"lvs\" {\n  netns = \"ns1\"\n}\n")
	f.Add("real_server \"a\" {\n\tnetns=\"b\"//c\n")
	f.Add("netns\nnetns = \"\n")
	f.Fuzz(func(t *testing.T, src string) {
		for _, h := range netnsBlocks([]byte(src)) {
			if h.name == "" || h.netns == "" || strings.ContainsAny(h.netns, "\\$%{}/\"\n") || strings.ContainsAny(h.name, "\\$%{}\"\n") {
				t.Fatalf("guess %+v from %q", h, src)
			}
			if !bytes.Contains([]byte(src), []byte(`"`+h.netns+`"`)) || !strings.Contains(src, `"`+h.name+`"`) {
				t.Fatalf("guess %+v not in %q", h, src)
			}
		}
	})
}
