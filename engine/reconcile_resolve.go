package engine

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"canvass/forms"
)

// ActionCorrect is the history action of answers corrected from a
// verification (a reconciliation item resolved in favour of their side).
const ActionCorrect = "correct"

// ResolveItem records how a person verified a reconciliation item: which
// side was right (d.Side: ours, theirs or neither) and, when our record
// must change, the corrected values (d.Corrected, by top-level field key).
// With side theirs on a field difference, every differing compared field
// that is not personal data takes their value unless d.Corrected says
// otherwise; personal values must be typed in full, as the item shows them
// masked. Corrections go through the form's rules, into the record as one
// history entry with its field changes, and into the audit log.
//
// Returns ENOTFOUND outside the actor's scope, ECONFLICT when the item is
// not open or changed since d.Version (or the record changed meanwhile),
// EINVALID for a bad side, a correction of an unknown field, a value of
// the wrong type or corrected answers that break the form's rules.
func (e *Engine) ResolveItem(ctx context.Context, a *Actor, id string, d Decision) (*WorklistItem, error) {
	it, err := e.openItem(ctx, a, id, d, worklistRoles)
	if err != nil {
		return nil, err
	}
	if it.Kind == WorkDuplicate {
		return nil, &Error{Code: EINVALID, Message: "merge or dismiss duplicates",
			Fields: []FieldError{{Pointer: "/action", Code: "not_allowed", Message: "not a reconciliation item"}}}
	}
	if !slices.Contains([]string{SideOurs, SideTheirs, SideNeither}, d.Side) {
		return nil, &Error{Code: EINVALID, Message: "say which side was right",
			Fields: []FieldError{{Pointer: "/side", Code: "enum", Message: "ours, theirs or neither"}}}
	}
	corrected := map[string]string{}
	for k, v := range d.Corrected {
		if v = cleanCell(v); v != "" {
			corrected[k] = v
		}
	}
	if d.Side == SideOurs && len(corrected) > 0 {
		return nil, &Error{Code: EINVALID, Message: "our record was right: nothing to correct",
			Fields: []FieldError{{Pointer: "/corrected", Code: "not_allowed", Message: "no corrections when ours was right"}}}
	}
	var shownCorrected map[string]string
	if len(it.RecordIDs) == 1 && d.Side != SideOurs {
		if d.Side == SideTheirs && it.Kind == WorkFieldDiff {
			for _, v := range it.Values {
				if _, given := corrected[v.Field]; !given && v.Differs && !isMasked(v.Theirs) {
					corrected[v.Field] = v.Theirs
				}
			}
		}
		if len(corrected) > 0 {
			if shownCorrected, err = e.correctRecord(ctx, a, it, corrected, d); err != nil {
				return nil, err
			}
		}
	} else if len(corrected) > 0 {
		return nil, &Error{Code: EINVALID, Message: "this item has no record of ours to correct",
			Fields: []FieldError{{Pointer: "/corrected", Code: "no_record", Message: "no record to correct"}}}
	}
	now := e.Now()
	it.Status, it.UpdatedAt = WorkResolved, now
	it.Resolution = &WorkResolution{By: a.ID(), At: now, Side: d.Side, Corrected: shownCorrected, Note: strings.TrimSpace(d.Note)}
	stored, err := e.store.UpdateWorklistItem(ctx, it)
	if err != nil {
		return nil, err
	}
	return stored, e.Audit(ctx, a, "worklist.resolve", "worklist", it.ID, it.OrgPath, map[string]any{
		"kind": it.Kind, "campaign": it.CampaignID, "run": it.RunID, "side": d.Side, "corrected": sortedKeys(shownCorrected),
	})
}

// isMasked reports whether a shown value hides characters.
func isMasked(s string) bool { return strings.Contains(s, "*") }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// correctRecord applies corrected values to the item's record and returns
// them as the item may show them (personal values masked).
func (e *Engine) correctRecord(ctx context.Context, a *Actor, it *WorklistItem, corrected map[string]string, d Decision) (map[string]string, error) {
	r, err := e.ScopedRecord(ctx, a, it.RecordIDs[0])
	if err != nil {
		return nil, err
	}
	if r.State == StateMerged {
		return nil, &Error{Code: EINVALID, Message: "the record was merged into another; correct the surviving one",
			Fields: []FieldError{{Pointer: "/corrected", Code: "merged", Message: "record merged"}}}
	}
	form, _, err := e.Form(ctx, r.FormID, r.FormVersion)
	if err != nil {
		return nil, err
	}
	camp, err := e.Campaign(ctx, r.CampaignID)
	if err != nil {
		return nil, err
	}
	answers := e.OpenAnswers(form, r.Answers, true)
	shown := map[string]string{}
	var bad []FieldError
	for _, k := range sortedKeys(corrected) {
		fd := form.Field(k)
		if fd == nil || fd.Type() == "object" || fd.Type() == "array" {
			bad = append(bad, FieldError{Pointer: "/corrected/" + EscapePointer(k), Code: "unknown_field", Message: "no such field"})
			continue
		}
		v, ok := typedAnswer(fd, corrected[k])
		if !ok {
			bad = append(bad, FieldError{Pointer: "/corrected/" + EscapePointer(k), Code: "type", Message: "not a " + fd.Type()})
			continue
		}
		answers[k] = v
		shown[k] = shownValue(fd, corrected[k])
	}
	if len(bad) > 0 {
		return nil, &Error{Code: EINVALID, Message: "some corrected values are not valid", Fields: bad}
	}
	from := r.State
	changes, err := e.ReplaceAnswers(ctx, camp.RefTime(), r, Action{Answers: answers, Lang: d.Lang})
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return shown, nil
	}
	now := e.Now()
	reason := "verified against " + it.Kind
	if it.RunID != "" {
		reason = "reconciliation " + it.RunID
	}
	if note := strings.TrimSpace(d.Note); note != "" {
		reason += ": " + note
	}
	r.History = append(r.History, HistoryEntry{At: now, Actor: a.ID(), Action: ActionCorrect, FromState: from, ToState: r.State, Reason: reason, Changes: changes})
	r.UpdatedAt = now
	if _, err := e.UpdateRecord(ctx, r); err != nil {
		if ErrorCode(err) == ECONFLICT {
			return nil, StaleError(r)
		}
		return nil, err
	}
	fields := make([]string, len(changes))
	for i, c := range changes {
		fields[i] = c.Pointer
	}
	if err := e.Audit(ctx, a, "record.correct", "record", r.ID, r.OrgPath,
		map[string]any{"worklist": it.ID, "run": it.RunID, "fields": fields}); err != nil {
		return nil, err
	}
	return shown, nil
}

func shownValue(fd *forms.Field, v string) string {
	if fd.PII() != "" {
		return Mask(fd.PII(), v)
	}
	return v
}

// typedAnswer converts a corrected cell to the field's JSON type.
func typedAnswer(fd *forms.Field, s string) (any, bool) {
	switch fd.Type() {
	case "integer":
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	case "number":
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	case "boolean":
		switch strings.ToLower(s) {
		case "true", "是", "yes", "1":
			return true, true
		case "false", "否", "no", "0":
			return false, true
		}
		return nil, false
	}
	if fd.Format() == "date" {
		if d := normalizeDate(s); d != "" {
			return d, true
		}
		return nil, false
	}
	return s, true
}

// ReconcileSummary is a run with its items counted by kind, status and
// resolution side.
type ReconcileSummary struct {
	Run    *ReconcileRun
	Counts []WorklistCount
	// ResolvedBySide counts the resolved items of the run by side.
	ResolvedBySide map[string]int64
	Open           int64
}

// ReconcileRun returns a run and its current figures. Returns ENOTFOUND
// when it does not exist or lies outside the actor's scope.
func (e *Engine) ReconcileRun(ctx context.Context, a *Actor, id string) (*ReconcileSummary, error) {
	if err := a.Require(worklistRoles...); err != nil {
		return nil, err
	}
	run, err := e.store.GetReconcileRun(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Sees(run.OrgPath) {
		return nil, Errorf(ENOTFOUND, "reconciliation run not found")
	}
	counts, err := e.store.CountWorklist(ctx, WorklistFilter{RunID: run.ID, OrgPaths: a.Scope()})
	if err != nil {
		return nil, err
	}
	s := &ReconcileSummary{Run: run, Counts: counts, ResolvedBySide: map[string]int64{}}
	for _, c := range counts {
		switch c.Status {
		case WorkResolved:
			s.ResolvedBySide[c.Side] += c.Count
		case WorkOpen:
			s.Open += c.Count
		}
	}
	return s, nil
}

// ReconcileRuns lists a campaign's runs in the actor's scope, newest first.
func (e *Engine) ReconcileRuns(ctx context.Context, a *Actor, campaignID string) ([]*ReconcileRun, error) {
	if err := a.Require(worklistRoles...); err != nil {
		return nil, err
	}
	return e.store.ListReconcileRuns(ctx, campaignID, a.Scope())
}
