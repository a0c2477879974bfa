package studio

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strings"

	"canvass/workflows"
)

// DiagramOptions says how a diagram names things: the language, and the
// names of roles and org levels as people read them.
type DiagramOptions struct {
	Lang      string
	RoleName  func(role string) string
	LevelName func(level string) string
}

// Layout of the diagram, in SVG user units (about pixels).
const (
	boxW     = 152
	boxH     = 52
	colGap   = 84
	rowGap   = 56
	marginX  = 16
	marginY  = 36 // room for the start mark above the first level
	titlePx  = 15
	detailPx = 11
	labelPx  = 12
)

// diagramNode is a state placed on the grid.
type diagramNode struct {
	state    StateSpec
	col, row int
}

// diagramEdge is one way out of a state.
type diagramEdge struct {
	from, to, action, label string
}

// actionLabel names an action as the designer does.
func actionLabel(action, lang string) string { return reason(lang, action) }

// WorkflowDiagram draws the workflow as SVG: review levels top to bottom
// in the order a record climbs them, correction steps in a column on their
// left, outcomes in a column on their right (see layoutDiagram); an arrow
// with its action's name for every way a record moves. The start state
// has a mark above it. Every text
// is escaped; the output has no script and no style (presentation
// attributes only), so the page's Content-Security-Policy allows it
// inline. Nodes are <g class="wf-node" data-state="…"> and arrows <g
// class="wf-edge" data-from="…" data-to="…" data-action="…">.
func WorkflowDiagram(w WorkflowSpec, o DiagramOptions) string {
	if o.RoleName == nil {
		o.RoleName = func(s string) string { return s }
	}
	if o.LevelName == nil {
		o.LevelName = func(s string) string { return s }
	}
	nodes := layoutDiagram(w)
	at := map[string]*diagramNode{}
	cols, rows := 0, 0
	for _, n := range nodes {
		at[n.state.Name] = n
		cols, rows = max(cols, n.col+1), max(rows, n.row+1)
	}
	var edges []diagramEdge
	for _, s := range w.States {
		for _, a := range s.Actions {
			base := actionLabel(a.Name, o.Lang)
			for i, r := range a.Routes {
				edges = append(edges, diagramEdge{s.Name, r.To, a.Name, fmt.Sprintf("%s·%s %d", base, reason(o.Lang, "rule"), i+1)})
			}
			if a.To != "" {
				label := base
				if len(a.Routes) > 0 {
					label = base + "·" + reason(o.Lang, "otherwise")
				}
				edges = append(edges, diagramEdge{s.Name, a.To, a.Name, label})
			}
		}
	}
	width := 2*marginX + cols*boxW + max(0, cols-1)*colGap
	height := 2*marginY + rows*boxH + max(0, rows-1)*rowGap
	var b strings.Builder
	title := textIn(w.Title, o.Lang)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="wf-diagram" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="wf-diagram-title wf-diagram-desc" font-family="sans-serif">`,
		width, height, width, height)
	fmt.Fprintf(&b, `<title id="wf-diagram-title">%s</title>`, esc(title))
	var desc []string
	for _, e := range edges {
		desc = append(desc, fmt.Sprintf("%s —%s→ %s", w.TitleOf(e.from, o.Lang), e.label, orString(w.TitleOf(e.to, o.Lang), "?")))
	}
	fmt.Fprintf(&b, `<desc id="wf-diagram-desc">%s</desc>`, esc(strings.Join(desc, "；")))
	b.WriteString(`<defs><marker id="wf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>`)
	center := func(n *diagramNode) (float64, float64) {
		return float64(marginX + n.col*(boxW+colGap) + boxW/2), float64(marginY + n.row*(boxH+rowGap) + boxH/2)
	}
	// Arrows first, so boxes sit on top of them.
	seen := map[[2]string]int{}
	pairs := map[[2]string]int{}
	for _, e := range edges {
		pairs[[2]string{min(e.from, e.to), max(e.from, e.to)}]++
	}
	for _, e := range edges {
		from, to := at[e.from], at[e.to]
		if from == nil || to == nil {
			continue
		}
		x1, y1 := center(from)
		x2, y2 := center(to)
		// Two arrows between the same boxes (there and back, or two
		// actions) are drawn side by side.
		pair := [2]string{min(e.from, e.to), max(e.from, e.to)}
		k := seen[pair]
		seen[pair]++
		dx, dy := x2-x1, y2-y1
		dist := math.Hypot(dx, dy)
		if dist == 0 {
			continue
		}
		nx, ny := -dy/dist, dx/dist // normal
		if e.from > e.to {
			nx, ny = -nx, -ny // the same side for both directions
		}
		n := pairs[pair]
		shift := (float64(k) - float64(n-1)/2) * 44
		// Labels of arrows between the same boxes sit at different
		// places along them.
		// Side by side, a horizontal pair's labels are apart already;
		// a vertical pair's go to different heights.
		at := 0.5
		switch {
		case n > 1 && math.Abs(y2-y1) > math.Abs(x2-x1):
			at = 0.3 + 0.4*float64(k)/float64(n-1)
		case abs(from.row-to.row) > 1:
			// A long arrow crosses the rows between; its label stays
			// near its start, clear of the arrows of those rows.
			at = 0.25
		}
		// Boxes in between (same row, more than one column apart) are
		// passed by a curve above them.
		cx, cy := (x1+x2)/2+nx*shift, (y1+y2)/2+ny*shift
		if from.row == to.row && abs(from.col-to.col) > 1 {
			cy -= float64(boxH/2+rowGap/2) + shift
		}
		if from.col == to.col && abs(from.row-to.row) > 1 {
			cx += float64(boxW/2+colGap/2) + shift
		}
		sx, sy := clip(x1, y1, cx-x1, cy-y1)
		ex, ey := clip(x2, y2, cx-x2, cy-y2)
		lx := (1-at)*(1-at)*sx + 2*(1-at)*at*cx + at*at*ex
		ly := (1-at)*(1-at)*sy + 2*(1-at)*at*cy + at*at*ey
		color := "#555"
		dash := ""
		switch e.action {
		case workflows.ActionReturn:
			color, dash = "#b7791f", ` stroke-dasharray="5 3"`
		case workflows.ActionReject:
			color = "#a33"
		}
		lw := textWidth(e.label, labelPx) + 6
		fmt.Fprintf(&b, `<g class="wf-edge" data-from="%s" data-to="%s" data-action="%s">`, esc(e.from), esc(e.to), esc(e.action))
		fmt.Fprintf(&b, `<path d="M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f" fill="none" stroke="%s" stroke-width="1.5"%s marker-end="url(#wf-arrow)"/>`, sx, sy, cx, cy, ex, ey, color, dash)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%d" rx="3" fill="#fff" fill-opacity="0.9"/>`, lx-lw/2, ly-float64(labelPx)+1, lw, labelPx+4)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="%d" text-anchor="middle" fill="%s">%s</text></g>`, lx, ly+2, labelPx, color, esc(e.label))
	}
	for _, s := range w.States {
		n := at[s.Name]
		if n == nil {
			continue
		}
		x, y := marginX+n.col*(boxW+colGap), marginY+n.row*(boxH+rowGap)
		fill, stroke, rx := "#e7f0fb", "#2f6fb0", 4
		switch s.Kind {
		case StateCorrection:
			fill, stroke = "#fff4e0", "#b7791f"
		case StateFinal:
			fill, stroke, rx = "#e8f5e9", "#2e7d32", 24
		}
		full := textIn(s.Title, o.Lang)
		detail := ""
		if s.Kind != StateFinal {
			var parts []string
			if len(s.Roles) > 0 {
				var names []string
				for _, r := range s.Roles {
					names = append(names, o.RoleName(r))
				}
				parts = append(parts, o.LevelName(s.Level)+strings.Join(names, "、"))
			}
			if s.Due.Raw == "" && !s.Due.IsZero() {
				parts = append(parts, LimitText(s.Due, o.Lang))
			}
			detail = strings.Join(parts, " · ")
		}
		tip := full
		if detail != "" {
			tip += "：" + detail
		}
		fmt.Fprintf(&b, `<g class="wf-node wf-%s" data-state="%s"><title>%s</title>`, s.Kind, esc(s.Name), esc(tip))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="%d" fill="%s" stroke="%s" stroke-width="%s"/>`, x, y, boxW, boxH, rx, fill, stroke,
			map[bool]string{true: "3", false: "1.5"}[s.Name == w.Start])
		ty := y + boxH/2 + titlePx/2 - 1
		if detail != "" {
			ty = y + 21
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" font-weight="bold" text-anchor="middle" fill="#222">%s</text>`, x+boxW/2, ty, titlePx, esc(fit(full, titlePx, boxW-12)))
		if detail != "" {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" text-anchor="middle" fill="#444">%s</text>`, x+boxW/2, y+40, detailPx, esc(fit(detail, detailPx, boxW-10)))
		}
		b.WriteString(`</g>`)
		if s.Name == w.Start {
			cx := x + boxW/2
			fmt.Fprintf(&b, `<g class="wf-start"><circle cx="%d" cy="%d" r="6" fill="#2f6fb0"/><path d="M%d,%d L%d,%d" stroke="#2f6fb0" stroke-width="2" marker-end="url(#wf-arrow)"/></g>`,
				cx, y-28, cx, y-22, cx, y-1)
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

func esc(s string) string { return html.EscapeString(s) }

// clip returns where a line from the centre of a box at (x, y) in
// direction (dx, dy) leaves the box.
func clip(x, y, dx, dy float64) (float64, float64) {
	if dx == 0 && dy == 0 {
		return x, y
	}
	t := math.Inf(1)
	if dx != 0 {
		t = math.Min(t, float64(boxW/2)/math.Abs(dx))
	}
	if dy != 0 {
		t = math.Min(t, float64(boxH/2)/math.Abs(dy))
	}
	return x + dx*t, y + dy*t
}

// textWidth estimates the width of s at size px: Chinese characters are
// square, Latin ones about 0.6 of the size.
func textWidth(s string, px int) float64 {
	w := 0.0
	for _, r := range s {
		if r < 0x2E80 {
			w += 0.6 * float64(px)
		} else {
			w += float64(px)
		}
	}
	return w
}

// fit shortens s with "…" to fit width at size px; the node's <title>
// has it whole.
func fit(s string, px, width int) string {
	if textWidth(s, px) <= float64(width) {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && textWidth(string(rs)+"…", px) > float64(width) {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

// layoutDiagram places the states in three bands of columns, so the
// diagram stays narrow enough to sit beside the editor however many levels
// there are: review levels top to bottom by how many steps a record takes
// from the start to reach them (levels at the same depth side by side),
// correction steps in the column on their left beside the first level
// that returns to them, outcomes in the column on their right, each beside
// the deepest state that leads to it.
func layoutDiagram(w WorkflowSpec) []*diagramNode {
	depth := map[string]int{}
	var queue []string
	if s := w.State(w.Start); s != nil && s.Kind == StateLevel {
		depth[w.Start] = 0
		queue = append(queue, w.Start)
	}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, a := range w.State(cur).Actions {
			if a.Name == workflows.ActionReturn {
				continue
			}
			for _, t := range a.Targets() {
				s := w.State(t)
				if s == nil || s.Kind != StateLevel {
					continue
				}
				if _, ok := depth[t]; !ok {
					depth[t] = depth[cur] + 1
					queue = append(queue, t)
				}
			}
		}
	}
	maxDepth := -1
	for _, d := range depth {
		maxDepth = max(maxDepth, d)
	}
	for _, s := range w.States {
		if _, ok := depth[s.Name]; s.Kind == StateLevel && !ok {
			maxDepth++
			depth[s.Name] = maxDepth // not reached from the start: below the rest
		}
	}
	left := 0
	if len(w.Corrections()) > 0 {
		left = 1
	}
	var nodes []*diagramNode
	across := map[int]int{}
	width := 1
	for _, s := range w.States {
		if s.Kind != StateLevel {
			continue
		}
		d := depth[s.Name]
		nodes = append(nodes, &diagramNode{state: s, col: left + across[d], row: d})
		across[d]++
		width = max(width, across[d])
	}
	// leadsTo is the rows of the placed states whose actions (of the given
	// kinds, all when none) lead to name.
	leadsTo := func(name string, kinds ...string) []int {
		var rows []int
		for _, n := range nodes {
			for _, a := range n.state.Actions {
				if (len(kinds) == 0 || slices.Contains(kinds, a.Name)) && slices.Contains(a.Targets(), name) {
					rows = append(rows, n.row)
				}
			}
		}
		return rows
	}
	used := map[[2]int]bool{}
	place := func(s StateSpec, col, row int) {
		for used[[2]int{col, row}] {
			row++
		}
		used[[2]int{col, row}] = true
		nodes = append(nodes, &diagramNode{state: s, col: col, row: row})
	}
	for _, s := range w.Corrections() {
		row := 0
		if rows := leadsTo(s.Name, workflows.ActionReturn); len(rows) > 0 {
			row = slices.Min(rows)
		}
		place(s, 0, row)
	}
	for _, s := range w.Finals() {
		row := 0
		if rows := leadsTo(s.Name); len(rows) > 0 {
			row = slices.Max(rows)
		}
		place(s, left+width, row)
	}
	return nodes
}
