package cli

import (
	"fmt"
	"io"
	"sync"

	"github.com/lvsctl/lvsctl/engine/plan"
)

// listMax is how many changes of one step of one host apply lists one by
// one; above it the step is one line of counts (failures are always shown
// in full), so a change of 100,000 servers prints a few lines, not 100,000.
const listMax = 10

// progress prints what apply did, as each host's batch ends. It is called
// from several goroutines at once.
type progress struct {
	mu      sync.Mutex
	out     io.Writer
	verbose bool
	// steps is the step of each change, by host and address.
	steps map[hostAddress]plan.Step
}

type hostAddress struct{ host, address string }

func newProgress(out io.Writer, p plan.Plan, verbose bool) *progress {
	pr := &progress{out: out, verbose: verbose, steps: map[hostAddress]plan.Step{}}
	if !verbose {
		for _, hp := range p.Hosts {
			for _, c := range hp.Changes {
				pr.steps[hostAddress{hp.Host, c.Address}] = c.Step()
			}
		}
	}
	return pr
}

// report prints one host's results: every change when verbose or when a
// step has few, else per step the count done; every failure in full.
func (p *progress) report(host string, results []plan.Result, _ error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := func(r plan.Result) {
		if r.Error != "" {
			fmt.Fprintf(p.out, "%s: %s: failed: %s\n", host, r.Address, r.Error)
		} else {
			fmt.Fprintf(p.out, "%s: %s: done\n", host, r.Address)
		}
	}
	if p.verbose {
		for _, r := range results {
			line(r)
		}
		return
	}
	// Results come in apply order, so a step's results are consecutive.
	for start := 0; start < len(results); {
		step := p.steps[hostAddress{host, results[start].Address}]
		end := start + 1
		for end < len(results) && p.steps[hostAddress{host, results[end].Address}] == step {
			end++
		}
		run := results[start:end]
		if len(run) <= listMax {
			for _, r := range run {
				line(r)
			}
		} else {
			done := 0
			for _, r := range run {
				if r.Error == "" {
					done++
				} else {
					line(r)
				}
			}
			fmt.Fprintf(p.out, "%s: %s: %d done (-v lists each)\n", host, step, done)
		}
		start = end
	}
}
