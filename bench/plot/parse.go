package main

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// row is one size's figures from a "@@BENCH n=... apply=... ..." line.
type row struct {
	n                                int
	apply, ipvsadmR, plan, ipvsadmSn float64
}

// parse reads the @@BENCH lines of r (other lines are skipped), sorted by
// size; a size measured twice keeps its last line.
func parse(r io.Reader) ([]row, error) {
	bySize := map[int]row{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		_, rest, ok := strings.Cut(sc.Text(), "@@BENCH ")
		if !ok {
			continue
		}
		kv := map[string]string{}
		for _, f := range strings.Fields(rest) {
			k, v, _ := strings.Cut(f, "=")
			kv[k] = v
		}
		var rw row
		var err error
		num := func(k string) float64 {
			f, e := strconv.ParseFloat(kv[k], 64)
			if e != nil && err == nil {
				err = fmt.Errorf("line %d: %s=%q is not a number", line, k, kv[k])
			}
			return f
		}
		rw.n = int(num("n"))
		rw.apply, rw.ipvsadmR = num("apply"), num("ipvsadm_R")
		rw.plan, rw.ipvsadmSn = num("plan"), num("ipvsadm_Sn")
		if err != nil {
			return nil, err
		}
		bySize[rw.n] = rw
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	var rows []row
	for _, r := range bySize {
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b row) int { return a.n - b.n })
	return rows, nil
}
