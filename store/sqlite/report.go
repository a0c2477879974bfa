package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"time"

	"canvass/engine"
	"canvass/engine/indicators"
)

const reportSlotColumns = `campaign_id, report_id, org_unit, period, org_path, period_start, due_at,
	record_id, submitted_at, reminders_sent, next_timer_at, lease_owner, lease_until, version`

func scanReportSlot(rows interface{ Scan(...any) error }) (indicators.ReportSlot, error) {
	var s indicators.ReportSlot
	var start, due, submitted, next, lease sql.NullInt64
	err := rows.Scan(&s.CampaignID, &s.ReportID, &s.OrgUnit, &s.Period, &s.OrgPath, &start, &due,
		&s.RecordID, &submitted, &s.RemindersSent, &next, &s.LeaseOwner, &lease, &s.Version)
	s.PeriodStart, s.DueAt, s.SubmittedAt, s.NextTimerAt, s.LeaseUntil = timeOf(start), timeOf(due), timeOf(submitted), timeOf(next), timeOf(lease)
	return s, err
}

// PutReportSlots inserts the slots that are new; see indicators.ReportStore.
func (s *Store) PutReportSlots(ctx context.Context, slots []indicators.ReportSlot) (int, error) {
	for _, sl := range slots {
		if sl.CampaignID == "" || sl.ReportID == "" || sl.OrgUnit == "" || sl.OrgPath == "" || sl.Period == "" {
			return 0, engine.Errorf(engine.EINVALID, "a report slot needs a campaign, report, org unit, org path and period")
		}
	}
	if len(slots) == 0 {
		return 0, nil
	}
	var added int
	err := s.write(ctx, func(tx *writeTx) error {
		added = 0
		for _, sl := range slots {
			res, err := tx.exec(`INSERT INTO report_slots (`+reportSlotColumns+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', NULL, 1) ON CONFLICT DO NOTHING`,
				sl.CampaignID, sl.ReportID, sl.OrgUnit, sl.Period, sl.OrgPath, nullMillis(sl.PeriodStart), nullMillis(sl.DueAt),
				sl.RecordID, nullMillis(sl.SubmittedAt), sl.RemindersSent, nullMillis(sl.NextTimerAt))
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			added += int(n)
		}
		return nil
	})
	return added, err
}

// ListReportSlots returns the matching slots; see indicators.ReportStore.
func (s *Store) ListReportSlots(ctx context.Context, f indicators.ReportSlotFilter) ([]indicators.ReportSlot, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	var w where
	if f.CampaignID != "" {
		w.add("campaign_id = ?", f.CampaignID)
	}
	if f.ReportID != "" {
		w.add("report_id = ?", f.ReportID)
	}
	w.subtrees("org_path", f.OrgPaths)
	w.in("period", f.Periods)
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+reportSlotColumns+` FROM report_slots`+w.sql()+
		` ORDER BY org_path, period, report_id`, w.args...)
	if err != nil {
		return nil, s.dbError(err)
	}
	defer rows.Close()
	out := []indicators.ReportSlot{}
	for rows.Next() {
		sl, err := scanReportSlot(rows)
		if err != nil {
			return nil, s.dbError(err)
		}
		out = append(out, sl)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError(err)
	}
	return out, nil
}

// ClaimDueReportSlots leases due slots to owner in one statement of the
// writer; see indicators.ReportStore.
func (s *Store) ClaimDueReportSlots(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]indicators.ReportSlot, error) {
	if owner == "" || lease <= 0 {
		return nil, engine.Errorf(engine.EINVALID, "a report claim needs an owner and a positive lease")
	}
	if limit <= 0 {
		return nil, nil
	}
	nowMs := now.UnixMilli()
	var out []indicators.ReportSlot
	err := s.write(ctx, func(tx *writeTx) error {
		out = out[:0]
		rows, err := tx.query(`UPDATE report_slots SET lease_owner = ?, lease_until = ?
			WHERE (campaign_id, report_id, org_unit, period) IN (
				SELECT campaign_id, report_id, org_unit, period FROM report_slots
				WHERE next_timer_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
				ORDER BY next_timer_at LIMIT ?)
			RETURNING `+reportSlotColumns, owner, now.Add(lease).UnixMilli(), nowMs, nowMs, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			sl, err := scanReportSlot(rows)
			if err != nil {
				return err
			}
			out = append(out, sl)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].NextTimerAt.Equal(out[j].NextTimerAt) {
			return out[i].NextTimerAt.Before(out[j].NextTimerAt)
		}
		return out[i].Key() < out[j].Key()
	})
	return out, nil
}

// UpdateReportSlot stores a slot's progress if its version is unchanged;
// see indicators.ReportStore.
func (s *Store) UpdateReportSlot(ctx context.Context, sl *indicators.ReportSlot) (*indicators.ReportSlot, error) {
	var out indicators.ReportSlot
	err := s.write(ctx, func(tx *writeTx) error {
		row := tx.queryRow(`UPDATE report_slots SET record_id = ?, submitted_at = ?, reminders_sent = ?, next_timer_at = ?,
				lease_owner = '', lease_until = NULL, version = version + 1
			WHERE campaign_id = ? AND report_id = ? AND org_unit = ? AND period = ? AND version = ?
			RETURNING `+reportSlotColumns,
			sl.RecordID, nullMillis(sl.SubmittedAt), sl.RemindersSent, nullMillis(sl.NextTimerAt),
			sl.CampaignID, sl.ReportID, sl.OrgUnit, sl.Period, sl.Version)
		var err error
		out, err = scanReportSlot(row)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var v int64
		err = tx.queryRow(`SELECT version FROM report_slots WHERE campaign_id = ? AND report_id = ? AND org_unit = ? AND period = ?`,
			sl.CampaignID, sl.ReportID, sl.OrgUnit, sl.Period).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return engine.Errorf(engine.ENOTFOUND, "report slot not found")
		}
		if err != nil {
			return err
		}
		return engine.Errorf(engine.ECONFLICT, "the report slot changed (version %d, not %d)", v, sl.Version)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CountRecordsByCreator counts records per creator; see indicators.ReportStore.
func (s *Store) CountRecordsByCreator(ctx context.Context, f engine.RecordFilter) ([]indicators.CreatorCount, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	w := recordWhere(f)
	rows, err := s.rdb.QueryContext(ctx, `SELECT created_by, count(*) FROM records`+w.sql()+` GROUP BY created_by ORDER BY created_by`, w.args...)
	if err != nil {
		return nil, s.dbError(err)
	}
	defer rows.Close()
	out := []indicators.CreatorCount{}
	for rows.Next() {
		var c indicators.CreatorCount
		if err := rows.Scan(&c.CreatedBy, &c.Count); err != nil {
			return nil, s.dbError(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError(err)
	}
	return out, nil
}
