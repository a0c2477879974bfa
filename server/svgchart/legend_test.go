package svgchart

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// legendText matches a legend entry's text: x, y and the name.
var legendText = regexp.MustCompile(`<text x="([0-9.]+)" y="([0-9]+)" font-size="12">([^<]*)</text>`)

// A legend of many states wraps onto more lines instead of running past
// the chart's right edge, where the page clipped it (issue #18), and the
// bars move down below it.
func TestLegendWraps(t *testing.T) {
	names := []string{"村级采集中", "乡镇审核", "区县审核", "退回补正", "已通过", "不予通过", "草稿"}
	var series []Series
	for _, n := range names {
		series = append(series, Series{Name: n, Values: []float64{1}})
	}
	charts := map[string]string{
		"bars":  (&Bars{ID: "b", Labels: []string{"东风村"}, Series: series}).SVG(),
		"lines": (&Lines{ID: "l", Labels: []string{"2026-Q4", "2027-Q1"}, Series: series}).SVG(),
	}
	for name, svg := range charts {
		t.Run(name, func(t *testing.T) {
			wellFormed(t, svg)
			seen, lines := 0, map[string]bool{}
			for _, m := range legendText.FindAllStringSubmatch(svg, -1) {
				if !contains(names, m[3]) {
					continue
				}
				seen++
				lines[m[2]] = true
				x, _ := strconv.ParseFloat(m[1], 64)
				if right := x + float64(textWidth(m[3])); right > Width {
					t.Errorf("legend %s ends at %.0f, past the chart's width %d", m[3], right, Width)
				}
			}
			if seen != len(names) {
				t.Errorf("legend shows %d of %d names", seen, len(names))
			}
			if len(lines) < 2 {
				t.Errorf("legend on %d line(s), want it wrapped", len(lines))
			}
		})
	}
	if !strings.Contains(charts["bars"], `<text x="4" y="`+strconv.Itoa(legendHeight(series, padX)+labelH-3)+`" font-size="12">东风村</text>`) {
		t.Errorf("the first bar's label does not sit below the wrapped legend:\n%s", charts["bars"])
	}
}

// The completeness/timeliness trend writes each point's value, the second
// series below its point, with the unit.
func TestLinesTwoSeriesValues(t *testing.T) {
	svg := (&Lines{ID: "t", Labels: []string{"2026-Q4", "2027-Q1"}, Unit: "%", Max: 100,
		Series: []Series{{Name: "完整率", Values: []float64{25, 100}}, {Name: "及时率", Values: []float64{0, 50}, Missing: []bool{true, false}}}}).SVG()
	wellFormed(t, svg)
	for _, want := range []string{`class="v0" x="36" y="`, `>25%</text>`, `>100%</text>`, `class="v1"`, `>50%</text>`} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q:\n%s", want, svg)
		}
	}
	if strings.Count(svg, `class="v1"`) != 1 {
		t.Errorf("a missing point has a value drawn:\n%s", svg)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
