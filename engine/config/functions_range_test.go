package config

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestRange(t *testing.T) {
	num := func(ns ...int) cty.Value {
		if len(ns) == 0 {
			return cty.ListValEmpty(cty.Number)
		}
		var vs []cty.Value
		for _, n := range ns {
			vs = append(vs, cty.NumberIntVal(int64(n)))
		}
		return cty.ListVal(vs)
	}
	for _, tc := range []struct {
		args []int
		want cty.Value
	}{
		{[]int{3}, num(0, 1, 2)},
		{[]int{0}, num()},
		{[]int{2, 5}, num(2, 3, 4)},
		{[]int{5, 2}, num(5, 4, 3)},
		{[]int{0, 10, 4}, num(0, 4, 8)},
		{[]int{10, 0, -4}, num(10, 6, 2)},
	} {
		var args []cty.Value
		for _, a := range tc.args {
			args = append(args, cty.NumberIntVal(int64(a)))
		}
		got, err := rangeFunc().Call(args)
		if err != nil {
			t.Errorf("range%v: %v", tc.args, err)
			continue
		}
		if !got.RawEquals(tc.want) {
			t.Errorf("range%v = %#v, want %#v", tc.args, got, tc.want)
		}
	}
	// More than cty's 1,024, as a compact 10,000-service file needs.
	got, err := rangeFunc().Call([]cty.Value{cty.NumberIntVal(10000)})
	if err != nil || got.LengthInt() != 10000 {
		t.Errorf("range(10000): %d values, %v", got.LengthInt(), err)
	}
	for _, bad := range [][]int{{0, 10, 0}, {0, 10, -1}, {}, {1, 2, 3, 4}, {MaxRange + 1}} {
		var args []cty.Value
		for _, a := range bad {
			args = append(args, cty.NumberIntVal(int64(a)))
		}
		if _, err := rangeFunc().Call(args); err == nil {
			t.Errorf("range%v: no error", bad)
		}
	}
}
