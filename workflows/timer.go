package workflows

import (
	"slices"
	"time"
)

// TimerInput describes a record whose timer fired.
type TimerInput struct {
	State   string    // the record's state
	Kind    string    // the record's TimerKind: what the timer was set for
	FiredAt time.Time // now
	DueAt   time.Time // the record's DueAt

	// RemindersSent counts the reminders sent since the task was opened in
	// State or, once it was escalated, since the escalation. Escalated says
	// whether the task was escalated in State already. The engine keeps
	// both in the record's history ("remind" and "escalate" entries by
	// "system"), so the record carries its own timer state.
	RemindersSent int
	Escalated     bool
}

// TimerOutcome is what to do when a timer fires. At most one of Remind,
// Escalate and Action is set; all zero means nothing (a stale timer: the
// definition no longer asks for it).
type TimerOutcome struct {
	Remind bool // remind the task's candidates that it is overdue
	// Escalate is the task's new step: the level above with the same roles,
	// or the same level with widened roles. The engine moves the task there
	// (clearing the assignee) and notifies the new candidates.
	Escalate *Step
	// Action is an action the system takes now (the state's auto action):
	// the engine applies it with Input.System set.
	Action string
	// NextTimerAt and TimerKind are the record's next timer; zero and ""
	// for none. After an Action the new state's outcome sets the timer.
	NextTimerAt time.Time
	TimerKind   string
}

// OnTimer decides what a fired timer does. It is pure and deterministic.
//
// The schedule of an open task with due, remind {every, times} and
// escalate: at the due time the first reminder, then one every `every`
// until `times` were sent; then, `every` after the last reminder (or at the
// due time + escalate.after, when that comes first), the escalation; after
// it the reminders start again for the new candidates, `every` apart, and
// stop after `times`. A task is escalated at most once per state: an
// overdue escalated task stays on the overdue lists. A timer that fires
// late does not catch up: the next reminder is `every` after it fired.
func (w *Workflow) OnTimer(in TimerInput) TimerOutcome {
	s := w.states[in.State]
	if s == nil || s.final || s.step == nil {
		return TimerOutcome{}
	}
	fired := in.FiredAt.UTC()
	switch in.Kind {
	case TimerAuto:
		if s.auto == "" {
			return TimerOutcome{}
		}
		return TimerOutcome{Action: s.auto}
	case TimerRemind:
		if s.remind == nil {
			return TimerOutcome{}
		}
		out := TimerOutcome{Remind: true}
		out.NextTimerAt, out.TimerKind = s.afterReminder(in, fired)
		return out
	case TimerEscalate:
		if s.escalate == nil || in.Escalated {
			return TimerOutcome{}
		}
		out := TimerOutcome{Escalate: s.escalated()}
		if s.remind != nil {
			out.NextTimerAt, out.TimerKind = s.remind.every.AddTo(fired), TimerRemind
		}
		return out
	}
	return TimerOutcome{}
}

// afterReminder returns the timer that follows a reminder sent at fired.
func (s *state) afterReminder(in TimerInput, fired time.Time) (time.Time, string) {
	sent := in.RemindersSent + 1
	var next time.Time
	kind := ""
	if sent < s.remind.times {
		next, kind = s.remind.every.AddTo(fired), TimerRemind
	}
	if s.escalate == nil || in.Escalated {
		return next, kind
	}
	if !s.escalate.after.IsZero() {
		if at := s.escalate.after.AddTo(in.DueAt.UTC()); kind == "" || !at.After(next) {
			return at, TimerEscalate
		}
		return next, kind
	}
	if kind == "" {
		return s.remind.every.AddTo(fired), TimerEscalate
	}
	return next, kind
}

// escalated returns the step after escalation.
func (s *state) escalated() *Step {
	step := s.step.clone()
	if s.escalate.levelAbove {
		if above := LevelAbove(step.Level); above != "" {
			step.Level = above
		}
		return step
	}
	for _, r := range s.escalate.widen {
		if !slices.Contains(step.Roles, r) {
			step.Roles = append(step.Roles, r)
		}
	}
	return step
}
