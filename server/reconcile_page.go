package server

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/worklist"
)

// mapField is one of our form's fields and the column typed for it.
type mapField struct {
	Key, Label, Column string
	Date               bool
}

type reconcileData struct {
	Campaign  string
	Campaigns []option
	Fields    []mapField // our simple fields, to map their columns to
	Mapping   worklist.ReconcileMapping
	Runs      []runRow
	CanRun    bool
	Errors    map[string]string // field messages by pointer
}

type runRow struct {
	*worklist.ReconcileRun
	StatusLabel string
	URL         string
}

// runStatusLabel is a run status in the page's language.
func runStatusLabel(p *pageData, status string) string { return p.T("reconcile.status." + status) }

// reconcilePage shows the upload form with the column mapping, and the
// campaign's earlier runs.
func (s *Server) reconcilePage(c fiber.Ctx) error {
	return s.renderReconcile(c, fiber.StatusOK, c.Query("campaign"), worklist.ReconcileMapping{}, nil)
}

func (s *Server) renderReconcile(c fiber.Ctx, status int, campaign string, m worklist.ReconcileMapping, runErr error) error {
	a := actorOf(c)
	p := s.newPage(c, "reconcile.title", "reconcile", "")
	d := &reconcileData{Campaign: campaign, Mapping: m, CanRun: a.Has(engine.RoleSupervisor, engine.RoleAdmin), Errors: map[string]string{}}
	p.Data = d
	var err error
	if d.Campaigns, err = s.campaignOptions(c.Context(), a, p.Lang); err != nil {
		return s.renderErrorPage(c, err)
	}
	if runErr != nil {
		p.Error = p.T("error." + engine.ErrorCode(runErr))
		for _, fe := range engine.ErrorFields(runErr) {
			msg := p.T("worklist.code." + fe.Code)
			if msg == "worklist.code."+fe.Code {
				msg = fe.Message
			}
			if _, seen := d.Errors[fe.Pointer]; !seen {
				d.Errors[fe.Pointer] = msg
			}
		}
	}
	if campaign == "" {
		return s.render(c, status, "reconcile", p)
	}
	if !campaignIDPattern.MatchString(campaign) {
		return s.renderErrorPage(c, engine.Errorf(engine.ENOTFOUND, "campaign not found"))
	}
	camp, err := s.engine.Campaign(c.Context(), campaign)
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	for _, formID := range camp.Forms() {
		form, _, err := s.engine.Form(c.Context(), formID, 0)
		if err != nil {
			return s.renderErrorPage(c, err)
		}
		// Every field with one value per record, in sections too, by path.
		for _, path := range form.Paths() {
			fd, err := form.Resolve(path)
			if err != nil || fd.Type() == "array" || fd.Group() != nil || fd.PII() != "" {
				continue
			}
			column, ok := m.Fields[path]
			if !ok {
				column = m.Fields[fd.Key()]
			}
			d.Fields = append(d.Fields, mapField{Key: path, Label: fd.Label(p.Lang), Column: column, Date: fd.Format() == "date"})
		}
		break
	}
	runs, err := s.worklist.ReconcileRuns(c.Context(), a, campaign)
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	for _, r := range runs {
		d.Runs = append(d.Runs, runRow{ReconcileRun: r, StatusLabel: runStatusLabel(p, r.Status), URL: "/reconcile/runs/" + r.ID})
	}
	return s.render(c, status, "reconcile", p)
}

// reconcileSubmit runs a comparison from the upload form and shows its
// figures and refused rows; a refused upload shows the form again with
// the reasons.
func (s *Server) reconcileSubmit(c fiber.Ctx) error {
	campaign := bodyField(c, "campaign")
	m := worklist.ReconcileMapping{
		IDNumber: bodyField(c, "id_number"), Name: bodyField(c, "name"), BirthDate: bodyField(c, "birth_date"),
		VillageCode: bodyField(c, "village_code"), OurBirthDate: bodyField(c, "our_birth_date"), Fields: map[string]string{},
	}
	form, err := c.MultipartForm()
	if err != nil {
		return s.renderReconcile(c, fiber.StatusUnprocessableEntity, campaign, m, &engine.Error{Code: engine.EINVALID, Message: "upload the file with the form",
			Fields: []engine.FieldError{{Pointer: "/file", Code: "required", Message: "a CSV or XLSX file"}}})
	}
	for k, vs := range form.Value {
		if key, ok := strings.CutPrefix(k, "field."); ok && len(vs) > 0 && strings.TrimSpace(vs[0]) != "" && len(m.Fields) < 100 {
			m.Fields[key] = vs[0]
		}
	}
	if !campaignIDPattern.MatchString(campaign) {
		return s.renderErrorPage(c, engine.Errorf(engine.ENOTFOUND, "campaign not found"))
	}
	res, err := s.runReconcile(c, campaign, m)
	if err != nil && res == nil {
		switch engine.ErrorCode(err) {
		case engine.EINVALID, engine.ECONFLICT, engine.EFORBIDDEN, engine.ETOOLARGE:
			status, _ := s.describeError(c, err)
			return s.renderReconcile(c, status, campaign, m, err)
		}
		return s.renderErrorPage(c, err)
	}
	return s.renderRun(c, res.Run.ID, res.Problems, err)
}

type runData struct {
	Run            *worklist.ReconcileRun
	StatusLabel    string
	Open           int64
	ResolvedOurs   int64
	ResolvedTheirs int64
	ResolvedNone   int64
	Dismissed      int64
	Problems       []reconcileProblemJSON
	WorklistURL    string
}

// reconcileRunPage shows a run's figures and how its items stand.
func (s *Server) reconcileRunPage(c fiber.Ctx) error {
	id, err := runParam(c)
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	return s.renderRun(c, id, nil, nil)
}

func (s *Server) renderRun(c fiber.Ctx, id string, problems []worklist.ReconcileProblem, runErr error) error {
	sum, err := s.worklist.ReconcileRun(c.Context(), actorOf(c), id)
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	p := s.newPage(c, "reconcile.run.title", "reconcile", "/reconcile/runs/"+id)
	d := &runData{Run: sum.Run, StatusLabel: runStatusLabel(p, sum.Run.Status), Open: sum.Open,
		ResolvedOurs: sum.ResolvedBySide[worklist.SideOurs], ResolvedTheirs: sum.ResolvedBySide[worklist.SideTheirs],
		ResolvedNone: sum.ResolvedBySide[worklist.SideNeither], Problems: toProblemsJSON(problems, p.Lang),
		WorklistURL: "/worklist?" + url.Values{"campaign": {sum.Run.CampaignID}, "run": {sum.Run.ID}}.Encode()}
	for _, n := range sum.Counts {
		if n.Status == worklist.WorkDismissed {
			d.Dismissed += n.Count
		}
	}
	if runErr != nil {
		p.Error = p.T("error." + engine.ErrorCode(runErr))
	}
	p.Data = d
	return s.render(c, fiber.StatusOK, "reconcile_run", p)
}
