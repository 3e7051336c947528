package ipvstest_test

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sync"
	"testing"

	cfipvs "github.com/cloudflare/ipvs"
	"github.com/cloudflare/ipvs/netmask"
	"golang.org/x/sys/unix"

	"github.com/lvsctl/lvsctl/providers/ipvs/ipvstest"
)

// What the fake does that the conformance suite cannot check against a
// kernel it shares: fresh-table defaults and listing order.

func service(last byte) cfipvs.Service {
	return cfipvs.Service{
		Address:   netip.AddrFrom4([4]byte{10, 0, 0, last}),
		Port:      80,
		Protocol:  cfipvs.TCP,
		Family:    cfipvs.INET,
		Scheduler: "rr",
		Netmask:   netmask.MaskFrom(32, 32),
	}
}

func dest(last byte) cfipvs.Destination {
	return cfipvs.Destination{Address: netip.AddrFrom4([4]byte{10, 0, 1, last}), Port: 80, Family: cfipvs.INET, FwdMethod: cfipvs.DirectRoute, Weight: 1}
}

func TestDefaultTimeouts(t *testing.T) {
	got, err := ipvstest.NewFake().Config()
	want := cfipvs.Config{TCPTimeout: 900, TCPFinTimeout: 120, UDPTimeout: 300}
	if err != nil || got != want {
		t.Errorf("Config() = %+v, %v; want the kernel's defaults %+v", got, err, want)
	}
}

func TestEmptyTable(t *testing.T) {
	if _, err := ipvstest.NewFake().Services(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Services of an empty table: got %v, want os.ErrNotExist as cloudflare/ipvs reports an empty dump", err)
	}
}

func TestListingOrderIsNewestFirst(t *testing.T) {
	f := ipvstest.NewFake()
	for _, last := range []byte{2, 1, 3} {
		if err := f.CreateService(service(last)); err != nil {
			t.Fatal(err)
		}
	}
	for _, last := range []byte{5, 4, 6} {
		if err := f.CreateDestination(service(1), dest(last)); err != nil {
			t.Fatal(err)
		}
	}
	svcs, err := f.Services()
	if err != nil {
		t.Fatal(err)
	}
	var gotSvcs []string
	for _, s := range svcs {
		gotSvcs = append(gotSvcs, s.Address.String())
	}
	ds, err := f.Destinations(service(1))
	if err != nil {
		t.Fatal(err)
	}
	var gotDests []string
	for _, d := range ds {
		gotDests = append(gotDests, d.Address.String())
	}
	if fmt.Sprint(gotSvcs) != "[10.0.0.3 10.0.0.1 10.0.0.2]" || fmt.Sprint(gotDests) != "[10.0.1.6 10.0.1.4 10.0.1.5]" {
		t.Errorf("listed services %v and servers %v, want newest first", gotSvcs, gotDests)
	}
}

func TestUnloadScheduler(t *testing.T) {
	f := ipvstest.NewFake()
	if err := f.CreateService(service(1)); err != nil {
		t.Fatal(err)
	}
	f.UnloadScheduler("mh")
	s := service(2)
	s.Scheduler = "mh"
	if err := f.CreateService(s); !errors.Is(err, unix.ENOENT) {
		t.Errorf("create with an unloaded scheduler: got %v, want ENOENT", err)
	}
	s = service(1)
	s.Scheduler = "mh"
	if err := f.UpdateService(s); !errors.Is(err, unix.ENOENT) {
		t.Errorf("update to an unloaded scheduler: got %v, want ENOENT", err)
	}
	s.Scheduler = "sh"
	if err := f.UpdateService(s); err != nil {
		t.Errorf("update to a loaded scheduler: %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	f := ipvstest.NewFake()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 16 {
		wg.Go(func() {
			s := service(byte(i + 1))
			for _, err := range []error{
				f.CreateService(s),
				f.CreateDestination(s, dest(byte(i+1))),
				f.SetConfig(cfipvs.Config{TCPTimeout: uint32(100 + i)}),
			} {
				if err != nil {
					errs <- err
				}
			}
			if _, err := f.Services(); err != nil {
				errs <- err
			}
			if err := f.RemoveService(s); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if _, err := f.Services(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after every goroutine removed its service: %v, want an empty table", err)
	}
}
