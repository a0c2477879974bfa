package mongo

import (
	"context"

	"canvass/engine"
)

// SubmitRecord stores a submission: the campaign's next number (when
// asked and the record is new), the record, then its audit event; see
// engine.RecordStore. Without multi-document transactions these are
// three writes, in the order that never leaves a record without its
// number: a number drawn for a record that then loses an insert race to
// its twin is skipped, as NextRecordNumber allows.
func (s *Store) SubmitRecord(ctx context.Context, r *engine.Record, number bool, ev *engine.AuditEvent) (*engine.Record, bool, error) {
	if r == nil || r.ID == "" || r.CampaignID == "" || r.OrgPath == "" {
		return nil, false, engine.Errorf(engine.EINVALID, "a record needs an ID, a campaign and an org path")
	}
	if ev != nil && (ev.ID == "" || ev.Action == "") {
		return nil, false, engine.Errorf(engine.EINVALID, "an audit event needs an ID and an action")
	}
	in := *r
	if in.ContentHash == "" {
		in.ContentHash = engine.RecordContentHash(r)
	}
	if number && in.Number == 0 {
		existing, err := s.GetRecord(ctx, in.ID)
		switch {
		case err == nil:
			if existing.ContentHash != in.ContentHash {
				return nil, false, engine.Errorf(engine.ECONFLICT, "record %s already exists with different content", in.ID)
			}
			return existing, false, nil
		case engine.ErrorCode(err) != engine.ENOTFOUND:
			return nil, false, err
		}
		if in.Number, err = s.NextRecordNumber(ctx, in.CampaignID); err != nil {
			return nil, false, err
		}
	}
	stored, created, err := s.InsertRecord(ctx, &in)
	if err != nil || !created || ev == nil {
		return stored, created, err
	}
	return stored, true, s.AppendAudit(ctx, ev)
}
