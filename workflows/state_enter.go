package workflows

import "fmt"

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
