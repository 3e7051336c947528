//go:build !linux

package ipvstest

import (
	"runtime"
	"testing"

	cfipvs "github.com/cloudflare/ipvs"
)

// NewKernelClient fails the test: IPVS is a Linux kernel feature.
func NewKernelClient(t *testing.T) cfipvs.Client {
	t.Helper()
	t.Fatalf("IPVS needs Linux, not %s", runtime.GOOS)
	return nil
}
