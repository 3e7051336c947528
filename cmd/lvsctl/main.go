// Command lvsctl manages Linux Virtual Server clusters as code.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/lvsctl/lvsctl/cmd/lvsctl/cli"
)

func main() {
	os.Exit(run())
}

func run() int {
	// LVSCTL_CPUPROFILE=FILE writes a CPU profile of the run to FILE, for
	// benchmarks (README: Scale). Not a flag: it is for whoever measures,
	// and reaches the agents lvsctl starts in namespaces, which inherit it.
	if f := os.Getenv("LVSCTL_CPUPROFILE"); f != "" {
		stop, err := profile(f)
		if err != nil {
			fmt.Fprintf(os.Stderr, "lvsctl: LVSCTL_CPUPROFILE: %v\n", err)
			return 1
		}
		defer stop()
	}
	return cli.Main(os.Args[1:])
}

// profile starts a CPU profile into file; an agent writes FILE.agent.PID
// instead, so it does not overwrite the profile of the lvsctl that
// started it.
func profile(file string) (stop func(), err error) {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		file = fmt.Sprintf("%s.agent.%d", file, os.Getpid())
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "lvsctl: LVSCTL_CPUPROFILE: %v\n", err)
		}
	}, nil
}
