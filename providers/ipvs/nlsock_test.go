package ipvs

import (
	"slices"
	"testing"

	"github.com/mdlayher/genetlink"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// TestDumpReadsWholeAnswers runs the reader's dump (sendDump, recvDump:
// two datagrams per system call) on a generic netlink family every kernel
// has, the controller, whose family dump spans datagrams and ends in
// NLMSG_DONE, and compares what it read with mdlayher/genetlink's list, a
// few times over one socket: nothing lost, nothing left for the next.
func TestDumpReadsWholeAnswers(t *testing.T) {
	c, err := netlink.Dial(unix.NETLINK_GENERIC, nil)
	if err != nil {
		t.Skipf("no generic netlink here: %v", err)
	}
	defer c.Close()
	gc := genetlink.NewConn(c)
	f, err := gc.GetFamily("nlctrl")
	if err != nil {
		t.Fatal(err)
	}
	families, err := gc.ListFamilies()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, fam := range families {
		want = append(want, fam.Name)
	}
	slices.Sort(want)
	r := &Reader{s: &nlsock{c: c, family: f, buf: make([]byte, recvBuf)}}
	const ctrlCmdGetFamily, ctrlAttrFamilyName = 3, 2
	for i := range 3 {
		var got []string
		err := r.dump(ctrlCmdGetFamily, nil, func(ad *attrs) {
			if ad.typ == ctrlAttrFamilyName {
				got = append(got, ad.string())
			}
		})
		if err != nil {
			t.Fatalf("dump %d: %v", i, err)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("dump %d read families %v, want %v", i, got, want)
		}
	}
}
