package agent

import (
	"fmt"
	"net/netip"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lvsctl/lvsctl/engine/cluster/clustertest"
	"github.com/lvsctl/lvsctl/engine/state"
	"github.com/lvsctl/lvsctl/internal/servicecodec"
)

// fill sets every field of the struct v points to (and of the structs in
// its slices) to a value that is not zero, different per field, so that a
// field the codec leaves out shows in a round trip.
func fill(t testing.TB, v reflect.Value, n *int) {
	t.Helper()
	for i := range v.NumField() {
		f := v.Field(i)
		*n++
		switch {
		case f.Type() == reflect.TypeOf(netip.Addr{}):
			f.Set(reflect.ValueOf(netip.AddrFrom4([4]byte{10, 0, byte(*n >> 8), byte(*n)})))
		case f.Kind() == reflect.String:
			f.SetString(fmt.Sprintf("v%d", *n))
		case f.Kind() == reflect.Bool:
			f.SetBool(true)
		case f.CanUint():
			f.SetUint(uint64(*n))
		case f.CanInt():
			f.SetInt(int64(-*n))
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Uint32:
			x := uint32(*n)
			f.Set(reflect.ValueOf(&x))
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			f.Set(reflect.ValueOf([]string{fmt.Sprintf("a%d", *n), fmt.Sprintf("b%d", *n)}))
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Struct:
			s := reflect.MakeSlice(f.Type(), 2, 2)
			for j := range 2 {
				fill(t, s.Index(j), n)
			}
			f.Set(s)
		default:
			t.Fatalf("field %s.%s of type %s: teach fill and the services codec about it", v.Type(), v.Type().Field(i).Name, f.Type())
		}
	}
}

// TestServicesCodecEveryField: every field of a service and its servers
// crosses the agent's compact form, so a field added to state.Service or
// state.Server fails here until the codec carries it.
func TestServicesCodecEveryField(t *testing.T) {
	var s state.Service
	n := 0
	fill(t, reflect.ValueOf(&s).Elem(), &n)
	v6 := s
	v6.Address = netip.MustParseAddr("2001:db8::1")
	v6.Servers = []state.Server{{Address: netip.MustParseAddr("fe80::1%eth0"), Method: "dr"}}
	zero := state.Service{DrainTimeout: new(uint32)}
	want := []state.Service{s, v6, zero, {}}
	got, err := servicecodec.Decode(servicecodec.Append(nil, want))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got, clustertest.CmpOpts); d != "" {
		t.Errorf("services across the compact form (-sent +received):\n%s", d)
	}
	if got, err := servicecodec.Decode(servicecodec.Append(nil, nil)); err != nil || got != nil {
		t.Errorf("no services: %v, %v", got, err)
	}
}

// TestServicesCodecRefusesDamage: input cut short, with bytes left over,
// or with a number out of range is an error saying so, never a state.
func TestServicesCodecRefusesDamage(t *testing.T) {
	var s state.Service
	n := 0
	fill(t, reflect.ValueOf(&s).Elem(), &n)
	good := servicecodec.Append(nil, []state.Service{s})
	for name, b := range map[string][]byte{
		"cut short": good[:len(good)-1],
		"left over": append(append([]byte{}, good...), 0),
		"big count": {0xff, 0xff, 0xff, 0xff, 0x0f},
		// One service: name, protocol and address empty, then port 70,000.
		"port > 65k": {1, 0, 0, 0, 0xf0, 0xa2, 0x04},
	} {
		if got, err := servicecodec.Decode(b); err == nil {
			t.Errorf("%s: decoded %+v, want an error", name, got)
		}
	}
}

// FuzzDecodeServices: whatever the input, decoding neither panics nor
// allocates beyond it, and what it accepts encodes back to the same.
func FuzzDecodeServices(f *testing.F) {
	var s state.Service
	n := 0
	fill(f, reflect.ValueOf(&s).Elem(), &n)
	f.Add(servicecodec.Append(nil, []state.Service{s}))
	f.Add(servicecodec.Append(nil, nil))
	f.Add([]byte{1, 0, 0, 4, 10, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := servicecodec.Decode(b)
		if err != nil {
			return
		}
		again, err := servicecodec.Decode(servicecodec.Append(nil, got))
		if err != nil {
			t.Fatalf("what was decoded does not decode again: %v", err)
		}
		if d := cmp.Diff(got, again, clustertest.CmpOpts); d != "" {
			t.Fatalf("round trip (-first +second):\n%s", d)
		}
	})
}
