package server

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/forms"
)

// Form page actions: the value of the _action button a form was posted
// with. Adding and removing rows of a repeat group are actions too, so
// that a browser without JavaScript can do both (add:<group name>,
// remove:<row name>).
const (
	formActionSubmit = "submit"
	formActionDraft  = "draft"
	formActionCheck  = "check"
	formActionAdd    = "add:"
	formActionRemove = "remove:"
)

// formPage is what renderForm needs to show one form.
type formPage struct {
	form          *forms.Form
	refTime       time.Time
	campaignTitle string
	answers       map[string]any
	errs          []engine.FieldError
	action        string
	evaluateURL   string
	submissionID  string
	version       int64
	preview       bool
	edit          bool
	canDraft      bool
	returned      *returnNote
	ownAnswers    bool
}

// renderForm evaluates the answers (for relevance, required marks and
// calculated values) and renders the form page with the values as typed
// and each error beside its field.
func (s *Server) renderForm(c fiber.Ctx, status int, p *pageData, fp formPage) error {
	if fp.returned != nil {
		fp.returned.By = s.engine.Names(c.Context()).User(fp.returned.by)
	}
	st := forms.Evaluate(fp.form, fp.answers, forms.Env{RefTime: fp.refTime, SubmittedAt: s.now(), Lang: p.Lang})
	b := newFormBuilder(p, fp.form, st, fp.errs)
	b.preview = fp.preview
	fv := &formView{
		Title: fp.form.Title(p.Lang), CampaignTitle: fp.campaignTitle, Action: fp.action, EvaluateURL: fp.evaluateURL,
		SubmissionID: fp.submissionID, Version: fp.version, Preview: fp.preview, Edit: fp.edit, CanDraft: fp.canDraft,
		Returned: fp.returned, OwnAnswers: fp.ownAnswers,
		Fields: b.build(fp.answers),
	}
	fv.Problems = b.problems()
	p.Data = fv
	return s.render(c, status, "form", p)
}

// evaluateURL is the live-feedback endpoint of a campaign's form.
func evaluateURL(campaignID, formID string, version int, lang string) string {
	q := url.Values{"lang": {lang}}
	if version > 0 {
		q.Set("version", strconv.Itoa(version))
	}
	return "/api/v1/campaigns/" + url.PathEscape(campaignID) + "/forms/" + url.PathEscape(formID) + "/evaluate?" + q.Encode()
}

// newFormPath is the address of a blank form.
func newFormPath(campaignID, formID string) string {
	return "/campaigns/" + url.PathEscape(campaignID) + "/forms/" + url.PathEscape(formID) + "/new"
}

// openCampaignForm is campaignForm for filling in now: ECLOSED outside
// the campaign's dates, so nobody types a long form only to be refused.
func (s *Server) openCampaignForm(c fiber.Ctx) (*campaignForm, error) {
	a := actorOf(c)
	if err := requireRole(a, submitRoles...); err != nil {
		return nil, err
	}
	cf, err := s.lookupCampaignForm(c.Context(), a, c.Params("campaign"), c.Params("form"), 0)
	if err != nil {
		return nil, err
	}
	// The engine's check also knows a campaign closed by hand, and says why.
	if err := s.engine.CampaignOpen(c.Context(), cf.campaign, s.engine.Now()); err != nil {
		return nil, err
	}
	if err := s.engine.PhaseOpen(c.Context(), cf.campaign, cf.form.ID(), s.engine.Now(), requestLang(c, a.User)); err != nil {
		return nil, err
	}
	return cf, nil
}

func newFormPage(cf *campaignForm, p *pageData, answers map[string]any, id string) formPage {
	return formPage{
		form: cf.form, refTime: cf.campaign.RefTime(), campaignTitle: cf.campaign.Title(p.Lang), answers: answers,
		action: newFormPath(cf.campaign.ID(), cf.form.ID()), evaluateURL: evaluateURL(cf.campaign.ID(), cf.form.ID(), 0, p.Lang),
		submissionID: id, canDraft: true,
	}
}

// formNewPage shows a blank form of a campaign:
// GET /campaigns/:campaign/forms/:form/new. The page carries a fresh
// submission ID, so posting it twice stores one record.
func (s *Server) formNewPage(c fiber.Ctx) error {
	cf, err := s.openCampaignForm(c)
	if err != nil {
		return err
	}
	p := s.newPage(c, "form.title", "", "")
	return s.renderForm(c, fiber.StatusOK, p, newFormPage(cf, p, map[string]any{}, engine.NewID(s.engine.Now())))
}

// formNewSubmit takes the posted form: it submits it (or saves a draft)
// and redirects to the receipt, or shows the form again with the values
// kept and every error beside its field; it also adds and removes rows of
// repeat groups, and checks the answers without storing them.
func (s *Server) formNewSubmit(c fiber.Ctx) error {
	cf, err := s.openCampaignForm(c)
	if err != nil {
		return err
	}
	values := postedValues(c)
	answers := decodeFormValues(cf.form, values)
	id := firstValue(values, "_id")
	if !engine.ValidID(id) {
		// Only a forged or truncated post lacks the page's ID; a fresh one
		// still stores the answers once.
		id = engine.NewID(s.engine.Now())
	}
	p := s.newPage(c, "form.title", "", newFormPath(cf.campaign.ID(), cf.form.ID()))
	fp := newFormPage(cf, p, answers, id)
	action := firstValue(values, "_action")
	if done, status := s.formRowAction(cf.form, answers, action, p.Lang, &fp); done {
		return s.renderForm(c, status, p, fp)
	}
	if action != formActionSubmit && action != formActionDraft {
		return s.renderForm(c, fiber.StatusOK, p, fp)
	}
	a := actorOf(c)
	_, err = s.engine.Submit(c.Context(), a, engine.Submission{
		ID: id, CampaignID: cf.campaign.ID(), FormID: cf.form.ID(), Answers: answers, Lang: p.Lang, Draft: action == formActionDraft,
	})
	if err != nil {
		return s.formSubmitError(c, p, fp, err)
	}
	return redirect(c, receiptPath(id))
}

// formRowAction applies an add-row, remove-row or check action to the
// page about to be shown again; done is false for any other action.
func (s *Server) formRowAction(form *forms.Form, answers map[string]any, action, lang string, fp *formPage) (done bool, status int) {
	switch {
	case strings.HasPrefix(action, formActionAdd):
		editRows(form.Fields(), answers, strings.Split(strings.TrimPrefix(action, formActionAdd), nameSep), func(rows []any) []any {
			return append(rows, map[string]any{})
		})
		return true, fiber.StatusOK
	case strings.HasPrefix(action, formActionRemove):
		segs := strings.Split(strings.TrimPrefix(action, formActionRemove), nameSep)
		if i, ok := rowIndex(segs[len(segs)-1]); ok && len(segs) > 1 {
			editRows(form.Fields(), answers, segs[:len(segs)-1], func(rows []any) []any {
				if i < len(rows) {
					return slices.Delete(rows, i, i+1)
				}
				return rows
			})
		}
		return true, fiber.StatusOK
	case action == formActionCheck:
		st := forms.Evaluate(form, answers, forms.Env{RefTime: fp.refTime, SubmittedAt: s.now(), Lang: lang})
		fp.errs = st.Errors
		return true, fiber.StatusOK
	}
	return false, 0
}

// formSubmitError shows the form again after the engine refused it:
// field errors beside their fields (422), a closed campaign or a clash
// above the form with the answers kept, so nothing typed is lost. Other
// errors get the error page.
func (s *Server) formSubmitError(c fiber.Ctx, p *pageData, fp formPage, err error) error {
	code := engine.ErrorCode(err)
	switch code {
	case engine.EINVALID:
		fp.errs = engine.ErrorFields(err)
		p.Error = p.T("form.invalid")
		if len(fp.errs) == 0 {
			p.Error += " " + engine.ErrorMessage(err)
		}
	case engine.ECLOSED, engine.ECONFLICT:
		p.Error = p.T("error." + code)
		if msg := engine.PhaseMessage(err); msg != "" {
			p.Error = msg
		}
	default:
		return err
	}
	return s.renderForm(c, statusByCode[code], p, fp)
}

// editRows applies fn to the rows of the repeat group named by segs
// (a name as in decodeFormValues, without a trailing row index), and
// reports whether the group exists.
func editRows(fields []*forms.Field, obj map[string]any, segs []string, fn func([]any) []any) bool {
	fd := fieldByKey(fields, segs[0])
	switch {
	case fd == nil:
		return false
	case fd.Type() == "object":
		sec, _ := obj[fd.Key()].(map[string]any)
		if sec == nil {
			sec = map[string]any{}
		}
		if len(segs) < 2 || !editRows(fd.Children(), sec, segs[1:], fn) {
			return false
		}
		obj[fd.Key()] = sec
		return true
	case isRepeat(fd):
		rows, _ := obj[fd.Key()].([]any)
		if len(segs) == 1 {
			obj[fd.Key()] = fn(rows)
			return true
		}
		i, ok := rowIndex(segs[1])
		if !ok || i >= len(rows) || len(segs) < 3 {
			return false
		}
		row, _ := rows[i].(map[string]any)
		return row != nil && editRows(fd.Children(), row, segs[2:], fn)
	}
	return false
}

func firstValue(values map[string][]string, name string) string {
	if v := values[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// receiptPath is the address of a record's receipt.
func receiptPath(id string) string { return "/records/" + url.PathEscape(id) + "/receipt" }

// editPath is the address where a draft is resumed.
func editPath(id string) string { return "/records/" + url.PathEscape(id) + "/edit" }

// pageRecordID returns the :id parameter, or ENOTFOUND when it cannot be
// a record ID (so junk never reaches the store).
func pageRecordID(c fiber.Ctx) (string, error) {
	id := c.Params("id")
	if !engine.ValidID(id) {
		return "", engine.Errorf(engine.ENOTFOUND, "record not found")
	}
	return id, nil
}

// editableRecord returns the record the actor may resume or correct: a
// draft of theirs, or a record returned to them, with its form. Returns
// ENOTFOUND outside the actor's scope, EFORBIDDEN when the actor may not
// submit it now.
func (s *Server) editableRecord(c fiber.Ctx) (*engine.RecordView, *campaignForm, error) {
	a := actorOf(c)
	id, err := pageRecordID(c)
	if err != nil {
		return nil, nil, err
	}
	view, own, err := s.engine.RecordForCorrection(c.Context(), a, id)
	if err != nil {
		return nil, nil, err
	}
	if !slices.Contains(view.Actions, formActionSubmit) {
		return nil, nil, engine.Errorf(engine.EFORBIDDEN, "only the author of a draft, or the unit a record was returned to, may edit it")
	}
	camp, err := s.engine.Campaign(c.Context(), view.CampaignID)
	if err != nil {
		return nil, nil, err
	}
	form, _, err := s.engine.Form(c.Context(), view.FormID, view.FormVersion)
	if err != nil {
		return nil, nil, err
	}
	return view, &campaignForm{campaign: camp, form: form, version: view.FormVersion, ownAnswers: own}, nil
}

func editFormPage(view *engine.RecordView, cf *campaignForm, p *pageData, answers map[string]any) formPage {
	return formPage{
		form: cf.form, refTime: cf.campaign.RefTime(), campaignTitle: cf.campaign.Title(p.Lang), answers: answers,
		action: editPath(view.ID), evaluateURL: evaluateURL(view.CampaignID, view.FormID, view.FormVersion, p.Lang),
		submissionID: view.ID, version: view.Version, edit: true, canDraft: view.State == engine.StateDraft,
		returned: returnNoteOf(view.Record), ownAnswers: cf.ownAnswers,
	}
}

// formEditPage shows a draft (or a returned record) filled in from its
// masked view: GET /records/:id/edit. Personal values show masked; left
// as they are, the engine keeps the stored values.
func (s *Server) formEditPage(c fiber.Ctx) error {
	view, cf, err := s.editableRecord(c)
	if err != nil {
		return err
	}
	p := s.newPage(c, "form.title", "", "")
	return s.renderForm(c, fiber.StatusOK, p, editFormPage(view, cf, p, view.Answers))
}

// formEditSubmit submits a resumed draft or a corrected record (the
// workflow's submit action with the answers posted), or saves a draft
// again. The page shows personal values masked ("王**"); a value posted
// back exactly as masked keeps the stored one (the engine does that), so
// a field worker never has to retype what they cannot see.
func (s *Server) formEditSubmit(c fiber.Ctx) error {
	view, cf, err := s.editableRecord(c)
	if err != nil {
		return err
	}
	values := postedValues(c)
	answers := decodeFormValues(cf.form, values)
	p := s.newPage(c, "form.title", "", editPath(view.ID))
	fp := editFormPage(view, cf, p, answers)
	action := firstValue(values, "_action")
	if done, status := s.formRowAction(cf.form, answers, action, p.Lang, &fp); done {
		return s.renderForm(c, status, p, fp)
	}
	name := formActionSubmit
	switch {
	case action == formActionDraft && view.State == engine.StateDraft:
		name = engine.ActionSaveDraft
	case action != formActionSubmit:
		return s.renderForm(c, fiber.StatusOK, p, fp)
	}
	version, _ := strconv.ParseInt(firstValue(values, "_version"), 10, 64)
	_, err = s.engine.Act(c.Context(), actorOf(c), view.ID, engine.Action{Name: name, Answers: answers, Lang: p.Lang, Version: version})
	if err != nil {
		return s.formSubmitError(c, p, fp, err)
	}
	return redirect(c, receiptPath(view.ID))
}

// formPreviewPage shows a form version, draft or published, as a field
// worker would see it, with a banner and nothing that can be sent:
// GET /author/forms/:id/versions/:version/preview. Authors and admins.
func (s *Server) formPreviewPage(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	version, err := versionParam(c)
	if err != nil {
		return err
	}
	id := c.Params("id")
	form, err := s.engine.PreviewForm(c.Context(), a, id, version)
	if err != nil {
		return err
	}
	p := s.newPage(c, "form.preview.title", "author", "")
	q := url.Values{"lang": {p.Lang}}
	return s.renderForm(c, fiber.StatusOK, p, formPage{
		form: form, refTime: s.now(), answers: map[string]any{}, preview: true,
		evaluateURL: "/api/v1/definitions/form/" + url.PathEscape(id) + "/versions/" + strconv.Itoa(version) + "/evaluate?" + q.Encode(),
	})
}

// receiptData is the receipt page's own data.
type receiptData struct {
	ID            string
	State         string
	StateTitle    string
	FormTitle     string
	CampaignTitle string
	FormVersion   int
	CreatedAt     time.Time
	// At is when the answers shown were stored: the last submission (a
	// resubmission after a return, too), or the draft's last save. AtKey
	// names that time; CreatedAt is shown beside it when it differs.
	At        time.Time
	AtKey     string
	Draft     bool
	ResumeURL string
	NewURL    string
	RecordURL string
}

// receiptTime is the time a receipt shows and its label's key: the last
// submit in the record's history (a resubmission is "重新提交时间"), else
// the last save of a draft.
func receiptTime(r *engine.Record) (time.Time, string) {
	submits, last := 0, time.Time{}
	for _, h := range r.History {
		if h.Action == formActionSubmit {
			submits++
			last = h.At
		}
	}
	switch {
	case submits > 1:
		return last, "receipt.resubmitted_at"
	case submits == 1:
		return last, "receipt.submitted_at"
	case !r.UpdatedAt.IsZero():
		return r.UpdatedAt, "receipt.saved_at"
	}
	return r.CreatedAt, "receipt.saved_at"
}

// receiptPage shows what was stored: GET /records/:id/receipt, for
// anyone who may read the record. A draft links to where it is resumed.
func (s *Server) receiptPage(c fiber.Ctx) error {
	a := actorOf(c)
	id, err := pageRecordID(c)
	if err != nil {
		return err
	}
	view, err := s.engine.GetRecord(c.Context(), a, id)
	if err != nil {
		return err
	}
	p := s.newPage(c, "receipt.title", "", "")
	d := receiptData{
		ID: view.ID, State: view.State, StateTitle: view.State, FormVersion: view.FormVersion, CreatedAt: view.CreatedAt,
		Draft: view.State == engine.StateDraft, RecordURL: "/records/" + url.PathEscape(view.ID),
	}
	if form, _, err := s.engine.Form(c.Context(), view.FormID, view.FormVersion); err == nil {
		d.FormTitle = form.Title(p.Lang)
	}
	if camp, err := s.engine.Campaign(c.Context(), view.CampaignID); err == nil {
		d.CampaignTitle = camp.Title(p.Lang)
		if camp.OpenAt(s.engine.Now()) && camp.HasForm(view.FormID) {
			d.NewURL = newFormPath(view.CampaignID, view.FormID)
		}
	}
	switch {
	case d.Draft:
		d.StateTitle = p.T("receipt.draft")
	case view.WorkflowID != "":
		if wf, _, err := s.engine.Workflow(c.Context(), view.WorkflowID, view.WorkflowVersion); err == nil {
			d.StateTitle = wf.StateTitle(view.State, p.Lang)
		}
	}
	if slices.Contains(view.Actions, formActionSubmit) {
		d.ResumeURL = editPath(view.ID)
	}
	d.At, d.AtKey = receiptTime(view.Record)
	p.Data = d
	return s.render(c, fiber.StatusOK, "form_receipt", p)
}
