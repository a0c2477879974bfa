package workflows

import (
	"fmt"
	"slices"
	"strings"

	"canvass/internal/yamldoc"
	"canvass/rules"
)

// validate runs the checks that look at more than one value: state
// references, what final and open states may hold, timers, routes, and the
// state graph (reachability and dead ends). It reads positions from raw and
// meanings from w.
func (l *loader) validate(raw *rawWorkflow, w *Workflow) {
	if raw == nil {
		return
	}
	if raw.start.Set && w.states[raw.start.Val] == nil {
		l.unknownState(raw.start, w)
	}
	for _, rs := range raw.states {
		s := w.states[rs.name.Val]
		if rs.broken {
			continue
		}
		if rs.title["zh"] == "" {
			l.Errorf(rs.name.At, rs.name.Path, rules.CodeUntitledState, "state %s has no Chinese title (title: {zh: …}): pages would show its ID", rs.name.Val).With("value", rs.name.Val)
		}
		if rs.final {
			l.checkFinal(rs)
			continue
		}
		if rs.step == nil {
			named(l.Errorf(rs.name.At, rs.name.Path, rules.CodeNoActor, "state %s has no step: no one can act on it (add step: {role, level}, or final: true)", rs.name.Val), rs)
		}
		if len(rs.actions) == 0 && !(rs.hasActions && l.edgesMissing) {
			named(l.Errorf(rs.actionsAt, rs.name.Path+".actions", rules.CodeNoActions, "state %s has no actions: records would stay in it forever", rs.name.Val), rs)
		}
		l.checkTimers(rs, s)
		for _, ra := range rs.actions {
			l.checkRoutes(ra, w)
		}
	}
	l.checkGraph(raw, w)
}

func (l *loader) unknownState(s yamldoc.Scalar, w *Workflow) {
	hint := ""
	if c := yamldoc.Closest(s.Val, w.order); c != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", c)
	}
	l.edgesMissing = true
	l.Errorf(s.At, s.Path, rules.CodeUnknownState, "unknown state %q%s", s.Val, hint).With("value", s.Val).With("suggest", yamldoc.Closest(s.Val, w.order))
}

// checkFinal reports what a final state must not have: nobody acts on a
// finished record and nothing is due.
func (l *loader) checkFinal(rs *rawState) {
	var extra []string
	if rs.step != nil {
		extra = append(extra, "step")
	}
	if len(rs.actions) > 0 {
		extra = append(extra, "actions")
	}
	if rs.due.Set {
		extra = append(extra, "due")
	}
	if rs.remind != nil {
		extra = append(extra, "remind")
	}
	if rs.escalate != nil {
		extra = append(extra, "escalate")
	}
	if rs.auto.Set {
		extra = append(extra, "auto")
	}
	if len(extra) > 0 {
		named(l.Errorf(rs.name.At, rs.name.Path, rules.CodeFinalWithTask, "final state %s cannot have %s", rs.name.Val, strings.Join(extra, ", ")), rs)
	}
}

func (l *loader) checkTimers(rs *rawState, s *state) {
	needsDue := func(key string, at yamldoc.Pos) {
		if !rs.hasDue {
			named(l.Errorf(at, rs.name.Path+"."+key, rules.CodeMissingDue, "%s needs a due time on state %s", key, rs.name.Val), rs)
		}
	}
	if rs.remind != nil {
		needsDue("remind", rs.remind.at)
	}
	if rs.escalate != nil {
		needsDue("escalate", rs.escalate.at)
		if s.escalate != nil && s.escalate.levelAbove && s.step != nil && s.step.Level != "" && LevelAbove(s.step.Level) == "" {
			l.Errorf(rs.escalate.to.At, rs.escalate.to.Path, rules.CodeNoLevelAbove, "step level %s is the top level; there is no level above to escalate to", s.step.Level).With("key", s.step.Level)
		}
	}
	if !rs.auto.Set {
		return
	}
	needsDue("auto", rs.auto.At)
	if rs.remind != nil || rs.escalate != nil {
		l.Errorf(rs.auto.At, rs.auto.Path, rules.CodeConflictingKeys, "auto acts at the due time, so remind and escalate would never fire; use one or the other").
			WithText("detail", "到期自动办理后，提醒和上报都不会再发生", "auto acts at the due time, so remind and escalate would never fire")
	}
	switch {
	case rs.auto.Val == ActionReturn:
		l.Errorf(rs.auto.At, rs.auto.Path, rules.CodeBadValue, "auto cannot return a record: a return needs a person's reason").
			With("value", rs.auto.Val).WithText("detail", "到期不能自动退回，退回需要由人填写理由", "a return needs a person's reason")
	case !slices.ContainsFunc(rs.actions, func(a *rawAction) bool { return a.name.Val == rs.auto.Val }):
		l.Errorf(rs.auto.At, rs.auto.Path, rules.CodeUnknownAction, "auto action %q is not one of the state's actions", rs.auto.Val).
			With("value", rs.auto.Val).WithText("detail", "自动办理的操作必须是本状态已有的操作。", "The auto action must be one of the state's actions.")
	}
}

// checkRoutes checks that route targets exist, that each route can be
// taken, and that one route always matches.
func (l *loader) checkRoutes(ra *rawAction, w *Workflow) {
	defaultAt := -1
	for i, r := range ra.routes {
		if !r.to.Set {
			if !r.hasTo && !r.broken {
				l.Errorf(r.at, r.path+".to", rules.CodeMissingKey, "route needs to").WithText("want", "去向的目标状态", "the state the route leads to")
			}
			l.edgesMissing = true
		} else if w.states[r.to.Val] == nil {
			l.unknownState(r.to, w)
		}
		if defaultAt >= 0 {
			l.Warnf(r.at, r.path, rules.CodeUnreachableRoute, "route %d is never taken: route %d above it has no when", i+1, defaultAt+1)
		} else if !r.when.Set {
			defaultAt = i
		}
	}
	if ra.hasRouteList && defaultAt < 0 && len(ra.routes) > 0 {
		l.Warnf(ra.routesAt, ra.name.Path+".routes", rules.CodeMissingDefaultRoute, "every route of %s has a when; when none matches, the action is refused (add a last route without when)", ra.name.Val).With("key", ra.name.Val)
	}
}

// checkGraph reports states a record can never reach from start
// (unreachable_state, a warning: harmless but likely a typo) and states from
// which no final state can be reached (dead_end, an error: records would be
// stuck there).
func (l *loader) checkGraph(raw *rawWorkflow, w *Workflow) {
	if len(w.order) == 0 {
		if raw.statesAt != (yamldoc.Pos{}) && !l.edgesMissing {
			l.Errorf(raw.statesAt, "states", rules.CodeMissingKey, "a workflow needs at least one state").WithText("want", "至少一个状态", "at least one state")
		}
		return
	}
	if l.edgesMissing {
		return // some transitions did not decode: reachability would be guesswork
	}
	next := func(name string) []string {
		var out []string
		if s := w.states[name]; s != nil {
			for _, a := range s.actions {
				for _, r := range a.routes {
					if w.states[r.to] != nil {
						out = append(out, r.to)
					}
				}
			}
		}
		return out
	}
	reachable := map[string]bool{}
	if w.states[w.start] != nil {
		walk(w.start, next, reachable)
	}
	for _, name := range w.order {
		if w.states[name].scheduled {
			walk(name, next, reachable)
		}
	}
	// Reverse edges: which states lead to each.
	prev := map[string][]string{}
	var finals []string
	for _, name := range w.order {
		if w.states[name].final {
			finals = append(finals, name)
		}
		for _, to := range next(name) {
			prev[to] = append(prev[to], name)
		}
	}
	if len(finals) == 0 {
		l.Errorf(raw.statesAt, "states", rules.CodeNoFinalState, "no state is final: every record would stay open forever (add a state with final: true)")
	}
	finishes := map[string]bool{}
	for _, f := range finals {
		walk(f, func(n string) []string { return prev[n] }, finishes)
	}
	for _, rs := range raw.states {
		name := rs.name.Val
		if w.start != "" && w.states[w.start] != nil && !reachable[name] {
			named(l.Warnf(rs.name.At, rs.name.Path, rules.CodeUnreachableState, "state %s cannot be reached from start %s", name, w.start), rs)
		}
		if len(finals) > 0 && !finishes[name] && !rs.final && len(rs.actions) > 0 {
			named(l.Errorf(rs.name.At, rs.name.Path, rules.CodeDeadEnd, "no final state can be reached from state %s: records entering it never finish", name), rs)
		}
	}
}

// walk marks every node reachable from start through next.
func walk(start string, next func(string) []string, seen map[string]bool) {
	stack := []string{start}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[n] {
			continue
		}
		seen[n] = true
		stack = append(stack, next(n)...)
	}
}
