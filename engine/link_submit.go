package engine

import (
	"context"
	"strings"
	"time"

	"canvass/campaigns"
	"canvass/forms"
	"canvass/workflows"
)

// Rate limits of the public links, counted in the store so they hold
// across replicas. A village meeting behind one address may fill an open
// link many times, so the per-address limit is generous; it is there to
// stop floods and token guessing, not people.
const (
	PublicWindow         = 10 * time.Minute
	PublicSubmitsPerIP   = 60  // submissions (and failed lookups) per address per window
	PublicSubmitsPerLink = 300 // submissions per link per window
	PublicEvaluatesPerIP = 1200
)

// PublicForm is what a public link opens: the form of the campaign, for
// the link's org unit, with the link's preset answers.
type PublicForm struct {
	Link        *Link
	Campaign    *campaigns.Campaign
	Form        *forms.Form
	FormVersion int
}

// OpenLink returns the form behind a public link token. Returns ENOTFOUND
// for an unknown token, ECLOSED (saying why) for a revoked, expired or used
// link or a campaign that takes no submissions now.
func (e *Engine) OpenLink(ctx context.Context, token string) (*PublicForm, error) {
	if token == "" || len(token) > 200 {
		return nil, Errorf(ENOTFOUND, "this link does not exist")
	}
	l, err := e.store.GetLinkByToken(ctx, HashToken(token))
	if err != nil {
		if ErrorCode(err) == ENOTFOUND {
			return nil, Errorf(ENOTFOUND, "this link does not exist")
		}
		return nil, err
	}
	now := e.Now()
	switch l.LinkStatus(now) {
	case "revoked":
		return nil, linkGone("revoked", "this link was withdrawn")
	case "expired":
		return nil, linkGone("expired", "this link expired on "+l.ExpiresAt.In(shanghai).Format("2006-01-02 15:04"))
	case "used":
		// Consumed but without its record: the submission crashed between
		// the two writes, and this retry may complete it.
		if _, err := e.store.GetRecord(ctx, l.RecordID); ErrorCode(err) != ENOTFOUND {
			if err != nil {
				return nil, err
			}
			return nil, linkGone("used", "this link has been used already")
		}
	}
	camp, err := e.Campaign(ctx, l.CampaignID)
	if err != nil {
		return nil, err
	}
	if err := e.CampaignOpen(ctx, camp, now); err != nil {
		return nil, err
	}
	if err := e.PhaseOpen(ctx, camp, l.FormID, now, ""); err != nil {
		return nil, err
	}
	form, v, err := e.Form(ctx, l.FormID, 0)
	if err != nil {
		return nil, err
	}
	return &PublicForm{Link: l, Campaign: camp, Form: form, FormVersion: v}, nil
}

// Answers returns the answers with the link's preset ones put over them,
// each at its field's place (a section too): a respondent cannot change
// what the link fixes.
func (pf *PublicForm) Answers(sent map[string]any) map[string]any {
	out := cloneAnswers(sent)
	if out == nil {
		out = map[string]any{}
	}
	for _, p := range pf.Preset() {
		if !p.Field.SetValue(out, p.Value) {
			// A section's place holds something else: the preset wins.
			keys := strings.Split(p.Field.Path(), ".")
			delete(out, keys[0])
			p.Field.SetValue(out, p.Value)
		}
	}
	return out
}

// limit counts a hit on key and returns ERATELIMITED past max.
func (e *Engine) limit(ctx context.Context, key string, max int64) error {
	n, err := e.store.HitCounter(ctx, key, PublicWindow, e.Now())
	if err != nil {
		return err
	}
	if n > max {
		return Errorf(ERATELIMITED, "too many submissions; try again in 10 minutes")
	}
	return nil
}

// EvaluatePublic evaluates answers against a public link's form, with the
// link's preset answers, for live feedback. It stores nothing. Returns
// what OpenLink returns, and ERATELIMITED.
func (e *Engine) EvaluatePublic(ctx context.Context, token string, answers map[string]any, lang, ip string) (forms.State, error) {
	if err := e.limit(ctx, "public:eval:ip:"+ip, PublicEvaluatesPerIP); err != nil {
		return forms.State{}, err
	}
	pf, err := e.OpenLink(ctx, token)
	if err != nil {
		return forms.State{}, err
	}
	return forms.Evaluate(pf.Form, pf.Answers(answers), forms.Env{RefTime: pf.Campaign.RefTime(), SubmittedAt: e.Now(), Lang: lang}), nil
}

// PublicActorPrefix starts the actor ID of a respondent who filled a
// record through a public link: "public:<link ID>".
const PublicActorPrefix = "public:"

// SubmitPublic stores a submission made through a public link, checked
// exactly as Submit checks one: the same form evaluation, PII sealing and
// workflow start. The record belongs to the link's org unit, the preset
// answers override what was sent, and the audit actor is "public:<link
// ID>". A one-time link is consumed first, with a conditional update, and
// its record gets an ID derived from the link, so a retry after a crash
// stores it once and a second use is refused.
//
// Returns ERATELIMITED past the per-address or per-link limits; ENOTFOUND
// for an unknown token; ECLOSED for a revoked, expired or used link or a
// closed campaign; EINVALID with field errors (and the State).
func (e *Engine) SubmitPublic(ctx context.Context, token string, answers map[string]any, lang, ip string) (*SubmitResult, error) {
	if err := e.limit(ctx, "public:ip:"+ip, PublicSubmitsPerIP); err != nil {
		return nil, err
	}
	pf, err := e.OpenLink(ctx, token)
	if err != nil {
		return nil, err
	}
	l := pf.Link
	if err := e.limit(ctx, "public:link:"+l.ID, PublicSubmitsPerLink); err != nil {
		return nil, err
	}
	now := e.Now()
	state := forms.Evaluate(pf.Form, pf.Answers(answers), forms.Env{RefTime: pf.Campaign.RefTime(), SubmittedAt: now, Lang: lang})
	res := &SubmitResult{State: state}
	if !state.Valid() {
		return res, &Error{Code: EINVALID, Message: "some answers need correcting", Fields: state.Errors}
	}
	unit, err := e.store.GetOrgUnit(ctx, l.OrgUnit)
	if err != nil {
		return nil, err
	}
	actor := &Actor{User: &User{ID: PublicActorPrefix + l.ID, OrgPath: l.OrgPath}, IP: ip}
	r := &Record{
		ID: NewID(now), CampaignID: l.CampaignID, FormID: pf.Form.ID(), FormVersion: pf.FormVersion,
		OrgUnit: unit.Code, OrgPath: unit.Path, CreatedBy: actor.ID(), CreatedAt: now, UpdatedAt: now,
	}
	if l.OneTime {
		r.ID = LinkRecordID(l.ID)
	}
	wf, wfVersion, err := e.Workflow(ctx, pf.Campaign.Workflow(), 0)
	if err != nil {
		return nil, err
	}
	out, err := wf.Begin(workflows.Input{Answers: pf.Form.Flatten(state.Clean), OrgLevel: unit.Level, SubmittedAt: now, CreatedAt: now, RefTime: pf.Campaign.RefTime(), At: now})
	if err != nil {
		return nil, WorkflowError(err, lang)
	}
	r.WorkflowID, r.WorkflowVersion = wf.ID(), wfVersion
	if err := e.enter(ctx, r, out); err != nil {
		return nil, err
	}
	r.History = []HistoryEntry{{At: now, Actor: actor.ID(), Action: "submit", ToState: out.To}}
	r.ContentHash = e.ContentHash(r, state.Clean)
	if l.OneTime && l.UsedAt.IsZero() {
		if err := e.store.ConsumeLink(ctx, l.ID, r.ID, now); err != nil {
			if ErrorCode(err) != ECONFLICT {
				return nil, err
			}
			// Someone else consumed it a moment ago. Whatever they store
			// has this record's ID, so the insert below decides: the same
			// answers are a replay, others a second use.
		}
	}
	if r.Answers, r.DedupKey, err = e.SealAnswers(pf.Form, l.CampaignID, state.Clean); err != nil {
		return nil, err
	}
	if err := e.numberRecord(ctx, r); err != nil {
		return nil, err
	}
	stored, created, err := e.store.InsertRecord(ctx, r)
	if err != nil {
		if ErrorCode(err) == ECONFLICT {
			return nil, linkGone("used", "this link has been used already")
		}
		return nil, err
	}
	res.Record, res.Replayed = stored, !created
	if res.Replayed {
		return res, nil
	}
	e.RecordsWritten(ctx, stored)
	return res, e.Audit(ctx, actor, "record.submit_public", "record", r.ID, r.OrgPath,
		map[string]any{"campaign": r.CampaignID, "form": r.FormID, "state": r.State, "link": l.ID})
}

// linkGone is the ECLOSED of a link that takes no more submissions; the
// field code (revoked, expired, used) lets a page say why in its language.
func linkGone(why, msg string) *Error {
	return &Error{Code: ECLOSED, Message: msg, Fields: []FieldError{{Pointer: "/link", Code: why, Message: msg}}}
}
