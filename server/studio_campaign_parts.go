package server

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/studio"
	"canvass/ui"
)

// The campaign studio's 抽查, 预算 and 指标与报表 tabs (issue #16): each a
// page of plain forms. A POST loads the campaign's newest version, applies
// one engine/studio edit and saves the file as a draft based on the
// version the page showed (409 naming who saved meanwhile); a refused
// edit shows the tab again with the problems next to the inputs and what
// the author typed kept.

func (s *Server) studioCampaignPartRoutes() {
	for _, tab := range []string{"qc", "budget", "indicators"} {
		s.app.Get("/studio/campaigns/:id/"+tab, s.signedInPage, s.studioPartPage(tab))
		s.app.Post("/studio/campaigns/:id/"+tab, s.signedInPage, s.studioPartSave(tab))
	}
}

// studioPartsData is what the three tabs show.
type studioPartsData struct {
	*studioCampaignData
	Lang     string
	csrf     string
	Invalid  bool     // the campaign file does not load: fix it in 源文件 first
	Problems []string // of the refused edit, in the page's language
	Posted   string   // the id of the form whose edit was refused
	errs     map[string]string
	values   url.Values

	// 抽查
	QC      studio.QCSettings
	QCItems []string // labels of pay items that depend on spot checks

	// 预算
	Budget      studio.BudgetView
	BudgetLines []budgetLineView
	Total       string         // what the lines come to, in words
	Names       []studioOption // inputs and counts, for a line's factors
	FormOptions []studioOption
	States      []studioOption

	// 指标与报表
	Indicators []studio.IndicatorEdit
	Fields     []studioFieldGroup
	Reports    []studio.ReportEdit
	Levels     []studioOption
	Operators  []studioOption
}

// budgetLineView is one budget line with its text in words.
type budgetLineView struct {
	studio.BudgetLine
	Text     string
	UnitYuan string
	Slots    []string // its factors, padded to MaxLineFactors
	Mult     string
}

// studioFieldGroup is the fields of one form an indicator may read.
type studioFieldGroup struct {
	Form, Title string
	Fields      []studio.IndicatorField
}

// Err is the problem of input name in form id, when that form was posted.
func (d *studioPartsData) Err(form, name string) string {
	if d.Posted != form {
		return ""
	}
	return d.errs[name]
}

// Val is what the author typed into input name of form id, when that form
// was posted and refused; else def.
func (d *studioPartsData) Val(form, name, def string) string {
	if d.Posted != form || d.values == nil {
		return def
	}
	return d.values.Get(name)
}

// Vals are the values of a multi-valued input (check boxes) as posted, or
// def.
func (d *studioPartsData) Has(form, name, value string, def []string) bool {
	list := def
	if d.Posted == form && d.values != nil {
		list = d.values[name]
	}
	for _, v := range list {
		if v == value {
			return true
		}
	}
	return false
}

// studioPartPage shows a tab: GET /studio/campaigns/:id/{qc,budget,indicators}.
func (s *Server) studioPartPage(tab string) fiber.Handler {
	return func(c fiber.Ctx) error {
		p, d, doc, err := s.studioOpenParts(c, tab)
		if err != nil {
			return err
		}
		switch {
		case c.Query("saved") != "":
			p.Flash = p.T("studio.parts.saved")
		case c.Query("unchanged") != "":
			p.Flash = p.T("studio.parts.unchanged")
		}
		s.fillParts(p, d, doc)
		return s.render(c, fiber.StatusOK, "studio_"+tab, p)
	}
}

// studioOpenParts loads the campaign page and opens the campaign file
// with the files it binds; doc is nil when the campaign does not load.
func (s *Server) studioOpenParts(c fiber.Ctx, tab string) (*pageData, *studioPartsData, *studio.CampaignDoc, error) {
	p, cd, err := s.studioCampaign(c, tab)
	if err != nil {
		return nil, nil, nil, err
	}
	d := &studioPartsData{studioCampaignData: cd, Lang: p.Lang, csrf: p.CSRF, errs: map[string]string{}}
	p.Data = d
	_, files, err := s.engine.StudioCampaignFiles(c.Context(), actorOf(c), cd.ID, p.Lang)
	if err != nil {
		return nil, nil, nil, err
	}
	var campFile *engine.DefinitionVersion
	var others []studio.CampaignFile
	for _, f := range files {
		if f.Kind == engine.KindCampaign {
			campFile = f.DefinitionVersion
			continue
		}
		others = append(others, studio.CampaignFile{Kind: f.Kind, Filename: f.Filename, Source: f.Source})
	}
	if campFile == nil {
		return nil, nil, nil, engine.Errorf(engine.ENOTFOUND, "campaign %s not found", cd.ID)
	}
	doc, derr := studio.OpenCampaign(campFile.Filename, campFile.Source, others...)
	if derr != nil {
		d.Invalid = true
		return p, d, nil, nil
	}
	doc.Lang = p.Lang
	return p, d, doc, nil
}

// fillParts puts what the tab shows from doc.
func (s *Server) fillParts(p *pageData, d *studioPartsData, doc *studio.CampaignDoc) {
	if doc == nil {
		return
	}
	lang := p.Lang
	switch d.Tab {
	case "qc":
		d.QC = doc.QC()
		if pt := doc.PayTable(); pt != nil {
			for _, k := range pt.QCItems() {
				d.QCItems = append(d.QCItems, pt.ItemLabel(k, textLangOf(lang)))
			}
		}
	case "budget":
		d.Budget = doc.Budget()
		for _, in := range d.Budget.Inputs {
			d.Names = append(d.Names, studioOption{Value: in.Name, Label: d.Budget.NameLabel(in.Name, lang) + p.T("studio.budget.input.suffix", in.Value)})
		}
		for _, n := range d.Budget.Counts {
			d.Names = append(d.Names, studioOption{Value: n.Name, Label: d.Budget.NameLabel(n.Name, lang) + p.T("studio.budget.count.suffix")})
		}
		if fen, partial := d.Budget.PlannedTotal(); len(d.Budget.Lines) > 0 {
			d.Total = p.T("studio.budget.total", studio.FormatYuan(fen))
			if partial {
				d.Total = p.T("studio.budget.total.partial", studio.FormatYuan(fen))
			}
		}
		for _, l := range d.Budget.Lines {
			v := budgetLineView{BudgetLine: l, Text: d.Budget.LineText(l, lang), UnitYuan: strings.ReplaceAll(studio.FormatYuan(l.UnitFen), ",", "")}
			v.Slots = append(v.Slots, l.Factors...)
			for len(v.Slots) < studio.MaxLineFactors {
				v.Slots = append(v.Slots, "")
			}
			if l.Multiple > 1 {
				v.Mult = strconv.FormatInt(l.Multiple, 10)
			}
			d.BudgetLines = append(d.BudgetLines, v)
		}
		fallthrough
	case "indicators":
		d.FormOptions = nil
		for _, f := range doc.Forms() {
			d.FormOptions = append(d.FormOptions, studioOption{Value: f.ID(), Label: f.Title(lang)})
		}
		d.States = nil
		if wf := doc.Workflow(); wf != nil {
			for _, st := range wf.States() {
				d.States = append(d.States, studioOption{Value: st, Label: wf.StateTitle(st, textLangOf(lang))})
			}
		}
		if d.Tab == "indicators" {
			s.fillIndicators(p, d, doc)
		}
	}
}

// studioPartSave applies one edit of a tab: POST /studio/campaigns/:id/<tab>
// (base, op and the op's inputs).
func (s *Server) studioPartSave(tab string) fiber.Handler {
	return func(c fiber.Ctx) error {
		a := actorOf(c)
		if err := requireRole(a, authorRoles...); err != nil {
			return err
		}
		p, d, doc, err := s.studioOpenParts(c, tab)
		if err != nil {
			return err
		}
		if doc == nil {
			p.Error = p.T("studio.parts.invalid")
			return s.render(c, fiber.StatusUnprocessableEntity, "studio_"+tab, p)
		}
		op := bodyField(c, "op")
		form, eerr := applyPartEdit(tab, op, c, doc)
		if eerr == nil && doc.Changed() {
			_, eerr = s.engine.SaveDraftBased(c.Context(), a, engine.KindCampaign, d.ID, d.campaignFilename(), doc.Bytes(), bodyField(c, "base"))
		}
		code := engine.ErrorCode(eerr)
		if eerr == nil && !doc.Changed() {
			return redirect(c, studioURL(d.ID, tab)+"?unchanged=1")
		}
		if eerr == nil {
			return redirect(c, studioURL(d.ID, tab)+"?saved=1")
		}
		if key := scopeRefusal(eerr); key != "" {
			return s.studioRefused(c, eerr, key)
		}
		if code != engine.EINVALID && code != engine.ECONFLICT {
			return eerr
		}
		// Show the tab again as it is stored, with the refused form as typed.
		p, d, doc, err = s.studioOpenParts(c, tab)
		if err != nil {
			return err
		}
		s.fillParts(p, d, doc)
		d.Posted = form
		d.values = url.Values{}
		if args := c.Request().PostArgs(); args != nil {
			for k, v := range args.All() {
				d.values.Add(string(k), string(v))
			}
		}
		if code == engine.ECONFLICT {
			p.Error = p.T("studio.conflict", conflictWho(eerr))
		} else {
			p.Error = p.T("studio.parts.failed")
			for _, fe := range engine.ErrorFields(eerr) {
				if fe.Message == "" {
					continue
				}
				d.Problems = append(d.Problems, fe.Message)
				name := strings.TrimPrefix(fe.Pointer, "/")
				if _, seen := d.errs[name]; !seen {
					d.errs[name] = fe.Message
				}
			}
		}
		return s.render(c, statusByCode[code], "studio_"+tab, p)
	}
}

// campaignFilename is the campaign file's name.
func (d *studioCampaignData) campaignFilename() string {
	for _, f := range d.Files {
		if f.Kind == engine.KindCampaign {
			return f.Filename
		}
	}
	return d.ID + ".campaign.yaml"
}

// applyPartEdit runs the edit op of tab on doc and returns the id of the
// form it came from (where the page scrolls back to).
func applyPartEdit(tab, op string, c fiber.Ctx, doc *studio.CampaignDoc) (string, error) {
	f := func(k string) string { return bodyField(c, k) }
	key := f("key")
	formID := op
	if key != "" {
		formID = op + "-" + key
	}
	unknown := func() error {
		return &engine.Error{Code: engine.EINVALID, Message: "unknown edit", Fields: []engine.FieldError{{Pointer: "/op", Code: "bad_op", Message: ui.Message(doc.Lang, "studio.parts.bad_op")}}}
	}
	switch tab + "/" + op {
	case "qc/qc-set":
		return formID, doc.SetQC(studio.QCSettings{On: true, Percent: f("qc_percent"), Min: f("qc_min"), Period: f("qc_period")})
	case "qc/qc-remove":
		return formID, doc.RemoveQC()
	case "budget/input":
		return formID, doc.SetInput(key, studio.BudgetInput{Name: f("input_name"), LabelZH: f("input_label_zh"), LabelEN: f("input_label_en")}, f("input_value"))
	case "budget/count":
		return formID, doc.SetCount(key, studio.BudgetCount{Name: f("count_name"), LabelZH: f("count_label_zh"), LabelEN: f("count_label_en"), Form: f("count_form"), States: formValues(c, "count_states")})
	case "budget/delete-name":
		return formID, doc.DeleteName(key)
	case "budget/line":
		return formID, doc.SetLine(key, studio.LineInput{Key: f("line_key"), LabelZH: f("line_label_zh"), LabelEN: f("line_label_en"), UnitYuan: f("line_unit"),
			Factors: formValues(c, "line_factor"), Multiple: f("line_multiple")})
	case "budget/delete-line":
		return formID, doc.DeleteLine(key)
	case "indicators/indicator":
		return formID, doc.SetIndicator(key, indicatorInput(c))
	case "indicators/delete-indicator":
		return formID, doc.DeleteIndicator(key)
	case "indicators/report":
		return formID, doc.SetReport(key, reportInput(c))
	case "indicators/delete-report":
		return formID, doc.DeleteReport(key)
	}
	return formID, unknown()
}

// termInput reads one side of the indicator form: <side>_kind, _form,
// _states, _field, _op, _value, _sum, _official.
func termInput(c fiber.Ctx, side string) studio.TermEdit {
	f := func(k string) string { return bodyField(c, side+"_"+k) }
	return studio.TermEdit{Kind: f("kind"), Form: f("form"), States: formValues(c, side+"_states"), Field: f("field"), Op: f("op"),
		Value: f("value"), SumField: f("sum"), Official: f("official")}
}

func indicatorInput(c fiber.Ctx) studio.IndicatorEdit {
	return studio.IndicatorEdit{ID: bodyField(c, "ind_id"), TitleZH: bodyField(c, "ind_title_zh"), TitleEN: bodyField(c, "ind_title_en"),
		Num: termInput(c, "num"), Den: termInput(c, "den"), Target: bodyField(c, "ind_target"), Better: bodyField(c, "ind_better"),
		Period: bodyField(c, "ind_period")}
}

func reportInput(c fiber.Ctx) studio.ReportEdit {
	f := func(k string) string { return bodyField(c, "rep_"+k) }
	return studio.ReportEdit{ID: f("id"), TitleZH: f("title_zh"), TitleEN: f("title_en"), Form: f("form"), Level: f("level"),
		Period: f("period"), DueDays: f("due"), Before: f("before"), After: f("after")}
}

// fillIndicators puts the indicators, reports and the fields they may
// read on the page.
func (s *Server) fillIndicators(p *pageData, d *studioPartsData, doc *studio.CampaignDoc) {
	d.Indicators = doc.Indicators()
	d.Reports = doc.Reports()
	fields := doc.IndicatorFields(p.Lang)
	for _, f := range doc.Forms() {
		d.Fields = append(d.Fields, studioFieldGroup{Form: f.ID(), Title: f.Title(p.Lang), Fields: fields[f.ID()]})
	}
	for _, lv := range []string{"village", "township", "district", "city", "province"} {
		d.Levels = append(d.Levels, studioOption{Value: lv, Label: p.T("level." + lv)})
	}
	for _, op := range []string{studio.OpEq, studio.OpNe, studio.OpGt, studio.OpLt, studio.OpGe, studio.OpLe, studio.OpSelected, studio.OpFilled, studio.OpEmpty, studio.OpRows} {
		d.Operators = append(d.Operators, studioOption{Value: op, Label: p.T("studio.ind.op." + op)})
	}
}

// FieldLabel is how the page names a condition's field: its label with
// sections, and its form.
func (d *studioPartsData) FieldLabel(path string) string {
	for _, g := range d.Fields {
		for _, f := range g.Fields {
			if f.Path == path {
				return f.Label
			}
		}
	}
	// A field deleted from the form since: say so, the check refuses it.
	return path + ui.Message(d.Lang, "studio.ind.field.gone")
}

// StateLabel is a state's title.
func (d *studioPartsData) StateLabel(st string) string {
	for _, o := range d.States {
		if o.Value == st {
			return o.Label
		}
	}
	return st
}

// FormLabel is a form's title.
func (d *studioPartsData) FormLabel(id string) string {
	for _, o := range d.FormOptions {
		if o.Value == id {
			return o.Label
		}
	}
	return id
}

// OpLabel is a comparison's name.
func (d *studioPartsData) OpLabel(op string) string {
	for _, o := range d.Operators {
		if o.Value == op {
			return o.Label
		}
	}
	return op
}

// TermText says a side in words: "记录数：表单“人口变动登记”，事件类型 等于 "birth"，状态为 已通过".
func (d *studioPartsData) TermText(t studio.TermEdit) string {
	p := &pageData{Lang: d.Lang}
	var parts []string
	switch t.Kind {
	case studio.TermOfficial:
		return p.T("studio.ind.kind.official") + p.T("studio.ind.colon") + t.Official
	case studio.TermSum:
		parts = append(parts, p.T("studio.ind.sum.of", d.FieldLabel(t.SumField)))
	default:
		parts = append(parts, p.T("studio.ind.kind.count"))
	}
	if t.Form != "" {
		parts = append(parts, p.T("studio.ind.text.form", d.FormLabel(t.Form)))
	} else {
		parts = append(parts, p.T("studio.ind.text.anyform"))
	}
	if t.Field != "" {
		c := d.FieldLabel(t.Field) + " " + d.OpLabel(t.Op)
		if _, err := strconv.ParseFloat(t.ValueLabel, 64); err == nil {
			c += " " + t.ValueLabel
		} else if t.ValueLabel != "" {
			c += " “" + t.ValueLabel + "”"
		}
		parts = append(parts, c)
	}
	if len(t.States) > 0 {
		var names []string
		for _, st := range t.States {
			names = append(names, d.StateLabel(st))
		}
		parts = append(parts, p.T("studio.ind.text.states", strings.Join(names, p.T("studio.ind.text.or"))))
	}
	return strings.Join(parts, p.T("studio.ind.text.sep"))
}

// partForm is one form of a tab: adding an entry (Key "") or changing
// one. Its inputs have ids <name>-<suffix>, unique on the page, and the
// names the POST reads.
type partForm struct {
	d      *studioPartsData
	Op     string
	ID     string // the form's id; also where the page scrolls back to
	Key    string
	Suffix string
	Item   any
}

// Form starts the form of op for the entry key ("" for a new one).
func (d *studioPartsData) Form(op, key string, item any) partForm {
	f := partForm{d: d, Op: op, ID: op, Key: key, Suffix: "new", Item: item}
	if key != "" {
		f.ID, f.Suffix = op+"-"+key, key
	}
	return f
}

// Action is where the form posts.
func (f partForm) Action() string { return studioURL(f.d.ID, f.d.Tab) }

// CSRF and Base are the form's hidden fields.
func (f partForm) CSRF() string { return f.d.csrf }
func (f partForm) Base() string { return f.d.Base }

// T is a message in the page's language.
func (f partForm) T(key string, args ...any) string { return ui.Message(f.d.Lang, key, args...) }

// In is the id of input name.
func (f partForm) In(name string) string { return name + "-" + f.Suffix }

// V is the value of input name: as typed when this form was refused, else
// def.
func (f partForm) V(name, def string) string { return f.d.Val(f.ID, name, def) }

// E is the problem of input name, when this form was refused.
func (f partForm) E(name string) string { return f.d.Err(f.ID, name) }

// Has reports whether a check box or option value of input name is on.
func (f partForm) Has(name, value string, def []string) bool { return f.d.Has(f.ID, name, value, def) }

// Is reports whether input name has value (for one-choice selects).
func (f partForm) Is(name, value, def string) bool { return f.V(name, def) == value }

// Slot is the i-th value of a repeated input (a line's factors).
func (f partForm) Slot(name string, i int, def []string) string {
	list := def
	if f.d.Posted == f.ID && f.d.values != nil {
		list = f.d.values[name]
	}
	if i < len(list) {
		return list[i]
	}
	return ""
}

// Field is a text input of the form, for the template "part-input".
func (f partForm) Field(name, def string) partField {
	pf := partField{ID: f.In(name), Name: name, Label: f.T("studio.part." + name), Value: f.V(name, def), Err: f.E(name)}
	if key := "studio.part." + name + ".tip"; ui.HasMessage(key) {
		pf.Tip = f.T(key)
	}
	return pf
}

// partField is one labelled text input with its tip and problem.
type partField struct {
	ID, Name, Label, Value, Err, Tip string
}

// Forms, States and Names are the choices the forms offer.
func (f partForm) Forms() []studioOption  { return f.d.FormOptions }
func (f partForm) States() []studioOption { return f.d.States }
func (f partForm) Names() []studioOption  { return f.d.Names }

// Num shows a whole number of an entry; a new entry shows none.
func (f partForm) Num(v int64) string {
	if f.Key == "" {
		return ""
	}
	return strconv.FormatInt(v, 10)
}

// InputForm is the form of the input name ("" for a new one).
func (d *studioPartsData) InputForm(name string) partForm {
	var item studio.BudgetInput
	for _, in := range d.Budget.Inputs {
		if in.Name == name {
			item = in
		}
	}
	return d.Form("input", name, item)
}

// CountForm is the form of the count name ("" for a new one).
func (d *studioPartsData) CountForm(name string) partForm {
	var item studio.BudgetCount
	for _, c := range d.Budget.Counts {
		if c.Name == name {
			item = c
		}
	}
	return d.Form("count", name, item)
}

// LineForm is the form of the line key ("" for a new one).
func (d *studioPartsData) LineForm(key string) partForm {
	item := budgetLineView{Slots: make([]string, studio.MaxLineFactors)}
	for _, l := range d.BudgetLines {
		if l.Key == key {
			item = l
		}
	}
	return d.Form("line", key, item)
}

// IndicatorForm is the form of the indicator id ("" for a new one).
func (d *studioPartsData) IndicatorForm(id string) partForm {
	item := studio.IndicatorEdit{Num: studio.TermEdit{Kind: studio.TermCount}, Den: studio.TermEdit{Kind: studio.TermOfficial}, Target: "90", Better: "higher"}
	for _, ind := range d.Indicators {
		if ind.ID == id {
			item = ind
		}
	}
	return d.Form("indicator", id, item)
}

// ReportForm is the form of the report id ("" for a new one).
func (d *studioPartsData) ReportForm(id string) partForm {
	item := studio.ReportEdit{Level: "village", Period: "quarter", DueDays: "15"}
	for _, r := range d.Reports {
		if r.ID == id {
			item = r
		}
	}
	return d.Form("report", id, item)
}

// sideForm is one side (num or den) of an indicator's form.
type sideForm struct {
	partForm
	Side string
	Term studio.TermEdit
}

// Side is the numerator ("num") or denominator ("den") of an indicator
// form.
func (f partForm) Side(side string) sideForm {
	ind, _ := f.Item.(studio.IndicatorEdit)
	t := ind.Num
	if side == "den" {
		t = ind.Den
	}
	return sideForm{partForm: f, Side: side, Term: t}
}

// N is the name of the side's input part: num_kind.
func (s sideForm) N(part string) string { return s.Side + "_" + part }

// Fields are the fields a condition may read, by form.
func (f partForm) Fields() []studioFieldGroup { return f.d.Fields }

// Operators are the comparisons a condition offers.
func (f partForm) Operators() []studioOption { return f.d.Operators }

// Levels are the org levels a report may come from.
func (f partForm) Levels() []studioOption { return f.d.Levels }

// Periods are the periods indicators and reports are read in; Kinds the
// kinds of an indicator side.
func (f partForm) Periods() []string { return []string{"month", "quarter", "year"} }
func (f partForm) Kinds() []string {
	return []string{studio.TermCount, studio.TermSum, studio.TermOfficial}
}
