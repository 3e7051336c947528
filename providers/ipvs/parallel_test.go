package ipvs_test

import (
	"fmt"
	"net/netip"
	"runtime"
	"testing"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/providers/ipvs"
	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
)

// A big table read over several sockets is the table read over one.
func TestParallelReadIsTheSameTable(t *testing.T) {
	fake := ipvstest.NewFake()
	one := ipvs.New(fake)
	for i := range 600 {
		svc := state.Service{Protocol: "tcp", Address: netip.MustParseAddr("10.0.0.1"), Port: uint16(1000 + i),
			Family: "inet", Scheduler: "wrr", Netmask: 32}
		if err := one.CreateService(svc); err != nil {
			t.Fatal(err)
		}
		for j := range i % 4 {
			s := state.Server{Address: netip.MustParseAddr(fmt.Sprintf("10.1.0.%d", j+1)), Port: 80, Method: "nat", Weight: 1}
			if err := one.CreateServer(svc, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	want, err := one.Services()
	if err != nil {
		t.Fatal(err)
	}
	dials := 0
	many := ipvs.NewWithReaders(fake, func() (cfipvs.Client, error) { dials++; return fake, nil })
	got, err := many.Services()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Addr{})); d != "" {
		t.Errorf("read over several sockets (-one +several):\n%s", d)
	}
	if len(got) != 600 {
		t.Errorf("%d services, want 600", len(got))
	}
	if runtime.NumCPU() > 1 && dials == 0 {
		t.Error("a table of 600 services was read over one socket on a host with several CPUs")
	}
}
