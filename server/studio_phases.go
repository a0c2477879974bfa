package server

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/rules"
)

// The 基本信息 tab's phase editor: the campaign's phases as rows of
// boxes, one blank row to add a phase, and a box per row to delete it.
// It posts to /studio/campaigns/:id/phases and saves a draft through
// engine.UpdateCampaignPhases; nothing needs JavaScript.

// maxPhaseRows caps the rows read from a post, beyond the engine's own
// limit, so a forged post cannot make the server loop.
const maxPhaseRows = 50

// studioPhasesData is the editor's data.
type studioPhasesData struct {
	Rows    []studioPhaseRow
	Forms   []studioOption // the campaign's forms, by title
	Actions []studioOption // review, reconcile, enter, by label
	Errors  map[string]string
	Notes   []string // the linter's warnings after a save (a gap…)
}

// studioPhaseRow is one phase as typed; New marks the blank row.
type studioPhaseRow struct {
	Index int
	engine.PhaseSettings
	New     bool
	Heading string
}

// phaseInput is one text or date box of a row.
type phaseInput struct {
	ID, Name, Type, Label, Value, Err string
}

// Inputs are the row's boxes, with the errors that concern them.
func (r studioPhaseRow) Inputs(p *pageData, errs map[string]string) []phaseInput {
	var out []phaseInput
	for _, f := range []struct{ field, typ, label, value string }{
		{"name_zh", "text", "studio.phases.namezh", r.NameZH}, {"name_en", "text", "studio.phases.nameen", r.NameEN},
		{"from", "date", "studio.phases.from", r.From}, {"to", "date", "studio.phases.to", r.To},
	} {
		name := r.Name(f.field)
		out = append(out, phaseInput{ID: fmt.Sprintf("f-phase-%d-%s", r.Index, f.field), Name: name, Type: f.typ,
			Label: p.T(f.label), Value: f.value, Err: errs[name]})
	}
	return out
}

func (r studioPhaseRow) HasForm(id string) bool   { return slices.Contains(r.Forms, id) }
func (r studioPhaseRow) HasAction(a string) bool  { return slices.Contains(r.Actions, a) }
func (r studioPhaseRow) Name(field string) string { return fmt.Sprintf("phase.%d.%s", r.Index, field) }

// studioPhasesOf builds the editor for the campaign's phases (or rows as
// posted), with a blank row at the end.
func studioPhasesOf(p *pageData, camp *campaigns.Campaign, forms []studioFileView, rows []engine.PhaseSettings) *studioPhasesData {
	d := &studioPhasesData{Errors: map[string]string{}}
	for _, f := range forms {
		if camp == nil || camp.HasForm(f.ID) {
			d.Forms = append(d.Forms, studioOption{Value: f.ID, Label: f.Title})
		}
	}
	for _, a := range campaigns.PhaseActions {
		d.Actions = append(d.Actions, studioOption{Value: a, Label: engine.PhaseWorkLabel(a, p.Lang)})
	}
	if rows == nil && camp != nil {
		rows = engine.CampaignPhasesOf(camp)
	}
	for i, ps := range rows {
		d.Rows = append(d.Rows, studioPhaseRow{Index: i, PhaseSettings: ps, Heading: p.T("studio.phases.nth", i+1)})
	}
	d.Rows = append(d.Rows, studioPhaseRow{Index: len(rows), New: true, Heading: p.T("studio.phases.add")})
	return d
}

// postedPhases reads the rows of the post to save: those not deleted, as
// typed, a blank new row left out. The engine's field errors index them.
func postedPhases(c fiber.Ctx) []engine.PhaseSettings {
	n, err := strconv.Atoi(bodyField(c, "phase_count"))
	if err != nil || n < 0 {
		n = 0
	}
	n = min(n, maxPhaseRows)
	var rows []engine.PhaseSettings
	for i := range n {
		f := func(name string) string { return strings.TrimSpace(bodyField(c, fmt.Sprintf("phase.%d.%s", i, name))) }
		ps := engine.PhaseSettings{Key: f("key"), NameZH: f("name_zh"), NameEN: f("name_en"), From: f("from"), To: f("to"),
			Forms: formValues(c, fmt.Sprintf("phase.%d.forms", i)), Actions: formValues(c, fmt.Sprintf("phase.%d.actions", i))}
		if f("delete") != "" || isBlankPhase(ps) {
			continue
		}
		rows = append(rows, ps)
	}
	return rows
}

func isBlankPhase(ps engine.PhaseSettings) bool {
	return ps.Key == "" && ps.NameZH == "" && ps.NameEN == "" && ps.From == "" && ps.To == "" && len(ps.Forms) == 0 && len(ps.Actions) == 0
}

// studioSavePhases saves the phases as a draft: POST
// /studio/campaigns/:id/phases.
func (s *Server) studioSavePhases(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	id := c.Params("id")
	rows := postedPhases(c)
	_, err := s.engine.UpdateCampaignPhases(c.Context(), a, id, bodyField(c, "base"), rows)
	code := engine.ErrorCode(err)
	if code == "" {
		return redirect(c, studioURL(id, "")+"?phases=1#phases-h")
	}
	if code != engine.EINVALID && code != engine.ECONFLICT {
		if key := scopeRefusal(err); key != "" {
			return s.studioRefused(c, err, key)
		}
		return err
	}
	p, d, lerr := s.studioCampaign(c, "")
	if lerr != nil {
		return lerr
	}
	if err := s.studioUnits(c, p, d); err != nil {
		return err
	}
	camp, _, _ := s.engine.StudioCampaignFiles(c.Context(), a, id, p.Lang)
	// The rows as typed come back with their errors beside them.
	d.Phases = studioPhasesOf(p, camp, d.Forms, rows)
	if code == engine.ECONFLICT {
		p.Error = p.T("studio.conflict", conflictWho(err))
	} else {
		p.Error = p.T("studio.phases.failed")
		d.Base = bodyField(c, "base")
		for _, fe := range engine.ErrorFields(err) {
			ptr := strings.TrimPrefix(fe.Pointer, "/phases")
			if ptr == "" {
				d.Phases.Errors["phases"] = fe.Message
				continue
			}
			parts := strings.SplitN(strings.TrimPrefix(ptr, "/"), "/", 2)
			i, aerr := strconv.Atoi(parts[0])
			if aerr != nil || i < 0 || i >= len(rows) || len(parts) < 2 {
				continue
			}
			key := fmt.Sprintf("phase.%d.%s", i, parts[1])
			if _, seen := d.Phases.Errors[key]; !seen {
				d.Phases.Errors[key] = fe.Message
			}
		}
	}
	return s.render(c, statusByCode[code], "studio_campaign", p)
}

// studioPhasesFor fills the editor on the 基本信息 tab from the
// campaign's newest version (draft or published), with the linter's
// warnings on its phases (a gap between two, a day outside opens and
// closes) in the page's language.
func (s *Server) studioPhasesFor(c fiber.Ctx, p *pageData, d *studioCampaignData) error {
	camp, files, err := s.engine.StudioCampaignFiles(c.Context(), actorOf(c), d.ID, p.Lang)
	if err != nil {
		return err
	}
	d.Phases = studioPhasesOf(p, camp, d.Forms, nil)
	for _, f := range files {
		if f.Kind != engine.KindCampaign {
			continue
		}
		_, diags := campaigns.Load(f.Filename, f.Source)
		for _, diag := range diags {
			if strings.HasPrefix(diag.Path, "phases") && diag.Severity == rules.SeverityWarning {
				d.Phases.Notes = append(d.Phases.Notes, diag.Text(p.Lang))
			}
		}
	}
	return nil
}
