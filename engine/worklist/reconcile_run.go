package worklist

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/engine/tabular"
	"canvass/forms"
)

// ReconcileMapping says which columns of their file hold what. Headers
// are matched exactly after trimming blanks.
type ReconcileMapping struct {
	// FormID is the form of our records to compare; empty: the campaign's
	// first form with an ID-number field.
	FormID      string `json:"form_id,omitempty"`
	IDNumber    string `json:"id_number"`            // their ID-number column (required)
	Name        string `json:"name,omitempty"`       // their name column (for the fallback match)
	BirthDate   string `json:"birth_date,omitempty"` // their birth-date column (for the fallback match)
	VillageCode string `json:"village_code"`         // their village-code column (required: routes only_theirs)
	// OurBirthDate is our form field holding the birth date, by path or
	// key (forms.Form.Resolve); empty: the birth date inside our ID number.
	OurBirthDate string `json:"our_birth_date,omitempty"`
	// Fields maps our fields, by path or key, to their columns, for the
	// values compared side by side. Fields of repeat groups cannot be
	// compared with one cell and are refused.
	Fields map[string]string `json:"fields,omitempty"`
}

// ReconcileProblem is a row of their file that was refused, and why.
type ReconcileProblem struct {
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"`
	Code   string `json:"code"` // missing_id, unknown_village, out_of_scope, duplicate_row, unreadable
}

// ReconcileInput is one comparison request: their file and its mapping.
type ReconcileInput struct {
	CampaignID string
	FileName   string
	File       io.Reader
	Mapping    ReconcileMapping
	Lang       string // of a refusal by the campaign's phases; Chinese by default
}

// voidStates are the final states of a record refused for good, named as
// the pay package names them (pay.AcceptedState): such a record is no
// person the registry has, so a run neither matches nor lists it.
var voidStates = map[string]bool{"rejected": true, "cancelled": true, "canceled": true}

// ReconcileResult is a finished run and the rows it refused.
type ReconcileResult struct {
	Run      *ReconcileRun
	Problems []ReconcileProblem
}

// Limits of a reconciliation file.
const (
	MaxReconcileRows = 200_000
	maxCellRunes     = 200
	// MaxReconcileProblems caps the refused rows a result lists (all are
	// counted).
	MaxReconcileProblems = 1000
)

// Worklist match methods.
const (
	MatchIDNumber  = "id_number"
	MatchNameBirth = "name_birth_date"
)

// Reconcile compares the campaign's records in the actor's subtree with an
// external file and puts every difference on the worklist of the village
// that owns it: records only we have (only_ours, routed to our record's
// village), rows only they have (only_theirs, routed to the village code in
// their row), and matched pairs whose compared values differ (field_diff).
// Rows match first on the ID number (through the keyed hash), then on name
// and birth date.
//
// The whole file is read and checked before anything is written: a file
// that is not CSV or XLSX, or lacks a mapped column, is EINVALID and leaves
// nothing behind. Rows without an ID number and name, with an unknown
// village code or one outside the actor's subtree, are refused one by one
// and counted. The same file twice is ECONFLICT. A run that fails while
// writing items is stored as failed, with the counts it reached.
// Supervisors and admins only.
func (s *Service) Reconcile(ctx context.Context, a *engine.Actor, in ReconcileInput) (*ReconcileResult, error) {
	if err := a.Require(engine.RoleSupervisor, engine.RoleAdmin); err != nil {
		return nil, err
	}
	if s.e.Vault() == nil {
		return nil, engine.Errorf(engine.EUNAVAILABLE, "ID numbers cannot be compared: no encryption key is configured")
	}
	camp, err := s.e.Campaign(ctx, in.CampaignID)
	if err != nil {
		return nil, err
	}
	if err := s.e.PhaseOpen(ctx, camp, campaigns.PhaseReconcile, s.e.Now(), in.Lang); err != nil {
		return nil, err
	}
	form, err := s.reconcileForm(ctx, camp.Forms(), in.Mapping.FormID)
	if err != nil {
		return nil, err
	}
	m := in.Mapping
	m.FormID = form.ID()
	ours, err := ourSide(form, m)
	if err != nil {
		return nil, err
	}
	// The run keeps the mapping by our fields' paths, whatever it was
	// written with.
	m.Fields = mappedColumns(form, m)
	if ours.birthDate != nil {
		m.OurBirthDate = ours.birthDate.Path()
	}
	h := sha256.New()
	rd, err := tabular.Open(in.FileName, io.TeeReader(in.File, h))
	if err != nil {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "the file is not a CSV or XLSX table with a header row", Err: err,
			Fields: []engine.FieldError{{Pointer: "/file", Code: "format", Message: "not a CSV or XLSX table"}}}
	}
	defer rd.Close()
	cols, err := mapColumns(rd.Header(), m)
	if err != nil {
		return nil, err
	}
	scope := a.Scope()[0]
	rows, problems, counts, err := s.readTheirRows(ctx, rd, cols, in.CampaignID, scope)
	if err != nil {
		return nil, err
	}
	// Hash whatever the reader left unread, so the hash is the whole file's.
	if _, err := io.Copy(io.Discard, io.TeeReader(in.File, h)); err != nil {
		return nil, engine.WrapError(engine.EINVALID, "the file cannot be read", err)
	}
	now := s.e.Now()
	run := &ReconcileRun{
		ID: engine.NewID(now), CampaignID: camp.ID(), OrgPath: scope, FileName: cleanCell(in.FileName),
		FileHash: hex.EncodeToString(h.Sum(nil)), By: a.ID(), At: now, Status: RunRunning, Mapping: m, Counts: counts,
	}
	if err := s.store.CreateReconcileRun(ctx, run); err != nil {
		if engine.ErrorCode(err) == engine.ECONFLICT {
			return nil, &engine.Error{Code: engine.ECONFLICT, Message: "this file was already compared with this campaign", Err: err,
				Fields: []engine.FieldError{{Pointer: "/file", Code: "duplicate_run", Message: "already compared"}}}
		}
		return nil, err
	}
	run.Version = 1
	runErr := s.matchAndList(ctx, form, ours, run, rows)
	if runErr != nil {
		run.Status, run.Error = RunFailed, engine.ErrorMessage(runErr)
	} else {
		run.Status = RunDone
	}
	// The run's outcome is stored even when the request was cancelled
	// meanwhile: a run must never stay "running" for ever.
	done := context.WithoutCancel(ctx)
	stored, err := s.store.UpdateReconcileRun(done, run)
	if err != nil {
		return nil, err
	}
	if err := s.e.Audit(done, a, "reconcile.run", "reconcile_run", run.ID, run.OrgPath, map[string]any{
		"campaign": run.CampaignID, "file": run.FileName, "status": run.Status, "counts": run.Counts,
	}); err != nil {
		return nil, err
	}
	if runErr != nil {
		return &ReconcileResult{Run: stored, Problems: problems}, runErr
	}
	return &ReconcileResult{Run: stored, Problems: problems}, nil
}

func (s *Service) reconcileForm(ctx context.Context, ids []string, want string) (*forms.Form, error) {
	for _, id := range ids {
		if want != "" && id != want {
			continue
		}
		form, _, err := s.e.Form(ctx, id, 0)
		if err != nil {
			return nil, err
		}
		if len(idFields(form)) > 0 {
			return form, nil
		}
	}
	return nil, &engine.Error{Code: engine.EINVALID, Message: "the campaign has no form with an ID-number field to compare",
		Fields: []engine.FieldError{{Pointer: "/mapping/form_id", Code: "no_id_field", Message: "no form with an ID number"}}}
}

// idFields are the ID-number fields of a form that identify a record: at
// the top or in sections, not in repeat groups (engine.DedupField picks
// the one a record answers).
func idFields(form *forms.Form) []*forms.Field {
	return piiFields(form, engine.PIIIDNumber)
}

func piiFields(form *forms.Form, kind string) []*forms.Field {
	var out []*forms.Field
	for _, fd := range form.PIIFields() {
		if fd.PII() == kind && fd.Group() == nil {
			out = append(out, fd)
		}
	}
	return out
}

// ourFields names the fields of our form that a run reads. A record's
// identity is its first answered ID-number field and its first answered
// name field (a vital-events record holds the mother's or the deceased's,
// as its kind says); birthDate is nil when the ID number gives it.
type ourFields struct {
	ids, names []*forms.Field
	birthDate  *forms.Field
	compared   []*forms.Field // in form order
}

// mappingField resolves a mapping's reference to one of our fields that
// holds one value per record, or says in a FieldError what is wrong.
func mappingField(form *forms.Form, ptr, ref string) (*forms.Field, *engine.FieldError) {
	fd, err := form.Resolve(ref)
	var pe *forms.PathError
	switch {
	case errors.As(err, &pe):
		return nil, &engine.FieldError{Pointer: ptr, Code: pe.Code, Message: pe.Message}
	case err != nil:
		return nil, &engine.FieldError{Pointer: ptr, Code: forms.CodeUnknownField, Message: err.Error()}
	case fd.Type() == "object" || fd.Type() == "array":
		return nil, &engine.FieldError{Pointer: ptr, Code: "not_simple", Message: fmt.Sprintf("%s (%s) is a section or list, not one value: map one of its fields", fd.Path(), fd.Label(forms.LangZH))}
	case fd.Group() != nil:
		return nil, &engine.FieldError{Pointer: ptr, Code: forms.CodeFieldInRepeat, Message: fmt.Sprintf("%s (%s) has a value per row of %s, not one per record", fd.Path(), fd.Label(forms.LangZH), fd.Group().Path())}
	}
	return fd, nil
}

func ourSide(form *forms.Form, m ReconcileMapping) (*ourFields, error) {
	o := &ourFields{ids: idFields(form), names: piiFields(form, engine.PIIName)}
	var bad []engine.FieldError
	if m.OurBirthDate != "" {
		fd, fe := mappingField(form, "/mapping/our_birth_date", m.OurBirthDate)
		if fe != nil {
			bad = append(bad, *fe)
		}
		o.birthDate = fd
	}
	keys := make([]string, 0, len(m.Fields))
	for k := range m.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	chosen := map[*forms.Field]bool{}
	for _, k := range keys {
		fd, fe := mappingField(form, "/mapping/fields/"+engine.EscapePointer(k), k)
		if fe != nil {
			bad = append(bad, *fe)
			continue
		}
		chosen[fd] = true
	}
	if len(bad) > 0 {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "the mapping names fields the form does not have: " + bad[0].Message, Fields: bad}
	}
	o.compared = formOrder(form, chosen)
	return o, nil
}

// formOrder returns the chosen fields in the form's display order.
func formOrder(form *forms.Form, chosen map[*forms.Field]bool) []*forms.Field {
	var out []*forms.Field
	var walk func(fields []*forms.Field)
	walk = func(fields []*forms.Field) {
		for _, fd := range fields {
			if chosen[fd] {
				out = append(out, fd)
			}
			walk(fd.Children())
		}
	}
	walk(form.Fields())
	return out
}

// mappedColumns returns the mapping's field columns by our field's path.
func mappedColumns(form *forms.Form, m ReconcileMapping) map[string]string {
	out := make(map[string]string, len(m.Fields))
	for k, col := range m.Fields {
		if fd, err := form.Resolve(k); err == nil {
			out[fd.Path()] = col
		}
	}
	return out
}

// columns are the indexes of the mapped columns in their header (-1: not
// mapped).
type columns struct {
	id, name, birth, village int
	fields                   map[string]int // our key → their column index
	headers                  []string
}

func mapColumns(header []string, m ReconcileMapping) (*columns, error) {
	idx := map[string]int{}
	for i, h := range header {
		if _, dup := idx[h]; !dup && h != "" {
			idx[h] = i
		}
	}
	var missing []engine.FieldError
	find := func(ptr, name string, required bool) int {
		name = strings.TrimSpace(name)
		if name == "" {
			if required {
				missing = append(missing, engine.FieldError{Pointer: ptr, Code: "required", Message: "choose a column"})
			}
			return -1
		}
		i, ok := idx[name]
		if !ok {
			missing = append(missing, engine.FieldError{Pointer: ptr, Code: "missing_column", Message: "no column " + cleanCell(name)})
			return -1
		}
		return i
	}
	c := &columns{fields: map[string]int{}, headers: header}
	c.id = find("/mapping/id_number", m.IDNumber, true)
	c.village = find("/mapping/village_code", m.VillageCode, true)
	c.name = find("/mapping/name", m.Name, false)
	c.birth = find("/mapping/birth_date", m.BirthDate, false)
	keys := make([]string, 0, len(m.Fields))
	for k := range m.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c.fields[k] = find("/mapping/fields/"+engine.EscapePointer(k), m.Fields[k], true)
	}
	if len(missing) > 0 {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "the file lacks some mapped columns", Fields: missing}
	}
	return c, nil
}

// theirRow is one accepted row of their file.
type theirRow struct {
	row         int
	lookup      string // keyed hash of the ID number; "" when none
	idNumber    string // plain, kept in memory only for masking
	nameBirth   string // normalized name + birth date; "" when either is missing
	name, birth string
	unit        *engine.OrgUnit
	values      map[string]string // our key → their value
}

func (s *Service) readTheirRows(ctx context.Context, rd tabular.Reader, c *columns, campaignID, scope string) ([]*theirRow, []ReconcileProblem, ReconcileCounts, error) {
	var rows []*theirRow
	var problems []ReconcileProblem
	var counts ReconcileCounts
	units := map[string]*engine.OrgUnit{}
	seen := map[string]int{}
	refuse := func(row int, col int, code string) {
		counts.Refused++
		if len(problems) < MaxReconcileProblems {
			p := ReconcileProblem{Row: row, Code: code}
			if col >= 0 && col < len(c.headers) {
				p.Column = cleanCell(c.headers[col])
			}
			problems = append(problems, p)
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, nil, counts, engine.WrapError(engine.EUNAVAILABLE, "the request was cancelled", err)
		}
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var rowErr *tabular.RowError
		if errors.As(err, &rowErr) {
			counts.Rows++
			refuse(rowErr.Row, -1, "unreadable")
			continue
		}
		if err != nil {
			return nil, nil, counts, &engine.Error{Code: engine.EINVALID, Message: "the file cannot be read", Err: err,
				Fields: []engine.FieldError{{Pointer: "/file", Code: "format", Message: "unreadable"}}}
		}
		counts.Rows++
		if counts.Rows > MaxReconcileRows {
			return nil, nil, counts, &engine.Error{Code: engine.ETOOLARGE, Message: fmt.Sprintf("the file has more than %d rows", MaxReconcileRows),
				Fields: []engine.FieldError{{Pointer: "/file", Code: "too_many_rows", Message: fmt.Sprintf("at most %d rows", MaxReconcileRows)}}}
		}
		cell := func(i int) string {
			if i < 0 || i >= len(rec) {
				return ""
			}
			return cleanCell(rec[i])
		}
		t := &theirRow{row: rd.Row(), idNumber: strings.ToUpper(cell(c.id)), name: cell(c.name), birth: normalizeDate(cell(c.birth)), values: map[string]string{}}
		if t.idNumber == "" && (t.name == "" || t.birth == "") {
			refuse(t.row, c.id, "missing_id")
			continue
		}
		code := cell(c.village)
		unit, ok := units[code]
		if !ok && code != "" {
			u, err := s.store.GetOrgUnit(ctx, code)
			if err != nil && engine.ErrorCode(err) != engine.ENOTFOUND {
				return nil, nil, counts, err
			}
			units[code], unit = u, u
		}
		switch {
		case unit == nil:
			refuse(t.row, c.village, "unknown_village")
			continue
		case !engine.InSubtree(unit.Path, scope):
			refuse(t.row, c.village, "out_of_scope")
			continue
		}
		t.unit = unit
		if t.idNumber != "" {
			t.lookup = s.e.Vault().Lookup(campaignID, engine.PIIIDNumber, t.idNumber)
			if _, dup := seen[t.lookup]; dup {
				refuse(t.row, c.id, "duplicate_row")
				continue
			}
			seen[t.lookup] = t.row
		}
		if t.name != "" && t.birth != "" {
			t.nameBirth = normalizeName(t.name) + "\x00" + t.birth
		}
		for k, i := range c.fields {
			t.values[k] = cell(i)
		}
		rows = append(rows, t)
	}
	return rows, problems, counts, nil
}

// ourRecord is what a run keeps of one of our records.
type ourRecord struct {
	r         *engine.Record
	id, name  string            // plain
	idField   *forms.Field      // the ID-number field the record answers; nil: none
	nameField *forms.Field      // the name field it answers; nil: none
	plain     map[string]string // compared values by our field's path
	nameBirth string
	matched   bool
}

// firstAnswered returns the first of fields that answers hold, and its
// value as text.
func firstAnswered(fields []*forms.Field, answers map[string]any) (*forms.Field, string) {
	for _, fd := range fields {
		if v, ok := fd.Value(answers); ok {
			return fd, cellText(v)
		}
	}
	return nil, ""
}

// matchAndList loads our records in the run's subtree, matches their rows
// and upserts one item per difference. Counts go into run as it goes, so a
// failure leaves figures that say how far it got.
func (s *Service) matchAndList(ctx context.Context, form *forms.Form, of *ourFields, run *ReconcileRun, rows []*theirRow) error {
	byKey := map[string]*ourRecord{}
	byNameBirth := map[string][]*ourRecord{}
	var all []*ourRecord
	p := engine.Page{Limit: engine.MaxPageLimit}
	for {
		page, err := s.store.ListRecords(ctx, engine.RecordFilter{CampaignID: run.CampaignID, FormID: form.ID(), OrgPaths: []string{run.OrgPath}}, p)
		if err != nil {
			return err
		}
		for _, r := range page.Records {
			if r.State == engine.StateMerged || r.State == engine.StateDraft || voidStates[r.State] {
				continue // merged away, unfinished, or refused as void (a duplicate): not one of ours
			}
			f := form
			if r.FormVersion != 0 {
				if f, _, err = s.e.Form(ctx, r.FormID, r.FormVersion); err != nil {
					return err
				}
			}
			// Keep only what the run compares: a district's records stay in
			// memory for the run, their other answers need not. Fields are
			// read at their paths in the record's own form version.
			opened := s.e.OpenAnswers(f, r.Answers, true)
			o := &ourRecord{r: r, plain: make(map[string]string, len(of.compared))}
			o.idField, o.id = firstAnswered(sameFields(f, of.ids), opened)
			o.nameField, o.name = firstAnswered(sameFields(f, of.names), opened)
			o.idField, o.nameField = sameField(form, o.idField), sameField(form, o.nameField)
			for _, fd := range of.compared {
				if rf := sameField(f, fd); rf != nil {
					if v, ok := rf.Value(opened); ok {
						o.plain[fd.Path()] = cellText(v)
					}
				}
			}
			r.Answers, r.History = nil, nil
			name := normalizeName(o.name)
			birth := ""
			if of.birthDate != nil {
				if bf := sameField(f, of.birthDate); bf != nil {
					if v, ok := bf.Value(opened); ok {
						birth = normalizeDate(cellText(v))
					}
				}
			} else {
				birth = idBirth(o.id)
			}
			if name != "" && birth != "" {
				o.nameBirth = name + "\x00" + birth
				byNameBirth[o.nameBirth] = append(byNameBirth[o.nameBirth], o)
			}
			if r.DedupKey != "" {
				if _, dup := byKey[r.DedupKey]; !dup {
					byKey[r.DedupKey] = o
				}
			}
			all = append(all, o)
		}
		if page.Next == "" {
			break
		}
		p.After = page.Next
	}
	now := s.e.Now()
	item := func(kind, natural string, unit *engine.OrgUnit, orgUnit, orgPath string) *WorklistItem {
		sum := sha256.Sum256([]byte(run.ID + "\x00" + kind + "\x00" + natural))
		it := &WorklistItem{
			ID: engine.NewID(now), Key: kind + ":" + hex.EncodeToString(sum[:16]), Kind: kind, CampaignID: run.CampaignID, RunID: run.ID,
			OrgUnit: orgUnit, OrgPath: orgPath, Status: WorkOpen, CreatedAt: now, UpdatedAt: now,
		}
		if unit != nil {
			it.OrgUnit, it.OrgPath = unit.Code, unit.Path
		}
		return it
	}
	for _, t := range rows {
		var o *ourRecord
		matchedBy := ""
		if t.lookup != "" {
			if c := byKey[t.lookup]; c != nil && !c.matched {
				o, matchedBy = c, MatchIDNumber
			}
		}
		if o == nil && t.nameBirth != "" {
			for _, c := range byNameBirth[t.nameBirth] {
				if !c.matched {
					o, matchedBy = c, MatchNameBirth
					break
				}
			}
		}
		if o == nil {
			it := item(WorkOnlyTheirs, fmt.Sprintf("row %d", t.row), t.unit, "", "")
			it.ExternalRow = t.row
			it.Values = theirValues(of, t)
			if _, _, err := s.store.UpsertWorklistItem(ctx, it); err != nil {
				return err
			}
			run.Counts.OnlyTheirs++
			continue
		}
		o.matched = true
		run.Counts.Matched++
		if matchedBy == MatchNameBirth {
			run.Counts.MatchedByName++
		}
		values, differs := compareValues(of, o, t, matchedBy)
		if !differs {
			run.Counts.Same++
			continue
		}
		it := item(WorkFieldDiff, o.r.ID, nil, o.r.OrgUnit, o.r.OrgPath)
		it.RecordIDs, it.ExternalRow, it.MatchedBy, it.Values = []string{o.r.ID}, t.row, matchedBy, values
		if _, _, err := s.store.UpsertWorklistItem(ctx, it); err != nil {
			return err
		}
		run.Counts.Differences++
	}
	for _, o := range all {
		if o.matched {
			continue
		}
		it := item(WorkOnlyOurs, o.r.ID, nil, o.r.OrgUnit, o.r.OrgPath)
		it.RecordIDs = []string{o.r.ID}
		it.Values = ourValues(of, o)
		if _, _, err := s.store.UpsertWorklistItem(ctx, it); err != nil {
			return err
		}
		run.Counts.OnlyOurs++
	}
	return nil
}

// shown is a value as a page may show it: personal kinds masked.
func shown(kind, v string) string {
	if kind == "" || v == "" {
		return v
	}
	return engine.Mask(kind, v)
}

// sameField returns the field of form f at fd's path (an older or newer
// version of the same form may have moved or dropped it), or nil.
func sameField(f *forms.Form, fd *forms.Field) *forms.Field {
	if fd == nil {
		return nil
	}
	if got, err := f.Resolve(fd.Path()); err == nil {
		return got
	}
	return nil
}

// sameFields is sameField over a list, dropping what f lacks.
func sameFields(f *forms.Form, fields []*forms.Field) []*forms.Field {
	out := make([]*forms.Field, 0, len(fields))
	for _, fd := range fields {
		if got := sameField(f, fd); got != nil {
			out = append(out, got)
		}
	}
	return out
}

// identityValues are the first two rows of an item: the ID number and
// the name, labelled by the fields the record answers (the form's first
// ones for a row only they have).
func identityValues(of *ourFields, idField, nameField *forms.Field) []WorkValue {
	if idField == nil && len(of.ids) > 0 {
		idField = of.ids[0]
	}
	if nameField == nil && len(of.names) > 0 {
		nameField = of.names[0]
	}
	vs := []WorkValue{{Field: idField.Path(), Label: idField.Label(forms.LangZH)}}
	if nameField != nil {
		vs = append(vs, WorkValue{Field: nameField.Path(), Label: nameField.Label(forms.LangZH)})
	}
	return vs
}

func theirValues(of *ourFields, t *theirRow) []WorkValue {
	vs := identityValues(of, nil, nil)
	vs[0].Theirs = shown(engine.PIIIDNumber, t.idNumber)
	if len(vs) > 1 {
		vs[1].Theirs = shown(engine.PIIName, t.name)
	}
	for _, fd := range of.compared {
		vs = append(vs, WorkValue{Field: fd.Path(), Label: fd.Label(forms.LangZH), Theirs: shown(fd.PII(), t.values[fd.Path()])})
	}
	return vs
}

func ourValues(of *ourFields, o *ourRecord) []WorkValue {
	vs := identityValues(of, o.idField, o.nameField)
	vs[0].Ours = shown(engine.PIIIDNumber, o.id)
	if len(vs) > 1 {
		vs[1].Ours = shown(engine.PIIName, o.name)
	}
	for _, fd := range of.compared {
		vs = append(vs, WorkValue{Field: fd.Path(), Label: fd.Label(forms.LangZH), Ours: shown(fd.PII(), o.plain[fd.Path()])})
	}
	return vs
}

// compareValues lays a matched pair side by side and reports whether any
// compared value differs. The ID number counts as a difference when the
// pair matched on name and birth date.
func compareValues(of *ourFields, o *ourRecord, t *theirRow, matchedBy string) ([]WorkValue, bool) {
	vs := identityValues(of, o.idField, o.nameField)
	ourID := strings.ToUpper(o.id)
	vs[0].Ours, vs[0].Theirs = shown(engine.PIIIDNumber, ourID), shown(engine.PIIIDNumber, t.idNumber)
	vs[0].Differs = matchedBy == MatchNameBirth && ourID != t.idNumber
	if len(vs) > 1 {
		vs[1].Ours, vs[1].Theirs = shown(engine.PIIName, o.name), shown(engine.PIIName, t.name)
		vs[1].Differs = t.name != "" && normalizeName(o.name) != normalizeName(t.name)
	}
	for _, fd := range of.compared {
		ours, theirs := o.plain[fd.Path()], t.values[fd.Path()]
		vs = append(vs, WorkValue{Field: fd.Path(), Label: fd.Label(forms.LangZH), Ours: shown(fd.PII(), ours), Theirs: shown(fd.PII(), theirs),
			Differs: !sameValue(fd, ours, theirs)})
	}
	differs := false
	for _, v := range vs {
		differs = differs || v.Differs
	}
	return vs, differs
}

// sameValue compares our answer and their cell as the field's type would:
// dates in any common spelling, numbers by value, text without blanks.
func sameValue(fd *forms.Field, ours, theirs string) bool {
	ours, theirs = strings.TrimSpace(ours), strings.TrimSpace(theirs)
	if ours == theirs {
		return true
	}
	switch {
	case fd.Format() == "date":
		d1, d2 := normalizeDate(ours), normalizeDate(theirs)
		return d1 != "" && d1 == d2
	case fd.Type() == "number" || fd.Type() == "integer":
		var a, b float64
		_, err1 := fmt.Sscan(ours, &a)
		_, err2 := fmt.Sscan(theirs, &b)
		return err1 == nil && err2 == nil && a == b
	}
	return normalizeName(ours) == normalizeName(theirs)
}

// cleanCell makes a cell safe to keep and show: control characters
// dropped, blanks trimmed, at most maxCellRunes runes. Cells that look like
// spreadsheet formulas stay text (pages escape them; exports guard them).
func cleanCell(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\uFEFF' {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > maxCellRunes {
		s = string(r[:maxCellRunes])
	}
	return s
}

// normalizeName drops blanks and full-width spaces and folds case, so "张 三"
// and "张三" match.
func normalizeName(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '·' || r == '•' {
			return -1
		}
		return r
	}, s))
}

// normalizeDate reads the date spellings Chinese spreadsheets use
// (2006-01-02, 2006/1/2, 2006.1.2, 20060102, 2006年1月2日) and returns
// YYYY-MM-DD, or "" when it is not a date.
func normalizeDate(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	s = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(s)
	if len(s) == 8 && !strings.Contains(s, "-") {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	for _, layout := range []string{"2006-1-2", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	return ""
}

// idBirth is the birth date inside an 18-character resident ID, or "".
func idBirth(id string) string {
	if len(id) != 18 {
		return ""
	}
	return normalizeDate(id[6:14])
}
