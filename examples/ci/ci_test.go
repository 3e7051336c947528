// Package ci_test checks the CI examples: the GitHub workflow passes
// actionlint (with shellcheck on its run: scripts), the GitLab file is
// YAML whose scripts pass shellcheck, and every lvsctl command either
// runs has a twin in cmd/lvsctl/testdata/script/ci.txtar, which runs it.
package ci_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v3"
)

const (
	github = "github-workflow.yml"
	gitlab = "gitlab-ci.yml"
	script = "../../cmd/lvsctl/testdata/script/ci.txtar"
)

// shellcheck is the path of shellcheck. `make test` sets
// LVSCTL_REQUIRE_TOOLS=1 (and `make deps` installs it): there a missing
// shellcheck fails rather than leaving the scripts unchecked.
func shellcheck(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("shellcheck")
	if err != nil {
		if os.Getenv("LVSCTL_REQUIRE_TOOLS") == "1" {
			t.Fatal("LVSCTL_REQUIRE_TOOLS=1 but shellcheck is not installed: apt-get install shellcheck (make deps)")
		}
		t.Log("shellcheck is not installed: the scripts are not checked (apt-get install shellcheck)")
		return ""
	}
	return path
}

func TestGitHubWorkflow(t *testing.T) {
	var out bytes.Buffer
	l, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{Shellcheck: shellcheck(t)})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFile(github, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) > 0 {
		t.Errorf("actionlint found %d problems:\n%s", len(errs), out.String())
	}
}

// gitlabJob is what the test reads of a GitLab job.
type gitlabJob struct {
	Extends      string   `yaml:"extends"`
	Stage        string   `yaml:"stage"`
	BeforeScript []string `yaml:"before_script"`
	Script       []string `yaml:"script"`
	Artifacts    struct {
		Paths []string `yaml:"paths"`
	} `yaml:"artifacts"`
}

func TestGitLabCI(t *testing.T) {
	b, err := os.ReadFile(gitlab)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s is not YAML: %v", gitlab, err)
	}
	var stages []string
	if n, ok := doc["stages"]; !ok || n.Decode(&stages) != nil {
		t.Fatalf("%s: no stages list", gitlab)
	}
	jobs := map[string]gitlabJob{}
	for name, n := range doc {
		if name == "stages" || name == "variables" {
			continue
		}
		var j gitlabJob
		if err := n.Decode(&j); err != nil {
			t.Fatalf("%s: job %s: %v", gitlab, name, err)
		}
		jobs[name] = j
	}
	for _, name := range []string{"check", "plan", "apply"} {
		j, ok := jobs[name]
		if !ok {
			t.Fatalf("%s has no %s job", gitlab, name)
		}
		if !slices.Contains(stages, j.Stage) {
			t.Errorf("job %s: stage %q is not one of %v", name, j.Stage, stages)
		}
		if _, ok := jobs[j.Extends]; j.Extends != "" && !ok {
			t.Errorf("job %s extends %q, which is not there", name, j.Extends)
		}
	}
	if !slices.Contains(jobs["plan"].Artifacts.Paths, "lvsctl.plan") {
		t.Errorf("the plan job does not keep lvsctl.plan as an artifact: %v", jobs["plan"].Artifacts.Paths)
	}
	sc := shellcheck(t)
	if sc == "" {
		return
	}
	for name, j := range jobs {
		// GitLab runs a job's before_script and script as one shell script.
		lines := append(append([]string{"#!/bin/bash", "set -eo pipefail"}, jobs[j.Extends].BeforeScript...), j.BeforeScript...)
		lines = append(lines, j.Script...)
		cmd := exec.Command(sc, "-s", "bash", "-")
		cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("shellcheck on job %s: %v\n%s", name, err, out)
		}
	}
}

var lvsctlCommand = regexp.MustCompile(`\blvsctl (fmt|validate|plan|apply|graph|show|destroy)\b(.*)`)

// commands finds the lvsctl commands in text (backslash-continued lines
// joined), each as its subcommand and flags.
func commands(text string) [][]string {
	text = strings.ReplaceAll(text, "\\\n", " ")
	var out [][]string
	for _, line := range strings.Split(text, "\n") {
		m := lvsctlCommand.FindStringSubmatch(line)
		if m == nil || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		cmd := []string{m[1]}
		for _, f := range strings.Fields(m[2]) {
			if f == ">" || f == "||" || f == "|" {
				break
			}
			if strings.HasPrefix(f, "-") {
				cmd = append(cmd, f)
			}
		}
		out = append(out, cmd)
	}
	return out
}

// Every lvsctl command the CI files run, with all its flags, is run by
// ci.txtar too (which may add --state or -target).
func TestCommandsHaveScriptTwins(t *testing.T) {
	b, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	twins := commands(string(b))
	for _, file := range []string{github, gitlab} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		// GitLab's folded (>-) scalars put one command on several lines.
		text := regexp.MustCompile(`\n\s+-(\w)`).ReplaceAllString(string(b), " -$1")
		found := commands(text)
		if len(found) < 4 {
			t.Fatalf("%s: found only %v: is the command pattern out of date?", file, found)
		}
		for _, c := range found {
			if !slices.ContainsFunc(twins, func(tw []string) bool { return covers(tw, c) }) {
				t.Errorf("%s runs `lvsctl %s`, which %s never runs", file, strings.Join(c, " "), filepath.Base(script))
			}
		}
	}
}

// covers: twin is the same subcommand with at least c's flags.
func covers(twin, c []string) bool {
	if twin[0] != c[0] {
		return false
	}
	for _, f := range c[1:] {
		if !slices.Contains(twin[1:], f) {
			return false
		}
	}
	return true
}
