package svgchart

import (
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden SVG files under testdata")

// golden compares got with testdata/name.svg.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".svg")
	if *update {
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got+"\n" != string(want) {
		t.Errorf("SVG differs from %s (run go test -update after checking it)\ngot:\n%s", path, got)
	}
}

// wellFormed parses the SVG as XML, so a missing escape or an unclosed
// element fails the test.
func wellFormed(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
	}
}

func TestBarsGolden(t *testing.T) {
	tests := []struct {
		name  string
		chart Bars
		want  []string // fragments the SVG must hold
	}{
		{"stacked-states", Bars{ID: "progress", Title: "进度", Desc: "各村记录按状态", Labels: []string{"东风村", "Riverside <&> village"},
			Links:  []string{"/campaigns/c/dashboard?org=450312001001", ""},
			Series: []Series{{Name: "待审核", Values: []float64{3, 0}}, {Name: "已通过", Values: []float64{5, 2}}, {Name: "退回", Values: []float64{1, 1}}}},
			[]string{`aria-labelledby="progress-title progress-desc"`, `<title id="progress-title">进度</title>`, `Riverside &lt;&amp;&gt; village`,
				`<a href="/campaigns/c/dashboard?org=450312001001">`, `>9</text>`, `东风村: 待审核 3, 已通过 5, 退回 1`}},
		{"target-met-and-missed", Bars{ID: "coverage", Title: "出生登记率", Desc: "目标 90%", Labels: []string{"A 村", "B 村", "C 村"},
			Series: []Series{{Name: "出生登记率", Values: []float64{95.5, 90, 61.25}}}, Unit: "%", Target: 90, HasTarget: true, TargetLabel: "目标 90%", Max: 100},
			[]string{`class="met"`, `class="miss"`, `95.5% ✓`, `90% ✓`, `61.3% ✗`, `stroke-dasharray="4 3"`, `目标 90%`}},
		{"lower-better", Bars{ID: "errors", Title: "差错率", Desc: "越低越好", Labels: []string{"A", "B"},
			Series: []Series{{Name: "差错率", Values: []float64{1, 4}}}, Unit: "%", Target: 2, HasTarget: true, TargetLabel: "≤ 2%", LowerBetter: true},
			[]string{`1% ✓`, `4% ✗`}},
		{"no-data", Bars{ID: "nd", Title: "死亡登记率", Desc: "无官方数", Labels: []string{"A", "B"},
			Series: []Series{{Name: "死亡登记率", Values: []float64{0, 88}, Missing: []bool{true, false}}}, Unit: "%", Target: 90, HasTarget: true, TargetLabel: "目标 90%"},
			[]string{`>—</text>`, `88% ✗`}},
		{"empty", Bars{ID: "none", Title: "无数据", Desc: "没有记录"}, []string{`<title id="none-title">无数据</title>`, "—"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.chart.SVG()
			wellFormed(t, got)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("SVG lacks %q", w)
				}
			}
			golden(t, "bars-"+tt.name, got)
		})
	}
}

func TestLinesGolden(t *testing.T) {
	tests := []struct {
		name  string
		chart Lines
		want  []string
	}{
		{"trend-with-target", Lines{ID: "trend", Title: "出生登记率趋势", Desc: "按季度", Labels: []string{"2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"},
			Series: []Series{{Name: "出生登记率", Values: []float64{72, 85.5, 91, 93.25}}}, Unit: "%", Target: 90, HasTarget: true, TargetLabel: "目标 90%"},
			[]string{`<polyline`, `出生登记率 2026-Q3: 91%`, `>93.3</text>`, `>100%</text>`, `目标 90%`}},
		{"two-series-one-period", Lines{ID: "rates", Title: "完整率与及时率", Desc: "报表", Labels: []string{"2027-Q1"},
			Series: []Series{{Name: "完整率", Values: []float64{80}}, {Name: "及时率", Values: []float64{60}}}, Unit: "%", Max: 100},
			[]string{`完整率 2027-Q1: 80%`, `及时率 2027-Q1: 60%`}},
		{"gap", Lines{ID: "gap", Title: "gap", Desc: "a period without data", Labels: []string{"Q1", "Q2", "Q3", "Q4"},
			Series: []Series{{Name: "v", Values: []float64{10, 0, 30, 40}, Missing: []bool{false, true, false, false}}}},
			[]string{`v Q1: 10`, `v Q3: 30`}},
		{"many-periods", Lines{ID: "monthly", Title: "records", Desc: "per month", Labels: []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"},
			Series: []Series{{Name: "records", Values: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}}},
			[]string{`>02</text>`, `>04</text>`, `>12</text>`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.chart.SVG()
			wellFormed(t, got)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("SVG lacks %q", w)
				}
			}
			if tt.name == "many-periods" && (strings.Contains(got, ">01</text>") || strings.Contains(got, ">03</text>")) {
				t.Error("every period is labelled: they overlap on a phone")
			}
			golden(t, "lines-"+tt.name, got)
		})
	}
}

func TestNum(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{{0, "0"}, {90, "90"}, {61.25, "61.3"}, {-0.01, "0"}, {1e6, "1000000"}, {2.04, "2"}} {
		if got := num(tt.v); got != tt.want {
			t.Errorf("num(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	for _, tt := range []struct{ v, want float64 }{{93.25, 100}, {12, 20}, {0, 1}, {2.2, 2.5}, {450, 500}, {1, 1}} {
		if got := niceCeil(tt.v); got != tt.want {
			t.Errorf("niceCeil(%v) = %v, want %v", tt.v, got, tt.want)
		}
	}
}
