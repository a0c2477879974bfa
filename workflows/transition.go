package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Timer kinds: what a record's NextTimerAt is for.
const (
	TimerRemind   = "remind"   // the task is overdue: remind its candidates
	TimerEscalate = "escalate" // hand the task up a level or widen its candidates
	TimerAuto     = "auto"     // the system takes the state's auto action
)

// maxReasonLength bounds a reason in runes; reasons are shown in lists.
const maxReasonLength = 1000

// Input describes a record and what is being done to it. Apply, Begin and
// ActionsFor read only what they need.
type Input struct {
	State  string // the record's current state (ignored by Begin)
	Action string // submit, approve, return or reject (ignored by Begin and ActionsFor)
	Reason string // why; required for return and where the workflow says so

	// ActorRoles are the acting user's roles. CandidateRoles are the
	// record's Record.CandidateRoles, which escalation may have widened;
	// empty means the step's roles. The engine still checks that the open
	// task lies in the actor's org scope, and the assignee.
	ActorRoles     []string
	CandidateRoles []string
	// System is set when the system acts (an auto action at the due time);
	// roles are not checked then.
	System bool

	// What expressions see. Answers may be nil.
	Answers     map[string]any
	OrgLevel    string // level of the record's org unit
	SubmittedAt time.Time
	CreatedAt   time.Time
	RefTime     time.Time // the campaign's reference time

	At time.Time // when the action happens: the next state is entered at At
}

// Outcome is where an action takes a record, and its open task there. The
// engine copies it onto the record in one conditional update.
type Outcome struct {
	From, To string
	Action   string
	Final    bool  // To is final: the record's workflow is over
	Step     *Step // the open task in To; nil when To is final
	DueAt    time.Time
	// NextTimerAt and TimerKind are the record's next timer; zero and ""
	// for none.
	NextTimerAt time.Time
	TimerKind   string
}

// Codes of an ActionError. They are the engine's EINVALID and EFORBIDDEN
// strings (this package cannot import the engine, which imports it).
const (
	CodeInvalid   = "invalid"
	CodeForbidden = "forbidden"
)

// ActionError is why an action was refused. The engine turns it into its
// *Error: Code as the error code, and one field error {Pointer, FieldCode,
// Message}.
//
// FieldCode is one of: unknown_state (Pointer /state: the record's state is
// not in this workflow version), final_state (/state: the workflow is over),
// not_allowed (/action: the state has no such action), not_candidate (/action,
// CodeForbidden: none of the actor's roles may act on the task), required and
// too_long (/reason), guard_failed (/action: the action's guard is false for
// this record), no_route (/action: no route's condition matched).
//
// A guard that is false is CodeInvalid, not CodeForbidden: it speaks about
// the record's content, which the author may change, not about who acts.
type ActionError struct {
	Code      string
	Pointer   string
	FieldCode string
	Message   string // English, safe to show
	Text      Text   // the workflow's own message (guard_message), when it has one
}

func (e *ActionError) Error() string {
	return fmt.Sprintf("%s: %s %s: %s", e.Code, e.Pointer, e.FieldCode, e.Message)
}

func refuse(code, pointer, fieldCode, format string, args ...any) *ActionError {
	return &ActionError{Code: code, Pointer: pointer, FieldCode: fieldCode, Message: fmt.Sprintf(format, args...)}
}

// Begin returns the outcome of a new record entering the start state at
// in.At. It fails only when the start state's due expression fails.
func (w *Workflow) Begin(in Input) (Outcome, error) {
	out, err := w.enter(w.start, in)
	out.From, out.Action = "", ActionSubmit
	return out, err
}

// Apply checks that in.Action may be taken on a record in in.State and
// returns where it goes. It is pure: times come from in. Checks, in order:
// the state exists and is open, the action is declared on it, the actor
// holds a candidate role (unless in.System), a reason is given when
// required, the guard holds, and a route matches (routes are tried in file
// order; the first whose when is true, or that has none, wins).
//
// A refusal is an *ActionError. Any other error means an expression failed
// to run (a bug in the definition for this record's data): the engine
// should log it and answer with an internal error.
func (w *Workflow) Apply(in Input) (Outcome, error) {
	s, a, err := w.check(in)
	if err != nil {
		return Outcome{}, err
	}
	if a.reasonRequired && strings.TrimSpace(in.Reason) == "" {
		return Outcome{}, refuse(CodeInvalid, "/reason", "required", "%s needs a reason", a.name)
	}
	if utf8.RuneCountInString(in.Reason) > maxReasonLength {
		return Outcome{}, refuse(CodeInvalid, "/reason", "too_long", "a reason may be at most %d characters", maxReasonLength)
	}
	vars := routingVars(in)
	if a.guard != nil {
		ok, err := a.guard.RunBool(vars)
		if err != nil {
			return Outcome{}, fmt.Errorf("workflow %s: state %s: %s guard: %w", w.id, s.name, a.name, err)
		}
		if !ok {
			e := refuse(CodeInvalid, "/action", "guard_failed", "%s is not allowed for this record", a.name)
			e.Text = a.guardMessage
			return Outcome{}, e
		}
	}
	to := ""
	for i, r := range a.routes {
		if r.when == nil {
			to = r.to
			break
		}
		ok, err := r.when.RunBool(vars)
		if err != nil {
			return Outcome{}, fmt.Errorf("workflow %s: state %s: %s route %d: %w", w.id, s.name, a.name, i+1, err)
		}
		if ok {
			to = r.to
			break
		}
	}
	if to == "" {
		return Outcome{}, refuse(CodeInvalid, "/action", "no_route", "no route of %s matches this record", a.name)
	}
	out, err := w.enter(to, in)
	out.From, out.Action = s.name, a.name
	return out, err
}

// check finds the state and action and checks the actor's roles.
func (w *Workflow) check(in Input) (*state, *action, error) {
	s := w.states[in.State]
	switch {
	case s == nil:
		return nil, nil, refuse(CodeInvalid, "/state", "unknown_state", "state %q is not in workflow %s", in.State, w.id)
	case s.final:
		return nil, nil, refuse(CodeInvalid, "/state", "final_state", "the record is in final state %s", s.name)
	}
	a := s.action(in.Action)
	if a == nil {
		return nil, nil, refuse(CodeInvalid, "/action", "not_allowed", "%q is not an action of state %s", in.Action, s.name)
	}
	if !in.System && !w.mayAct(s, in) {
		return nil, nil, refuse(CodeForbidden, "/action", "not_candidate", "none of your roles may act on this step")
	}
	return s, a, nil
}

func (w *Workflow) mayAct(s *state, in Input) bool {
	candidates := in.CandidateRoles
	if len(candidates) == 0 && s.step != nil {
		candidates = s.step.Roles
	}
	return slices.ContainsFunc(in.ActorRoles, func(r string) bool { return slices.Contains(candidates, r) })
}

// ActionsFor returns the actions on in.State that the actor may take now,
// in file order: the actor holds a candidate role and the guard holds. A
// guard that fails to run hides its action. in.Action is ignored.
func (w *Workflow) ActionsFor(in Input) []string {
	s := w.states[in.State]
	if s == nil || s.final || (!in.System && !w.mayAct(s, in)) {
		return nil
	}
	var names []string
	vars := routingVars(in)
	for _, a := range s.actions {
		if a.guard != nil {
			if ok, err := a.guard.RunBool(vars); err != nil || !ok {
				continue
			}
		}
		names = append(names, a.name)
	}
	return names
}

// enter returns the outcome of entering state name at in.At: its task, due
// time and first timer.
func (w *Workflow) enter(name string, in Input) (Outcome, error) {
	s := w.states[name]
	out := Outcome{From: in.State, To: name}
	if s == nil {
		// Load guarantees every target exists; this is a programming error.
		return out, fmt.Errorf("workflow %s: no state %q", w.id, name)
	}
	if s.final {
		out.Final = true
		return out, nil
	}
	out.Step = s.step.clone()
	if s.due == nil {
		return out, nil
	}
	at := in.At.UTC()
	if s.due.expr != nil {
		due, err := s.due.expr.RunTime(deadlineVars(in, at))
		if err != nil {
			return out, fmt.Errorf("workflow %s: state %s: due: %w", w.id, name, err)
		}
		out.DueAt = due.UTC()
	} else {
		out.DueAt = s.due.after.AddTo(at)
	}
	switch {
	case s.auto != "":
		out.NextTimerAt, out.TimerKind = out.DueAt, TimerAuto
	case s.remind != nil:
		out.NextTimerAt, out.TimerKind = out.DueAt, TimerRemind
	case s.escalate != nil:
		out.NextTimerAt, out.TimerKind = s.escalate.after.AddTo(out.DueAt), TimerEscalate
	}
	return out, nil
}

func answersOf(in Input) map[string]any {
	if in.Answers == nil {
		return map[string]any{}
	}
	return in.Answers
}

// routingVars are the variables guards and routes see (rules.KindRouting).
func routingVars(in Input) map[string]any {
	return map[string]any{
		"answers":     answersOf(in),
		"state":       in.State,
		"orgLevel":    in.OrgLevel,
		"submittedAt": in.SubmittedAt,
		"refTime":     in.RefTime,
	}
}

// deadlineVars are the variables due expressions see (rules.KindDeadline,
// plus enteredAt).
func deadlineVars(in Input, enteredAt time.Time) map[string]any {
	return map[string]any{
		"answers":     answersOf(in),
		"submittedAt": in.SubmittedAt,
		"createdAt":   in.CreatedAt,
		"refTime":     in.RefTime,
		"enteredAt":   enteredAt,
	}
}
