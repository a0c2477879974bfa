package registry

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/forms"
	"canvass/workflows"
)

// Registry imports: a list (CSV or XLSX) becomes records of one form of a
// campaign, one row a record. Columns map to fields by header: a mapping
// saved per campaign and form, else the field key or its Chinese or English
// label. Every row goes through the submission path (forms.Evaluate,
// sealed personal data, dedup key, workflow start) and its org unit comes
// from a village-code column checked against the directory and the
// importer's scope. Problems are reported per row and column.

// Column targets that are not form fields.
const (
	ColumnOrgUnit = "_org_unit" // the code of the record's org unit (the village)
	ColumnID      = "_id"       // the record ID (bulk update)
	ColumnIgnore  = "_ignore"   // a column the import skips
)

// Limits of one uploaded list.
const (
	MaxImportBytes   = 256 << 20 // the whole file
	ImportChunkSize  = 512 << 10 // one upload chunk, under the server's default body limit
	MaxImportColumns = 200
	MaxImportCell    = 4 << 10 // bytes of one cell
	// MaxImportReportRows bounds the stored report of one job: a file
	// whose every row is wrong reports its first problems, and the counts
	// say how many rows there were.
	MaxImportReportRows = 100_000
)

// Report row codes of the importer itself (besides forms' field codes).
const (
	RowExtraColumn    = "extra_column"
	RowMissingColumn  = "missing_column"
	RowCellTooLong    = "cell_too_long"
	RowBadCharacters  = "bad_characters"
	RowUnreadable     = "unreadable_row"
	RowUnknownOrgUnit = "unknown_org_unit"
	RowUnknownRecord  = "unknown_record"
	RowDuplicateID    = "duplicate_id"
	RowNotEditable    = "not_editable"
	RowChanged        = "changed_since_preview"
	RowRejected       = "rejected"
)

var rowMessages = map[string][2]string{
	RowExtraColumn:    {"此行的列数多于表头", "this row has more cells than the header"},
	RowMissingColumn:  {"此行的列数少于表头", "this row has fewer cells than the header"},
	RowCellTooLong:    {"单元格内容过长", "the cell is too long"},
	RowBadCharacters:  {"单元格含有无法识别的字符", "the cell holds characters that cannot be read"},
	RowUnreadable:     {"此行无法读取（引号不配对？）", "this row cannot be read (an unclosed quote?)"},
	RowUnknownOrgUnit: {"单位代码不存在或不在您的管辖范围内", "unknown org unit code, or outside your scope"},
	RowUnknownRecord:  {"找不到此编号的记录", "no record with this id"},
	RowDuplicateID:    {"此编号在文件中重复出现", "this id appears more than once in the file"},
	RowNotEditable:    {"记录已办结，不能修改", "the record is final and cannot be changed"},
	RowChanged:        {"预览后记录已被他人修改，请重新导入", "the record changed after the preview; import again"},
	RowOrgUnitMoved:   {"批量修改不能更改记录所属单位", "a bulk update cannot move a record to another unit"},
	RowChange:         {"将修改", "will change"},
	"required":        {"必填", "required"},
}

// rowMessage returns the localized text of an importer code.
func rowMessage(code, lang string) string {
	m, ok := rowMessages[code]
	if !ok {
		return code
	}
	if engine.TextLang(lang) == "en" {
		return m[1]
	}
	return m[0]
}

// importableFields returns the fields a column can fill: top-level scalar
// fields and the scalar fields of sections (not repeat groups, whose rows
// a flat list cannot hold), in display order.
func importableFields(f *forms.Form) []*forms.Field {
	var out []*forms.Field
	var walk func(fields []*forms.Field)
	walk = func(fields []*forms.Field) {
		for _, fd := range fields {
			switch {
			case fd.Type() == "object":
				walk(fd.Children())
			case fd.Type() == "array" && fd.ItemType() == "":
				// a repeat group
			case fd.ReadOnly():
				// calculated: the form computes it
			default:
				out = append(out, fd)
			}
		}
	}
	walk(f.Fields())
	return out
}

// headerKey normalises a header for matching: trimmed, case-folded, inner
// blanks removed ("出生 日期" matches "出生日期").
func headerKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}

// metaHeaders are the headers of the columns an export adds, matched in
// both languages so that an edited export maps back.
var metaHeaders = map[string]string{
	"id": ColumnID, "编号": ColumnID, "记录编号": ColumnID,
	"单位代码": ColumnOrgUnit, "村代码": ColumnOrgUnit, "村居代码": ColumnOrgUnit, "orgunitcode": ColumnOrgUnit, "orgunit": ColumnOrgUnit, "village": ColumnOrgUnit, "villagecode": ColumnOrgUnit,
	"单位名称": ColumnIgnore, "orgunitname": ColumnIgnore, "状态": ColumnIgnore, "state": ColumnIgnore,
}

// ResolveMapping returns the target of every column of header: the saved
// mapping's choice first, then a field whose key or label equals the
// header, then the export's own columns; "" for a column nothing matches
// (ignored, and listed on the mapping page).
func ResolveMapping(f *forms.Form, saved map[string]string, header []string) []string {
	byHeader := map[string]string{}
	for _, fd := range importableFields(f) {
		for _, h := range []string{fd.Key(), fd.Label(forms.LangZH), fd.Label(forms.LangEN)} {
			if k := headerKey(h); k != "" {
				if _, taken := byHeader[k]; !taken {
					byHeader[k] = fd.Key()
				}
			}
		}
	}
	out := make([]string, len(header))
	used := map[string]bool{}
	for i, h := range header {
		k := headerKey(h)
		target := ""
		if t, ok := saved[h]; ok {
			target = t
		} else if t, ok := byHeader[k]; ok {
			target = t
		} else if t, ok := metaHeaders[k]; ok {
			target = t
		}
		if target == ColumnIgnore || used[target] {
			target = "" // a field fed by two columns would be ambiguous: the first wins
		}
		if target != "" {
			used[target] = true
		}
		out[i] = target
	}
	return out
}

// ImportTarget is something a column can map to, for the mapping page.
type ImportTarget struct {
	Key   string // a field key, ColumnOrgUnit or ColumnID
	Label string
}

// ImportTargets lists what the columns of a list for form f can map to:
// the org-unit code, the record ID (bulk update) and the importable
// fields, labelled in lang.
func ImportTargets(f *forms.Form, lang string) []ImportTarget {
	out := []ImportTarget{{ColumnOrgUnit, "单位（村）代码"}, {ColumnID, "记录编号 id"}}
	if engine.TextLang(lang) == "en" {
		out = []ImportTarget{{ColumnOrgUnit, "Org unit (village) code"}, {ColumnID, "Record id"}}
	}
	for _, fd := range importableFields(f) {
		out = append(out, ImportTarget{fd.Key(), fd.Label(lang)})
	}
	return out
}

// checkMappingTargets returns a field error for every target that is not an
// importable field or a column kind.
func checkMappingTargets(f *forms.Form, cols map[string]string) []engine.FieldError {
	ok := map[string]bool{ColumnOrgUnit: true, ColumnID: true, ColumnIgnore: true}
	for _, fd := range importableFields(f) {
		ok[fd.Key()] = true
	}
	var errs []engine.FieldError
	for h, t := range cols {
		if !ok[t] {
			errs = append(errs, engine.FieldError{Pointer: "/columns/" + engine.EscapePointer(h), Code: "unknown_field", Message: "no importable field " + t})
		}
	}
	return errs
}

// ImportMapping returns the saved mapping of a campaign form (empty when
// none was saved). Returns ENOTFOUND for a campaign or form the actor
// cannot use.
func (s *Service) ImportMapping(ctx context.Context, a *engine.Actor, campaignID, formID string) (*ImportMapping, *forms.Form, error) {
	if err := a.Require(importRoles...); err != nil {
		return nil, nil, err
	}
	_, form, _, err := s.campaignForm(ctx, campaignID, formID)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.store.GetImportMapping(ctx, campaignID, form.ID())
	if engine.ErrorCode(err) == engine.ENOTFOUND {
		return &ImportMapping{CampaignID: campaignID, FormID: form.ID(), Columns: map[string]string{}}, form, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return m, form, nil
}

// SaveImportMapping stores the column mapping of a campaign form. Returns
// EINVALID naming each column whose target is no importable field.
func (s *Service) SaveImportMapping(ctx context.Context, a *engine.Actor, m *ImportMapping) error {
	if err := a.Require(engine.RoleSupervisor, engine.RoleAdmin); err != nil {
		return err
	}
	_, form, _, err := s.campaignForm(ctx, m.CampaignID, m.FormID)
	if err != nil {
		return err
	}
	m.FormID = form.ID()
	if len(m.Columns) > MaxImportColumns {
		return engine.Errorf(engine.ETOOLARGE, "a mapping has at most %d columns", MaxImportColumns)
	}
	if errs := checkMappingTargets(form, m.Columns); len(errs) > 0 {
		return &engine.Error{Code: engine.EINVALID, Message: "some columns map to no field of the form", Fields: errs}
	}
	c := *m
	c.UpdatedBy, c.UpdatedAt = a.ID(), s.e.Now()
	if err := s.store.PutImportMapping(ctx, &c); err != nil {
		return err
	}
	return s.e.Audit(ctx, a, "import.mapping", "campaign", m.CampaignID, a.User.OrgPath, map[string]any{"form": m.FormID, "columns": len(m.Columns)})
}

// importRoles may import lists and bulk-update records in their scope.
var importRoles = []string{engine.RoleFieldWorker, engine.RoleSupervisor, engine.RoleAdmin}

// campaignForm returns a campaign, one of its forms (latest published) and
// that form's version. Returns ENOTFOUND for an unknown campaign or a form
// it does not have.
func (s *Service) campaignForm(ctx context.Context, campaignID, formID string) (*campaigns.Campaign, *forms.Form, int, error) {
	camp, err := s.e.Campaign(ctx, campaignID)
	if err != nil {
		return nil, nil, 0, err
	}
	if formID == "" && len(camp.Forms()) > 0 {
		formID = camp.Forms()[0]
	}
	if !camp.HasForm(formID) {
		return nil, nil, 0, engine.Errorf(engine.ENOTFOUND, "campaign %s has no form %q", camp.ID(), formID)
	}
	form, v, err := s.e.Form(ctx, formID, 0)
	if err != nil {
		return nil, nil, 0, err
	}
	return camp, form, v, nil
}

// rowPlan is what reading one job's rows needs, built once per run: the
// form, the column targets, the org units the importer may use, and caches.
type rowPlan struct {
	s       *Service
	job     *ImportJob
	actor   *engine.Actor
	camp    *campaigns.Campaign
	form    *forms.Form
	wf      *workflows.Workflow
	wfVer   int
	header  []string
	targets []string // per column: field key, ColumnOrgUnit, ColumnID or ""
	fields  map[string]*forms.Field
	paths   map[string][]string        // field key → keys from the root
	units   map[string]*engine.OrgUnit // code → unit, the importer's part of the campaign
	levels  map[string]string          // path|level → task path (ancestorAt cache)
	xlsx    bool
	lang    string
}

// cellIssue is one problem found while reading a row.
func (p *rowPlan) issue(row int, column, code, message string) ImportRow {
	if message == "" {
		message = rowMessage(code, p.lang)
	}
	return ImportRow{JobID: p.job.ID, Row: row, Column: column, Code: code, Message: message}
}

// parsedRow is one source row read into answers.
type parsedRow struct {
	row     int
	answers map[string]any
	unit    *engine.OrgUnit
	id      string // ColumnID's cell, for updates
	issues  []ImportRow
	// present lists the field keys whose column the file has, so that an
	// update changes only those.
	present []string
}

// readRow turns a row's cells into answers typed by the form, with the
// problems a reader can see: extra or missing cells, over-long or garbled
// cells, an unknown org unit.
func (p *rowPlan) readRow(ctx context.Context, row int, rec []string) parsedRow {
	out := parsedRow{row: row, answers: map[string]any{}}
	if len(rec) > len(p.header) {
		for i := len(p.header); i < len(rec); i++ {
			if strings.TrimSpace(rec[i]) != "" {
				out.issues = append(out.issues, p.issue(row, "#"+strconv.Itoa(i+1), RowExtraColumn, ""))
				break
			}
		}
	} else if len(rec) < len(p.header) && !p.xlsx {
		// XLSX drops trailing empty cells; a short CSV row has lost a
		// separator, and its cells may sit under the wrong headers.
		out.issues = append(out.issues, p.issue(row, p.header[len(rec)], RowMissingColumn, ""))
	}
	for i, target := range p.targets {
		if target == "" || i >= len(rec) {
			continue
		}
		cell := strings.TrimSpace(rec[i])
		switch {
		case len(cell) > MaxImportCell:
			out.issues = append(out.issues, p.issue(row, p.header[i], RowCellTooLong, ""))
			continue
		case !cleanText(cell):
			out.issues = append(out.issues, p.issue(row, p.header[i], RowBadCharacters, ""))
			continue
		}
		switch target {
		case ColumnID:
			out.id = cell
		case ColumnOrgUnit:
			if cell == "" && p.job.Kind == ImportKindUpdate {
				continue // an update never moves a record; the column is a check
			}
			if cell == "" {
				out.issues = append(out.issues, p.issue(row, p.header[i], "required", ""))
				continue
			}
			u, ok := p.units[cell]
			if !ok {
				out.issues = append(out.issues, p.issue(row, p.header[i], RowUnknownOrgUnit, ""))
				continue
			}
			out.unit = u
		default:
			fd := p.fields[target]
			out.present = append(out.present, target)
			if cell == "" {
				continue
			}
			putField(out.answers, p.paths[target], cellValue(fd, cell))
		}
	}
	if out.unit == nil && !p.hasTarget(ColumnOrgUnit) && p.job.Kind == ImportKindInsert {
		// No village column: the importer's own unit, as a submission.
		if u, ok := p.units[p.actor.User.OrgUnit]; ok {
			out.unit = u
		} else {
			out.issues = append(out.issues, p.issue(row, "", RowUnknownOrgUnit, ""))
		}
	}
	return out
}

func (p *rowPlan) hasTarget(t string) bool {
	for _, x := range p.targets {
		if x == t {
			return true
		}
	}
	return false
}

// columnOf returns the header of the column that feeds the field at a JSON
// pointer ("/idNumber", "/address/village").
func (p *rowPlan) columnOf(ptr string) string {
	key := ptr[strings.LastIndex(ptr, "/")+1:]
	for i, t := range p.targets {
		if t == key {
			return p.header[i]
		}
	}
	return ptr
}

// evaluate checks answers with the form as a submission is checked and
// returns the clean answers, or the problems keyed by column.
func (p *rowPlan) evaluate(row int, answers map[string]any) (forms.State, []ImportRow) {
	st := forms.Evaluate(p.form, answers, forms.Env{RefTime: p.camp.RefTime(), SubmittedAt: p.s.e.Now(), Lang: p.lang})
	var issues []ImportRow
	for _, fe := range st.Errors {
		issues = append(issues, p.issue(row, p.columnOf(fe.Pointer), fe.Code, fe.Message))
	}
	return st, issues
}

// fieldPaths returns, for every field of the form outside repeat groups,
// the keys from the answers' root to its value ("address", "street").
func fieldPaths(f *forms.Form) map[string][]string {
	out := map[string][]string{}
	var walk func(fields []*forms.Field, prefix []string)
	walk = func(fields []*forms.Field, prefix []string) {
		for _, fd := range fields {
			path := append(slices.Clone(prefix), fd.Key())
			out[fd.Key()] = path
			if fd.Type() == "object" {
				walk(fd.Children(), path)
			}
		}
	}
	walk(f.Fields(), nil)
	return out
}

// putField stores v at path in answers, creating sections on the way.
func putField(answers map[string]any, path []string, v any) {
	m := answers
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

// getField returns the value at path in answers.
func getField(answers map[string]any, path []string) (any, bool) {
	m := answers
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil, false
		}
		m = next
	}
	v, ok := m[path[len(path)-1]]
	return v, ok
}

// deleteField removes the value at path from answers.
func deleteField(answers map[string]any, path []string) {
	m := answers
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			return
		}
		m = next
	}
	delete(m, path[len(path)-1])
}

// cleanText reports whether a cell is readable text: valid UTF-8 without
// control characters other than tab and line breaks, and without the
// replacement character a wrong decoding leaves behind.
func cleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == utf8.RuneError || (unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r') {
			return false
		}
	}
	return true
}

var (
	yesWords = map[string]bool{"是": true, "有": true, "yes": true, "y": true, "true": true, "1": true, "√": true, "对": true}
	noWords  = map[string]bool{"否": true, "无": true, "no": true, "n": true, "false": true, "0": true, "×": true, "不是": true}
)

// cellValue types a cell's text by its field: numbers, yes/no, choices by
// value or by label, lists split on common separators, dates in the forms
// Chinese spreadsheets write. Text that does not parse stays text, so that
// forms.Evaluate reports the type error against the column.
func cellValue(fd *forms.Field, cell string) any {
	switch fd.Type() {
	case "integer", "number":
		s := strings.ReplaceAll(cell, ",", "")
		if n, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(n, 0) && !math.IsNaN(n) {
			if fd.Type() == "integer" && n == math.Trunc(n) {
				return int(n)
			}
			return n
		}
		if v, ok := choiceByLabel(fd, cell); ok {
			return v
		}
		return cell
	case "boolean":
		l := strings.ToLower(cell)
		switch {
		case yesWords[l]:
			return true
		case noWords[l]:
			return false
		}
		return cell
	case "array":
		parts := strings.FieldsFunc(cell, func(r rune) bool { return strings.ContainsRune(",，、;；|\n", r) })
		out := make([]any, 0, len(parts))
		for _, s := range parts {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			if v, ok := choiceByLabel(fd, s); ok {
				out = append(out, v)
				continue
			}
			if fd.ItemType() == "integer" {
				if n, err := strconv.Atoi(s); err == nil {
					out = append(out, n)
					continue
				}
			}
			out = append(out, s)
		}
		return out
	}
	if fd.Format() == forms.FormatDate {
		if d, ok := parseDate(cell); ok {
			return d
		}
		return cell
	}
	if v, ok := choiceByLabel(fd, cell); ok {
		return v
	}
	if fd.Format() == forms.FormatResidentID {
		return strings.ToUpper(cell)
	}
	return cell
}

// choiceByLabel returns the value of the choice whose value or label (in
// either language) is s.
func choiceByLabel(fd *forms.Field, s string) (any, bool) {
	for _, c := range fd.Choices() {
		if fmt.Sprint(c.Value()) == s || c.Label(forms.LangZH) == s || c.Label(forms.LangEN) == s {
			return c.Value(), true
		}
	}
	return nil, false
}

var dateLayouts = []string{"2006-01-02", "2006/1/2", "2006-1-2", "2006.1.2", "2006年1月2日", "20060102", "2006/01/02 15:04:05", "2006-01-02 15:04:05", "01-02-06", "1/2/06", "1/2/2006"}

// parseDate reads a date as spreadsheets write it and returns it as
// 2006-01-02. An Excel serial day number (a date cell read as a number) is
// converted too.
func parseDate(s string) (string, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	if n, err := strconv.Atoi(s); err == nil && n > 20000 && n < 80000 {
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n).Format("2006-01-02"), true
	}
	return "", false
}

// taskPath is ancestorAt with a cache: a million rows from a few hundred
// villages need a few hundred look-ups.
func (p *rowPlan) taskPath(ctx context.Context, path, level string) (string, error) {
	k := path + "|" + level
	if t, ok := p.levels[k]; ok {
		return t, nil
	}
	t, err := p.s.e.AncestorAt(ctx, path, level)
	if err != nil {
		return "", err
	}
	p.levels[k] = t
	return t, nil
}

// newRecord builds the record of a valid row as Submit would: the workflow
// starts, the answers are sealed, the dedup key computed. The ID is derived
// from the job and the row, so a replayed row is the same record.
func (p *rowPlan) newRecord(ctx context.Context, row int, unit *engine.OrgUnit, clean map[string]any, now time.Time) (*engine.Record, *ImportRow, error) {
	r := &engine.Record{
		ID: importRecordID(p.job, row), CampaignID: p.camp.ID(), FormID: p.form.ID(), FormVersion: p.job.FormVersion,
		WorkflowID: p.wf.ID(), WorkflowVersion: p.wfVer,
		OrgUnit: unit.Code, OrgPath: unit.Path, CreatedBy: p.actor.ID(), CreatedAt: now, UpdatedAt: now,
	}
	out, err := p.wf.Begin(workflows.Input{Answers: p.form.Flatten(clean), OrgLevel: unit.Level, SubmittedAt: now, CreatedAt: now, RefTime: p.camp.RefTime(), At: now})
	if err != nil {
		werr := engine.WorkflowError(err, p.lang)
		if engine.ErrorCode(werr) == engine.EINTERNAL {
			return nil, nil, werr
		}
		is := p.issue(row, "", RowRejected, engine.ErrorMessage(werr))
		if fs := engine.ErrorFields(werr); len(fs) > 0 && fs[0].Pointer != "" {
			is.Column, is.Code = p.columnOf(fs[0].Pointer), fs[0].Code
		}
		return nil, &is, nil
	}
	r.State, r.DueAt, r.NextTimerAt, r.TimerKind = out.To, out.DueAt, out.NextTimerAt, out.TimerKind
	if out.Step != nil {
		tp, err := p.taskPath(ctx, r.OrgPath, out.Step.Level)
		if err != nil {
			return nil, nil, err
		}
		r.Step, r.CandidateRoles, r.TaskOrgPath = out.Step.Name, out.Step.Roles, tp
	}
	r.History = []engine.HistoryEntry{{At: now, Actor: p.actor.ID(), Action: "import", ToState: out.To, Reason: p.job.FileName}}
	r.ContentHash = p.s.e.ContentHash(r, clean)
	if r.Answers, r.DedupKey, err = p.s.e.SealAnswers(p.form, p.camp.ID(), clean); err != nil {
		return nil, nil, err
	}
	return r, nil, nil
}
