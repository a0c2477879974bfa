package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"canvass/engine"
	"canvass/engine/followup"
)

func checkScheduleRun(campaignID, entry string, fireAt time.Time) error {
	if campaignID == "" || entry == "" || fireAt.IsZero() {
		return engine.Errorf(engine.EINVALID, "a schedule run needs a campaign, an entry and a firing time")
	}
	return nil
}

// ClaimScheduleRun leases one firing of a schedule entry; see
// followup.RunStore. The insert and the takeover are one statement, so
// two claimers never both win.
func (s *Store) ClaimScheduleRun(ctx context.Context, campaignID, entry string, fireAt time.Time, owner string, now time.Time, lease time.Duration) (bool, error) {
	if err := checkScheduleRun(campaignID, entry, fireAt); err != nil {
		return false, err
	}
	if owner == "" || lease <= 0 {
		return false, engine.Errorf(engine.EINVALID, "a schedule claim needs an owner and a positive lease")
	}
	claimed := false
	err := s.write(ctx, func(tx *writeTx) error {
		res, err := tx.exec(`INSERT INTO schedule_runs (campaign_id, entry, fire_at, lease_owner, lease_until)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (campaign_id, entry, fire_at) DO UPDATE
			SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
			WHERE schedule_runs.done_at IS NULL AND (schedule_runs.lease_until IS NULL OR schedule_runs.lease_until <= ?)`,
			campaignID, entry, fireAt.UnixMilli(), owner, now.Add(lease).UnixMilli(), now.UnixMilli())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n > 0
		return err
	})
	return claimed, err
}

// FinishScheduleRun marks a firing done; see followup.RunStore.
func (s *Store) FinishScheduleRun(ctx context.Context, campaignID, entry string, fireAt time.Time, owner string, created int, at time.Time) error {
	if err := checkScheduleRun(campaignID, entry, fireAt); err != nil {
		return err
	}
	return s.write(ctx, func(tx *writeTx) error {
		res, err := tx.exec(`UPDATE schedule_runs SET done_at = ?, created = ?, lease_until = NULL
			WHERE campaign_id = ? AND entry = ? AND fire_at = ? AND lease_owner = ? AND done_at IS NULL`,
			at.UnixMilli(), created, campaignID, entry, fireAt.UnixMilli(), owner)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		var one int
		err = tx.queryRow(`SELECT 1 FROM schedule_runs WHERE campaign_id = ? AND entry = ? AND fire_at = ?`,
			campaignID, entry, fireAt.UnixMilli()).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return engine.Errorf(engine.ENOTFOUND, "schedule run not found")
		}
		if err != nil {
			return err
		}
		return engine.Errorf(engine.ECONFLICT, "the schedule run is done or held by another process")
	})
}

// ListScheduleRuns returns a campaign's firings, newest first; see
// followup.RunStore.
func (s *Store) ListScheduleRuns(ctx context.Context, campaignID string) ([]followup.Run, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT campaign_id, entry, fire_at, lease_owner, lease_until, done_at, created
		FROM schedule_runs WHERE campaign_id = ? ORDER BY fire_at DESC, entry`, campaignID)
	if err != nil {
		return nil, s.dbError(err)
	}
	defer rows.Close()
	runs := []followup.Run{}
	for rows.Next() {
		var r followup.Run
		var fire int64
		var until, done sql.NullInt64
		if err := rows.Scan(&r.CampaignID, &r.Entry, &fire, &r.LeaseOwner, &until, &done, &r.Created); err != nil {
			return nil, s.dbError(err)
		}
		r.FireAt, r.LeaseUntil, r.DoneAt = time.UnixMilli(fire).UTC(), timeOf(until), timeOf(done)
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError(err)
	}
	return runs, nil
}
