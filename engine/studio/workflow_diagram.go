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
	boxW     = 156
	boxH     = 52
	colGap   = 84
	rowGap   = 64
	marginX  = 44 // room for the start mark on the left
	marginY  = 28
	titlePx  = 14
	detailPx = 11
	labelPx  = 11
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

// WorkflowDiagram draws the workflow as SVG: review levels left to right
// in the order a record climbs them, correction steps in the row below,
// outcomes in the last column; an arrow with its action's name for every
// way a record moves. The start state has a mark on its left. Every text
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
	width := marginX + cols*boxW + max(0, cols-1)*colGap + 24
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
		shift := float64(k) * 16
		if k%2 == 1 {
			shift = -float64(k+1) / 2 * 16
		} else if k > 0 {
			shift = float64(k) / 2 * 16
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
		lx, ly := 0.25*sx+0.5*cx+0.25*ex, 0.25*sy+0.5*cy+0.25*ey
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
		fmt.Fprintf(&b, `<g class="wf-node wf-%s" data-state="%s"><title>%s</title>`, s.Kind, esc(s.Name), esc(full))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="%d" fill="%s" stroke="%s" stroke-width="%s"/>`, x, y, boxW, boxH, rx, fill, stroke,
			map[bool]string{true: "3", false: "1.5"}[s.Name == w.Start])
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
			cy := y + boxH/2
			fmt.Fprintf(&b, `<g class="wf-start"><circle cx="%d" cy="%d" r="6" fill="#2f6fb0"/><path d="M%d,%d L%d,%d" stroke="#2f6fb0" stroke-width="2" marker-end="url(#wf-arrow)"/></g>`,
				marginX-34, cy, marginX-28, cy, x-1, cy)
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

// layoutDiagram places the states: review levels by how many steps a
// record takes from the start to reach them (levels at the same depth
// stacked), correction steps in the row below under the first level that
// returns to them, outcomes stacked in the last column.
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
	var nodes []*diagramNode
	rowsIn := map[int]int{}
	for _, s := range w.States {
		if s.Kind != StateLevel {
			continue
		}
		d, ok := depth[s.Name]
		if !ok {
			maxDepth++
			d = maxDepth
			depth[s.Name] = d
		}
		nodes = append(nodes, &diagramNode{state: s, col: d, row: rowsIn[d]})
		rowsIn[d]++
	}
	levelRows := 1
	for _, n := range rowsIn {
		levelRows = max(levelRows, n)
	}
	usedBottom := map[int]bool{}
	for _, s := range w.States {
		if s.Kind != StateCorrection {
			continue
		}
		col := -1
		for _, o := range w.States {
			if a := o.Action(workflows.ActionReturn); a != nil && slices.Contains(a.Targets(), s.Name) {
				if d, ok := depth[o.Name]; ok && (col < 0 || d < col) {
					col = d
				}
			}
		}
		col = max(col, 0)
		for usedBottom[col] {
			col++
		}
		usedBottom[col] = true
		maxDepth = max(maxDepth, col)
		nodes = append(nodes, &diagramNode{state: s, col: col, row: levelRows})
	}
	row := 0
	for _, s := range w.States {
		if s.Kind == StateFinal {
			nodes = append(nodes, &diagramNode{state: s, col: maxDepth + 1, row: row})
			row++
		}
	}
	return nodes
}
