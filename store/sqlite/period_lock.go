package sqlite

import (
	"context"
	"database/sql"

	"canvass/engine"
	"canvass/engine/pay"
)

// LockPeriod stores a period lock; see pay.LedgerStore.
func (s *Store) LockPeriod(ctx context.Context, l *pay.PeriodLock) error {
	if l == nil || l.CampaignID == "" || l.Period == "" {
		return engine.Errorf(engine.EINVALID, "a period lock needs a campaign and a period")
	}
	return s.write(ctx, func(tx *writeTx) error {
		_, err := tx.exec(`INSERT INTO period_locks (campaign_id, period, locked_by, locked_at) VALUES (?, ?, ?, ?)`,
			l.CampaignID, l.Period, l.LockedBy, nullMillis(l.LockedAt))
		if isConstraint(err) {
			return engine.WrapError(engine.ECONFLICT, "period "+l.Period+" is already locked", err)
		}
		return err
	})
}

// ListPeriodLocks returns a campaign's locks by period; see
// pay.LedgerStore.
func (s *Store) ListPeriodLocks(ctx context.Context, campaignID string) ([]pay.PeriodLock, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT campaign_id, period, locked_by, locked_at FROM period_locks
		WHERE campaign_id = ? ORDER BY period`, campaignID)
	if err != nil {
		return nil, s.dbError(err)
	}
	defer rows.Close()
	locks := []pay.PeriodLock{}
	for rows.Next() {
		var l pay.PeriodLock
		var at sql.NullInt64
		if err := rows.Scan(&l.CampaignID, &l.Period, &l.LockedBy, &at); err != nil {
			return nil, s.dbError(err)
		}
		l.LockedAt = timeOf(at)
		locks = append(locks, l)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError(err)
	}
	return locks, nil
}

// UnlockPeriod removes a period lock; see pay.LedgerStore.
func (s *Store) UnlockPeriod(ctx context.Context, campaignID, period string) error {
	if campaignID == "" || period == "" {
		return engine.Errorf(engine.EINVALID, "a period lock needs a campaign and a period")
	}
	return s.write(ctx, func(tx *writeTx) error {
		res, err := tx.exec(`DELETE FROM period_locks WHERE campaign_id = ? AND period = ?`, campaignID, period)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return err
			}
			return engine.Errorf(engine.ENOTFOUND, "period %s is not locked", period)
		}
		return nil
	})
}
