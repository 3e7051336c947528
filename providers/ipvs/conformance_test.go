package ipvs_test

import (
	"os"
	"testing"

	cfipvs "github.com/cloudflare/ipvs"

	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
)

// kernelEnv enables the kernel suite; it changes the IPVS table of the
// machine (only in 198.51.100.0/24, 2001:db8::/32 and fwmarks >= 0x1000),
// so it runs where that is wanted: the e2e VM.
const kernelEnv = "LVSCTL_IPVS_KERNEL"

func TestConformanceFake(t *testing.T) {
	ipvstest.RunConformance(t, func(*testing.T) cfipvs.Client { return ipvstest.NewFake() })
}

func TestConformanceKernel(t *testing.T) {
	if os.Getenv(kernelEnv) != "1" {
		t.Skipf("set %s=1 to run against this kernel's IPVS (as root, ip_vs loaded; changes the IPVS table)", kernelEnv)
	}
	ipvstest.RunConformance(t, func(t *testing.T) cfipvs.Client {
		c, err := cfipvs.New()
		if err != nil {
			t.Fatalf("opening IPVS over netlink: %v (is the ip_vs module loaded? modprobe ip_vs)", err)
		}
		t.Cleanup(func() {
			if cl, ok := c.(interface{ Close() error }); ok {
				if err := cl.Close(); err != nil {
					t.Errorf("closing the IPVS client: %v", err)
				}
			}
		})
		return c
	})
}
