package studio

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"canvass/forms"
	"canvass/rules"
	"canvass/workflows"
)

var nonName = regexp.MustCompile(`[^a-z0-9_]+`)

func orString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Caps on what the designer accepts: a time limit of more than a year,
// or a reminder more often than hourly, is a slip, not a plan.
const (
	MaxLimitHours   = 720 // 30 days: longer limits are written in days
	MaxLimitDays    = 365
	MaxRemindTimes  = 10
	MaxTitleRunes   = 40
	MaxRoutingRules = 20
)

// stateKeys is the order the designer writes the keys of a state in, the
// examples' order; keys it does not list go after.
var stateKeys = []string{"title", "final", "step", "due", "remind", "escalate", "auto", "actions"}

// actionKeys is the order of an action's keys.
var actionKeys = []string{"to", "routes", "guard", "guard_message", "reason"}

// setRanked sets key on n in place, or adds it where order puts it among
// the keys present.
func setRanked(n *node, key string, v *node, order []string) {
	if i := n.index(key); i >= 0 {
		n.members[i].value = v
		return
	}
	rank := func(k string) int {
		if i := slices.Index(order, k); i >= 0 {
			return i
		}
		return len(order)
	}
	at := len(n.members)
	for i, m := range n.members {
		if rank(m.key) > rank(key) {
			at = i
			break
		}
	}
	n.members = slices.Insert(n.members, at, member{key, v})
}

func flowMap(pairs ...any) *node {
	n := objNode()
	for i := 0; i+1 < len(pairs); i += 2 {
		var v *node
		switch x := pairs[i+1].(type) {
		case string:
			v = strNode(x)
		case int:
			v = intNode(x)
		case bool:
			v = boolNode(x)
		case *node:
			v = x
		}
		n.members = append(n.members, member{pairs[i].(string), v})
	}
	return n
}

func listNode(ss []string) *node {
	n := &node{kind: kindArray, items: []*node{}}
	for _, s := range ss {
		n.items = append(n.items, strNode(s))
	}
	return n
}

// states returns the states mapping, creating it when missing.
func (d *WorkflowDoc) states() *node {
	s := d.root.get("states")
	if s == nil || s.kind != kindObject {
		s = objNode()
		setRanked(d.root, "states", s, []string{"id", "title", "start", "states"})
	}
	return s
}

func (d *WorkflowDoc) stateNode(name string) *node {
	s := d.root.get("states")
	if s == nil {
		return nil
	}
	return s.get(name)
}

// writeState writes the parts of s that differ from old onto the state's
// node: a save that changes nothing leaves the state exactly as it was,
// and keys the spec does not cover stay.
func writeState(n *node, old, s StateSpec) {
	if s.Title != old.Title {
		setRanked(n, "title", textNode(forms.Text{ZH: strings.TrimSpace(s.Title.ZH), EN: strings.TrimSpace(s.Title.EN)}), stateKeys)
	}
	if s.Kind == StateFinal {
		return
	}
	if !slices.Equal(s.Roles, old.Roles) || s.Level != old.Level {
		var role *node
		if len(s.Roles) == 1 {
			role = strNode(s.Roles[0])
		} else {
			role = listNode(s.Roles)
		}
		setRanked(n, "step", flowMap("role", role, "level", s.Level), stateKeys)
	}
	if s.Due != old.Due {
		if s.Due.IsZero() {
			n.del("due")
		} else {
			setRanked(n, "due", strNode(s.Due.ISO()), stateKeys)
		}
	}
	if s.Remind != old.Remind {
		if s.Remind.Times == 0 {
			n.del("remind")
		} else {
			setRanked(n, "remind", flowMap("every", s.Remind.Every.ISO(), "times", s.Remind.Times), stateKeys)
		}
	}
	if !reflect.DeepEqual(s.Escalate, old.Escalate) {
		switch s.Escalate.To {
		case "":
			n.del("escalate")
		case EscalateWiden:
			e := flowMap("widen", listNode(s.Escalate.Widen))
			if !s.Escalate.After.IsZero() {
				e.members = append(e.members, member{"after", strNode(s.Escalate.After.ISO())})
			}
			setRanked(n, "escalate", e, stateKeys)
		default:
			e := flowMap("to", s.Escalate.To)
			if !s.Escalate.After.IsZero() {
				e.members = append(e.members, member{"after", strNode(s.Escalate.After.ISO())})
			}
			setRanked(n, "escalate", e, stateKeys)
		}
	}
	if !reflect.DeepEqual(s.Actions, old.Actions) {
		writeActions(n, old.Actions, s.Actions)
	}
}

// writeActions rewrites the actions mapping: actions the spec drops go,
// new ones are added in the order the spec lists, changed ones keep their
// other keys (a guard and its message).
func writeActions(n *node, old, actions []ActionSpec) {
	acts := n.get("actions")
	if acts == nil || acts.kind != kindObject {
		acts = objNode()
	}
	next := objNode()
	for _, a := range actions {
		var prev *ActionSpec
		for i := range old {
			if old[i].Name == a.Name {
				prev = &old[i]
			}
		}
		cur := acts.get(a.Name)
		if prev != nil && cur != nil && reflect.DeepEqual(*prev, a) {
			next.members = append(next.members, member{a.Name, cur})
			continue
		}
		next.members = append(next.members, member{a.Name, actionNode(cur, a)})
	}
	if len(next.members) == 0 {
		n.del("actions")
		return
	}
	setRanked(n, "actions", next, stateKeys)
}

// actionNode writes a onto the action's node cur (nil for a new action).
// A plain target without other keys is written as the shorthand
// "approve: accepted" for approve and submit and as {to: …} for return
// and reject, as the examples do.
func actionNode(cur *node, a ActionSpec) *node {
	reasonKey := a.ReasonRequired && a.Name != workflows.ActionReturn
	if (cur == nil || cur.kind == kindString) && len(a.Routes) == 0 && !reasonKey && a.Guard == "" &&
		(a.Name == workflows.ActionApprove || a.Name == workflows.ActionSubmit) {
		return strNode(a.To)
	}
	n := objNode()
	if cur != nil && cur.kind == kindObject {
		n = cur.clone()
	}
	if len(a.Routes) == 0 {
		n.del("routes")
		setRanked(n, "to", strNode(a.To), actionKeys)
	} else {
		n.del("to")
		rs := &node{kind: kindArray}
		for _, r := range a.Routes {
			rs.items = append(rs.items, flowMap("when", r.When, "to", r.To))
		}
		if a.To != "" {
			rs.items = append(rs.items, flowMap("to", a.To))
		}
		setRanked(n, "routes", rs, actionKeys)
	}
	switch {
	case reasonKey:
		setRanked(n, "reason", strNode("required"), actionKeys)
	case n.getString("reason") == "required":
		n.del("reason")
	}
	return n
}

// apply runs op on a copy and keeps the result only when it passes the
// designer's checks and workflows.Load: nothing half-changed is kept.
func (d *WorkflowDoc) apply(op func(c *WorkflowDoc) problems) error {
	c := d.Clone()
	if ps := op(c); len(ps) > 0 {
		return ps.err(d.lang())
	}
	if ps := c.check(); len(ps) > 0 {
		return ps.err(d.lang())
	}
	d.root = c.root
	return nil
}

// Check returns the document's problems as one error (nil: none): the
// designer's own checks, then what workflows.Load finds.
func (d *WorkflowDoc) Check() error { return d.check().err(d.lang()) }

func (d *WorkflowDoc) check() problems {
	ps := validateWorkflow(d.Spec())
	if len(ps) > 0 {
		return ps
	}
	if _, diags := d.Load(); rules.HasErrors(diags) {
		var lint problems
		for _, dg := range diags {
			if dg.Severity == rules.SeverityError {
				lint = append(lint, problem{ptr: lintPointer(dg.Path), code: dg.Code, text: dg.Message})
			}
		}
		return append(problemAt("", CodeWorkflowInvalid, len(lint)), lint...)
	}
	return nil
}

// lintPointer turns a dotted workflow path (states.x.due) into a pointer.
func lintPointer(path string) string {
	if path == "" {
		return ""
	}
	return "/" + strings.ReplaceAll(path, ".", "/")
}

func statePtr(name string, rest ...string) string {
	return "/states/" + escapePointer(name) + strings.Join(append([]string{""}, rest...), "/")
}

// validateWorkflow checks what the designer lets an author set, naming
// states by their titles.
func validateWorkflow(w WorkflowSpec) problems {
	var ps problems
	titles := map[string]string{}
	title := func(name string) string {
		if t := w.TitleOf(name, forms.LangZH); t != "" {
			return t
		}
		return name
	}
	if w.State(w.Start) == nil {
		ps = append(ps, problem{ptr: "/start", code: CodeUnknownTarget, args: []any{"start", "start"}, reasonArgs: []int{0, 1}})
	}
	for _, s := range w.States {
		zh := strings.TrimSpace(s.Title.ZH)
		switch {
		case zh == "":
			ps = append(ps, problem{ptr: statePtr(s.Name, "title"), code: CodeTitleRequired})
		case utf8.RuneCountInString(zh) > MaxTitleRunes || utf8.RuneCountInString(s.Title.EN) > 2*MaxTitleRunes:
			ps = append(ps, problem{ptr: statePtr(s.Name, "title"), code: CodeTitleTooLong, args: []any{MaxTitleRunes}})
		case titles[zh] != "":
			ps = append(ps, problem{ptr: statePtr(s.Name, "title"), code: CodeDuplicateState, args: []any{zh}})
		default:
			titles[zh] = s.Name
		}
		if s.Kind == StateFinal {
			continue
		}
		for _, r := range s.Roles {
			if !slices.Contains(workflows.Roles, r) {
				ps = append(ps, problem{ptr: statePtr(s.Name, "step", "role"), code: CodeBadActor, args: []any{"role"}, reasonArgs: []int{0}})
			}
		}
		if len(s.Roles) == 0 {
			ps = append(ps, problem{ptr: statePtr(s.Name, "step", "role"), code: CodeBadActor, args: []any{"role"}, reasonArgs: []int{0}})
		}
		if !slices.Contains(workflows.Levels, s.Level) {
			ps = append(ps, problem{ptr: statePtr(s.Name, "step", "level"), code: CodeBadActor, args: []any{"level"}, reasonArgs: []int{0}})
		}
		ps = append(ps, checkTimes(s)...)
		if s.Escalate.To != "" {
			esc := statePtr(s.Name, "escalate")
			switch {
			case s.Due.IsZero():
				ps = append(ps, problem{ptr: esc, code: CodeNeedsLimit, args: []any{"escalation"}, reasonArgs: []int{0}})
			case s.Escalate.To == EscalateLevelAbove && workflows.LevelAbove(s.Level) == "":
				ps = append(ps, problem{ptr: esc, code: CodeBadEscalation, args: []any{"top_level"}, reasonArgs: []int{0}})
			case s.Escalate.To == EscalateWiden && len(s.Escalate.Widen) == 0:
				ps = append(ps, problem{ptr: esc, code: CodeBadEscalation, args: []any{"no_roles"}, reasonArgs: []int{0}})
			case s.Escalate.To != EscalateLevelAbove && s.Escalate.To != EscalateWiden:
				ps = append(ps, problem{ptr: esc, code: CodeBadEscalation, args: []any{s.Escalate.To}})
			}
			for _, r := range s.Escalate.Widen {
				if !slices.Contains(workflows.Roles, r) {
					ps = append(ps, problem{ptr: esc, code: CodeBadActor, args: []any{"role"}, reasonArgs: []int{0}})
				}
			}
		}
		if len(s.Actions) == 0 {
			ps = append(ps, problem{ptr: statePtr(s.Name, "actions"), code: CodeNoActions, args: []any{title(s.Name)}})
		}
		for _, a := range s.Actions {
			ap := statePtr(s.Name, "actions", a.Name)
			if !slices.Contains(workflows.ActionNames, a.Name) {
				ps = append(ps, problem{ptr: ap, code: CodeBadAction, args: []any{title(s.Name), a.Name}})
				continue
			}
			if len(a.Routes) > MaxRoutingRules {
				ps = append(ps, problem{ptr: ap + "/routes", code: CodeBadRoute, args: []any{MaxRoutingRules + 1, "no_when"}, reasonArgs: []int{1}})
			}
			for i, r := range a.Routes {
				switch {
				case strings.TrimSpace(r.When) == "":
					ps = append(ps, problem{ptr: fmt.Sprintf("%s/routes/%d/when", ap, i), code: CodeBadRoute, args: []any{i + 1, "no_when"}, reasonArgs: []int{1}})
				case w.State(r.To) == nil:
					ps = append(ps, problem{ptr: fmt.Sprintf("%s/routes/%d/to", ap, i), code: CodeUnknownTarget, args: []any{title(s.Name), a.Name}, reasonArgs: []int{1}})
				}
			}
			if (a.To != "" || len(a.Routes) == 0) && w.State(a.To) == nil {
				ps = append(ps, problem{ptr: ap + "/to", code: CodeUnknownTarget, args: []any{title(s.Name), a.Name}, reasonArgs: []int{1}})
			}
		}
	}
	return ps
}

// checkTimes checks a state's time limit, reminders and escalation
// delay as the author set them (before they are written: a limit of 0
// hours would come back as something else).
func checkTimes(s StateSpec) problems {
	var ps problems
	ps = append(ps, checkLimit(statePtr(s.Name, "due"), "limit", s.Due)...)
	if s.Remind != (Reminder{}) {
		switch {
		case s.Remind.Times < 1 || s.Remind.Times > MaxRemindTimes || s.Remind.Every.IsZero():
			ps = append(ps, problem{ptr: statePtr(s.Name, "remind"), code: CodeBadReminder, args: []any{MaxRemindTimes}})
		case s.Due.IsZero():
			ps = append(ps, problem{ptr: statePtr(s.Name, "remind"), code: CodeNeedsLimit, args: []any{"reminders"}, reasonArgs: []int{0}})
		default:
			if bad := checkLimit(statePtr(s.Name, "remind", "every"), "remind_every", s.Remind.Every); len(bad) > 0 {
				ps = append(ps, bad...)
			} else if e, ok := s.Remind.Every.hours(); ok {
				if due, ok := s.Due.hours(); ok && e > due {
					ps = append(ps, problem{ptr: statePtr(s.Name, "remind", "every"), code: CodeReminderTooLong,
						args: []any{limitText(s.Remind.Every), limitText(s.Due)}})
				}
			}
		}
	}
	if s.Escalate.To != "" {
		ps = append(ps, checkLimit(statePtr(s.Name, "escalate")+"/after", "escalate_after", s.Escalate.After)...)
	}
	return ps
}

// checkLimit checks a time limit the author set in hours or days.
func checkLimit(ptr, what string, l Limit) problems {
	if l.Raw != "" || l.IsZero() {
		return nil
	}
	cap, unit := MaxLimitDays, "unit_days"
	if l.Unit == UnitHours {
		cap, unit = MaxLimitHours, "unit_hours"
	}
	if (l.Unit != UnitHours && l.Unit != UnitDays) || l.N < 1 || l.N > cap {
		return problems{{ptr: ptr, code: CodeBadLimit, args: []any{what, cap, unit}, reasonArgs: []int{0, 2}}}
	}
	return nil
}

// limitText is a limit as people read it: "48 小时", "3 天".
func limitText(l Limit) string {
	switch l.Unit {
	case UnitHours:
		return fmt.Sprintf("%d 小时", l.N)
	case UnitDays:
		return fmt.Sprintf("%d 天", l.N)
	}
	return l.Raw
}

// LimitText is a limit in lang: "48 小时" or "48 hours".
func LimitText(l Limit, lang string) string {
	if !strings.HasPrefix(strings.ToLower(lang), "en") {
		return limitText(l)
	}
	switch l.Unit {
	case UnitHours:
		return fmt.Sprintf("%d hours", l.N)
	case UnitDays:
		return fmt.Sprintf("%d days", l.N)
	}
	return l.Raw
}

// SetTitle sets the workflow's title and the state a submitted record
// enters (start "" keeps it).
func (d *WorkflowDoc) SetTitle(title forms.Text, start string) error {
	return d.apply(func(c *WorkflowDoc) problems {
		title.ZH, title.EN = strings.TrimSpace(title.ZH), strings.TrimSpace(title.EN)
		if title.ZH == "" {
			return problemAt("/title", CodeTitleRequired)
		}
		if utf8.RuneCountInString(title.ZH) > 2*MaxTitleRunes || utf8.RuneCountInString(title.EN) > 4*MaxTitleRunes {
			return problemAt("/title", CodeTitleTooLong, 2*MaxTitleRunes)
		}
		if yamlText(c.root.get("title")) != title {
			setRanked(c.root, "title", textNode(title), []string{"id", "title", "start", "states"})
		}
		if start != "" && start != c.root.getString("start") {
			spec := c.Spec()
			if s := spec.State(start); s == nil || s.Kind == StateFinal {
				return problemAt("/start", CodeUnknownState)
			}
			setRanked(c.root, "start", strNode(start), []string{"id", "title", "start", "states"})
		}
		return nil
	})
}

// UpdateState writes spec onto the state spec.Name. Only what differs from
// the state as it is gets written; Kind is the state's own.
func (d *WorkflowDoc) UpdateState(spec StateSpec) error {
	return d.apply(func(c *WorkflowDoc) problems {
		n := c.stateNode(spec.Name)
		w := c.Spec()
		old := w.State(spec.Name)
		if n == nil || old == nil {
			return problemAt(statePtr(spec.Name), CodeUnknownState)
		}
		spec.Kind = old.Kind
		if spec.Kind != StateFinal {
			if ps := append(checkTimes(spec), actionsFit(*old, spec, w)...); len(ps) > 0 {
				return ps
			}
		}
		writeState(n, *old, spec)
		return nil
	})
}

// actionsFit checks that a state takes its actions: a review level
// approve, return and reject; a correction step submit (and reject);
// return only when there is a correction step to return to.
func actionsFit(old, s StateSpec, w WorkflowSpec) problems {
	var ps problems
	allowed := []string{workflows.ActionApprove, workflows.ActionReturn, workflows.ActionReject}
	if s.Kind == StateCorrection {
		allowed = []string{workflows.ActionSubmit, workflows.ActionReject}
	}
	for _, a := range s.Actions {
		ap := statePtr(s.Name, "actions", a.Name)
		if !slices.Contains(allowed, a.Name) && old.Action(a.Name) == nil {
			ps = append(ps, problem{ptr: ap, code: CodeBadAction, args: []any{textIn(old.Title, forms.LangZH), a.Name}, reasonArgs: []int{1}})
		}
		if a.Name == workflows.ActionReturn && a.To == "" && len(w.Corrections()) == 0 {
			ps = append(ps, problem{ptr: ap, code: CodeNoCorrectionStep})
		}
	}
	return ps
}

// freeName returns base, or base_2, base_3…, that no state uses.
func (d *WorkflowDoc) freeName(base string) string {
	base = strings.Trim(nonName.ReplaceAllString(strings.ToLower(base), "_"), "_")
	if base == "" || base[0] < 'a' || base[0] > 'z' {
		base = "step_" + base
	}
	if len(base) > 50 {
		base = base[:50]
	}
	states := d.root.get("states")
	name := base
	for i := 2; states != nil && states.get(name) != nil; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	return name
}

// insertState puts a new state at index i of the states mapping.
func (d *WorkflowDoc) insertState(i int, name string, n *node) {
	states := d.states()
	i = max(0, min(i, len(states.members)))
	states.members = slices.Insert(states.members, i, member{name, n})
}

// stateIndex is the position of state name in the file, or -1.
func (d *WorkflowDoc) stateIndex(name string) int {
	s := d.root.get("states")
	if s == nil {
		return -1
	}
	return s.index(name)
}

// AddLevel adds a review level at position index of the ladder (-1 or
// beyond the end: last) and returns its name. A level added to a plain
// ladder (each level's 通过 leads to the next) is wired in: the level
// before it now leads to it, and it leads where that one led; it returns
// to the correction step and rejects to where the others reject. Actions
// given in spec are kept as given.
func (d *WorkflowDoc) AddLevel(index int, spec StateSpec) (string, error) {
	var name string
	err := d.apply(func(c *WorkflowDoc) problems {
		w := c.Spec()
		levels := w.Levels()
		if index < 0 || index > len(levels) {
			index = len(levels)
		}
		name = c.freeName(orString(spec.Level, "review") + "_review")
		spec.Name, spec.Kind = name, StateLevel
		if ps := checkTimes(spec); len(ps) > 0 {
			return ps
		}
		if len(spec.Roles) == 0 {
			spec.Roles = []string{"reviewer"}
		}
		chain := isChain(w)
		if len(spec.Actions) == 0 {
			next := ""
			switch {
			case index < len(levels):
				next = levels[index].Name
			case len(levels) > 0:
				if a := levels[len(levels)-1].Action(workflows.ActionApprove); a != nil {
					next = a.To
				}
			}
			if next == "" {
				if fs := w.Finals(); len(fs) > 0 {
					next = fs[0].Name
				}
			}
			spec.Actions = append(spec.Actions, ActionSpec{Name: workflows.ActionApprove, To: next})
			if cs := w.Corrections(); len(cs) > 0 {
				spec.Actions = append(spec.Actions, ActionSpec{Name: workflows.ActionReturn, To: cs[0].Name, ReasonRequired: true})
			}
			for _, l := range levels {
				if a := l.Action(workflows.ActionReject); a != nil && len(a.Routes) == 0 {
					spec.Actions = append(spec.Actions, ActionSpec{Name: workflows.ActionReject, To: a.To, ReasonRequired: a.ReasonRequired})
					break
				}
			}
		}
		at := len(c.states().members)
		switch {
		case index < len(levels):
			at = c.stateIndex(levels[index].Name)
		case len(levels) > 0:
			at = c.stateIndex(levels[len(levels)-1].Name) + 1
		default:
			for i, s := range w.States {
				if s.Kind != StateLevel {
					at = i
					break
				}
			}
		}
		n := objNode()
		writeState(n, StateSpec{Kind: StateLevel}, spec)
		c.insertState(at, name, n)
		if chain || len(levels) == 0 {
			if index == 0 {
				c.redirect(w.Start, name, workflows.ActionSubmit)
				setRanked(c.root, "start", strNode(name), []string{"id", "title", "start", "states"})
			} else {
				c.setApprove(levels[index-1].Name, name)
			}
		}
		return nil
	})
	return name, err
}

// setApprove points the plain 通过 of state at to.
func (c *WorkflowDoc) setApprove(state, to string) {
	w := c.Spec()
	s := w.State(state)
	n := c.stateNode(state)
	if s == nil || n == nil {
		return
	}
	next := *s
	next.Actions = slices.Clone(s.Actions)
	if a := next.Action(workflows.ActionApprove); a != nil && len(a.Routes) == 0 {
		a.To = to
		writeState(n, *s, next)
	}
}

// redirect points every action named action (every action when "") that
// leads to from at to.
func (c *WorkflowDoc) redirect(from, to, action string) {
	w := c.Spec()
	for _, s := range w.States {
		next := s
		next.Actions = nil
		changed := false
		for _, a := range s.Actions {
			if action == "" || a.Name == action {
				a.Routes = slices.Clone(a.Routes)
				if a.To == from {
					a.To, changed = to, true
				}
				for i := range a.Routes {
					if a.Routes[i].To == from {
						a.Routes[i].To, changed = to, true
					}
				}
			}
			next.Actions = append(next.Actions, a)
		}
		if changed {
			writeState(c.stateNode(s.Name), s, next)
		}
	}
}

// isChain reports whether the levels form a plain ladder: the first is the
// start, each one's 通过 leads to the next without routing rules, and the
// last one's leads out of the ladder.
func isChain(w WorkflowSpec) bool {
	levels := w.Levels()
	if len(levels) == 0 || w.Start != levels[0].Name {
		return false
	}
	for i, l := range levels {
		a := l.Action(workflows.ActionApprove)
		if a == nil || len(a.Routes) > 0 {
			return false
		}
		if i < len(levels)-1 && a.To != levels[i+1].Name {
			return false
		}
		if i == len(levels)-1 && w.State(a.To) != nil && w.State(a.To).Kind == StateLevel {
			return false
		}
	}
	return true
}

// MoveLevel moves a review level up (delta -1) or down (+1) the ladder.
// On a plain ladder the 通过 of every level is rewired to the new order
// (and the start and the correction step's resubmission follow the first
// level); otherwise only the order shown changes.
func (d *WorkflowDoc) MoveLevel(name string, delta int) error {
	return d.apply(func(c *WorkflowDoc) problems {
		w := c.Spec()
		levels := w.Levels()
		i := slices.IndexFunc(levels, func(s StateSpec) bool { return s.Name == name })
		if i < 0 {
			return problemAt(statePtr(name), CodeUnknownState)
		}
		j := i + delta
		if j < 0 || j >= len(levels) {
			return problemAt(statePtr(name), CodeBadIndex, j, len(levels)-1)
		}
		chain := isChain(w)
		states := c.states()
		a, b := states.index(levels[i].Name), states.index(levels[j].Name)
		states.members[a], states.members[b] = states.members[b], states.members[a]
		if !chain {
			return nil
		}
		exit := levels[len(levels)-1].Action(workflows.ActionApprove).To
		order := slices.Clone(levels)
		order[i], order[j] = order[j], order[i]
		for k, l := range order {
			to := exit
			if k < len(order)-1 {
				to = order[k+1].Name
			}
			c.setApprove(l.Name, to)
		}
		if order[0].Name != w.Start {
			c.redirect(w.Start, order[0].Name, workflows.ActionSubmit)
			setRanked(c.root, "start", strNode(order[0].Name), []string{"id", "title", "start", "states"})
		}
		return nil
	})
}

// Reference is one action that leads to a state.
type WorkflowReference struct {
	State  string `json:"state"`  // the state the action is on
	Action string `json:"action"` // its action, or "start"
}

// ReferencesTo returns the actions that lead to state name, and "start"
// when a submitted record enters it.
func (d *WorkflowDoc) ReferencesTo(name string) []WorkflowReference {
	w := d.Spec()
	var out []WorkflowReference
	if w.Start == name {
		out = append(out, WorkflowReference{Action: "start"})
	}
	for _, s := range w.States {
		if s.Name == name {
			continue
		}
		for _, a := range s.Actions {
			if slices.Contains(a.Targets(), name) {
				out = append(out, WorkflowReference{State: s.Name, Action: a.Name})
			}
		}
	}
	return out
}

// DeleteState deletes a state. When other states lead to it, it is
// refused with one state_referenced problem per action that does, unless
// force: then those actions lead where the deleted state's own 通过 (or
// 补正后提交) led, and actions that returned to a deleted correction step
// are removed.
func (d *WorkflowDoc) DeleteState(name string, force bool) error {
	return d.apply(func(c *WorkflowDoc) problems {
		w := c.Spec()
		s := w.State(name)
		if s == nil {
			return problemAt(statePtr(name), CodeUnknownState)
		}
		refs := c.ReferencesTo(name)
		if len(refs) > 0 && !force {
			var ps problems
			for _, r := range refs {
				if r.State == "" {
					ps = append(ps, problem{ptr: "/start", code: CodeStartReferenced, args: []any{textIn(s.Title, forms.LangZH)}})
					continue
				}
				ps = append(ps, problem{ptr: statePtr(r.State, "actions", r.Action), code: CodeStateReferenced,
					args: []any{w.TitleOf(r.State, forms.LangZH), r.Action, textIn(s.Title, forms.LangZH)}, reasonArgs: []int{1}})
			}
			return ps
		}
		forward := ""
		for _, an := range []string{workflows.ActionApprove, workflows.ActionSubmit} {
			if a := s.Action(an); a != nil && len(a.Routes) == 0 && a.To != name {
				forward = a.To
				break
			}
		}
		for _, r := range refs {
			if r.Action == workflows.ActionReturn && s.Kind == StateCorrection {
				continue
			}
			if forward == "" {
				return problemAt(statePtr(name), CodeCannotBridge, textIn(s.Title, forms.LangZH))
			}
		}
		// Returns to a deleted correction step go; the rest are bridged.
		for _, st := range w.States {
			if st.Name == name {
				continue
			}
			next := st
			next.Actions = nil
			changed := false
			for _, a := range st.Actions {
				if !slices.Contains(a.Targets(), name) {
					next.Actions = append(next.Actions, a)
					continue
				}
				changed = true
				if a.Name == workflows.ActionReturn && s.Kind == StateCorrection {
					continue
				}
				a.Routes = slices.Clone(a.Routes)
				if a.To == name {
					a.To = forward
				}
				for i := range a.Routes {
					if a.Routes[i].To == name {
						a.Routes[i].To = forward
					}
				}
				next.Actions = append(next.Actions, a)
			}
			if changed {
				writeState(c.stateNode(st.Name), st, next)
			}
		}
		if w.Start == name {
			setRanked(c.root, "start", strNode(forward), []string{"id", "title", "start", "states"})
		}
		c.states().del(name)
		return nil
	})
}

// SetCorrection writes the correction step (spec.Name "" for the first
// one). When there is none yet it is added after the last level, its
// 补正后提交 leads to the first level, and every level gets 退回补正 to
// it. Returns its name.
func (d *WorkflowDoc) SetCorrection(spec StateSpec) (string, error) {
	var name string
	err := d.apply(func(c *WorkflowDoc) problems {
		w := c.Spec()
		cs := w.Corrections()
		if spec.Name == "" && len(cs) > 0 {
			spec.Name = cs[0].Name
		}
		if old := w.State(spec.Name); old != nil {
			name = spec.Name
			spec.Kind = old.Kind
			if ps := append(checkTimes(spec), actionsFit(*old, spec, w)...); len(ps) > 0 {
				return ps
			}
			writeState(c.stateNode(name), *old, spec)
			return nil
		}
		if spec.Name != "" {
			return problemAt(statePtr(spec.Name), CodeUnknownState)
		}
		name = c.freeName("correction")
		spec.Name, spec.Kind = name, StateCorrection
		if ps := checkTimes(spec); len(ps) > 0 {
			return ps
		}
		if len(spec.Roles) == 0 {
			spec.Roles = []string{"field_worker"}
		}
		if spec.Level == "" {
			spec.Level = "village"
		}
		if len(spec.Actions) == 0 {
			spec.Actions = []ActionSpec{{Name: workflows.ActionSubmit, To: w.Start}}
		}
		levels := w.Levels()
		at := len(c.states().members)
		if len(levels) > 0 {
			at = c.stateIndex(levels[len(levels)-1].Name) + 1
		}
		n := objNode()
		writeState(n, StateSpec{Kind: StateCorrection}, spec)
		c.insertState(at, name, n)
		for _, l := range levels {
			if l.Action(workflows.ActionReturn) != nil {
				continue
			}
			next := l
			next.Actions = slices.Clone(l.Actions)
			ret := ActionSpec{Name: workflows.ActionReturn, To: name, ReasonRequired: true}
			if i := slices.IndexFunc(next.Actions, func(a ActionSpec) bool { return a.Name == workflows.ActionApprove }); i >= 0 {
				next.Actions = slices.Insert(next.Actions, i+1, ret)
			} else {
				next.Actions = append(next.Actions, ret)
			}
			writeState(c.stateNode(l.Name), l, next)
		}
		return nil
	})
	return name, err
}

// AddOutcome adds a final state titled title and returns its name.
func (d *WorkflowDoc) AddOutcome(title forms.Text) (string, error) {
	var name string
	err := d.apply(func(c *WorkflowDoc) problems {
		base := "outcome"
		if title.EN != "" {
			base = strings.ToLower(title.EN)
		}
		name = c.freeName(base)
		n := objNode()
		n.members = append(n.members, member{"title", textNode(forms.Text{ZH: strings.TrimSpace(title.ZH), EN: strings.TrimSpace(title.EN)})},
			member{"final", boolNode(true)})
		c.insertState(len(c.states().members), name, n)
		return nil
	})
	return name, err
}

// SetRoutes sets the routing rules of an action: routes are tried in
// order, the first whose condition holds decides; otherwise the action
// leads to defaultTo.
func (d *WorkflowDoc) SetRoutes(state, action string, routes []RouteSpec, defaultTo string) error {
	return d.apply(func(c *WorkflowDoc) problems {
		w := c.Spec()
		s := w.State(state)
		if s == nil {
			return problemAt(statePtr(state), CodeUnknownState)
		}
		next := *s
		next.Actions = slices.Clone(s.Actions)
		a := next.Action(action)
		if a == nil {
			return problemAt(statePtr(state, "actions", action), CodeBadAction, textIn(s.Title, forms.LangZH), action)
		}
		a.Routes, a.To = slices.Clone(routes), defaultTo
		if len(a.Routes) == 0 && a.To == "" {
			return problemAt(statePtr(state, "actions", action, "to"), CodeUnknownTarget, textIn(s.Title, forms.LangZH), action)
		}
		writeState(c.stateNode(state), *s, next)
		return nil
	})
}

// NewWorkflow returns the default review ladder for a campaign without
// one (workflows.DefaultLadder, which a new blank campaign gets too):
// village review → township review, each may return the record to the
// field worker for correction or reject it; accepted or rejected.
func NewWorkflow(id string, title forms.Text) *WorkflowDoc {
	src := workflows.DefaultLadder(id, workflows.Text{"zh": title.ZH, "en": title.EN})
	d, err := OpenWorkflow(src)
	if err != nil {
		panic("studio: the default workflow does not open: " + err.Error())
	}
	return d
}
