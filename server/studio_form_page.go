package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/studio"
	"canvass/forms"
	"canvass/rules"
)

// studioFormData is the designer page's own data.
type studioFormData struct {
	CampaignID, CampaignURL string
	FormID, Title           string
	Version                 int
	StatusLabel             string
	Base                    designerBase
	APIURL, PageURL         string
	Outline                 []outlineRow
	Palette                 []paletteEntry
	Operators               []operatorOption
	Keys                    []keyOption // every field but sections and repeat groups
	Others                  []keyOption // the same without the selected field, for its builders
	Selected                *studioPanel
	StateJSON               string // the designer state, for the script
	// The preview: the fields rendered by the real form renderer, and the
	// draft's evaluate endpoint.
	Preview       []template.HTML
	PreviewBroken string
	EvaluateURL   string
	// OrgLevels are the levels an org-tree field may ask for in the
	// campaign's scope, for the add form.
	OrgLevels []kindOption
	// Containers are where the selected field may move: the top of the
	// form (Pointer "") and every section and repeat group outside it.
	Containers []moveOption
}

// moveOption is one place a field may move to.
type moveOption struct {
	Pointer, Label string
	Selected       bool
}

// outlineRow is one line of the outline, indented by Depth.
type outlineRow struct {
	studio.Field
	Depth       int
	TypeName    string
	EditURL     string
	Current     bool
	First, Last bool // among its siblings: no up, no down
	Parent      string
	Index       int
	Container   bool
}

type operatorOption struct{ ID, Name string }

type keyOption struct{ Key, Label string }

// studioPanel is the selected field's panel.
type studioPanel struct {
	Pointer, TypeName string
	Spec              studio.FieldSpec
	Takes             map[string]bool
	ChoicesText       string
	Condition         studio.Condition
	ConditionText     string // the expression, when the builder cannot show it
	DefaultText       string // the default as the form shows it ("" none)
	DefaultList       map[string]bool
	OrgLevelName      string // an org-tree list's level, named
	OrgParentLabel    string // the field it cascades from, named
	AutoPII           bool   // the personal-data flag is the type's or the label's, not the author's
	MayCalculate      bool   // the calculation builder is offered
	Constraint        studio.Constraint
	Calculation       studio.Calculation
	References        []string
	CondRows          []condRowView
	CondTemplate      condRowView
	RuleKinds         []kindOption
	CalcKinds         []kindOption
}

// condRowView is one row of the show-when builder.
type condRowView struct {
	Page      *pageData
	Keys      []keyOption
	Operators []operatorOption
	Index     int
	Field, Op string
	Value     string
}

// studioFormPage shows the form designer for one form of a campaign:
// GET /studio/campaigns/:id/forms/:form?field=<pointer>. Authors and
// admins who see the form.
func (s *Server) studioFormPage(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	campaignID, formID := c.Params("id"), c.Params("form")
	p := s.newPage(c, "studio.form.title", "author", "")
	df, err := s.loadDesignerForm(c.Context(), a, formID, p.Lang)
	if err != nil {
		return err
	}
	st := designerStateOf(df, c.Query("field"), p.Lang)
	stateJSON, err := json.Marshal(st)
	if err != nil {
		return err
	}
	d := &studioFormData{
		CampaignID: campaignID, CampaignURL: "/studio/campaigns/" + url.PathEscape(campaignID),
		FormID: formID, Title: formID, Version: df.version.Version, Base: st.Base,
		StatusLabel: p.T("studio.form.status." + df.version.Status),
		APIURL:      "/api/v1/studio/forms/" + url.PathEscape(formID),
		PageURL:     "/studio/campaigns/" + url.PathEscape(campaignID) + "/forms/" + url.PathEscape(formID),
		Palette:     st.Palette, StateJSON: string(stateJSON),
	}
	names := map[string]string{}
	for _, t := range st.Palette {
		names[t.ID] = t.Name
	}
	for _, o := range st.Operators {
		name := o.NameZH
		if strings.HasPrefix(p.Lang, "en") {
			name = o.NameEN
		}
		d.Operators = append(d.Operators, operatorOption{ID: o.ID, Name: name})
	}
	types := map[string]string{}
	var walk func(fs []studio.Field, depth int, parent string)
	walk = func(fs []studio.Field, depth int, parent string) {
		for i, f := range fs {
			row := outlineRow{Field: f, Depth: depth, TypeName: names[f.Type], Current: f.Pointer == st.Selected,
				EditURL: d.PageURL + "?field=" + url.QueryEscape(f.Pointer), First: i == 0, Last: i == len(fs)-1,
				Parent: parent, Index: i, Container: f.Type == studio.TypeSection || f.Type == studio.TypeRepeat}
			d.Outline = append(d.Outline, row)
			types[f.Key] = f.Type
			if f.Type != studio.TypeSection && f.Type != studio.TypeRepeat {
				d.Keys = append(d.Keys, keyOption{Key: f.Key, Label: f.Label})
			}
			walk(f.Children, depth+1, f.Pointer)
		}
	}
	walk(st.Outline, 0, "")
	if units, err := s.designerOrgUnits(c.Context(), a, s.designerCampaign(c.Context(), a, campaignID)); err == nil {
		for _, l := range orgLevelsIn(units) {
			d.OrgLevels = append(d.OrgLevels, kindOption{Value: l, Label: studio.OrgLevelName(p.Lang, l),
				Selected: l == engine.LevelTownship || l == engine.LevelVillage})
		}
	}
	if st.Spec != nil {
		d.Containers = []moveOption{{Pointer: "", Label: p.T("studio.form.move.top")}}
		parent := ""
		for _, row := range d.Outline {
			if row.Pointer == st.Selected {
				parent = row.Parent
			}
		}
		for _, row := range d.Outline {
			if row.Container && row.Pointer != st.Selected && !strings.HasPrefix(row.Pointer, st.Selected+"/") {
				d.Containers = append(d.Containers, moveOption{Pointer: row.Pointer, Label: strings.Repeat("　", row.Depth) + row.Label + "（" + row.TypeName + "）"})
			}
		}
		for i := range d.Containers {
			d.Containers[i].Selected = d.Containers[i].Pointer == parent
		}
		d.Selected = s.studioPanelOf(df, st, names, p.Lang)
		// A rule of a field reads other fields, never the field itself.
		var others []keyOption
		for _, k := range d.Keys {
			if k.Key != st.Spec.Key {
				others = append(others, k)
			}
		}
		d.Others = others
		row := condRowView{Page: p, Keys: others, Operators: d.Operators}
		for i, r := range d.Selected.Condition.Rows {
			cr := row
			cr.Index, cr.Field, cr.Op, cr.Value = i, r.Field, r.Op, r.Value
			if types[r.Field] == studio.TypeYesNo && !strings.HasPrefix(p.Lang, "en") {
				// The builder reads 是 and 否 back as true and false.
				switch r.Value {
				case "true":
					cr.Value = p.T("form.yes")
				case "false":
					cr.Value = p.T("form.no")
				}
			}
			d.Selected.CondRows = append(d.Selected.CondRows, cr)
		}
		d.Selected.CondTemplate = row
		for _, k := range []string{studio.ConstraintAgeRange, studio.ConstraintDateBefore, studio.ConstraintDateAfter, studio.ConstraintNumberBetween, studio.ConstraintSameAs} {
			d.Selected.RuleKinds = append(d.Selected.RuleKinds, kindOption{Value: k, Label: p.T("studio.form.rule." + k), Selected: k == d.Selected.Constraint.Kind})
		}
		for _, k := range []string{studio.CalcBirthDate, studio.CalcAge, studio.CalcDaysBetween, studio.CalcDatePlusDays, studio.CalcMonthsBetween, studio.CalcDatePlusMonths, studio.CalcSum} {
			d.Selected.CalcKinds = append(d.Selected.CalcKinds, kindOption{Value: k, Label: p.T("studio.form.calc." + k), Selected: k == d.Selected.Calculation.Kind})
		}
	}
	form, diags := df.doc.Load()
	if form != nil {
		d.Title = form.Title(p.Lang)
		d.Preview, err = s.previewFields(p, form)
		if err != nil {
			return err
		}
	} else {
		d.PreviewBroken = p.T("studio.form.preview.broken", firstLintError(diags))
	}
	q := url.Values{"lang": {p.Lang}}
	d.EvaluateURL = "/api/v1/definitions/form/" + url.PathEscape(formID) + "/versions/" + strconv.Itoa(df.version.Version) + "/evaluate?" + q.Encode()
	p.Data = d
	return s.render(c, fiber.StatusOK, "studio_form", p)
}

// studioPanelOf fills the selected field's panel.
func (s *Server) studioPanelOf(df *designerForm, st designerState, names map[string]string, lang string) *studioPanel {
	spec := *st.Spec
	sp := &studioPanel{Pointer: st.Selected, TypeName: names[spec.Type], Spec: spec, Takes: map[string]bool{}}
	if t, ok := studio.LookupType(spec.Type); ok {
		for _, set := range t.Settings {
			sp.Takes[set] = true
		}
	}
	// A date or number question may become calculated: choosing a
	// ready-made calculation turns it into a 计算项 of its value type.
	sp.MayCalculate = sp.Takes[studio.SetCalculate] || spec.Type == studio.TypeDate || spec.Type == studio.TypeInteger || spec.Type == studio.TypeDecimal
	var lines []string
	for _, ch := range spec.Choices {
		lines = append(lines, ch.Label.ZH)
	}
	sp.ChoicesText = strings.Join(lines, "\n")
	switch {
	case st.Condition != nil:
		sp.Condition = *st.Condition
	case spec.Relevant != "":
		sp.ConditionText = spec.Relevant
	}
	if st.Constraint != nil {
		sp.Constraint = *st.Constraint
	}
	if st.Calculation != nil {
		sp.Calculation = *st.Calculation
	}
	for _, r := range st.References {
		sp.References = append(sp.References, r.Field+" · "+r.Keyword)
	}
	sp.DefaultList = map[string]bool{}
	switch v := spec.Default.(type) {
	case nil:
	case []any:
		for _, x := range v {
			sp.DefaultList[fmt.Sprint(x)] = true
		}
	default:
		sp.DefaultText = fmt.Sprint(v)
	}
	if spec.OrgLevel != "" {
		sp.OrgLevelName = studio.OrgLevelName(lang, spec.OrgLevel)
		sp.OrgParentLabel = spec.OrgParent
		for _, f := range flatOutline(st.Outline) {
			if f.Key == spec.OrgParent {
				sp.OrgParentLabel = f.Label
			}
		}
	}
	sp.AutoPII = spec.PII != "" && (spec.Type == studio.TypeResidentID || spec.Type == studio.TypeMobile || studio.NameLikeLabel(spec.Label))
	return sp
}

// flatOutline lists every field of an outline, children after parents.
func flatOutline(fs []studio.Field) []studio.Field {
	var out []studio.Field
	for _, f := range fs {
		out = append(out, f)
		out = append(out, flatOutline(f.Children)...)
	}
	return out
}

// previewFields renders form's fields, blank, with the form page's own
// "field" template: the preview is the real renderer.
func (s *Server) previewFields(p *pageData, form *forms.Form) ([]template.HTML, error) {
	st := forms.Evaluate(form, map[string]any{}, forms.Env{RefTime: s.now(), SubmittedAt: s.now(), Lang: p.Lang})
	b := newFormBuilder(p, form, st, nil)
	b.preview = true
	t, ok := s.pages.byName["form"]
	if !ok {
		return nil, engine.Errorf(engine.EINTERNAL, "no template form")
	}
	var out []template.HTML
	for _, fv := range b.build(map[string]any{}) {
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, "field", fv); err != nil {
			return nil, engine.WrapError(engine.EINTERNAL, "", err)
		}
		out = append(out, template.HTML(buf.String()))
	}
	return out, nil
}

// firstLintError is the first error of a lint, as "path: message".
func firstLintError(ds []rules.Diagnostic) string {
	for _, d := range ds {
		if d.Severity != rules.SeverityWarning {
			return d.Path + ": " + d.Message
		}
	}
	return ""
}

// keyOptions writes the <option>s of keys, selected marked: the builders'
// field lists, each as long as the form, rendered without a template
// action per option (a 200-field form has several such lists).
func keyOptions(keys []keyOption, selected string) template.HTML {
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(`<option value="`)
		b.WriteString(html.EscapeString(k.Key))
		b.WriteByte('"')
		if k.Key == selected {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		b.WriteString(html.EscapeString(k.Label))
		b.WriteString("</option>")
	}
	return template.HTML(b.String()) // #nosec: every part is escaped above
}

// OtherOptions are the fields a rule of the selected field may read.
func (d *studioFormData) OtherOptions(selected string) template.HTML {
	return keyOptions(d.Others, selected)
}

// KeyOptions are the row's field list.
func (r condRowView) KeyOptions() template.HTML { return keyOptions(r.Keys, r.Field) }
