package graph_test

import (
	"bytes"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/graph"
	"github.com/lvsctl/lvsctl/engine/plan"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/exampletest"
	"github.com/lvsctl/lvsctl/internal/golden"
)

func draw(t *testing.T, g *graph.Graph) (mermaid, dot []byte) {
	t.Helper()
	var m, d bytes.Buffer
	if err := g.Mermaid(&m); err != nil {
		t.Fatal(err)
	}
	if err := g.DOT(&d); err != nil {
		t.Fatal(err)
	}
	return m.Bytes(), d.Bytes()
}

// Every example is drawn as it is configured (NAME.mmd, NAME.dot) and as
// its plan against its snapshot marks it (NAME.plan.mmd, NAME.plan.dot).
func TestGoldenExamples(t *testing.T) {
	for _, e := range exampletest.All(t) {
		t.Run(e.Name, func(t *testing.T) {
			base := filepath.Join("testdata", e.Name)
			m, d := draw(t, graph.Build(e.Config, e.Targets))
			golden.Check(t, base+".mmd", m)
			golden.Check(t, base+".dot", d)
			checkDOT(t, d)

			g := graph.Build(e.Config, e.Targets)
			g.Mark(e.Plan(t))
			m, d = draw(t, g)
			golden.Check(t, base+".plan.mmd", m)
			golden.Check(t, base+".plan.dot", d)
			checkDOT(t, d)
		})
	}
}

// checkDOT runs Graphviz on the DOT, so a syntax error fails. `make test`
// sets LVSCTL_REQUIRE_TOOLS=1 (and `make deps` installs graphviz), so there
// a missing dot fails instead of skipping.
func checkDOT(t *testing.T, dot []byte) {
	t.Helper()
	if _, err := exec.LookPath("dot"); err != nil {
		if os.Getenv("LVSCTL_REQUIRE_TOOLS") == "1" {
			t.Fatal("LVSCTL_REQUIRE_TOOLS=1 but Graphviz's dot is not installed: apt-get install graphviz (make deps)")
		}
		t.Skip("Graphviz's dot is not installed: the DOT is not checked (apt-get install graphviz)")
	}
	cmd := exec.Command("dot", "-Tsvg")
	cmd.Stdin = bytes.NewReader(dot)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Errorf("dot -Tsvg: %v %s\n%s", err, stderr.String(), dot)
	}
}

func example(t *testing.T, name string) exampletest.Example {
	for _, e := range exampletest.All(t) {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("no example %s", name)
	return exampletest.Example{}
}

// keepalived's two directors leave the VIP to VRRP and share the service:
// one pair. nat-lab's one director without aliases is no pair, and dr-lab's
// director aliases the VIP on ens34:0.
func TestPairs(t *testing.T) {
	g := graph.Build(example(t, "keepalived").Config, example(t, "keepalived").Targets)
	want := []graph.Pair{{Directors: []string{"ds1", "ds2"}, VIPs: []string{"172.17.13.252"}}}
	if d := cmp.Diff(want, g.Pairs); d != "" {
		t.Errorf("keepalived pairs (-want +got):\n%s", d)
	}
	if g := graph.Build(example(t, "nat-lab").Config, example(t, "nat-lab").Targets); len(g.Pairs) != 0 {
		t.Errorf("nat-lab pairs: %v, want none", g.Pairs)
	}
	dr := example(t, "dr-lab")
	g = graph.Build(dr.Config, dr.Targets)
	if len(g.Services) != 1 || len(g.Services[0].Directors) != 1 || g.Services[0].Directors[0].Alias != "ens34:0" {
		t.Fatalf("dr-lab service: %+v", g.Services)
	}
	var hosts []string
	for _, b := range g.Services[0].Servers {
		hosts = append(hosts, b.Host+"="+b.Address.String()+"/"+b.Method)
	}
	if want := []string{"web1=172.25.0.31:80/dr", "web2=172.25.0.32:80/dr", "web3=172.25.0.33:80/dr"}; !slices.Equal(hosts, want) {
		t.Errorf("dr-lab servers %v, want %v", hosts, want)
	}
}

// A plan that removes a service, removes and adds servers, changes a weight
// and drops a host marks each of them, and draws what is removed.
func TestMark(t *testing.T) {
	dr := example(t, "dr-lab")
	desired := dr.Targets[0].Desired
	if desired.Name != "lvs" {
		t.Fatalf("first target %s, want the director lvs", desired.Name)
	}
	live := desired.Clone()
	web := &live.Services[0]
	web.Servers[0].Weight = 3 // .31: weight 3 -> 1
	web.Servers = append(web.Servers[:2], state.Server{Address: netip.MustParseAddr("172.25.0.34"), Port: 80, Method: "dr", Weight: 1})
	tls := *web
	tls.Name, tls.Port, tls.Servers = "", 443, nil
	live.Services = append(live.Services, tls)
	live.Owned = &state.Record{FormatVersion: state.FormatVersion,
		Services: map[string]string{web.Key(): "web", tls.Key(): "tls"}}
	live.Normalize()
	p := plan.Plan{Hosts: []plan.HostPlan{
		plan.Diff(desired, live),
		{Host: "web4", Role: state.RoleRealServer, Removed: true, Changes: []plan.Change{}},
	}}

	g := graph.Build(dr.Config, dr.Targets)
	g.Mark(p)
	status := map[string]graph.Status{}
	for _, s := range g.Services {
		status[s.Key] = s.Status
		for _, b := range s.Servers {
			status[s.Key+" -> "+b.Address.String()] = b.Status
		}
	}
	for _, rs := range g.RealServers {
		status[rs.Name] = rs.Status
	}
	for _, d := range g.Directors {
		status[d.Name] = d.Status
	}
	want := map[string]graph.Status{
		"tcp/172.25.0.100:80":                   graph.Changed,
		"tcp/172.25.0.100:80 -> 172.25.0.31:80": graph.Changed,
		"tcp/172.25.0.100:80 -> 172.25.0.32:80": graph.Same,
		"tcp/172.25.0.100:80 -> 172.25.0.33:80": graph.Added,
		"tcp/172.25.0.100:80 -> 172.25.0.34:80": graph.Removed,
		"tcp/172.25.0.100:443":                  graph.Removed,
		"lvs":                                   graph.Changed,
		"web1":                                  graph.Same, "web2": graph.Same, "web3": graph.Same,
		"web4": graph.Removed,
	}
	if d := cmp.Diff(want, status); d != "" {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
	m, d := draw(t, g)
	golden.Check(t, filepath.Join("testdata", "mark.mmd"), m)
	golden.Check(t, filepath.Join("testdata", "mark.dot"), d)
	checkDOT(t, d)
	if !strings.Contains(string(m), `"~ dr, weight 3→1"`) || !strings.Contains(string(m), `s1{{"- tls<br/>tcp 172.25.0.100:443<br/>wrr"}}`) {
		t.Errorf("mermaid lacks the changed weight or the removed service:\n%s", m)
	}
}
