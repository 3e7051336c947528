//go:build ipvskernel

package ipvs_test

import (
	"testing"

	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
)

// TestConformanceKernel runs the suite against the kernel, in a network
// namespace of its own (IPVS tables are per namespace), so it neither sees
// nor changes the machine's table. It needs root and ip_vs, so it is built
// only with -tags ipvskernel: the e2e VM builds it that way and requires it
// to pass, and plain `go test` neither runs nor skips it.
func TestConformanceKernel(t *testing.T) {
	ipvstest.RunConformance(t, ipvstest.NewKernelClient)
}
