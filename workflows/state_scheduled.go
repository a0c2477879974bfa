package workflows

import (
	"fmt"

	"canvass/internal/yamldoc"
	"canvass/rules"
)

// A state marked scheduled: true is where a campaign's schedule creates
// follow-up records (campaigns.ScheduleEntry): a second way in besides
// start, so the states after it are reachable. It must have a step (the
// follow-up task is someone's) and cannot be final.

// decodeScheduled reads a state's scheduled key.
func (l *loader) decodeScheduled(f map[string]yamldoc.Entry, s *rawState) {
	e, ok := f["scheduled"]
	if !ok {
		return
	}
	v, ok := l.Bool(e)
	if !ok {
		return
	}
	s.scheduled = v
	if !v {
		return
	}
	if s.final {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeBadValue, "state %s is final: a scheduled task cannot open there", s.name.Val).With("value", "true")
	}
}

// Scheduled reports whether a campaign schedule may create records in
// state name.
func (w *Workflow) Scheduled(name string) bool {
	s := w.states[name]
	return s != nil && s.scheduled
}

// Enter returns the outcome of a new record entering state name at in.At
// without an action: its task, due time and first timer, as Begin gives
// for the start state. A scheduled follow-up task is created this way.
// It fails when the state does not exist, is final, or its due expression
// fails.
func (w *Workflow) Enter(name string, in Input) (Outcome, error) {
	s := w.states[name]
	if s == nil {
		return Outcome{}, fmt.Errorf("workflow %s has no state %q", w.id, name)
	}
	if s.final {
		return Outcome{}, fmt.Errorf("workflow %s: state %s is final: a task cannot open there", w.id, name)
	}
	out, err := w.enter(name, in)
	out.From, out.Action = "", ""
	return out, err
}
