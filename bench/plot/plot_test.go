package main

import (
	"encoding/xml"
	"strings"
	"testing"
)

const sample = `noise
[  12.3] @@BENCH n=2000 apply=10.0 ipvsadm_R=8.0 apply_ratio=1.25 plan=2.0 ipvsadm_Sn=2.5 plan_ratio=0.8
@@BENCH n=1000 apply=5.0 ipvsadm_R=4.0 apply_ratio=1.25 plan=1.0 ipvsadm_Sn=1.2 plan_ratio=0.83
`

func TestParse(t *testing.T) {
	rows, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].n != 1000 || rows[1].n != 2000 || rows[1].apply != 10 || rows[0].ipvsadmSn != 1.2 {
		t.Fatalf("rows = %+v", rows)
	}
}

func TestParseBadNumber(t *testing.T) {
	if _, err := parse(strings.NewReader("@@BENCH n=1000 apply=x ipvsadm_R=1 plan=1 ipvsadm_Sn=1\n")); err == nil || !strings.Contains(err.Error(), "apply") {
		t.Fatalf("err = %v, want one naming apply", err)
	}
}

// The picture is well-formed XML with a line per series and a point per size.
func TestDraw(t *testing.T) {
	rows, _ := parse(strings.NewReader(sample))
	var b strings.Builder
	draw(&b, rows)
	if err := xml.Unmarshal([]byte(b.String()), new(struct{})); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if got := strings.Count(b.String(), "<circle"); got != 8 {
		t.Errorf("%d points, want 8 (2 sizes x 4 series)", got)
	}
}

func TestNice(t *testing.T) {
	for v, want := range map[float64]float64{0: 1, 0.7: 1, 3: 5, 10: 10, 12: 20, 20001: 50000} {
		if got := nice(v); got != want {
			t.Errorf("nice(%g) = %g, want %g", v, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("@@BENCH n=1 apply=1e309")
	f.Fuzz(func(t *testing.T, s string) {
		rows, err := parse(strings.NewReader(s))
		if err == nil && len(rows) > 0 {
			draw(new(strings.Builder), rows)
		}
	})
}
