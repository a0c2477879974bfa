package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"canvass/campaigns"
	"canvass/forms"
	"canvass/workflows"
)

// Task actions that do not move a record between states.
const (
	ActionClaim    = "claim"
	ActionUnclaim  = "unclaim"
	ActionReassign = "reassign"
	// ActionSaveDraft replaces a draft's answers, unchecked, and keeps it
	// a draft.
	ActionSaveDraft = "save_draft"
)

// QCStep is the step of an open spot-check task (opened by the pay
// package's SampleQC): supervisors at or above the record's unit may take
// it, not only those in the unit it sits in.
const QCStep = "spot_check"

// Action is what a person does to a record.
type Action struct {
	Name   string // submit, approve, return, reject; claim, unclaim, reassign
	Reason string
	// Version is the record version the person saw. Non-zero: the action
	// fails with ECONFLICT when the record changed since.
	Version int64
	// Answers, for submit: the corrected answers of a returned record or a
	// draft. Nil keeps the stored ones.
	Answers map[string]any
	Lang    string
	// To is the user to reassign the task to.
	To string
}

// Act applies an action to a record as one conditional update. Returns
// ENOTFOUND for a record outside the actor's scope; EFORBIDDEN when the
// actor may not act on its task (wrong role, task outside scope, claimed by
// someone else); EINVALID when the workflow refuses (no such action here, a
// return without a reason, a guard) or corrected answers are not valid;
// ECONFLICT when the record changed since Version, or changed while this
// action ran — the error's message names the current state.
func (e *Engine) Act(ctx context.Context, a *Actor, id string, act Action) (*RecordView, error) {
	r, err := e.ScopedRecord(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if act.Version != 0 && act.Version != r.Version {
		return nil, StaleError(r)
	}
	switch act.Name {
	case ActionClaim, ActionUnclaim, ActionReassign:
		err = e.changeAssignee(ctx, a, r, act)
	default:
		err = e.transition(ctx, a, r, act)
	}
	if err != nil {
		return nil, err
	}
	updated, err := e.UpdateRecord(ctx, r)
	if err != nil {
		if ErrorCode(err) == ECONFLICT {
			if cur, gerr := e.store.GetRecord(ctx, id); gerr == nil {
				return nil, StaleError(cur)
			}
		}
		return nil, err
	}
	e.notifyAction(ctx, updated)
	last := updated.History[len(updated.History)-1]
	if err := e.Audit(ctx, a, "record."+act.Name, "record", id, updated.OrgPath,
		map[string]any{"from": last.FromState, "to": last.ToState, "reason": act.Reason}); err != nil {
		return nil, err
	}
	return e.view(ctx, a, updated, false)
}

// StaleError is the ECONFLICT of an update that lost to another: it says
// where the record stands now.
func StaleError(cur *Record) error {
	return &Error{Code: ECONFLICT, Message: fmt.Sprintf("the record changed meanwhile: it is now %s (version %d)", cur.State, cur.Version)}
}

// mayAct reports whether the actor may act on the record's open task.
func mayAct(a *Actor, r *Record) error {
	switch {
	case r.Step == "":
		return &Error{Code: EINVALID, Message: "this record has no open task", Fields: []FieldError{{Pointer: "/action", Code: "final_state", Message: "no open task"}}}
	case r.State == StateDraft:
		if r.Assignee != a.ID() {
			return Errorf(EFORBIDDEN, "only its author may submit a draft")
		}
		return nil
	case !a.Sees(r.TaskOrgPath):
		return Errorf(EFORBIDDEN, "this task lies outside your org scope")
	case r.Step != QCStep && a.User.OrgPath != r.TaskOrgPath && !a.Has(RoleAdmin):
		// A step at the township is the township's to take: a district
		// reviewer above it may read the record but not skip the
		// township's check. An overdue task escalates to the level above
		// (the workflow's escalate), which moves the task there.
		return Errorf(EFORBIDDEN, "this task is for the unit it sits in, not for the units above it")
	case !slices.ContainsFunc(r.CandidateRoles, a.User.HasRole):
		return Errorf(EFORBIDDEN, "your role may not act on this task")
	case r.Assignee != "" && r.Assignee != a.ID():
		return Errorf(EFORBIDDEN, "someone else has claimed this task")
	}
	return nil
}

func (e *Engine) transition(ctx context.Context, a *Actor, r *Record, act Action) error {
	if err := mayAct(a, r); err != nil {
		return err
	}
	camp, err := e.Campaign(ctx, r.CampaignID)
	if err != nil {
		return err
	}
	now := e.Now()
	// A draft is filled in during its form's phase; everything after it
	// is review, which the phases open in their turn.
	phaseWork := campaigns.PhaseReview
	if r.State == StateDraft {
		phaseWork = r.FormID
	}
	if err := e.PhaseOpen(ctx, camp, phaseWork, now, act.Lang); err != nil {
		return err
	}
	entry := HistoryEntry{At: now, Actor: a.ID(), Action: act.Name, FromState: r.State, Reason: strings.TrimSpace(act.Reason)}
	if (act.Name == "submit" || act.Name == ActionSaveDraft) && act.Answers != nil {
		if err := e.CampaignOpen(ctx, camp, now); err != nil {
			return err
		}
		changes, err := e.ReplaceAnswers(ctx, camp.RefTime(), r, act)
		if err != nil {
			return err
		}
		entry.Changes = changes
	}
	unit, err := e.store.GetOrgUnit(ctx, r.OrgUnit)
	if err != nil {
		return err
	}
	if act.Name == ActionSaveDraft {
		if r.State != StateDraft {
			return &Error{Code: EINVALID, Message: "only a draft can be saved as a draft", Fields: []FieldError{{Pointer: "/action", Code: "not_allowed", Message: "not a draft"}}}
		}
		if act.Answers == nil {
			return &Error{Code: EINVALID, Message: "no answers to save", Fields: []FieldError{{Pointer: "/answers", Code: "required", Message: "answers are required"}}}
		}
		entry.ToState = StateDraft
		r.History = append(r.History, entry)
		r.UpdatedAt = now
		return nil
	}
	var out workflows.Outcome
	if r.State == StateDraft {
		if act.Name != "submit" {
			return &Error{Code: EINVALID, Message: "a draft can only be submitted", Fields: []FieldError{{Pointer: "/action", Code: "not_allowed", Message: "submit a draft first"}}}
		}
		if err := e.checkStoredAnswers(ctx, camp.RefTime(), now, r, act.Lang); err != nil {
			return err
		}
		wf, wfVersion, err := e.Workflow(ctx, camp.Workflow(), 0)
		if err != nil {
			return err
		}
		r.WorkflowID, r.WorkflowVersion = wf.ID(), wfVersion
		answers, err := e.PlainAnswers(ctx, r)
		if err != nil {
			return err
		}
		if out, err = wf.Begin(workflows.Input{Answers: answers, OrgLevel: unit.Level, SubmittedAt: now, CreatedAt: r.CreatedAt, RefTime: camp.RefTime(), At: now}); err != nil {
			return WorkflowError(err, act.Lang)
		}
	} else {
		wf, _, err := e.Workflow(ctx, r.WorkflowID, r.WorkflowVersion)
		if err != nil {
			return err
		}
		answers, err := e.PlainAnswers(ctx, r)
		if err != nil {
			return err
		}
		out, err = wf.Apply(workflows.Input{
			State: r.State, Action: act.Name, Reason: entry.Reason, ActorRoles: a.User.Roles, CandidateRoles: r.CandidateRoles,
			Answers: answers, OrgLevel: unit.Level, SubmittedAt: submittedAt(r), CreatedAt: r.CreatedAt, RefTime: camp.RefTime(), At: now,
		})
		if err != nil {
			return WorkflowError(err, act.Lang)
		}
	}
	if err := e.enter(ctx, r, out); err != nil {
		return err
	}
	if act.Name == "return" {
		// Back to the unit that submitted it: the workflow names the step,
		// the record's own unit is where its submitter works.
		r.Assignee = ""
	}
	entry.ToState = out.To
	r.History = append(r.History, entry)
	r.UpdatedAt = now
	return nil
}

// submittedAt is when the record was last submitted (its first submit or
// a resubmission), what deadlines count from.
func submittedAt(r *Record) time.Time {
	for i := len(r.History) - 1; i >= 0; i-- {
		if r.History[i].Action == "submit" {
			return r.History[i].At
		}
	}
	return r.CreatedAt
}

// PlainAnswers returns the record's answers decrypted, for expressions
// (workflow rules, pay rules): flattened (forms.Form.Flatten), so that
// answers.respondentAge reads the field in its section as
// answers.personal.respondentAge does.
func (e *Engine) PlainAnswers(ctx context.Context, r *Record) (map[string]any, error) {
	form, _, err := e.Form(ctx, r.FormID, r.FormVersion)
	if err != nil {
		return nil, err
	}
	return form.Flatten(e.OpenAnswers(form, r.Answers, true)), nil
}

// checkStoredAnswers validates a draft's stored answers, submitted at
// submitted, before it enters the workflow.
func (e *Engine) checkStoredAnswers(ctx context.Context, ref, submitted time.Time, r *Record, lang string) error {
	form, _, err := e.Form(ctx, r.FormID, r.FormVersion)
	if err != nil {
		return err
	}
	st := forms.Evaluate(form, e.OpenAnswers(form, r.Answers, true), forms.Env{RefTime: ref, SubmittedAt: submitted, Lang: lang})
	if !st.Valid() {
		return &Error{Code: EINVALID, Message: "some answers need correcting", Fields: st.Errors}
	}
	return nil
}

// ReplaceAnswers validates corrected answers against the record's form
// version, stores them sealed, and returns the field-by-field changes with
// personal values masked.
func (e *Engine) ReplaceAnswers(ctx context.Context, ref time.Time, r *Record, act Action) ([]FieldChange, error) {
	form, _, err := e.Form(ctx, r.FormID, r.FormVersion)
	if err != nil {
		return nil, err
	}
	sent := keepMaskedPII(form.Fields(), act.Answers, e.OpenAnswers(form, r.Answers, true))
	// Answers being submitted, or still a draft's, are checked as of now;
	// corrections to a submitted record as of its last submission.
	submitted := e.Now()
	if act.Name != "submit" && r.State != StateDraft {
		submitted = submittedAt(r)
	}
	st := forms.Evaluate(form, sent, forms.Env{RefTime: ref, SubmittedAt: submitted, Lang: act.Lang})
	if !st.Valid() && r.State != StateDraft {
		return nil, &Error{Code: EINVALID, Message: "some answers need correcting", Fields: st.Errors}
	}
	before := e.OpenAnswers(form, r.Answers, false)
	sealed, dedup, err := e.SealAnswers(form, r.CampaignID, st.Clean)
	if err != nil {
		return nil, err
	}
	after := e.OpenAnswers(form, sealed, false)
	r.Answers, r.DedupKey = sealed, dedup
	return diffAnswers("", before, after), nil
}

// diffAnswers lists the leaves that differ between two answer trees, by
// JSON pointer, sorted.
func diffAnswers(prefix string, before, after map[string]any) []FieldChange {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []FieldChange
	for k := range keys {
		out = append(out, diffValue(prefix+"/"+EscapePointer(k), before[k], after[k])...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	return out
}

func diffValue(ptr string, b, a any) []FieldChange {
	bm, bok := b.(map[string]any)
	am, aok := a.(map[string]any)
	if bok && aok {
		return diffAnswers(ptr, bm, am)
	}
	bl, bok := b.([]any)
	al, aok := a.([]any)
	if bok && aok && len(bl) == len(al) {
		var out []FieldChange
		for i := range bl {
			out = append(out, diffValue(fmt.Sprintf("%s/%d", ptr, i), bl[i], al[i])...)
		}
		return out
	}
	if sameJSON(b, a) {
		return nil
	}
	return []FieldChange{{Pointer: ptr, Before: b, After: a}}
}

// sameJSON compares two answer values as JSON: stored answers come back
// with float64 numbers, fresh ones with ints.
func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// EscapePointer escapes a key for use as a JSON pointer token (RFC 6901).
func EscapePointer(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

// changeAssignee claims, unclaims or reassigns the record's task.
func (e *Engine) changeAssignee(ctx context.Context, a *Actor, r *Record, act Action) error {
	now := e.Now()
	entry := HistoryEntry{At: now, Actor: a.ID(), Action: act.Name, FromState: r.State, ToState: r.State}
	switch act.Name {
	case ActionClaim:
		if err := mayAct(a, r); err != nil {
			return err
		}
		if r.Assignee == a.ID() {
			return &Error{Code: EINVALID, Message: "you have already claimed this task", Fields: []FieldError{{Pointer: "/action", Code: "already_claimed", Message: "already yours"}}}
		}
		r.Assignee = a.ID()
	case ActionUnclaim:
		if r.Assignee == "" || (r.Assignee != a.ID() && !a.Has(RoleSupervisor, RoleAdmin)) {
			return Errorf(EFORBIDDEN, "only whoever claimed the task, or a supervisor, may release it")
		}
		r.Assignee = ""
	case ActionReassign:
		if !a.Has(RoleSupervisor, RoleAdmin) || !a.Sees(r.TaskOrgPath) {
			return Errorf(EFORBIDDEN, "only a supervisor over this task may reassign it")
		}
		to, err := e.store.GetUser(ctx, act.To)
		if err != nil || to.Disabled {
			return &Error{Code: EINVALID, Message: "no such user", Fields: []FieldError{{Pointer: "/to", Code: "not_found", Message: "no such user"}}}
		}
		if err := mayAct(&Actor{User: to}, &Record{Step: r.Step, State: r.State, TaskOrgPath: r.TaskOrgPath, CandidateRoles: r.CandidateRoles}); err != nil {
			return &Error{Code: EINVALID, Message: "that user may not act on this task", Fields: []FieldError{{Pointer: "/to", Code: "not_candidate", Message: ErrorMessage(err)}}}
		}
		r.Assignee = to.ID
		entry.Reason = "to " + to.Username
	default:
		return Errorf(EINVALID, "unknown action %q", act.Name)
	}
	r.History = append(r.History, entry)
	r.UpdatedAt = now
	return nil
}

// actionsFor lists what the actor can do to the record now, for pages.
func (e *Engine) actionsFor(ctx context.Context, a *Actor, r *Record) []string {
	if mayAct(a, r) != nil {
		if r.Assignee != "" && r.Assignee != a.ID() && a.Has(RoleSupervisor, RoleAdmin) && a.Sees(r.TaskOrgPath) {
			return []string{ActionUnclaim, ActionReassign}
		}
		return nil
	}
	if r.State == StateDraft {
		return []string{"submit"}
	}
	wf, _, err := e.Workflow(ctx, r.WorkflowID, r.WorkflowVersion)
	if err != nil {
		return nil
	}
	answers, err := e.PlainAnswers(ctx, r)
	if err != nil {
		return nil
	}
	acts := wf.ActionsFor(workflows.Input{State: r.State, ActorRoles: a.User.Roles, CandidateRoles: r.CandidateRoles, Answers: answers, SubmittedAt: submittedAt(r), CreatedAt: r.CreatedAt})
	if r.Assignee == "" {
		acts = append(acts, ActionClaim)
	} else {
		acts = append(acts, ActionUnclaim)
	}
	if a.Has(RoleSupervisor, RoleAdmin) {
		acts = append(acts, ActionReassign)
	}
	return acts
}
