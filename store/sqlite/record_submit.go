package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"canvass/engine"
)

// SubmitRecord stores a submission in one transaction of the single
// writer, so in the group commit of whatever else is queued: the
// campaign's next number (when asked), the record and its audit event. A
// replay (the ID exists with the same content) draws no number and
// appends nothing. See engine.RecordStore.
func (s *Store) SubmitRecord(ctx context.Context, r *engine.Record, number bool, ev *engine.AuditEvent) (*engine.Record, bool, error) {
	if err := checkNewRecord(r); err != nil {
		return nil, false, err
	}
	var detail any
	if ev != nil {
		if ev.ID == "" || ev.Action == "" {
			return nil, false, engine.Errorf(engine.EINVALID, "an audit event needs an ID and an action")
		}
		var err error
		if detail, err = jsonText(ev.Detail, "audit detail"); err != nil {
			return nil, false, err
		}
	}
	row, err := encodeRecord(r)
	if err != nil {
		return nil, false, err
	}
	row.version = 1
	row.leaseOwner, row.leaseUntil = "", sql.NullInt64{}
	if row.contentHash == "" {
		row.contentHash = engine.RecordContentHash(r)
	}
	drawn := row.number
	var existing *recordRow
	err = s.write(ctx, func(tx *writeTx) error {
		existing, row.number = nil, drawn
		got, err := scanRecordRow(tx.queryRow("SELECT "+recordColumns+" FROM records WHERE id = ?", row.id))
		switch {
		case err == nil:
			if got.contentHash != row.contentHash {
				return engine.Errorf(engine.ECONFLICT, "record %s exists with different content", row.id)
			}
			existing = got
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if number && row.number == 0 {
			if err := tx.queryRow(`INSERT INTO record_numbers (campaign_id, last) VALUES (?, 1)
				ON CONFLICT (campaign_id) DO UPDATE SET last = last + 1
				RETURNING last`, row.campaignID).Scan(&row.number); err != nil {
				return err
			}
		}
		if _, err := tx.exec(insertRecordSQL, row.args()...); err != nil {
			return err
		}
		if err := tx.replaceRoles(row.id, nil, r.CandidateRoles); err != nil {
			return err
		}
		if ev == nil {
			return nil
		}
		_, err = tx.exec(`INSERT INTO audit (id, at, actor, action, object_kind, object_id, org_path, ip, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ev.ID, nullMillis(ev.At), ev.Actor, ev.Action, ev.ObjectKind, ev.ObjectID, ev.OrgPath, ev.IP, detail)
		if isConstraint(err) {
			return engine.WrapError(engine.ECONFLICT, "audit event "+ev.ID+" exists", err)
		}
		return err
	})
	if err != nil {
		return nil, false, err
	}
	if existing != nil {
		stored, err := existing.record()
		return stored, false, err
	}
	stored, err := row.record()
	return stored, err == nil, err
}
