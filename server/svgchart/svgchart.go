// Package svgchart draws the dashboard's charts as SVG on the server: bars
// by org unit (stacked, or against a target line) and lines over periods.
// The output needs no script and no stylesheet to be read: every chart has
// a <title> and <desc> for screen readers, every bar and point its value as
// text beside it and in a <title>, and "met / not met" is written as a mark
// (✓ / ✗), not told by colour alone. Colours come from CSS classes (see
// ui/static/dashboard.css) with plain fills as defaults.
//
// Charts are drawn in a 320-unit-wide viewBox and scale to their box, so a
// 375-pixel phone shows them whole; bar charts grow downwards, one row per
// category, so long org-unit names stay readable.
//
// Output is deterministic (fixed number formatting, no maps iterated), so
// tests compare it with golden files.
package svgchart

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Width is the viewBox width of every chart.
const Width = 320

// Layout of bar charts.
const (
	labelH  = 15 // the category label line above each bar
	barH    = 14
	rowGap  = 8
	padX    = 4
	valueW  = 64 // room for the value text right of the bars
	legendH = 18
)

// Series is one named sequence of values, one per category or period.
// Missing marks the values there is no data for: a bar shows "—" and a
// line breaks there, rather than drawing a zero that is not one.
type Series struct {
	Name    string
	Values  []float64
	Missing []bool
}

func (s Series) missing(i int) bool { return i < len(s.Missing) && s.Missing[i] }

// Bars is a horizontal bar chart: one row per category, the series stacked
// left to right. With a Target, each row's total is judged against it (met
// when at least the target, or at most with LowerBetter) and a dashed line
// marks it.
type Bars struct {
	ID     string // unique on the page; prefixes the title and desc IDs
	Title  string
	Desc   string
	Labels []string // the categories, e.g. org-unit names
	Links  []string // optional, one per category: where a click drills down
	Series []Series
	Unit   string // appended to values: "%", ""

	Target      float64
	HasTarget   bool
	TargetLabel string // e.g. "目标 90%"
	LowerBetter bool
	Max         float64 // the axis end; 0: the largest total or target
}

// Met reports whether a total meets the chart's target.
func (c *Bars) Met(total float64) bool {
	if c.LowerBetter {
		return total <= c.Target
	}
	return total >= c.Target
}

// SVG returns the chart as an SVG element.
func (c *Bars) SVG() string {
	n := len(c.Labels)
	totals := make([]float64, n)
	noData := make([]bool, n)
	for i := range noData {
		noData[i] = len(c.Series) > 0
		for _, s := range c.Series {
			noData[i] = noData[i] && s.missing(i)
		}
	}
	for _, s := range c.Series {
		for i := 0; i < n && i < len(s.Values); i++ {
			if !s.missing(i) {
				totals[i] += max(s.Values[i], 0)
			}
		}
	}
	top := c.Max
	if top <= 0 {
		for _, t := range totals {
			top = max(top, t)
		}
		if c.HasTarget {
			top = max(top, c.Target)
		}
	}
	if top <= 0 {
		top = 1
	}
	legend := len(c.Series) > 1
	y0 := 0
	if legend {
		y0 = legendHeight(c.Series, padX)
	}
	rowH := labelH + barH + rowGap
	height := y0 + max(n, 1)*rowH + 4
	if c.HasTarget {
		height += 14
	}
	plotW := float64(Width - 2*padX - valueW)
	scale := func(v float64) float64 { return plotW * v / top }

	var b strings.Builder
	open(&b, c.ID, c.Title, c.Desc, height)
	if legend {
		drawLegend(&b, c.Series, padX)
	}
	if n == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12">%s</text>`, padX, y0+20, "—")
	}
	for i, label := range c.Labels {
		y := y0 + i*rowH
		row := &strings.Builder{}
		fmt.Fprintf(row, `<text x="%d" y="%d" font-size="12">%s</text>`, padX, y+labelH-3, esc(label))
		x := float64(padX)
		var parts []string
		for k, s := range c.Series {
			v := 0.0
			if i < len(s.Values) && !s.missing(i) {
				v = max(s.Values[i], 0)
			}
			if len(c.Series) > 1 {
				parts = append(parts, s.Name+" "+num(v)+c.Unit)
			}
			if v == 0 {
				continue
			}
			w := scale(v)
			class, fill := fmt.Sprintf("s%d", k%6), palette[k%6]
			if c.HasTarget && len(c.Series) == 1 {
				class, fill = "miss", missFill
				if c.Met(totals[i]) {
					class, fill = "met", metFill
				}
			}
			fmt.Fprintf(row, `<rect class="%s" x="%s" y="%d" width="%s" height="%d" fill="%s"><title>%s: %s%s</title></rect>`,
				class, num(x), y+labelH, num(w), barH, fill, esc(label+" · "+s.Name), num(v), esc(c.Unit))
			x += w
		}
		value := num(totals[i]) + c.Unit
		switch {
		case noData[i]:
			value = "—"
		case c.HasTarget:
			if c.Met(totals[i]) {
				value += " ✓"
			} else {
				value += " ✗"
			}
		}
		fmt.Fprintf(row, `<text x="%s" y="%d" font-size="12">%s</text>`, num(x+4), y+labelH+barH-3, esc(value))
		if len(parts) > 0 {
			fmt.Fprintf(row, `<title>%s</title>`, esc(label+": "+strings.Join(parts, ", ")))
		}
		if i < len(c.Links) && c.Links[i] != "" {
			fmt.Fprintf(&b, `<a href="%s"><g>%s</g></a>`, esc(c.Links[i]), row.String())
		} else {
			fmt.Fprintf(&b, `<g>%s</g>`, row.String())
		}
	}
	if c.HasTarget {
		x := float64(padX) + scale(c.Target)
		bottom := y0 + max(n, 1)*rowH
		fmt.Fprintf(&b, `<line class="target" x1="%s" y1="%d" x2="%s" y2="%d" stroke="#222" stroke-width="1.5" stroke-dasharray="4 3"/>`,
			num(x), y0, num(x), bottom)
		anchor := "middle"
		if x > Width-60 {
			anchor = "end"
		}
		fmt.Fprintf(&b, `<text x="%s" y="%d" font-size="12" text-anchor="%s">%s</text>`, num(x), bottom+12, anchor, esc(c.TargetLabel))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// Lines is a line chart over periods: one line per series, a point and its
// value at each period, and an optional dashed target line.
type Lines struct {
	ID     string
	Title  string
	Desc   string
	Labels []string // the periods, left to right
	Series []Series
	Unit   string

	Target      float64
	HasTarget   bool
	TargetLabel string
	Max         float64 // the axis end; 0: from the data and target
}

// Layout of line charts.
const (
	lineH    = 200
	axisL    = 36
	axisR    = 12
	axisTop  = 26
	axisBase = 170
)

// SVG returns the chart as an SVG element.
func (c *Lines) SVG() string {
	top := c.Max
	if top <= 0 {
		for _, s := range c.Series {
			for _, v := range s.Values {
				top = max(top, v)
			}
		}
		if c.HasTarget {
			top = max(top, c.Target)
		}
		top = niceCeil(top)
	}
	n := len(c.Labels)
	plotW := float64(Width - axisL - axisR)
	xAt := func(i int) float64 {
		if n <= 1 {
			return axisL + plotW/2
		}
		return axisL + plotW*float64(i)/float64(n-1)
	}
	shift := 0 // legend rows past the first push the plot down
	if len(c.Series) > 1 {
		shift = legendHeight(c.Series, padX) - legendH
	}
	axisTop, axisBase := axisTop+shift, axisBase+shift
	yAt := func(v float64) float64 { return float64(axisBase) - float64(axisBase-axisTop)*v/top }

	var b strings.Builder
	open(&b, c.ID, c.Title, c.Desc, lineH+shift)
	if len(c.Series) > 1 {
		drawLegend(&b, c.Series, padX)
	}
	for k := 0; k <= 4; k++ {
		v := top * float64(k) / 4
		y := yAt(v)
		fmt.Fprintf(&b, `<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#ddd"/>`, axisL, num(y), Width-axisR, num(y))
		fmt.Fprintf(&b, `<text x="%d" y="%s" font-size="11" text-anchor="end">%s</text>`, axisL-3, num(y+3), esc(num(v)+c.Unit))
	}
	step := 1
	if n > 6 {
		step = (n + 5) / 6 // at most six period labels fit on a phone
	}
	for i, l := range c.Labels {
		if (n-1-i)%step == 0 { // counted from the last, which is always labelled
			anchor := "middle" // the first and last labels stay inside the chart
			switch {
			case n > 1 && i == 0:
				anchor = "start"
			case n > 1 && i == n-1:
				anchor = "end"
			}
			fmt.Fprintf(&b, `<text x="%s" y="%d" font-size="11" text-anchor="%s">%s</text>`, num(xAt(i)), axisBase+16, anchor, esc(l))
		}
	}
	if c.HasTarget {
		y := yAt(c.Target)
		fmt.Fprintf(&b, `<line class="target" x1="%d" y1="%s" x2="%d" y2="%s" stroke="#222" stroke-width="1.5" stroke-dasharray="4 3"/>`,
			axisL, num(y), Width-axisR, num(y))
		fmt.Fprintf(&b, `<text x="%d" y="%s" font-size="11" text-anchor="end">%s</text>`, Width-axisR, num(y-3), esc(c.TargetLabel))
	}
	for k, s := range c.Series {
		var pts []string
		flush := func() {
			if len(pts) > 1 {
				fmt.Fprintf(&b, `<polyline class="l%d" points="%s" fill="none" stroke="%s" stroke-width="2"/>`, k%6, strings.Join(pts, " "), palette[k%6])
			}
			pts = pts[:0]
		}
		for i := 0; i < n && i < len(s.Values); i++ {
			if s.missing(i) {
				flush()
				continue
			}
			pts = append(pts, num(xAt(i))+","+num(yAt(s.Values[i])))
		}
		flush()
		for i := 0; i < n && i < len(s.Values); i++ {
			if s.missing(i) {
				continue
			}
			x, y := xAt(i), yAt(s.Values[i])
			fmt.Fprintf(&b, `<circle class="s%d" cx="%s" cy="%s" r="3" fill="%s"><title>%s</title></circle>`,
				k%6, num(x), num(y), palette[k%6], esc(s.Name+" "+c.Labels[i]+": "+num(s.Values[i])+c.Unit))
			// Each point carries its value: the first series above it, the
			// second below (in its colour), so two lines at one height
			// stay readable; further series keep it in the title only.
			switch {
			case k == 0:
				fmt.Fprintf(&b, `<text class="v%d" x="%s" y="%s" font-size="11" text-anchor="%s">%s</text>`, k, num(x), num(y-6), pointAnchor(i, n), esc(num(s.Values[i])+valueUnit(c)))
			case k == 1:
				fmt.Fprintf(&b, `<text class="v%d" x="%s" y="%s" font-size="11" text-anchor="%s" fill="%s">%s</text>`, k, num(x), num(y+14), pointAnchor(i, n), palette[1], esc(num(s.Values[i])+valueUnit(c)))
			}
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// legendGap is the space between two legend entries; legendRow the
// height of a legend line.
const (
	legendGap = 10
	legendRow = 16
)

// legendLayout places the legend entries from x0, wrapping onto a new line
// before an entry would cross the right edge, so no name is clipped at any
// width the chart is drawn at (the viewBox is fixed; the page scales it).
func legendLayout(series []Series, x0 int) (xs []float64, rows []int) {
	x, row := float64(x0), 0
	for _, s := range series {
		w := float64(13 + textWidth(s.Name))
		if x > float64(x0) && x+w > Width-padX {
			x, row = float64(x0), row+1
		}
		xs, rows = append(xs, x), append(rows, row)
		x += w + legendGap
	}
	return xs, rows
}

// legendHeight is the room the legend takes above the plot.
func legendHeight(series []Series, x0 int) int {
	_, rows := legendLayout(series, x0)
	n := 1
	if len(rows) > 0 {
		n = rows[len(rows)-1] + 1
	}
	return legendH + (n-1)*legendRow
}

func drawLegend(b *strings.Builder, series []Series, x0 int) {
	xs, rows := legendLayout(series, x0)
	for k, s := range series {
		y := rows[k] * legendRow
		fmt.Fprintf(b, `<rect class="s%d" x="%s" y="%d" width="10" height="10" fill="%s"/>`, k%6, num(xs[k]), y+3, palette[k%6])
		fmt.Fprintf(b, `<text x="%s" y="%d" font-size="12">%s</text>`, num(xs[k]+13), y+12, esc(s.Name))
	}
}

// pointAnchor keeps the first and last points' values inside the chart.
func pointAnchor(i, n int) string {
	switch {
	case n > 1 && i == 0:
		return "start"
	case n > 1 && i == n-1:
		return "end"
	}
	return "middle"
}

// valueUnit is the unit written after a point's value: only for charts
// of more than one series, where the axis is not beside every value.
func valueUnit(c *Lines) string {
	if len(c.Series) > 1 {
		return c.Unit
	}
	return ""
}

// Default fills, used when no stylesheet is loaded. The met and missed
// colours also differ in lightness, for readers who do not see hue.
var palette = [6]string{"#2f6db5", "#e08a1e", "#3a9a4b", "#b03a2e", "#7a5cb0", "#6b6b6b"}

const (
	metFill  = "#2e7d32"
	missFill = "#e57373"
)

func open(b *strings.Builder, id, title, desc string, height int) {
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-title %s-desc">`,
		Width, height, esc(id), esc(id))
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
}

func esc(s string) string { return html.EscapeString(s) }

// num formats a value with at most one decimal, without a trailing ".0".
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		s = "0"
	}
	return s
}

// textWidth estimates the width of s at font size 12: CJK characters are
// about twice as wide as Latin ones.
func textWidth(s string) int {
	w := 0
	for _, r := range s {
		if r > 0x2e80 {
			w += 12
		} else {
			w += 7
		}
	}
	return w
}

// niceCeil rounds v up to 1, 2, 2.5 or 5 times a power of ten, so axis
// ticks at quarters are round numbers.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}
