package engine

import (
	"context"
	"errors"
	"strings"
	"time"

	"canvass/campaigns"
	"canvass/forms"
	"canvass/workflows"
)

// Record states the engine itself uses besides the workflow's.
const (
	StateDraft = "draft" // saved by its author, not yet submitted
	// StateMerged is the state of a record merged into another by a person
	// deciding a duplicate: it leaves its workflow, keeps its answers and
	// history, and its last history entry names the surviving record.
	StateMerged = "merged"
)

// Submission is one filled form as a field worker (or a public link) sends it.
type Submission struct {
	// ID is the client's UUID or ULID: sending the same submission again
	// is safe. Empty: the engine makes a ULID.
	ID         string
	CampaignID string
	FormID     string
	// OrgUnit is the code of the unit the record belongs to; empty means
	// the submitter's own unit. It must lie in both the submitter's scope
	// and the campaign's.
	OrgUnit string
	Answers map[string]any
	Lang    string
	// Draft saves the answers unchecked, without starting the workflow, for
	// the author to resume later.
	Draft bool
}

// SubmitResult is the outcome of Submit. State is the form evaluation (its
// Errors are what the page shows); Replayed says the same submission had
// already been stored and nothing changed.
type SubmitResult struct {
	Record   *Record
	State    forms.State
	Replayed bool
}

// Campaign returns the latest published version of a campaign.
func (e *Engine) Campaign(ctx context.Context, id string) (*campaigns.Campaign, error) {
	v, _, err := e.Definition(ctx, KindCampaign, id, 0)
	if err != nil {
		return nil, err
	}
	return v.(*campaigns.Campaign), nil
}

// Submit checks a submission against its form and stores it as a new
// record that enters its campaign's workflow (or as a draft). It is
// idempotent on Submission.ID: the same ID and answers again returns the
// stored record with Replayed set.
//
// Returns ENOTFOUND for an unknown campaign or form, or an org unit outside
// the submitter's scope; ECLOSED when the campaign does not take
// submissions now; EINVALID with field errors (and the State) when the
// answers are not valid or the unit lies outside the campaign; ECONFLICT
// when the ID exists with other content; EFORBIDDEN for a role that may not
// submit.
func (e *Engine) Submit(ctx context.Context, a *Actor, s Submission) (*SubmitResult, error) {
	if err := a.Require(RoleFieldWorker, RoleAdmin); err != nil {
		return nil, err
	}
	ctx, err := e.WithCacheGeneration(ctx)
	if err != nil {
		return nil, err
	}
	now := e.Now()
	switch {
	case s.ID == "":
		s.ID = NewID(now)
	case !ValidID(s.ID):
		return nil, &Error{Code: EINVALID, Message: "the submission ID must be a UUID or a ULID",
			Fields: []FieldError{{Pointer: "/id", Code: "pattern", Message: "a UUID or a ULID"}}}
	}
	camp, err := e.Campaign(ctx, s.CampaignID)
	if err != nil {
		return nil, err
	}
	if err := e.CampaignOpen(ctx, camp, now); err != nil {
		return nil, err
	}
	if !camp.HasForm(s.FormID) {
		return nil, Errorf(ENOTFOUND, "campaign %s has no form %q", camp.ID(), s.FormID)
	}
	if err := e.PhaseOpen(ctx, camp, s.FormID, now, s.Lang); err != nil {
		return nil, err
	}
	form, formVersion, err := e.Form(ctx, s.FormID, 0)
	if err != nil {
		return nil, err
	}
	unit, err := e.recordUnit(ctx, a, camp, s.OrgUnit)
	if err != nil {
		return nil, err
	}
	state := forms.Evaluate(form, s.Answers, forms.Env{RefTime: camp.RefTime(), SubmittedAt: now, Lang: s.Lang})
	res := &SubmitResult{State: state}
	if !s.Draft && !state.Valid() {
		return res, &Error{Code: EINVALID, Message: "some answers need correcting", Fields: state.Errors}
	}
	r := &Record{
		ID: s.ID, CampaignID: camp.ID(), FormID: form.ID(), FormVersion: formVersion,
		OrgUnit: unit.Code, OrgPath: unit.Path, CreatedBy: a.ID(), CreatedAt: now, UpdatedAt: now,
	}
	if s.Draft {
		r.State, r.Step, r.Assignee, r.TaskOrgPath = StateDraft, StateDraft, a.ID(), unit.Path
		r.History = []HistoryEntry{{At: now, Actor: a.ID(), Action: "save_draft", ToState: StateDraft}}
	} else {
		wf, wfVersion, err := e.Workflow(ctx, camp.Workflow(), 0)
		if err != nil {
			return nil, err
		}
		out, err := wf.Begin(workflows.Input{Answers: form.Flatten(state.Clean), OrgLevel: unit.Level, SubmittedAt: now, CreatedAt: now, RefTime: camp.RefTime(), At: now})
		if err != nil {
			return nil, WorkflowError(err, s.Lang)
		}
		r.WorkflowID, r.WorkflowVersion = wf.ID(), wfVersion
		if err := e.enter(ctx, r, out); err != nil {
			return nil, err
		}
		r.History = []HistoryEntry{{At: now, Actor: a.ID(), Action: "submit", ToState: out.To}}
	}
	r.ContentHash = e.ContentHash(r, state.Clean)
	if r.Answers, r.DedupKey, err = e.SealAnswers(form, camp.ID(), state.Clean); err != nil {
		return nil, err
	}
	action := "record.submit"
	if s.Draft {
		action = "record.save_draft"
	}
	// One write: the record's number, the record and its audit event, in
	// the record's own group commit. The store tells a replay (same ID and
	// content: nothing changes) from a new record, also when two twins
	// arrive at the same moment, and refuses the ID with other content.
	stored, created, err := e.store.SubmitRecord(ctx, r, needsNumber(r), e.auditEvent(a, action, "record", r.ID, r.OrgPath,
		map[string]any{"campaign": r.CampaignID, "form": r.FormID, "state": r.State}))
	if stored == nil {
		if ErrorCode(err) == ECONFLICT {
			return nil, Errorf(ECONFLICT, "a different submission with this ID exists")
		}
		return nil, err
	}
	res.Record, res.Replayed = stored, !created
	if created {
		e.RecordsWritten(ctx, stored)
	}
	return res, err
}

func closedError(c *campaigns.Campaign, now time.Time) *Error {
	if now.Before(c.Opens()) {
		return Errorf(ECLOSED, "campaign %s opens on %s", c.ID(), c.Opens().In(shanghai).Format("2006-01-02"))
	}
	return Errorf(ECLOSED, "campaign %s closed on %s and takes no more submissions", c.ID(), c.Closes().Add(-time.Millisecond).In(shanghai).Format("2006-01-02"))
}

var shanghai = time.FixedZone("CST", 8*3600)

// recordUnit resolves where a record belongs: code, or the actor's own
// unit, which must lie in both the actor's scope and the campaign's.
func (e *Engine) recordUnit(ctx context.Context, a *Actor, camp *campaigns.Campaign, code string) (*OrgUnit, error) {
	if code == "" {
		code = a.User.OrgUnit
	}
	unit, err := e.orgUnit(ctx, code)
	if err != nil || !a.Sees(unit.Path) {
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
		return nil, Errorf(ENOTFOUND, "org unit %s not found", code)
	}
	root, err := e.orgUnit(ctx, camp.OrgScope())
	if err != nil {
		return nil, err
	}
	if !InSubtree(unit.Path, root.Path) {
		return nil, &Error{Code: EINVALID, Message: "this org unit is not part of the campaign",
			Fields: []FieldError{{Pointer: "/orgUnit", Code: "out_of_campaign", Message: "not part of the campaign"}}}
	}
	return unit, nil
}

// enter copies a workflow outcome onto the record: state, open task (with
// the org unit where it sits), due time and next timer.
func (e *Engine) enter(ctx context.Context, r *Record, out workflows.Outcome) error {
	r.State, r.DueAt, r.NextTimerAt, r.TimerKind = out.To, out.DueAt, out.NextTimerAt, out.TimerKind
	r.Step, r.CandidateRoles, r.TaskOrgPath, r.Assignee = "", nil, "", ""
	if out.Step == nil {
		return nil
	}
	path, err := e.AncestorAt(ctx, r.OrgPath, out.Step.Level)
	if err != nil {
		return err
	}
	r.Step, r.CandidateRoles, r.TaskOrgPath = out.Step.Name, out.Step.Roles, path
	return nil
}

// AncestorAt returns the path of the unit at level on the way from the
// root to the unit at path (the unit itself when it is at that level, or
// when the tree has no unit of that level above it: a task never lands
// outside the record's branch).
func (e *Engine) AncestorAt(ctx context.Context, path, level string) (string, error) {
	codes := strings.Split(strings.Trim(path, "/"), "/")
	for i := len(codes) - 1; i >= 0; i-- {
		u, err := e.orgUnit(ctx, codes[i])
		if err != nil {
			return "", err
		}
		if u.Level == level {
			return u.Path, nil
		}
	}
	return path, nil
}

// WorkflowError turns a workflow's refusal into an engine error; any other
// failure (an expression that cannot run) is internal.
// The workflow's own message (a guard_message) wins, in lang.
func WorkflowError(err error, lang string) error {
	var ae *workflows.ActionError
	if !errors.As(err, &ae) {
		return WrapError(EINTERNAL, "the workflow could not decide", err)
	}
	msg := ae.Message
	if t := ae.Text.In(TextLang(lang)); t != "" {
		msg = t
	}
	return &Error{Code: ae.Code, Message: msg, Fields: []FieldError{{Pointer: ae.Pointer, Code: ae.FieldCode, Message: msg}}}
}

// TextLang maps a page language ("zh-CN", "en-US") to the keys of
// definition texts ("zh", "en").
func TextLang(lang string) string {
	if strings.HasPrefix(lang, "en") {
		return "en"
	}
	return "zh"
}
