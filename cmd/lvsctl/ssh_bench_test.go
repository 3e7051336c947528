package main

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/lvsctl/lvsctl/transport/ssh/sshtest"
)

// BenchmarkSSHPlanNoop times `lvsctl plan` over SSH against 1, 10 and 50
// real servers that already match the configuration: the whole run as an
// operator sees it (start, ssh_config, connect, check the binary on each
// host, start the agents, read, diff, print). The goal is 50 hosts in at
// most three times one host. Here the hosts' sshd and agents run on this
// machine's cores too, so lvsctl-cpu-ms/op (lvsctl's own CPU time) is
// reported beside the wall time. Needs root and sshd (see sshtest):
//
//	sudo go test ./cmd/lvsctl -run '^$' -bench SSHPlanNoop -benchtime 5x
func BenchmarkSSHPlanNoop(b *testing.B) {
	lab := sshtest.New(b)
	l := &sshLab{Lab: lab, t: b, lvsctl: lvsctlLink(b), dir: b.TempDir()}
	var hosts []*sshtest.Host
	for i := 1; i <= 50; i++ {
		hosts = append(hosts, lab.AddHost("web"+strconv.Itoa(i), sshtest.HostOptions{}))
	}
	l.config = lab.SSHConfig("")
	for _, n := range []int{1, 10, 50} {
		cfg, targets := realServers(l, fmt.Sprintf("cluster-%d.hcl", n), hosts[:n], 2)
		args := append(targets, cfg)
		for _, p := range []int{10, 50} {
			if p > n && p != 10 {
				continue
			}
			plan := append([]string{"plan", "-detailed-exitcode", "-parallelism", strconv.Itoa(p)}, args...)
			// Bring the hosts to the file (and the binary onto them) first.
			if out, errOut, code := l.run(append([]string{"apply", "-auto-approve"}, args...)...); code != 0 {
				b.Fatalf("apply: %s%s", out, errOut)
			}
			b.Run(fmt.Sprintf("hosts=%d/parallelism=%d", n, p), func(b *testing.B) {
				var cpu time.Duration
				for range b.N {
					out, errOut, code, c := l.runCPU(plan...)
					if code != 0 {
						b.Fatalf("plan: exit %d: %s%s", code, out, errOut)
					}
					cpu += c
				}
				// The hosts' sshd and agents share this machine's cores with
				// lvsctl here; what lvsctl itself spends is the client's cost.
				b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "lvsctl-cpu-ms/op")
			})
		}
	}
}
