package registry

import (
	"context"
	"slices"

	"canvass/engine"
)

// Bulk update: an edited export (it keeps the id column) goes back in as
// a job of kind ImportKindUpdate. The job first previews, per row, the
// field-level changes it would make (personal values masked) and the rows
// it cannot apply; after a person confirms, it applies each change as one
// conditional update of the record, with a history entry listing the
// changes, an audit event and the version the preview saw: a record
// changed since the preview is reported, never overwritten.

// Row codes of a bulk update besides the importer's.
const (
	// RowOrgUnitMoved: the org-unit column names another unit; moving a
	// record is not something a list edit does.
	RowOrgUnitMoved = "org_unit_moved"
	// RowChange marks a preview row that lists changes.
	RowChange = "change"
)

// bulkUpdateAction is the history action of a change applied from a list.
const bulkUpdateAction = "bulk_update"

// updateRow works out what one row of an edited export changes: the record
// it names (in the importer's scope, of the job's campaign and form, not
// final), and its answers with the row's cells laid over them, checked by
// the form. It returns the record with the new answers (nil when nothing
// changes), the changes (masked), or the row's problems.
func (r *jobRun) updateRow(ctx context.Context, row int, rec []string, rowErr error) (*engine.Record, []engine.FieldChange, []ImportRow, error) {
	p := r.plan
	if rowErr != nil {
		return nil, nil, []ImportRow{p.issue(row, "", RowUnreadable, "")}, nil
	}
	pr := p.readRow(ctx, row, rec)
	idCol := p.headerOf(ColumnID)
	if pr.id == "" {
		pr.issues = append(pr.issues, p.issue(row, idCol, "required", ""))
	}
	if len(pr.issues) > 0 {
		return nil, nil, pr.issues, nil
	}
	stored, err := r.s.store.GetRecord(ctx, pr.id)
	switch {
	case engine.ErrorCode(err) == engine.ENOTFOUND:
		return nil, nil, []ImportRow{p.issue(row, idCol, RowUnknownRecord, "")}, nil
	case err != nil:
		return nil, nil, nil, err
	case !p.actor.Sees(stored.OrgPath) || stored.CampaignID != r.j.CampaignID || stored.FormID != r.j.FormID:
		return nil, nil, []ImportRow{p.issue(row, idCol, RowUnknownRecord, "")}, nil
	case stored.Step == "":
		return nil, nil, []ImportRow{p.issue(row, idCol, RowNotEditable, "")}, nil
	case pr.unit != nil && pr.unit.Code != stored.OrgUnit:
		return nil, nil, []ImportRow{p.issue(row, p.headerOf(ColumnOrgUnit), RowOrgUnitMoved, "")}, nil
	}
	form, _, err := r.s.e.Form(ctx, stored.FormID, stored.FormVersion)
	if err != nil {
		return nil, nil, nil, err
	}
	merged := r.s.e.OpenAnswers(form, stored.Answers, true)
	paths := fieldPaths(form)
	for _, key := range pr.present {
		path, ok := paths[key]
		if !ok {
			continue // the record's form version lacks the field
		}
		if v, ok := getField(pr.answers, p.paths[key]); ok {
			putField(merged, path, v)
		} else {
			deleteField(merged, path)
		}
	}
	c := *stored
	changes, err := r.s.e.ReplaceAnswers(ctx, p.camp.RefTime(), &c, engine.Action{Answers: merged, Lang: p.lang})
	if engine.ErrorCode(err) == engine.EINVALID {
		var issues []ImportRow
		for _, fe := range engine.ErrorFields(err) {
			issues = append(issues, p.issue(row, p.columnOf(fe.Pointer), fe.Code, fe.Message))
		}
		return nil, nil, issues, nil
	}
	if err != nil {
		return nil, nil, nil, err
	}
	if len(changes) == 0 {
		return nil, nil, nil, nil
	}
	return &c, changes, nil, nil
}

// headerOf returns the header of the column with the given target.
func (p *rowPlan) headerOf(target string) string {
	for i, t := range p.targets {
		if t == target {
			return p.header[i]
		}
	}
	return ""
}

// preview lists what every row of an update would change, and the rows it
// cannot apply, without writing a record.
func (r *jobRun) preview(ctx context.Context) error {
	return r.withCheckpoints(ctx, func(row int, rec []string, rowErr error) (bool, error) {
		c, changes, issues, err := r.updateRow(ctx, row, rec, rowErr)
		if err != nil {
			return false, err
		}
		r.count(issues)
		switch {
		case len(issues) > 0:
			r.report(row, issues, 0)
		case c != nil:
			r.j.Changed++
			r.report(row, []ImportRow{{Code: RowChange, Message: rowMessage(RowChange, r.plan.lang), RecordID: c.ID, Version: c.Version, Changes: changes}}, 0)
		}
		return len(r.rows) >= importCheckEvery || row-r.j.Checkpoint >= importCheckEvery, nil
	})
}

// apply writes the previewed changes, row by row, walking the preview's
// change rows and the file together (both in row order).
func (r *jobRun) apply(ctx context.Context) error {
	st := r.s.store
	marker := "import " + r.j.ID
	var queue []ImportRow
	next := importRowID(r.j.ID, r.j.Checkpoint, 999)
	more := true
	// nextChange returns the first change row at or after row.
	nextChange := func(row int) (*ImportRow, error) {
		for {
			for len(queue) > 0 && (queue[0].Row < row || queue[0].Code != RowChange) {
				queue = queue[1:]
			}
			if len(queue) > 0 || !more {
				break
			}
			page, err := st.ListImportRows(ctx, r.j.ID, engine.Page{After: next, Limit: engine.MaxPageLimit})
			if err != nil {
				return nil, err
			}
			queue, next, more = page.Rows, page.Next, page.Next != ""
		}
		if len(queue) == 0 {
			return nil, nil
		}
		return &queue[0], nil
	}
	applied := 0
	return r.withCheckpoints(ctx, func(row int, rec []string, rowErr error) (bool, error) {
		ch, err := nextChange(row)
		if err != nil || ch == nil || ch.Row != row {
			return false, err
		}
		cur, err := r.s.store.GetRecord(ctx, ch.RecordID)
		if err != nil && engine.ErrorCode(err) != engine.ENOTFOUND {
			return false, err
		}
		switch {
		case err != nil:
			r.report(row, []ImportRow{r.plan.issue(row, r.plan.headerOf(ColumnID), RowUnknownRecord, "")}, 100)
		case len(cur.History) > 0 && cur.History[len(cur.History)-1].Action == bulkUpdateAction && cur.History[len(cur.History)-1].Reason == marker:
			r.j.Written++ // applied before a restart
		case cur.Version != ch.Version:
			r.report(row, []ImportRow{r.plan.issue(row, r.plan.headerOf(ColumnID), RowChanged, "")}, 100)
		default:
			if err := r.applyRow(ctx, row, rec, marker); err != nil {
				return false, err
			}
		}
		applied++
		return applied%importApplyEvery == 0, nil
	})
}

// applyRow updates the record of one row, as previewed.
func (r *jobRun) applyRow(ctx context.Context, row int, rec []string, marker string) error {
	c, changes, issues, err := r.updateRow(ctx, row, rec, nil)
	if err != nil {
		return err
	}
	if len(issues) > 0 {
		r.report(row, issues, 100)
		return nil
	}
	if c == nil {
		return nil // the record already holds these values
	}
	now := r.s.e.Now()
	c.History = append(slices.Clone(c.History), engine.HistoryEntry{At: now, Actor: r.plan.actor.ID(), Action: bulkUpdateAction,
		FromState: c.State, ToState: c.State, Reason: marker, Changes: changes})
	c.UpdatedAt = now
	updated, err := r.s.e.UpdateRecord(ctx, c)
	if engine.ErrorCode(err) == engine.ECONFLICT {
		r.report(row, []ImportRow{r.plan.issue(row, r.plan.headerOf(ColumnID), RowChanged, "")}, 100)
		return nil
	}
	if err != nil {
		return err
	}
	r.j.Written++
	return r.s.e.Audit(ctx, r.plan.actor, "record."+bulkUpdateAction, "record", updated.ID, updated.OrgPath,
		map[string]any{"import": r.j.ID, "fields": len(changes)})
}
