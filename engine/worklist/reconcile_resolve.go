package worklist

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"canvass/engine"
	"canvass/forms"
)

// ActionCorrect is the history action of answers corrected from a
// verification (a reconciliation item resolved in favour of their side).
const ActionCorrect = "correct"

// ResolveItem records how a person verified a reconciliation item: which
// side was right (d.Side: ours, theirs or neither) and, when our record
// must change, the corrected values (d.Corrected, by field path or key).
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
func (s *Service) ResolveItem(ctx context.Context, a *engine.Actor, id string, d Decision) (*WorklistItem, error) {
	it, err := s.openItem(ctx, a, id, d, worklistRoles)
	if err != nil {
		return nil, err
	}
	if it.Kind == WorkDuplicate {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "merge or dismiss duplicates",
			Fields: []engine.FieldError{{Pointer: "/action", Code: "not_allowed", Message: "not a reconciliation item"}}}
	}
	if !slices.Contains([]string{SideOurs, SideTheirs, SideNeither}, d.Side) {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "say which side was right",
			Fields: []engine.FieldError{{Pointer: "/side", Code: "enum", Message: "ours, theirs or neither"}}}
	}
	corrected := map[string]string{}
	for k, v := range d.Corrected {
		if v = cleanCell(v); v != "" {
			corrected[k] = v
		}
	}
	if d.Side == SideOurs && len(corrected) > 0 {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "our record was right: nothing to correct",
			Fields: []engine.FieldError{{Pointer: "/corrected", Code: "not_allowed", Message: "no corrections when ours was right"}}}
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
			if shownCorrected, err = s.correctRecord(ctx, a, it, corrected, d); err != nil {
				return nil, err
			}
		}
	} else if len(corrected) > 0 {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "this item has no record of ours to correct",
			Fields: []engine.FieldError{{Pointer: "/corrected", Code: "no_record", Message: "no record to correct"}}}
	}
	now := s.e.Now()
	it.Status, it.UpdatedAt = WorkResolved, now
	it.Resolution = &WorkResolution{By: a.ID(), At: now, Side: d.Side, Corrected: shownCorrected, Note: strings.TrimSpace(d.Note)}
	stored, err := s.store.UpdateWorklistItem(ctx, it)
	if err != nil {
		return nil, err
	}
	return stored, s.e.Audit(ctx, a, "worklist.resolve", "worklist", it.ID, it.OrgPath, map[string]any{
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
func (s *Service) correctRecord(ctx context.Context, a *engine.Actor, it *WorklistItem, corrected map[string]string, d Decision) (map[string]string, error) {
	r, err := s.e.ScopedRecord(ctx, a, it.RecordIDs[0])
	if err != nil {
		return nil, err
	}
	if r.State == engine.StateMerged {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "the record was merged into another; correct the surviving one",
			Fields: []engine.FieldError{{Pointer: "/corrected", Code: "merged", Message: "record merged"}}}
	}
	form, _, err := s.e.Form(ctx, r.FormID, r.FormVersion)
	if err != nil {
		return nil, err
	}
	camp, err := s.e.Campaign(ctx, r.CampaignID)
	if err != nil {
		return nil, err
	}
	answers := s.e.OpenAnswers(form, r.Answers, true)
	shown := map[string]string{}
	var bad []engine.FieldError
	for _, k := range sortedKeys(corrected) {
		fd, fe := mappingField(form, "/corrected/"+engine.EscapePointer(k), k)
		if fe != nil {
			bad = append(bad, *fe)
			continue
		}
		v, ok := typedAnswer(fd, corrected[k])
		if !ok || !fd.SetValue(answers, v) {
			bad = append(bad, engine.FieldError{Pointer: "/corrected/" + engine.EscapePointer(k), Code: "type", Message: "not a " + fd.Type()})
			continue
		}
		shown[fd.Path()] = shownValue(fd, corrected[k])
	}
	if len(bad) > 0 {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "some corrected values are not valid", Fields: bad}
	}
	from := r.State
	changes, err := s.e.ReplaceAnswers(ctx, camp.RefTime(), r, engine.Action{Answers: answers, Lang: d.Lang})
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return shown, nil
	}
	now := s.e.Now()
	reason := "verified against " + it.Kind
	if it.RunID != "" {
		reason = "reconciliation " + it.RunID
	}
	if note := strings.TrimSpace(d.Note); note != "" {
		reason += ": " + note
	}
	r.History = append(r.History, engine.HistoryEntry{At: now, Actor: a.ID(), Action: ActionCorrect, FromState: from, ToState: r.State, Reason: reason, Changes: changes})
	r.UpdatedAt = now
	if _, err := s.e.UpdateRecord(ctx, r); err != nil {
		if engine.ErrorCode(err) == engine.ECONFLICT {
			return nil, engine.StaleError(r)
		}
		return nil, err
	}
	fields := make([]string, len(changes))
	for i, c := range changes {
		fields[i] = c.Pointer
	}
	if err := s.e.Audit(ctx, a, "record.correct", "record", r.ID, r.OrgPath,
		map[string]any{"worklist": it.ID, "run": it.RunID, "fields": fields}); err != nil {
		return nil, err
	}
	return shown, nil
}

func shownValue(fd *forms.Field, v string) string {
	if fd.PII() != "" {
		return engine.Mask(fd.PII(), v)
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
func (s *Service) ReconcileRun(ctx context.Context, a *engine.Actor, id string) (*ReconcileSummary, error) {
	if err := a.Require(worklistRoles...); err != nil {
		return nil, err
	}
	run, err := s.store.GetReconcileRun(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Sees(run.OrgPath) {
		return nil, engine.Errorf(engine.ENOTFOUND, "reconciliation run not found")
	}
	counts, err := s.store.CountWorklist(ctx, WorklistFilter{RunID: run.ID, OrgPaths: a.Scope()})
	if err != nil {
		return nil, err
	}
	sum := &ReconcileSummary{Run: run, Counts: counts, ResolvedBySide: map[string]int64{}}
	for _, c := range counts {
		switch c.Status {
		case WorkResolved:
			sum.ResolvedBySide[c.Side] += c.Count
		case WorkOpen:
			sum.Open += c.Count
		}
	}
	return sum, nil
}

// ReconcileRuns lists a campaign's runs in the actor's scope, newest first.
func (s *Service) ReconcileRuns(ctx context.Context, a *engine.Actor, campaignID string) ([]*ReconcileRun, error) {
	if err := a.Require(worklistRoles...); err != nil {
		return nil, err
	}
	return s.store.ListReconcileRuns(ctx, campaignID, a.Scope())
}
