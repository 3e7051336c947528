package ipvs_test

import (
	"os"
	"testing"

	cfipvs "github.com/cloudflare/ipvs"

	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
)

// kernelEnv enables the kernel suite, meant for the e2e VM: it needs root
// and the ip_vs module, which this machine's kernel may lack.
const kernelEnv = "LVSCTL_IPVS_KERNEL"

func TestConformanceFake(t *testing.T) {
	ipvstest.RunConformance(t, func(*testing.T) cfipvs.Client { return ipvstest.NewFake() })
}

// TestConformanceKernel runs the suite against the kernel, in a network
// namespace of its own (IPVS tables are per namespace), so it neither sees
// nor changes the machine's table.
func TestConformanceKernel(t *testing.T) {
	if os.Getenv(kernelEnv) != "1" {
		t.Skipf("set %s=1 to run against this kernel's IPVS (as root, with ip_vs loaded)", kernelEnv)
	}
	ipvstest.RunConformance(t, ipvstest.NewKernelClient)
}
