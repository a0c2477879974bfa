package engine

import (
	"fmt"

	"canvass/campaigns"
	"canvass/forms"
	"canvass/workflows"
)

// scheduleRefErrors checks what the campaign file alone cannot about its
// schedule: that each entry's state is one of the workflow's, not final,
// with an open task (where the follow-up task opens), that every state its
// subjects are filtered by exists, and that the link and copied fields
// resolve in the follow-up form (copy sources in the subject form).
func scheduleRefErrors(c *campaigns.Campaign, published map[string]*forms.Form, wf *workflows.Workflow) []FieldError {
	var fields []FieldError
	for i, entry := range c.Schedule() {
		ptr := fmt.Sprintf("/schedule/%d", i)
		switch {
		case !wf.HasState(entry.State):
			fields = append(fields, FieldError{Pointer: ptr + "/state", Code: "unknown_state",
				Message: fmt.Sprintf("schedule %s opens its tasks in state %q, which workflow %s does not have", entry.Name, entry.State, wf.ID())})
		case wf.IsFinal(entry.State) || wf.Step(entry.State) == nil:
			fields = append(fields, FieldError{Pointer: ptr + "/state", Code: "final_state",
				Message: fmt.Sprintf("schedule %s opens its tasks in state %q, where no one has a task", entry.Name, entry.State)})
		case !wf.Scheduled(entry.State):
			fields = append(fields, FieldError{Pointer: ptr + "/state", Code: "not_scheduled",
				Message: fmt.Sprintf("schedule %s opens its tasks in state %q, which workflow %s does not mark scheduled: true", entry.Name, entry.State, wf.ID())})
		}
		for _, st := range entry.States {
			if !wf.HasState(st) {
				fields = append(fields, FieldError{Pointer: ptr + "/states", Code: "unknown_state",
					Message: fmt.Sprintf("schedule %s picks records in state %q, which workflow %s does not have", entry.Name, st, wf.ID())})
			}
		}
		form, subject := published[entry.Form], published[entry.For]
		if form == nil || subject == nil {
			continue
		}
		if entry.Link != "" {
			if _, err := form.Resolve(entry.Link); err != nil {
				fields = append(fields, FieldError{Pointer: ptr + "/link", Code: "unknown_field",
					Message: fmt.Sprintf("schedule %s links the record into field %q, which form %s does not have: %v", entry.Name, entry.Link, entry.Form, err)})
			}
		}
		for _, cp := range entry.Copy {
			if _, err := form.Resolve(cp.To); err != nil {
				fields = append(fields, FieldError{Pointer: ptr + "/copy/" + cp.To, Code: "unknown_field",
					Message: fmt.Sprintf("schedule %s copies into field %q, which form %s does not have: %v", entry.Name, cp.To, entry.Form, err)})
			}
			if _, err := subject.Resolve(cp.From); err != nil {
				fields = append(fields, FieldError{Pointer: ptr + "/copy/" + cp.To, Code: "unknown_field",
					Message: fmt.Sprintf("schedule %s copies field %q, which form %s does not have: %v", entry.Name, cp.From, entry.For, err)})
			}
		}
	}
	return fields
}
