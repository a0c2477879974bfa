package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"canvass/internal/yamldoc"
	"canvass/rules"
)

// Limits on a definition, so a hostile or broken file cannot make loading
// slow. Real workflows have a handful of states and a few kilobytes; the
// YAML parser takes most of the time, roughly linear in the size.
const (
	maxSourceSize = 256 << 10
	maxStates     = 200
	maxRoutes     = 50
	maxReminders  = 100
	// maxDiagnostics is how many findings Load returns before it adds a
	// too_many_findings error.
	maxDiagnostics = yamldoc.MaxDiagnostics
)

// minReminderGap keeps a definition from paging people every minute.
const minReminderGap = time.Hour

// timeSample declares a time.Time variable in an expression environment.
var timeSample = time.Time{}

var (
	idPattern   = yamldoc.IDPattern
	namePattern = yamldoc.NamePattern
)

// Load decodes, provisions and validates a workflow definition. filename is
// used in diagnostics only. It returns the workflow and every finding: the
// workflow is nil when any finding is an error (see rules.HasErrors), so a
// caller can never run a definition that failed lint. Warnings come with a
// usable workflow.
func Load(filename string, src []byte) (*Workflow, []rules.Diagnostic) {
	l := &loader{Decoder: yamldoc.NewDecoder(filename, src)}
	raw := l.decode()        // strict: syntax, unknown keys, types
	w := l.provision(raw)    // compile expressions, parse durations, check names
	l.validate(raw, w)       // references, timers and the state graph
	diags := l.Diagnostics() // by position, so output is stable
	if rules.HasErrors(diags) {
		return nil, diags
	}
	return w, diags
}

// loader walks a workflow file with the shared YAML decoder (see
// internal/yamldoc for why it walks the syntax tree rather than decoding
// into structs).
type loader struct {
	*yamldoc.Decoder
	// edgesMissing is set when some transition could not be decoded, so the
	// state graph is incomplete and reachability findings would be false.
	edgesMissing bool
}

// The raw definition: what the file says, with positions, before checks
// that need more than one value.
type (
	rawWorkflow struct {
		id, start yamldoc.Scalar
		title     Text
		states    []*rawState
		statesAt  yamldoc.Pos
	}
	rawState struct {
		broken     bool // not a mapping: nothing else is known about it
		name       yamldoc.Scalar
		title      Text
		final      bool
		step       *rawStep
		due        yamldoc.Scalar
		remind     *rawRemind
		escalate   *rawEscalate
		auto       yamldoc.Scalar
		actions    []*rawAction
		actionsAt  yamldoc.Pos
		hasActions bool
		hasDue     bool
		scheduled  bool // a campaign schedule opens tasks here (state_scheduled.go)
	}
	rawStep struct {
		broken            bool
		at                yamldoc.Pos
		path              string
		roles             []yamldoc.Scalar
		level             yamldoc.Scalar
		hasRole, hasLevel bool
	}
	rawRemind struct {
		at                 yamldoc.Pos
		path               string
		every              yamldoc.Scalar
		times              int
		timesAt            yamldoc.Pos
		timesSet           bool
		broken             bool
		hasEvery, hasTimes bool
	}
	rawEscalate struct {
		broken bool
		at     yamldoc.Pos
		path   string
		to     yamldoc.Scalar
		widen  []yamldoc.Scalar
		after  yamldoc.Scalar
	}
	rawAction struct {
		name         yamldoc.Scalar
		routes       []*rawRoute
		routesAt     yamldoc.Pos
		hasRouteList bool
		guard        yamldoc.Scalar
		guardMessage Text
		reason       yamldoc.Scalar
	}
	rawRoute struct {
		broken bool
		hasTo  bool
		at     yamldoc.Pos
		path   string
		when   yamldoc.Scalar
		to     yamldoc.Scalar
	}
)

// decode parses the source and decodes it strictly. It returns nil when
// there is nothing to go on (a syntax error or a document that is not a
// mapping).
func (l *loader) decode() *rawWorkflow {
	body := l.Parse("workflow", "id, start and states", maxSourceSize)
	if body == nil {
		return nil
	}
	entries, ok := l.Mapping(body, "", "a workflow")
	if !ok {
		return nil
	}
	f := l.Fields(entries, "the workflow", "id", "title", "start", "states")
	w := &rawWorkflow{
		id:    l.Str(f["id"]),
		title: l.Text(f["title"]),
		start: l.Str(f["start"]),
	}
	l.Require(f, yamldoc.Pos{Line: 1, Col: 1}, "", "a workflow", "id", "start", "states")
	if e, ok := f["states"]; ok {
		w.statesAt = e.Key.At
		if entries, ok := l.Mapping(e.Value, e.Key.Path, "states"); ok {
			if len(entries) > maxStates {
				l.Errorf(e.Key.At, e.Key.Path, rules.CodeTooLarge, "a workflow may have at most %d states", maxStates).
					WithText("max", fmt.Sprintf("%d 个状态", maxStates), fmt.Sprintf("%d states", maxStates))
				entries = entries[:maxStates]
			}
			for _, se := range entries {
				if s := l.decodeState(se); s != nil {
					w.states = append(w.states, s)
				}
			}
		} else {
			l.edgesMissing = true
		}
	}
	return w
}

func (l *loader) decodeState(e yamldoc.Entry) *rawState {
	s := &rawState{name: e.Key, actionsAt: e.Key.At}
	entries, ok := l.Mapping(e.Value, e.Key.Path, "a state")
	if !ok {
		s.broken, l.edgesMissing = true, true
		return s
	}
	f := l.Fields(entries, "a state", "title", "final", "step", "due", "remind", "escalate", "auto", "actions", "scheduled")
	s.title = l.Text(f["title"])
	var finalOK bool
	s.final, finalOK = l.Bool(f["final"])
	if !finalOK {
		s.broken, l.edgesMissing = true, true // is it final or not? nothing else can be checked
	}
	l.decodeScheduled(f, s)
	s.due = l.Str(f["due"])
	_, s.hasDue = f["due"]
	s.auto = l.Str(f["auto"])
	if se, ok := f["step"]; ok {
		s.step = &rawStep{at: se.Key.At, path: se.Key.Path}
		if entries, ok := l.Mapping(se.Value, se.Key.Path, "step"); ok {
			sf := l.Fields(entries, "a step", "role", "level")
			s.step.roles = l.StringList(sf["role"])
			s.step.level = l.Str(sf["level"])
			_, s.step.hasRole = sf["role"]
			_, s.step.hasLevel = sf["level"]
		} else {
			s.step.broken = true
		}
	}
	if re, ok := f["remind"]; ok {
		s.remind = &rawRemind{at: re.Key.At, path: re.Key.Path}
		if entries, ok := l.Mapping(re.Value, re.Key.Path, "remind"); ok {
			rf := l.Fields(entries, "remind", "every", "times")
			s.remind.every = l.Str(rf["every"])
			s.remind.times, s.remind.timesAt, s.remind.timesSet = l.Int(rf["times"])
			_, s.remind.hasEvery = rf["every"]
			_, s.remind.hasTimes = rf["times"]
		} else {
			s.remind.broken = true
		}
	}
	if ee, ok := f["escalate"]; ok {
		s.escalate = &rawEscalate{at: ee.Key.At, path: ee.Key.Path}
		if entries, ok := l.Mapping(ee.Value, ee.Key.Path, "escalate"); ok {
			ef := l.Fields(entries, "escalate", "to", "widen", "after")
			s.escalate.to = l.Str(ef["to"])
			s.escalate.widen = l.StringList(ef["widen"])
			s.escalate.after = l.Str(ef["after"])
		} else {
			s.escalate.broken = true
		}
	}
	if ae, ok := f["actions"]; ok {
		s.actionsAt, s.hasActions = ae.Key.At, true
		if entries, ok := l.Mapping(ae.Value, ae.Key.Path, "actions"); ok {
			for _, e := range entries {
				s.actions = append(s.actions, l.decodeAction(e))
			}
		} else {
			l.edgesMissing = true
		}
	}
	return s
}

// decodeAction decodes "approve: {to: …}", the shorthand "approve: state",
// or an action with routes.
func (l *loader) decodeAction(e yamldoc.Entry) *rawAction {
	a := &rawAction{name: e.Key, routesAt: e.Key.At}
	if _, isStr := l.Resolve(e.Value, e.Key.Path).(*ast.StringNode); isStr {
		to := l.Str(e)
		a.routes = []*rawRoute{{at: to.At, path: e.Key.Path, to: to, hasTo: true}}
		return a
	}
	entries, ok := l.Mapping(e.Value, e.Key.Path, "an action")
	if !ok {
		l.edgesMissing = true
		return a
	}
	f := l.Fields(entries, "an action", "to", "routes", "guard", "guard_message", "reason")
	a.guard = l.Str(f["guard"])
	a.guardMessage = l.Text(f["guard_message"])
	a.reason = l.Str(f["reason"])
	to, hasTo := f["to"]
	re, hasRoutes := f["routes"]
	switch {
	case hasTo && hasRoutes:
		l.Errorf(re.Key.At, re.Key.Path, rules.CodeConflictingKeys, "action %s has both to and routes; use one", e.Key.Val).
			WithText("detail", "操作不能同时写 to 和 routes", "an action has to or routes, not both")
		l.edgesMissing = true
	case hasTo:
		t := l.Str(to)
		a.routes = []*rawRoute{{at: to.Key.At, path: to.Key.Path, to: t, hasTo: true}}
	case hasRoutes:
		a.routesAt, a.hasRouteList = re.Key.At, true
		items, ok := l.Sequence(re, "routes")
		if !ok {
			l.edgesMissing = true
		}
		if len(items) > maxRoutes {
			l.Errorf(re.Key.At, re.Key.Path, rules.CodeTooLarge, "an action may have at most %d routes", maxRoutes).
				WithText("max", fmt.Sprintf("%d 个去向", maxRoutes), fmt.Sprintf("%d routes", maxRoutes))
			items = items[:maxRoutes]
		}
		for i, item := range items {
			p := fmt.Sprintf("%s[%d]", re.Key.Path, i)
			r := &rawRoute{at: yamldoc.PosOf(item), path: p}
			if entries, ok := l.Mapping(item, p, "a route"); ok {
				rf := l.Fields(entries, "a route", "when", "to")
				r.when = l.Str(rf["when"])
				r.to = l.Str(rf["to"])
				_, r.hasTo = rf["to"]
			} else {
				r.broken, l.edgesMissing = true, true
			}
			a.routes = append(a.routes, r)
		}
		if ok && len(items) == 0 {
			l.Errorf(re.Key.At, re.Key.Path, rules.CodeMissingKey, "action %s has an empty list of routes", e.Key.Val).WithText("want", "至少一个去向", "at least one route")
			l.edgesMissing = true
		}
	default:
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeMissingKey, "action %s needs to or routes", e.Key.Val).WithText("want", "to（去向的状态）或 routes", "to or routes")
		l.edgesMissing = true
	}
	return a
}

// provision turns the raw definition into a Workflow: it checks names,
// roles and levels, parses durations and compiles every expression once.
func (l *loader) provision(raw *rawWorkflow) *Workflow {
	w := &Workflow{states: map[string]*state{}}
	if raw == nil {
		return w
	}
	w.id, w.title, w.start = raw.id.Val, raw.title, raw.start.Val
	if raw.id.Set && !idPattern.MatchString(raw.id.Val) {
		l.Errorf(raw.id.At, raw.id.Path, rules.CodeBadID, "id %q must be lower-case letters, digits and dashes", raw.id.Val).With("value", raw.id.Val)
	}
	routing := rules.NewEnv(rules.KindRouting)
	deadline := rules.NewEnv(rules.KindDeadline).Var("enteredAt", timeSample)
	for _, rs := range raw.states {
		name := rs.name.Val
		if !namePattern.MatchString(name) {
			l.Errorf(rs.name.At, rs.name.Path, rules.CodeBadName, "state name %q must be lower-case letters, digits and underscores, starting with a letter", name).With("value", name)
		}
		s := &state{name: name, title: rs.title, final: rs.final, scheduled: rs.scheduled}
		s.step = l.provisionStep(rs)
		if rs.due.Set {
			s.due = l.provisionDue(rs.due, deadline)
		}
		s.remind = l.provisionRemind(rs.remind)
		s.escalate = l.provisionEscalate(rs.escalate)
		s.auto = rs.auto.Val
		for _, ra := range rs.actions {
			if a := l.provisionAction(ra, routing); a != nil {
				s.actions = append(s.actions, a)
			}
		}
		w.states[name] = s
		w.order = append(w.order, name)
	}
	return w
}

func (l *loader) provisionStep(rs *rawState) *Step {
	rst := rs.step
	if rst == nil {
		return nil
	}
	step := &Step{Name: rs.name.Val}
	switch {
	case rst.broken:
	case !rst.hasRole:
		l.Errorf(rst.at, rst.path+".role", rules.CodeMissingKey, "step needs a role").WithText("want", "办理的角色", "the role that acts")
	case len(rst.roles) == 0 && !l.HasErrorAt(rst.path+".role"):
		named(l.Errorf(rst.at, rst.path+".role", rules.CodeNoActor, "step names no role: no one could act"), rs)
	}
	for _, r := range rst.roles {
		if l.checkRole(r) && !slices.Contains(step.Roles, r.Val) {
			step.Roles = append(step.Roles, r.Val)
		}
	}
	switch {
	case !rst.level.Set:
		if !rst.hasLevel && !rst.broken {
			l.Errorf(rst.at, rst.path+".level", rules.CodeMissingKey, "step needs a level (%s)", strings.Join(Levels, ", ")).With("want", strings.Join(Levels, ", "))
		}
	case !slices.Contains(Levels, rst.level.Val):
		l.Errorf(rst.level.At, rst.level.Path, rules.CodeUnknownLevel, "unknown level %q; levels are %s", rst.level.Val, strings.Join(Levels, ", ")).With("value", rst.level.Val)
	default:
		step.Level = rst.level.Val
	}
	return step
}

func (l *loader) checkRole(r yamldoc.Scalar) bool {
	if slices.Contains(Roles, r.Val) {
		return true
	}
	hint := ""
	if c := yamldoc.Closest(r.Val, Roles); c != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", c)
	}
	l.Errorf(r.At, r.Path, rules.CodeUnknownRole, "unknown role %q%s; roles are %s", r.Val, hint, strings.Join(Roles, ", ")).With("value", r.Val).With("suggest", yamldoc.Closest(r.Val, Roles))
	return false
}

// isDurationLiteral tells an ISO 8601 duration from an expression: no
// expression variable or function starts with a capital P and a digit.
func isDurationLiteral(s string) bool {
	return len(s) >= 2 && s[0] == 'P' && (s[1] >= '0' && s[1] <= '9' || s[1] == 'T')
}

func (l *loader) provisionDue(s yamldoc.Scalar, env *rules.Env) *dueRule {
	src := strings.TrimSpace(s.Val)
	if isDurationLiteral(src) {
		d, ok := l.duration(s)
		if !ok {
			return nil
		}
		return &dueRule{after: d}
	}
	prog := l.Compile(s, env, rules.ResultTime)
	if prog == nil {
		return nil
	}
	return &dueRule{expr: prog}
}

// duration parses an ISO 8601 duration yamldoc.Scalar, reporting bad_duration.
func (l *loader) duration(s yamldoc.Scalar) (Duration, bool) {
	d, err := ParseDuration(strings.TrimSpace(s.Val))
	if err != nil {
		l.Errorf(s.At, s.Path, rules.CodeBadDuration, "%q: %v", s.Val, err).With("value", s.Val)
		return Duration{}, false
	}
	return d, true
}

func (l *loader) provisionRemind(rr *rawRemind) *remindRule {
	if rr == nil {
		return nil
	}
	r := &remindRule{}
	ok := true
	switch {
	case !rr.every.Set:
		if !rr.hasEvery && !rr.broken {
			l.Errorf(rr.at, rr.path+".every", rules.CodeMissingKey, "remind needs every (an ISO 8601 duration such as P1D)").WithText("want", "提醒间隔，如 P1D", "the interval, such as P1D")
		}
		ok = false
	default:
		d, good := l.duration(rr.every)
		switch {
		case !good:
			ok = false
		case d.Shortest() < minReminderGap:
			l.Errorf(rr.every.At, rr.every.Path, rules.CodeBadDuration, "reminders must be at least PT1H apart").
				With("value", rr.every.Val).WithText("detail", "两次提醒至少间隔 1 小时（PT1H）", "reminders are at least PT1H apart")
			ok = false
		default:
			r.every = d
		}
	}
	switch {
	case !rr.timesSet:
		if !rr.hasTimes && !rr.broken {
			l.Errorf(rr.at, rr.path+".times", rules.CodeMissingKey, "remind needs times (how many reminders to send)").WithText("want", "提醒次数", "how many reminders to send")
		}
		ok = false
	case rr.times < 1 || rr.times > maxReminders:
		l.Errorf(rr.timesAt, rr.path+".times", rules.CodeBadValue, "times must be between 1 and %d", maxReminders).With("want", fmt.Sprintf("1–%d", maxReminders))
		ok = false
	default:
		r.times = rr.times
	}
	if !ok {
		return nil
	}
	return r
}

func (l *loader) provisionEscalate(re *rawEscalate) *escalateRule {
	if re == nil {
		return nil
	}
	e := &escalateRule{}
	switch {
	case re.broken:
	case re.to.Set && len(re.widen) > 0:
		l.Errorf(re.at, re.path, rules.CodeConflictingKeys, "escalate takes either to or widen, not both").
			WithText("detail", "上报只能写 to 或 widen 其中一个", "escalate takes to or widen, not both")
	case re.to.Set:
		if re.to.Val != "level_above" {
			l.Errorf(re.to.At, re.to.Path, rules.CodeBadValue, "escalate to must be level_above").With("value", re.to.Val).With("want", "level_above")
		}
		e.levelAbove = true
	case len(re.widen) > 0:
		for _, r := range re.widen {
			if l.checkRole(r) && !slices.Contains(e.widen, r.Val) {
				e.widen = append(e.widen, r.Val)
			}
		}
	default:
		l.Errorf(re.at, re.path, rules.CodeMissingKey, "escalate needs to: level_above or widen: [roles]").With("want", "to: level_above / widen: [roles]")
	}
	if re.after.Set {
		e.after, _ = l.duration(re.after)
	}
	return e
}

func (l *loader) provisionAction(ra *rawAction, env *rules.Env) *action {
	name := ra.name.Val
	if !slices.Contains(ActionNames, name) {
		msg := fmt.Sprintf("unknown action %q; actions are %s", name, strings.Join(ActionNames, ", "))
		if slices.Contains(taskActions, name) {
			msg = fmt.Sprintf("%s is offered on every step by the engine and does not change the state; do not list it", name)
		} else if c := yamldoc.Closest(name, ActionNames); c != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", c)
		}
		f := l.Errorf(ra.name.At, ra.name.Path, rules.CodeUnknownAction, "%s", msg).With("value", name)
		if slices.Contains(taskActions, name) {
			f.WithText("detail", "系统在每一步都会提供这个操作，它不改变状态，不用写在这里。", "The engine offers it on every step; do not list it.")
		} else {
			f.With("suggest", yamldoc.Closest(name, ActionNames))
		}
		l.edgesMissing = true
		return nil
	}
	a := &action{name: name, guardMessage: ra.guardMessage, reasonRequired: name == ActionReturn}
	switch ra.reason.Val {
	case "":
	case "required":
		a.reasonRequired = true
	case "optional":
		if name == ActionReturn {
			l.Errorf(ra.reason.At, ra.reason.Path, rules.CodeBadValue, "return always requires a reason").With("value", ra.reason.Val).With("want", "required")
		}
	default:
		l.Errorf(ra.reason.At, ra.reason.Path, rules.CodeBadValue, "reason must be required or optional").With("value", ra.reason.Val).With("want", "required / optional")
	}
	if ra.guard.Set {
		a.guard = l.Compile(ra.guard, env, rules.ResultBool)
	}
	for _, rr := range ra.routes {
		r := route{to: rr.to.Val}
		if rr.when.Set {
			r.when = l.Compile(rr.when, env, rules.ResultBool)
		}
		a.routes = append(a.routes, r)
	}
	return a
}
