package ipvs_test

import (
	"testing"

	cfipvs "github.com/cloudflare/ipvs"

	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
)

func TestConformanceFake(t *testing.T) {
	ipvstest.RunConformance(t, func(*testing.T) cfipvs.Client { return ipvstest.NewFake() })
}
