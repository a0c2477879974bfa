package workflows

import (
	"slices"

	"canvass/rules"
)

// Actions a workflow may declare on a state. Each moves the record to
// another state. Claiming, unclaiming and reassigning a task are not listed
// here: the engine offers them on every step and they leave the state alone.
const (
	ActionSubmit  = "submit"
	ActionApprove = "approve"
	ActionReturn  = "return" // back for correction; a reason is always required
	ActionReject  = "reject"
)

// ActionNames lists the actions a workflow may declare, in the order pages show
// their buttons.
var ActionNames = []string{ActionSubmit, ActionApprove, ActionReturn, ActionReject}

// taskActions are actions on the open task that the engine handles itself.
var taskActions = []string{"claim", "unclaim", "reassign"}

// Roles and Levels are the engine's role and org-level names. They are
// repeated here because the engine imports this package, not the other way
// round; a test in this package keeps both lists equal to the engine's.
var (
	Roles  = []string{"author", "field_worker", "reviewer", "supervisor", "finance", "admin"}
	Levels = []string{"province", "city", "district", "township", "village", "group"}
)

// LevelAbove returns the org level directly above level, or "" for the top
// level and for an unknown one.
func LevelAbove(level string) string {
	i := slices.Index(Levels, level)
	if i <= 0 {
		return ""
	}
	return Levels[i-1]
}

// Workflow is a loaded, validated workflow definition. It is immutable and
// safe for concurrent use; every expression in it was compiled by Load.
type Workflow struct {
	id     string
	title  Text
	start  string
	states map[string]*state
	order  []string // state names in file order
}

// Text is a short text in several languages, keyed by language: "zh", "en".
type Text map[string]string

// In returns the text in lang, falling back to Chinese, then English, then
// "".
func (t Text) In(lang string) string {
	for _, l := range []string{lang, "zh", "en"} {
		if s := t[l]; s != "" {
			return s
		}
	}
	return ""
}

// Step says who acts on a record in a state: a holder of one of Roles whose
// scope covers the record's ancestor at Level (the record's own unit when it
// sits at Level).
type Step struct {
	Name  string   // the state's name: the engine's Record.Step
	Roles []string // candidate roles
	Level string
}

func (s *Step) clone() *Step {
	if s == nil {
		return nil
	}
	c := *s
	c.Roles = slices.Clone(s.Roles)
	return &c
}

// state is one state of a workflow, after provisioning.
type state struct {
	name     string
	title    Text
	final    bool
	step     *Step
	due      *dueRule
	remind   *remindRule
	escalate *escalateRule
	auto     string    // action the system takes when the task is still open at its due time
	actions  []*action // in file order
	// scheduled: a campaign schedule creates records in this state
	// (state_scheduled.go).
	scheduled bool
}

func (s *state) action(name string) *action {
	for _, a := range s.actions {
		if a.name == name {
			return a
		}
	}
	return nil
}

// dueRule is either a duration from entering the state or an expression
// returning the due time.
type dueRule struct {
	after Duration
	expr  *rules.Program
}

type remindRule struct {
	every Duration
	times int
}

type escalateRule struct {
	levelAbove bool     // hand the task to the level above the step's level
	widen      []string // or add these roles to the candidates
	after      Duration // from the due time; zero: when the reminders are exhausted
}

type action struct {
	name           string
	routes         []route // a plain "to" is one route without a condition
	guard          *rules.Program
	guardMessage   Text
	reasonRequired bool
}

type route struct {
	when *rules.Program // nil: always
	to   string
}

// ID returns the workflow's id, e.g. "subsidy-review".
func (w *Workflow) ID() string { return w.id }

// Title returns the workflow's title in lang (see Text.In), or its id when
// it has none.
func (w *Workflow) Title(lang string) string {
	if t := w.title.In(lang); t != "" {
		return t
	}
	return w.id
}

// Start returns the state a submitted record enters.
func (w *Workflow) Start() string { return w.start }

// States returns the names of all states in file order.
func (w *Workflow) States() []string { return slices.Clone(w.order) }

// HasState reports whether the workflow declares state.
func (w *Workflow) HasState(name string) bool { return w.states[name] != nil }

// StateTitle returns the title of a state in lang, or the state's name when
// it has none.
func (w *Workflow) StateTitle(name, lang string) string {
	if s := w.states[name]; s != nil {
		if t := s.title.In(lang); t != "" {
			return t
		}
	}
	return name
}

// IsFinal reports whether state is a final state: the record's workflow is
// over. It is false for an unknown state.
func (w *Workflow) IsFinal(name string) bool {
	s := w.states[name]
	return s != nil && s.final
}

// Step returns who acts in state, or nil for a final or unknown state. The
// engine uses it for claim, unclaim and reassign, which do not change the
// state. The result is a copy.
func (w *Workflow) Step(name string) *Step {
	if s := w.states[name]; s != nil {
		return s.step.clone()
	}
	return nil
}

// Actions returns the actions declared on state, in file order.
func (w *Workflow) Actions(name string) []string {
	s := w.states[name]
	if s == nil {
		return nil
	}
	names := make([]string, len(s.actions))
	for i, a := range s.actions {
		names[i] = a.name
	}
	return names
}

// ReasonRequired reports whether the action on state needs a reason (always
// for return; for others when the workflow says so).
func (w *Workflow) ReasonRequired(stateName, actionName string) bool {
	if s := w.states[stateName]; s != nil {
		if a := s.action(actionName); a != nil {
			return a.reasonRequired
		}
	}
	return false
}
