package server

import (
	"time"

	"canvass/engine"
)

// recordJSON is a record as the API shows it: answers masked (unless
// revealed), never its lease, dedup key or content hash. History is only
// in single-record answers.
type recordJSON struct {
	ID              string         `json:"id"`
	Number          int64          `json:"number,omitempty"` // the short per-campaign number, once submitted
	Campaign        string         `json:"campaign"`
	Form            string         `json:"form"`
	FormVersion     int            `json:"formVersion"`
	Workflow        string         `json:"workflow,omitempty"`
	WorkflowVersion int            `json:"workflowVersion,omitempty"`
	OrgUnit         string         `json:"orgUnit"`
	OrgPath         string         `json:"orgPath"`
	State           string         `json:"state"`
	Answers         map[string]any `json:"answers"`
	Step            string         `json:"step,omitempty"`
	CandidateRoles  []string       `json:"candidateRoles,omitempty"`
	TaskOrgPath     string         `json:"taskOrgPath,omitempty"`
	Assignee        string         `json:"assignee,omitempty"`
	DueAt           *time.Time     `json:"dueAt,omitempty"`
	Overdue         bool           `json:"overdue"`
	Version         int64          `json:"version"`
	CreatedBy       string         `json:"createdBy"`
	CreatedAt       time.Time      `json:"createdAt"`
	UpdatedAt       time.Time      `json:"updatedAt"`
	Actions         []string       `json:"actions"`
	History         []historyJSON  `json:"history,omitempty"`
}

// historyJSON is one history entry; actorName is the user's display name
// ("system" for timers).
type historyJSON struct {
	At        time.Time            `json:"at"`
	Actor     string               `json:"actor"`
	ActorName string               `json:"actorName"`
	Action    string               `json:"action"`
	From      string               `json:"from,omitempty"`
	To        string               `json:"to,omitempty"`
	Reason    string               `json:"reason,omitempty"`
	Changes   []engine.FieldChange `json:"changes,omitempty"`
}

// toRecordJSON converts a view; with userName set it includes the history,
// naming each actor.
func toRecordJSON(v *engine.RecordView, now time.Time, userName func(id string) string) recordJSON {
	r := v.Record
	out := recordJSON{
		ID: r.ID, Number: r.Number, Campaign: r.CampaignID, Form: r.FormID, FormVersion: r.FormVersion,
		Workflow: r.WorkflowID, WorkflowVersion: r.WorkflowVersion,
		OrgUnit: r.OrgUnit, OrgPath: r.OrgPath, State: r.State, Answers: r.Answers,
		Step: r.Step, CandidateRoles: r.CandidateRoles, TaskOrgPath: r.TaskOrgPath, Assignee: r.Assignee,
		Overdue: overdue(r, now), Version: r.Version,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Actions: v.Actions,
	}
	if out.Answers == nil {
		out.Answers = map[string]any{}
	}
	if out.Actions == nil {
		out.Actions = []string{}
	}
	if !r.DueAt.IsZero() {
		due := r.DueAt
		out.DueAt = &due
	}
	if userName != nil {
		out.History = make([]historyJSON, 0, len(r.History))
		for _, h := range r.History {
			out.History = append(out.History, historyJSON{
				At: h.At, Actor: h.Actor, ActorName: userName(h.Actor), Action: h.Action,
				From: h.FromState, To: h.ToState, Reason: h.Reason, Changes: h.Changes,
			})
		}
	}
	return out
}

// overdue reports whether the record's open task is past its due time.
func overdue(r *engine.Record, now time.Time) bool {
	return r.Step != "" && !r.DueAt.IsZero() && r.DueAt.Before(now)
}
