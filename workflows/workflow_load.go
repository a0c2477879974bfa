package workflows

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

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
)

// minReminderGap keeps a definition from paging people every minute.
const minReminderGap = time.Hour

// timeSample declares a time.Time variable in an expression environment.
var timeSample = time.Time{}

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
	namePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
)

// Load decodes, provisions and validates a workflow definition. filename is
// used in diagnostics only. It returns the workflow and every finding: the
// workflow is nil when any finding is an error (see rules.HasErrors), so a
// caller can never run a definition that failed lint. Warnings come with a
// usable workflow.
func Load(filename string, src []byte) (*Workflow, []rules.Diagnostic) {
	l := &loader{decoder: decoder{file: filename, src: string(src)}}
	raw := l.decode(src)     // strict: syntax, unknown keys, types
	w := l.provision(raw)    // compile expressions, parse durations, check names
	l.validate(raw, w)       // references, timers and the state graph
	diags := l.sortedDiags() // by position, so output is stable
	if rules.HasErrors(diags) {
		return nil, diags
	}
	return w, diags
}

type loader struct {
	decoder
	// edgesMissing is set when some transition could not be decoded, so the
	// state graph is incomplete and reachability findings would be false.
	edgesMissing bool
}

func (l *loader) sortedDiags() []rules.Diagnostic {
	ds := l.diags
	slices.SortStableFunc(ds, func(a, b rules.Diagnostic) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
	if l.dropped > 0 {
		last := ds[len(ds)-1]
		ds = append(ds, rules.Diagnostic{
			File: l.file, Line: last.Line, Col: last.Col, Code: "too_many_findings", Severity: rules.SeverityError,
			Message: fmt.Sprintf("%d more findings not shown; fix these first", l.dropped),
		})
	}
	return ds
}

// The raw definition: what the file says, with positions, before checks
// that need more than one value.
type (
	rawWorkflow struct {
		id, start scalar
		title     Text
		states    []*rawState
		statesAt  pos
	}
	rawState struct {
		broken     bool // not a mapping: nothing else is known about it
		name       scalar
		title      Text
		final      bool
		step       *rawStep
		due        scalar
		remind     *rawRemind
		escalate   *rawEscalate
		auto       scalar
		actions    []*rawAction
		actionsAt  pos
		hasActions bool
		hasDue     bool
	}
	rawStep struct {
		broken            bool
		at                pos
		path              string
		roles             []scalar
		level             scalar
		hasRole, hasLevel bool
	}
	rawRemind struct {
		at                 pos
		path               string
		every              scalar
		times              int
		timesAt            pos
		timesSet           bool
		broken             bool
		hasEvery, hasTimes bool
	}
	rawEscalate struct {
		broken bool
		at     pos
		path   string
		to     scalar
		widen  []scalar
		after  scalar
	}
	rawAction struct {
		name         scalar
		routes       []*rawRoute
		routesAt     pos
		hasRouteList bool
		guard        scalar
		guardMessage Text
		reason       scalar
	}
	rawRoute struct {
		broken bool
		hasTo  bool
		at     pos
		path   string
		when   scalar
		to     scalar
	}
)

// decode parses src and decodes it strictly. It returns nil when there is
// nothing to go on (a syntax error or a document that is not a mapping).
func (l *loader) decode(src []byte) *rawWorkflow {
	if len(src) > maxSourceSize {
		l.errorf(pos{1, 1}, "", "too_large", "a workflow file must be at most %d bytes", maxSourceSize)
		return nil
	}
	file, err := parser.ParseBytes(src, 0)
	if err != nil {
		l.syntaxError(err)
		return nil
	}
	var docs []*ast.DocumentNode
	for _, doc := range file.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc)
		}
	}
	if len(docs) == 0 {
		l.errorf(pos{1, 1}, "", "missing_key", "the file is empty; a workflow needs id, start and states")
		return nil
	}
	if len(docs) > 1 {
		l.errorf(posOf(docs[1].Body), "", "yaml_syntax", "a workflow file holds one YAML document")
	}
	l.collectAnchors(docs[0].Body)
	entries, ok := l.mapping(docs[0].Body, "", "a workflow")
	if !ok {
		return nil
	}
	f := l.fields(entries, "the workflow", "id", "title", "start", "states")
	w := &rawWorkflow{
		id:    l.str(f["id"]),
		title: l.text(f["title"]),
		start: l.str(f["start"]),
	}
	for _, key := range []string{"id", "start", "states"} {
		if _, ok := f[key]; !ok {
			l.errorf(pos{1, 1}, key, "missing_key", "a workflow needs %q", key)
		}
	}
	if e, ok := f["states"]; ok {
		w.statesAt = e.key.at
		if entries, ok := l.mapping(e.value, e.key.path, "states"); ok {
			if len(entries) > maxStates {
				l.errorf(e.key.at, e.key.path, "too_large", "a workflow may have at most %d states", maxStates)
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

// syntaxError reports a parse error at the token it names.
func (l *loader) syntaxError(err error) {
	at, msg := pos{1, 1}, err.Error()
	var ye yaml.Error
	if errors.As(err, &ye) {
		at, msg = tokenPos(ye.GetToken()), ye.GetMessage()
	}
	l.errorf(at, "", "yaml_syntax", "%s", msg)
}

func (l *loader) decodeState(e entry) *rawState {
	s := &rawState{name: e.key, actionsAt: e.key.at}
	entries, ok := l.mapping(e.value, e.key.path, "a state")
	if !ok {
		s.broken, l.edgesMissing = true, true
		return s
	}
	f := l.fields(entries, "a state", "title", "final", "step", "due", "remind", "escalate", "auto", "actions")
	s.title = l.text(f["title"])
	var finalOK bool
	s.final, finalOK = l.boolean(f["final"])
	if !finalOK {
		s.broken, l.edgesMissing = true, true // is it final or not? nothing else can be checked
	}
	s.due = l.str(f["due"])
	_, s.hasDue = f["due"]
	s.auto = l.str(f["auto"])
	if se, ok := f["step"]; ok {
		s.step = &rawStep{at: se.key.at, path: se.key.path}
		if entries, ok := l.mapping(se.value, se.key.path, "step"); ok {
			sf := l.fields(entries, "a step", "role", "level")
			s.step.roles = l.stringList(sf["role"])
			s.step.level = l.str(sf["level"])
			_, s.step.hasRole = sf["role"]
			_, s.step.hasLevel = sf["level"]
		} else {
			s.step.broken = true
		}
	}
	if re, ok := f["remind"]; ok {
		s.remind = &rawRemind{at: re.key.at, path: re.key.path}
		if entries, ok := l.mapping(re.value, re.key.path, "remind"); ok {
			rf := l.fields(entries, "remind", "every", "times")
			s.remind.every = l.str(rf["every"])
			s.remind.times, s.remind.timesAt, s.remind.timesSet = l.integer(rf["times"])
			_, s.remind.hasEvery = rf["every"]
			_, s.remind.hasTimes = rf["times"]
		} else {
			s.remind.broken = true
		}
	}
	if ee, ok := f["escalate"]; ok {
		s.escalate = &rawEscalate{at: ee.key.at, path: ee.key.path}
		if entries, ok := l.mapping(ee.value, ee.key.path, "escalate"); ok {
			ef := l.fields(entries, "escalate", "to", "widen", "after")
			s.escalate.to = l.str(ef["to"])
			s.escalate.widen = l.stringList(ef["widen"])
			s.escalate.after = l.str(ef["after"])
		} else {
			s.escalate.broken = true
		}
	}
	if ae, ok := f["actions"]; ok {
		s.actionsAt, s.hasActions = ae.key.at, true
		if entries, ok := l.mapping(ae.value, ae.key.path, "actions"); ok {
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
func (l *loader) decodeAction(e entry) *rawAction {
	a := &rawAction{name: e.key, routesAt: e.key.at}
	if _, isStr := l.resolve(e.value, e.key.path).(*ast.StringNode); isStr {
		to := l.str(e)
		a.routes = []*rawRoute{{at: to.at, path: e.key.path, to: to, hasTo: true}}
		return a
	}
	entries, ok := l.mapping(e.value, e.key.path, "an action")
	if !ok {
		l.edgesMissing = true
		return a
	}
	f := l.fields(entries, "an action", "to", "routes", "guard", "guard_message", "reason")
	a.guard = l.str(f["guard"])
	a.guardMessage = l.text(f["guard_message"])
	a.reason = l.str(f["reason"])
	to, hasTo := f["to"]
	re, hasRoutes := f["routes"]
	switch {
	case hasTo && hasRoutes:
		l.errorf(re.key.at, re.key.path, "conflicting_keys", "action %s has both to and routes; use one", e.key.val)
		l.edgesMissing = true
	case hasTo:
		t := l.str(to)
		a.routes = []*rawRoute{{at: to.key.at, path: to.key.path, to: t, hasTo: true}}
	case hasRoutes:
		a.routesAt, a.hasRouteList = re.key.at, true
		items, ok := l.sequence(re, "routes")
		if !ok {
			l.edgesMissing = true
		}
		if len(items) > maxRoutes {
			l.errorf(re.key.at, re.key.path, "too_large", "an action may have at most %d routes", maxRoutes)
			items = items[:maxRoutes]
		}
		for i, item := range items {
			p := fmt.Sprintf("%s[%d]", re.key.path, i)
			r := &rawRoute{at: posOf(item), path: p}
			if entries, ok := l.mapping(item, p, "a route"); ok {
				rf := l.fields(entries, "a route", "when", "to")
				r.when = l.str(rf["when"])
				r.to = l.str(rf["to"])
				_, r.hasTo = rf["to"]
			} else {
				r.broken, l.edgesMissing = true, true
			}
			a.routes = append(a.routes, r)
		}
		if ok && len(items) == 0 {
			l.errorf(re.key.at, re.key.path, "missing_key", "action %s has an empty list of routes", e.key.val)
			l.edgesMissing = true
		}
	default:
		l.errorf(e.key.at, e.key.path, "missing_key", "action %s needs to or routes", e.key.val)
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
	w.id, w.title, w.start = raw.id.val, raw.title, raw.start.val
	if raw.id.set && !idPattern.MatchString(raw.id.val) {
		l.errorf(raw.id.at, raw.id.path, "bad_id", "id %q must be lower-case letters, digits and dashes", raw.id.val)
	}
	routing := rules.NewEnv(rules.KindRouting)
	deadline := rules.NewEnv(rules.KindDeadline).Var("enteredAt", timeSample)
	for _, rs := range raw.states {
		name := rs.name.val
		if !namePattern.MatchString(name) {
			l.errorf(rs.name.at, rs.name.path, "bad_name", "state name %q must be lower-case letters, digits and underscores, starting with a letter", name)
		}
		s := &state{name: name, title: rs.title, final: rs.final}
		s.step = l.provisionStep(rs)
		if rs.due.set {
			s.due = l.provisionDue(rs.due, deadline)
		}
		s.remind = l.provisionRemind(rs.remind)
		s.escalate = l.provisionEscalate(rs.escalate)
		s.auto = rs.auto.val
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
	step := &Step{Name: rs.name.val}
	switch {
	case rst.broken:
	case !rst.hasRole:
		l.errorf(rst.at, rst.path+".role", "missing_key", "step needs a role")
	case len(rst.roles) == 0 && !l.hasErrorAt(rst.path+".role"):
		l.errorf(rst.at, rst.path+".role", "no_actor", "step names no role: no one could act")
	}
	for _, r := range rst.roles {
		if l.checkRole(r) && !slices.Contains(step.Roles, r.val) {
			step.Roles = append(step.Roles, r.val)
		}
	}
	switch {
	case !rst.level.set:
		if !rst.hasLevel && !rst.broken {
			l.errorf(rst.at, rst.path+".level", "missing_key", "step needs a level (%s)", strings.Join(Levels, ", "))
		}
	case !slices.Contains(Levels, rst.level.val):
		l.errorf(rst.level.at, rst.level.path, "unknown_level", "unknown level %q; levels are %s", rst.level.val, strings.Join(Levels, ", "))
	default:
		step.Level = rst.level.val
	}
	return step
}

func (l *loader) checkRole(r scalar) bool {
	if slices.Contains(Roles, r.val) {
		return true
	}
	hint := ""
	if c := closest(r.val, Roles); c != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", c)
	}
	l.errorf(r.at, r.path, "unknown_role", "unknown role %q%s; roles are %s", r.val, hint, strings.Join(Roles, ", "))
	return false
}

// isDurationLiteral tells an ISO 8601 duration from an expression: no
// expression variable or function starts with a capital P and a digit.
func isDurationLiteral(s string) bool {
	return len(s) >= 2 && s[0] == 'P' && (s[1] >= '0' && s[1] <= '9' || s[1] == 'T')
}

func (l *loader) provisionDue(s scalar, env *rules.Env) *dueRule {
	src := strings.TrimSpace(s.val)
	if isDurationLiteral(src) {
		d, ok := l.duration(s)
		if !ok {
			return nil
		}
		return &dueRule{after: d}
	}
	prog := l.compile(s, env, rules.ResultTime)
	if prog == nil {
		return nil
	}
	return &dueRule{expr: prog}
}

// duration parses an ISO 8601 duration scalar, reporting bad_duration.
func (l *loader) duration(s scalar) (Duration, bool) {
	d, err := ParseDuration(strings.TrimSpace(s.val))
	if err != nil {
		l.errorf(s.at, s.path, "bad_duration", "%q: %v", s.val, err)
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
	case !rr.every.set:
		if !rr.hasEvery && !rr.broken {
			l.errorf(rr.at, rr.path+".every", "missing_key", "remind needs every (an ISO 8601 duration such as P1D)")
		}
		ok = false
	default:
		d, good := l.duration(rr.every)
		switch {
		case !good:
			ok = false
		case d.Shortest() < minReminderGap:
			l.errorf(rr.every.at, rr.every.path, "bad_duration", "reminders must be at least PT1H apart")
			ok = false
		default:
			r.every = d
		}
	}
	switch {
	case !rr.timesSet:
		if !rr.hasTimes && !rr.broken {
			l.errorf(rr.at, rr.path+".times", "missing_key", "remind needs times (how many reminders to send)")
		}
		ok = false
	case rr.times < 1 || rr.times > maxReminders:
		l.errorf(rr.timesAt, rr.path+".times", "bad_value", "times must be between 1 and %d", maxReminders)
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
	case re.to.set && len(re.widen) > 0:
		l.errorf(re.at, re.path, "conflicting_keys", "escalate takes either to or widen, not both")
	case re.to.set:
		if re.to.val != "level_above" {
			l.errorf(re.to.at, re.to.path, "bad_value", "escalate to must be level_above")
		}
		e.levelAbove = true
	case len(re.widen) > 0:
		for _, r := range re.widen {
			if l.checkRole(r) && !slices.Contains(e.widen, r.val) {
				e.widen = append(e.widen, r.val)
			}
		}
	default:
		l.errorf(re.at, re.path, "missing_key", "escalate needs to: level_above or widen: [roles]")
	}
	if re.after.set {
		e.after, _ = l.duration(re.after)
	}
	return e
}

func (l *loader) provisionAction(ra *rawAction, env *rules.Env) *action {
	name := ra.name.val
	if !slices.Contains(ActionNames, name) {
		msg := fmt.Sprintf("unknown action %q; actions are %s", name, strings.Join(ActionNames, ", "))
		if slices.Contains(taskActions, name) {
			msg = fmt.Sprintf("%s is offered on every step by the engine and does not change the state; do not list it", name)
		} else if c := closest(name, ActionNames); c != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", c)
		}
		l.errorf(ra.name.at, ra.name.path, "unknown_action", "%s", msg)
		l.edgesMissing = true
		return nil
	}
	a := &action{name: name, guardMessage: ra.guardMessage, reasonRequired: name == ActionReturn}
	switch ra.reason.val {
	case "":
	case "required":
		a.reasonRequired = true
	case "optional":
		if name == ActionReturn {
			l.errorf(ra.reason.at, ra.reason.path, "bad_value", "return always requires a reason")
		}
	default:
		l.errorf(ra.reason.at, ra.reason.path, "bad_value", "reason must be required or optional")
	}
	if ra.guard.set {
		a.guard = l.compile(ra.guard, env, rules.ResultBool)
	}
	for _, rr := range ra.routes {
		r := route{to: rr.to.val}
		if rr.when.set {
			r.when = l.compile(rr.when, env, rules.ResultBool)
		}
		a.routes = append(a.routes, r)
	}
	return a
}

// compile compiles the expression in s, reporting bad_expression at the
// position of the fault inside the file.
func (l *loader) compile(s scalar, env *rules.Env, want rules.Result) *rules.Program {
	if strings.TrimSpace(s.val) == "" {
		l.errorf(s.at, s.path, "bad_expression", "empty expression")
		return nil
	}
	prog, err := rules.Compile(s.val, env, want)
	if err == nil {
		return prog
	}
	at := s.at
	var ce *rules.CompileError
	if errors.As(err, &ce) {
		at = l.exprPos(s, ce.Line, ce.Col)
		err = fmt.Errorf("%s", ce.Message)
	}
	l.errorf(at, s.path, "bad_expression", "%v", err)
	return nil
}
