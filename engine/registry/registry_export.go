package registry

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"canvass/engine"
	"canvass/engine/tabular"
	"canvass/forms"
	"canvass/workflows"
)

// Export formats.
const (
	ExportXLSX = "xlsx"
	ExportCSV  = "csv"
	ExportZip  = "zip" // one CSV per village in a zip archive
)

// ExportRequest asks for the records of one campaign form in an org-unit
// subtree.
type ExportRequest struct {
	CampaignID string
	FormID     string // default: the campaign's first form
	OrgUnit    string // code of the subtree's root; default: the actor's unit
	Format     string // ExportXLSX (default), ExportCSV or ExportZip
	// PerVillage puts each village's records on a sheet of its own (XLSX)
	// or in a CSV of its own (always so for ExportZip): the door-to-door
	// lists. Records of units above village level come last, together.
	PerVillage bool
	// Reveal exports personal values in full, for roles that may see them
	// (MayReveal); the export is audited as a reveal.
	Reveal bool
	// States keeps the records in these workflow states (engine.StateDraft
	// for drafts); empty exports every state. The records page offers the
	// accepted states (workflows.Workflow.AcceptedStates) by default, so a
	// name list does not mix in drafts and refusals.
	States []string
	Lang   string
}

// ExportResult says what an export wrote.
type ExportResult struct {
	Records int64
	Sheets  int
	Format  string
}

// exportColumn is one answer column of an export.
type exportColumn struct {
	fd     *forms.Field
	path   []string
	header string
}

// exportColumns lists the scalar fields of a form (top level and inside
// sections, calculated ones too), headed by their labels in lang; a label
// two fields share is replaced by the keys, so that the export maps back.
func exportColumns(f *forms.Form, lang string) []exportColumn {
	var out []exportColumn
	var walk func(fields []*forms.Field)
	walk = func(fields []*forms.Field) {
		for _, fd := range fields {
			switch {
			case fd.Type() == "object":
				walk(fd.Children())
			case fd.Type() == "array" && fd.ItemType() == "":
			default:
				out = append(out, exportColumn{fd: fd, header: fd.Label(lang)})
			}
		}
	}
	walk(f.Fields())
	paths := fieldPaths(f)
	for i := range out {
		out[i].path = paths[out[i].fd.Key()]
	}
	seen := map[string]int{}
	for _, c := range out {
		seen[headerKey(c.header)]++
	}
	for i := range out {
		if seen[headerKey(out[i].header)] > 1 {
			out[i].header = out[i].fd.Key()
		}
	}
	return out
}

// exportMetaHeaders are the first four columns, in lang.
func exportMetaHeaders(lang string) []string {
	if engine.TextLang(lang) == "en" {
		return []string{"id", "Org unit code", "Org unit", "State"}
	}
	return []string{"id", "单位代码", "单位名称", "状态"}
}

// ExportRecords writes the records of a campaign form in an org-unit
// subtree within the actor's scope to w, headed by the form's labels in
// lang, personal values masked unless Reveal (allowed by MayReveal). It
// streams: records are read a page at a time. The export is audited.
// Returns ENOTFOUND for an unknown campaign, form or an org unit outside
// the actor's scope, EFORBIDDEN for a reveal the role may not make,
// EINVALID for an unknown format.
func (s *Service) ExportRecords(ctx context.Context, a *engine.Actor, req ExportRequest, w io.Writer) (*ExportResult, error) {
	if err := a.Require(engine.Roles...); err != nil {
		return nil, err
	}
	if req.Format == "" {
		req.Format = ExportXLSX
	}
	if req.Format != ExportXLSX && req.Format != ExportCSV && req.Format != ExportZip {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "the format is xlsx, csv or zip", Fields: []engine.FieldError{{Pointer: "/format", Code: "enum", Message: "xlsx, csv or zip"}}}
	}
	if req.Reveal && !engine.MayReveal(a) {
		return nil, engine.Errorf(engine.EFORBIDDEN, "your role may not export personal data in full")
	}
	camp, form, _, err := s.campaignForm(ctx, req.CampaignID, req.FormID)
	if err != nil {
		return nil, err
	}
	if err := s.checkExportStates(ctx, camp, req.States); err != nil {
		return nil, err
	}
	code := req.OrgUnit
	if code == "" {
		code = a.User.OrgUnit
	}
	root, err := s.e.OrgUnit(ctx, a, code)
	if err != nil {
		return nil, err
	}
	units, err := s.store.ListOrgUnits(ctx, root.Path)
	if err != nil {
		return nil, err
	}
	x := &exporter{s: s, a: a, req: req, form: form, units: map[string]*engine.OrgUnit{}, flows: map[string]*workflows.Workflow{}, forms: map[int]*forms.Form{}}
	for i := range units {
		x.units[units[i].Code] = &units[i]
	}
	x.cols = exportColumns(form, req.Lang)
	x.header = append(exportMetaHeaders(req.Lang), make([]string, 0, len(x.cols))...)
	for _, c := range x.cols {
		x.header = append(x.header, c.header)
	}
	filter := engine.RecordFilter{CampaignID: camp.ID(), FormID: form.ID(), States: req.States}
	res := &ExportResult{Format: req.Format}
	switch {
	case req.Format == ExportZip || (req.Format == ExportCSV && req.PerVillage):
		res.Format = ExportZip
		zw := zip.NewWriter(w)
		err = x.perVillage(ctx, filter, root, units, func(name string) (tabular.Writer, func() error, error) {
			f, err := zw.Create(name + ".csv")
			if err != nil {
				return nil, nil, err
			}
			tw := tabular.NewCSV(f)
			return tw, tw.Close, nil
		})
		if err == nil {
			err = zw.Close()
		}
	case req.PerVillage:
		tw := tabular.NewXLSX(w)
		err = x.perVillage(ctx, filter, root, units, func(name string) (tabular.Writer, func() error, error) {
			return tw, func() error { return nil }, nil
		})
		if err == nil && x.sheets == 0 {
			err = tw.Sheet(root.Name, x.header)
		}
		if err == nil {
			filter.OrgPaths = []string{root.Path}
			err = x.groupSheets(ctx, filter, tw, x.sheetNames)
		}
		if err == nil {
			err = tw.Close()
		}
	default:
		tw := tabular.NewXLSX(w)
		if req.Format == ExportCSV {
			tw = tabular.NewCSV(w)
		}
		if err = tw.Sheet(root.Name, x.header); err == nil {
			x.sheets++
			filter.OrgPaths = []string{root.Path}
			err = x.records(ctx, filter, tw, nil)
			if err == nil && req.Format == ExportXLSX {
				err = x.groupSheets(ctx, filter, tw, map[string]bool{sanitizeName(root.Name): true})
			}
			if err == nil {
				err = tw.Close()
			}
		}
	}
	if err != nil {
		return nil, err
	}
	res.Records, res.Sheets = x.count, x.sheets
	action := "record.export"
	if req.Reveal {
		action = "pii.reveal"
	}
	return res, s.e.Audit(ctx, a, action, "campaign", camp.ID(), root.Path, map[string]any{
		"export": true, "form": form.ID(), "org": root.Code, "format": res.Format, "records": x.count, "perVillage": req.PerVillage || req.Format == ExportZip, "reveal": req.Reveal, "states": req.States})
}

// exporter writes one export.
type exporter struct {
	s      *Service
	a      *engine.Actor
	req    ExportRequest
	form   *forms.Form
	cols   []exportColumn
	header []string
	units  map[string]*engine.OrgUnit
	flows  map[string]*workflows.Workflow
	forms  map[int]*forms.Form
	count  int64
	sheets int
	// sheetNames are the per-village sheets' names, so that a repeat
	// group's sheet gets another.
	sheetNames map[string]bool
}

// perVillage writes one sheet (or file) per village of the subtree, in
// path order, then one for the records that lie in no village.
func (x *exporter) perVillage(ctx context.Context, f engine.RecordFilter, root *engine.OrgUnit, units []engine.OrgUnit,
	open func(name string) (tabular.Writer, func() error, error)) error {
	names := map[string]bool{}
	x.sheetNames = names
	uniq := func(u *engine.OrgUnit) string {
		n := sanitizeName(u.Name)
		if names[n] || n == "" {
			n = sanitizeName(u.Name + " " + u.Code)
		}
		names[n] = true
		return n
	}
	villages := map[string]bool{}
	for i := range units {
		u := &units[i]
		if u.Level != engine.LevelVillage {
			continue
		}
		villages[u.Path] = true
		f.OrgPaths = []string{u.Path}
		if err := x.sheet(ctx, f, uniq(u), open, nil); err != nil {
			return err
		}
	}
	// Records above village level (or in a tree without villages).
	f.OrgPaths = []string{root.Path}
	inVillage := func(r *engine.Record) bool {
		codes := strings.Split(strings.Trim(r.OrgPath, "/"), "/")
		for i := range codes {
			if villages["/"+strings.Join(codes[:i+1], "/")+"/"] {
				return true
			}
		}
		return false
	}
	other := &engine.OrgUnit{Name: "其他", Code: root.Code}
	if engine.TextLang(x.req.Lang) == "en" {
		other.Name = "Other"
	}
	return x.sheet(ctx, f, uniq(other), open, func(r *engine.Record) bool { return !inVillage(r) })
}

// sheet writes the records matching f (and keep) to a new sheet, opened
// only when there is a record for it.
func (x *exporter) sheet(ctx context.Context, f engine.RecordFilter, name string, open func(string) (tabular.Writer, func() error, error), keep func(*engine.Record) bool) error {
	var tw tabular.Writer
	var done func() error
	start := func() (tabular.Writer, error) {
		if tw != nil {
			return tw, nil
		}
		var err error
		if tw, done, err = open(name); err != nil {
			return nil, err
		}
		x.sheets++
		return tw, tw.Sheet(name, x.header)
	}
	if err := x.records(ctx, f, nil, func(r *engine.Record) (tabular.Writer, error) {
		if keep != nil && !keep(r) {
			return nil, nil
		}
		return start()
	}); err != nil {
		return err
	}
	if done != nil {
		return done()
	}
	return nil
}

// records pages through the records matching f and writes each to tw, or
// to the writer pick returns for it (nil: skip the record).
func (x *exporter) records(ctx context.Context, f engine.RecordFilter, tw tabular.Writer, pick func(*engine.Record) (tabular.Writer, error)) error {
	p := engine.Page{Limit: engine.MaxPageLimit}
	for {
		page, err := x.s.store.ListRecords(ctx, f, p)
		if err != nil {
			return err
		}
		for _, r := range page.Records {
			if !x.a.Sees(r.OrgPath) {
				continue
			}
			out := tw
			if pick != nil {
				if out, err = pick(r); err != nil {
					return err
				}
				if out == nil {
					continue
				}
			}
			row, err := x.row(ctx, r)
			if err != nil {
				return err
			}
			if err := out.Write(row); err != nil {
				return err
			}
			x.count++
		}
		if page.Next == "" {
			return nil
		}
		p.After = page.Next
	}
}

// row formats one record: id, unit, state, then the answers as people
// read them (choice labels, 是/否, lists joined with 、).
func (x *exporter) row(ctx context.Context, r *engine.Record) ([]any, error) {
	form, err := x.formOf(ctx, r)
	if err != nil {
		return nil, err
	}
	answers := x.s.e.OpenAnswers(form, r.Answers, x.req.Reveal)
	unitName := ""
	if u := x.units[r.OrgUnit]; u != nil {
		unitName = u.Name
	}
	row := make([]any, 0, 4+len(x.cols))
	row = append(row, r.ID, r.OrgUnit, unitName, x.stateTitle(ctx, r))
	for _, c := range x.cols {
		v, _ := getField(answers, c.path)
		row = append(row, exportCell(c.fd, v, x.req.Lang))
	}
	return row, nil
}

func (x *exporter) stateTitle(ctx context.Context, r *engine.Record) string {
	if r.State == engine.StateDraft { // no workflow names it: a draft has not entered one
		if engine.TextLang(x.req.Lang) == "en" {
			return "Draft"
		}
		return "草稿"
	}
	if r.WorkflowID == "" {
		return r.State
	}
	k := r.WorkflowID + "@" + strconv.Itoa(r.WorkflowVersion)
	wf, ok := x.flows[k]
	if !ok {
		wf, _, _ = x.s.e.Workflow(ctx, r.WorkflowID, r.WorkflowVersion)
		x.flows[k] = wf
	}
	if wf == nil {
		return r.State
	}
	return wf.StateTitle(r.State, x.req.Lang)
}

// exportCell formats an answer for a spreadsheet cell.
func exportCell(fd *forms.Field, v any, lang string) any {
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		switch {
		case engine.TextLang(lang) == "en" && x:
			return "yes"
		case engine.TextLang(lang) == "en":
			return "no"
		case x:
			return "是"
		}
		return "否"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = choiceLabel(fd, e, lang)
		}
		return strings.Join(parts, "、")
	case map[string]any:
		return exportText(x)
	}
	if len(fd.Choices()) > 0 {
		return choiceLabel(fd, v, lang)
	}
	return v
}

func choiceLabel(fd *forms.Field, v any, lang string) string {
	for _, c := range fd.Choices() {
		if fmt.Sprint(c.Value()) == fmt.Sprint(v) {
			return c.Label(lang)
		}
	}
	return fmt.Sprint(v)
}

// exportText formats any answer value as text.
func exportText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// sanitizeName makes a unit name safe as a file or sheet name.
func sanitizeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]"<>|`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}
