package workflows

import (
	"fmt"
	"slices"
	"strings"

	"canvass/internal/yamldoc"
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
		if rs.final {
			l.checkFinal(rs)
			continue
		}
		if rs.step == nil {
			l.Errorf(rs.name.At, rs.name.Path, "no_actor", "state %s has no step: no one can act on it (add step: {role, level}, or final: true)", rs.name.Val)
		}
		if len(rs.actions) == 0 && !(rs.hasActions && l.edgesMissing) {
			l.Errorf(rs.actionsAt, rs.name.Path+".actions", "no_actions", "state %s has no actions: records would stay in it forever", rs.name.Val)
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
	l.Errorf(s.At, s.Path, "unknown_state", "unknown state %q%s", s.Val, hint)
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
		l.Errorf(rs.name.At, rs.name.Path, "final_with_task", "final state %s cannot have %s", rs.name.Val, strings.Join(extra, ", "))
	}
}

func (l *loader) checkTimers(rs *rawState, s *state) {
	needsDue := func(key string, at yamldoc.Pos) {
		if !rs.hasDue {
			l.Errorf(at, rs.name.Path+"."+key, "missing_due", "%s needs a due time on state %s", key, rs.name.Val)
		}
	}
	if rs.remind != nil {
		needsDue("remind", rs.remind.at)
	}
	if rs.escalate != nil {
		needsDue("escalate", rs.escalate.at)
		if s.escalate != nil && s.escalate.levelAbove && s.step != nil && s.step.Level != "" && LevelAbove(s.step.Level) == "" {
			l.Errorf(rs.escalate.to.At, rs.escalate.to.Path, "no_level_above", "step level %s is the top level; there is no level above to escalate to", s.step.Level)
		}
	}
	if !rs.auto.Set {
		return
	}
	needsDue("auto", rs.auto.At)
	if rs.remind != nil || rs.escalate != nil {
		l.Errorf(rs.auto.At, rs.auto.Path, "conflicting_keys", "auto acts at the due time, so remind and escalate would never fire; use one or the other")
	}
	switch {
	case rs.auto.Val == ActionReturn:
		l.Errorf(rs.auto.At, rs.auto.Path, "bad_value", "auto cannot return a record: a return needs a person's reason")
	case !slices.ContainsFunc(rs.actions, func(a *rawAction) bool { return a.name.Val == rs.auto.Val }):
		l.Errorf(rs.auto.At, rs.auto.Path, "unknown_action", "auto action %q is not one of the state's actions", rs.auto.Val)
	}
}

// checkRoutes checks that route targets exist, that each route can be
// taken, and that one route always matches.
func (l *loader) checkRoutes(ra *rawAction, w *Workflow) {
	defaultAt := -1
	for i, r := range ra.routes {
		if !r.to.Set {
			if !r.hasTo && !r.broken {
				l.Errorf(r.at, r.path+".to", "missing_key", "route needs to")
			}
			l.edgesMissing = true
		} else if w.states[r.to.Val] == nil {
			l.unknownState(r.to, w)
		}
		if defaultAt >= 0 {
			l.Warnf(r.at, r.path, "unreachable_route", "route %d is never taken: route %d above it has no when", i+1, defaultAt+1)
		} else if !r.when.Set {
			defaultAt = i
		}
	}
	if ra.hasRouteList && defaultAt < 0 && len(ra.routes) > 0 {
		l.Warnf(ra.routesAt, ra.name.Path+".routes", "missing_default_route", "every route of %s has a when; when none matches, the action is refused (add a last route without when)", ra.name.Val)
	}
}

// checkGraph reports states a record can never reach from start
// (unreachable_state, a warning: harmless but likely a typo) and states from
// which no final state can be reached (dead_end, an error: records would be
// stuck there).
func (l *loader) checkGraph(raw *rawWorkflow, w *Workflow) {
	if len(w.order) == 0 {
		if raw.statesAt != (yamldoc.Pos{}) && !l.edgesMissing {
			l.Errorf(raw.statesAt, "states", "missing_key", "a workflow needs at least one state")
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
		l.Errorf(raw.statesAt, "states", "no_final_state", "no state is final: every record would stay open forever (add a state with final: true)")
	}
	finishes := map[string]bool{}
	for _, f := range finals {
		walk(f, func(n string) []string { return prev[n] }, finishes)
	}
	for _, rs := range raw.states {
		name := rs.name.Val
		if w.start != "" && w.states[w.start] != nil && !reachable[name] {
			l.Warnf(rs.name.At, rs.name.Path, "unreachable_state", "state %s cannot be reached from start %s", name, w.start)
		}
		if len(finals) > 0 && !finishes[name] && !rs.final && len(rs.actions) > 0 {
			l.Errorf(rs.name.At, rs.name.Path, "dead_end", "no final state can be reached from state %s: records entering it never finish", name)
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
