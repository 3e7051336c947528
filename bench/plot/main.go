// Command plot draws the VM benchmark's growth as an SVG: seconds against
// services for lvsctl apply from empty and ipvsadm -R, and for the no-op
// lvsctl plan and ipvsadm -Sn, from the "@@BENCH" lines of
// e2e/scenarios/bench-scale (read on stdin, the console log will do).
//
//	grep @@BENCH bench/vm-console.log | go run ./bench/plot > docs/bench-growth.svg
//
// A straight line through the origin is linear growth; the dashed grey
// line in each panel extends the first point linearly to compare.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
)

func main() {
	rows, err := parse(os.Stdin)
	if err == nil && len(rows) == 0 {
		err = fmt.Errorf("no @@BENCH lines on stdin (grep them from bench/vm-console.log)")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "plot:", err)
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	draw(w, rows)
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "plot:", err)
		os.Exit(1)
	}
}

// draw writes the two panels side by side.
func draw(w io.Writer, rows []row) {
	const pw, ph = 420, 300
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", 2*pw+40, ph+60)
	fmt.Fprintf(w, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	panel(w, 20, 20, pw, ph, "apply from empty", rows, []series{
		{"lvsctl apply", "#c0392b", func(r row) float64 { return r.apply }},
		{"ipvsadm -R", "#2471a3", func(r row) float64 { return r.ipvsadmR }},
	})
	panel(w, 40+pw, 20, pw, ph, "no-op plan", rows, []series{
		{"lvsctl plan", "#c0392b", func(r row) float64 { return r.plan }},
		{"ipvsadm -Sn", "#2471a3", func(r row) float64 { return r.ipvsadmSn }},
	})
	fmt.Fprintln(w, "</svg>")
}

type series struct {
	name  string
	color string
	value func(row) float64
}

func panel(w io.Writer, x0, y0, width, height float64, title string, rows []row, ss []series) {
	const left, bottom, top, right = 50, 40, 24, 10
	maxX, maxY := 0.0, 0.0
	for _, r := range rows {
		maxX = max(maxX, float64(r.n))
		for _, s := range ss {
			maxY = max(maxY, s.value(r))
		}
	}
	maxX, maxY = nice(maxX), nice(maxY)
	px := func(v float64) float64 { return x0 + left + v/maxX*(width-left-right) }
	py := func(v float64) float64 { return y0 + height - bottom - v/maxY*(height-bottom-top) }
	fmt.Fprintf(w, `<text x="%.1f" y="%.1f" font-weight="bold">%s (seconds, 10 NAT servers per service)</text>`+"\n", x0+left, y0+14, title)
	// Axes with five ticks each.
	fmt.Fprintf(w, `<path d="M%.1f %.1f V%.1f H%.1f" stroke="black" fill="none"/>`+"\n", px(0), py(maxY), py(0), px(maxX))
	for i := 0; i <= 5; i++ {
		xv, yv := maxX*float64(i)/5, maxY*float64(i)/5
		fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="middle">%g</text>`+"\n", px(xv), py(0)+16, xv)
		fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="end">%g</text>`+"\n", px(0)-4, py(yv)+4, yv)
		fmt.Fprintf(w, `<path d="M%.1f %.1f H%.1f" stroke="#eee"/>`+"\n", px(0)+1, py(yv), px(maxX))
	}
	fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="middle">services</text>`+"\n", px(maxX/2), py(0)+32)
	for k, s := range ss {
		var d string
		for i, r := range rows {
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			d += fmt.Sprintf("%s%.1f %.1f ", cmd, px(float64(r.n)), py(s.value(r)))
		}
		fmt.Fprintf(w, `<path d="%s" stroke="%s" stroke-width="2" fill="none"/>`+"\n", d, s.color)
		for _, r := range rows {
			fmt.Fprintf(w, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", px(float64(r.n)), py(s.value(r)), s.color)
		}
		// Linear from the first point, to see the growth against.
		if f := rows[0]; f.n > 0 && s.value(f) > 0 {
			slope := s.value(f) / float64(f.n)
			xe := min(maxX, maxY/slope)
			fmt.Fprintf(w, `<path d="M%.1f %.1f L%.1f %.1f" stroke="%s" stroke-dasharray="4 3" opacity="0.5"/>`+"\n", px(0), py(0), px(xe), py(xe*slope), s.color)
		}
		fmt.Fprintf(w, `<rect x="%.1f" y="%.1f" width="12" height="3" fill="%s"/><text x="%.1f" y="%.1f">%s</text>`+"\n",
			px(0)+10, py(maxY)+10+float64(k)*16, s.color, px(0)+26, py(maxY)+15+float64(k)*16, s.name)
	}
	fmt.Fprintf(w, `<text x="%.1f" y="%.1f" fill="#777">dashed: linear from the first point</text>`+"\n", px(0)+10, py(maxY)+15+float64(len(ss))*16)
}

// nice rounds v up to 1, 2 or 5 times a power of ten.
func nice(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := 1.0
	for p*10 <= v {
		p *= 10
	}
	for p > v {
		p /= 10
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
