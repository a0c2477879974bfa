package workflows

// AcceptedStates returns the final states a record reaches by an action
// other than reject — the records that count as accepted (已确认,
// 已通过) — in file order. A final state reached only by reject is a
// refusal; one no action leads to is neither.
func (w *Workflow) AcceptedStates() []string {
	accepted := map[string]bool{}
	for _, s := range w.states {
		for _, a := range s.actions {
			if a.name == "reject" {
				continue
			}
			for _, r := range a.routes {
				if t := w.states[r.to]; t != nil && t.final {
					accepted[r.to] = true
				}
			}
		}
	}
	var out []string
	for _, name := range w.order {
		if accepted[name] {
			out = append(out, name)
		}
	}
	return out
}
