package engine

import (
	"context"
	"reflect"
	"slices"
)

// RecordForCorrection returns a record its reader is about to correct
// (resume a draft, or fix a record returned to them). The creator of a
// returned record sees their own answers in full, so that they can check them and
// calculated fields (an age from an ID number) compute again; the reveal
// is audited like any other (pii.reveal, with own: true). Anyone else — a
// colleague of the unit the record was returned to — sees it masked, as
// GetRecord shows it. own reports whether the answers are in full.
// Returns ENOTFOUND as GetRecord.
func (e *Engine) RecordForCorrection(ctx context.Context, a *Actor, id string) (v *RecordView, own bool, err error) {
	r, err := e.ScopedRecord(ctx, a, id)
	if err != nil {
		return nil, false, err
	}
	masked, err := e.view(ctx, a, r, false)
	if err != nil {
		return nil, false, err
	}
	if r.CreatedBy != a.ID() || r.State == StateDraft || !slices.Contains(masked.Actions, "submit") {
		return masked, false, nil
	}
	full, err := e.view(ctx, a, r, true)
	if err != nil {
		return nil, false, err
	}
	if reflect.DeepEqual(full.Answers, masked.Answers) {
		return masked, false, nil // nothing personal to reveal, nothing to audit
	}
	if err := e.Audit(ctx, a, "pii.reveal", "record", r.ID, r.OrgPath, map[string]any{"form": r.FormID, "own": true, "purpose": "correction"}); err != nil {
		return nil, false, err
	}
	return full, true, nil
}
