package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sort"

	"canvass/engine"
	"canvass/engine/indicators"
)

// ApplyIndicatorContribution swaps a record's contribution to the counters
// in one write; see indicators.IndicatorStore.
func (s *Store) ApplyIndicatorContribution(ctx context.Context, c *indicators.IndicatorContribution) (bool, error) {
	if c == nil || c.RecordID == "" || c.CampaignID == "" {
		return false, engine.Errorf(engine.EINVALID, "a contribution needs a record and a campaign")
	}
	parts, err := jsonText(c.Parts, "indicator parts")
	if err != nil {
		return false, err
	}
	var applied bool
	err = s.write(ctx, func(tx *writeTx) error {
		applied = false
		var version int64
		var oldJSON string
		err := tx.queryRow("SELECT record_version, parts FROM indicator_contributions WHERE record_id = ?", c.RecordID).Scan(&version, &oldJSON)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			oldJSON = "null"
		case err != nil:
			return err
		case version >= c.RecordVersion:
			return nil // a replay, or an older copy arriving late
		}
		var old []indicators.IndicatorPart
		if err := decodeJSON([]byte(oldJSON), &old, "indicator parts"); err != nil {
			return err
		}
		type delta struct {
			value   float64
			records int64
		}
		deltas := map[indicators.IndicatorCounterKey]delta{}
		for _, p := range old {
			d := deltas[p.IndicatorCounterKey]
			deltas[p.IndicatorCounterKey] = delta{d.value - p.Amount, d.records - 1}
		}
		for _, p := range c.Parts {
			d := deltas[p.IndicatorCounterKey]
			deltas[p.IndicatorCounterKey] = delta{d.value + p.Amount, d.records + 1}
		}
		keys := make([]indicators.IndicatorCounterKey, 0, len(deltas))
		for k, d := range deltas {
			if d.value != 0 || d.records != 0 {
				keys = append(keys, k)
			}
		}
		sort.Slice(keys, func(i, j int) bool { // a stable order of writes
			a, b := keys[i], keys[j]
			if a.OrgPath != b.OrgPath {
				return a.OrgPath < b.OrgPath
			}
			if a.Month != b.Month {
				return a.Month < b.Month
			}
			return a.Term < b.Term
		})
		for _, k := range keys {
			d := deltas[k]
			if _, err := tx.exec(`INSERT INTO indicator_counters (campaign_id, org_path, month, term, value, records)
				VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (campaign_id, org_path, month, term) DO UPDATE SET value = value + excluded.value, records = records + excluded.records`,
				c.CampaignID, k.OrgPath, k.Month, k.Term, d.value, d.records); err != nil {
				return err
			}
		}
		if _, err := tx.exec(`INSERT INTO indicator_contributions (record_id, campaign_id, record_version, updated_at, parts)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (record_id) DO UPDATE SET record_version = excluded.record_version, updated_at = excluded.updated_at, parts = excluded.parts`,
			c.RecordID, c.CampaignID, c.RecordVersion, nullMillis(c.UpdatedAt), parts); err != nil {
			return err
		}
		applied = true
		return nil
	})
	if err != nil {
		return false, s.dbError(err)
	}
	return applied, nil
}

// ListIndicatorCounters returns the matching counters; see
// indicators.IndicatorStore.
func (s *Store) ListIndicatorCounters(ctx context.Context, f indicators.IndicatorCounterFilter) ([]indicators.IndicatorCounter, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	if f.CampaignID == "" {
		return nil, engine.Errorf(engine.EINVALID, "counters are listed per campaign")
	}
	w := &where{}
	w.add("campaign_id = ?", f.CampaignID)
	if f.OrgPath != "" {
		w.subtrees("org_path", []string{f.OrgPath})
	}
	w.in("term", f.Terms)
	if f.FromMonth != "" {
		w.add("month >= ?", f.FromMonth)
	}
	if f.ToMonth != "" {
		w.add("month <= ?", f.ToMonth)
	}
	rows, err := s.rdb.QueryContext(ctx, "SELECT org_path, month, term, value, records FROM indicator_counters"+w.sql()+
		" ORDER BY term, org_path, month", w.args...)
	if err != nil {
		return nil, s.dbError(err)
	}
	defer rows.Close()
	out := []indicators.IndicatorCounter{}
	for rows.Next() {
		c := indicators.IndicatorCounter{CampaignID: f.CampaignID}
		if err := rows.Scan(&c.OrgPath, &c.Month, &c.Term, &c.Value, &c.Records); err != nil {
			return nil, s.dbError(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError(err)
	}
	return out, nil
}

// ResetIndicatorCounters forgets a campaign's counters and contributions;
// see indicators.IndicatorStore.
func (s *Store) ResetIndicatorCounters(ctx context.Context, campaignID string) error {
	return s.dbError(s.write(ctx, func(tx *writeTx) error {
		if _, err := tx.exec("DELETE FROM indicator_counters WHERE campaign_id = ?", campaignID); err != nil {
			return err
		}
		_, err := tx.exec("DELETE FROM indicator_contributions WHERE campaign_id = ?", campaignID)
		return err
	}))
}

// AddOfficialImport stores an import and its figures as the next version;
// see indicators.IndicatorStore.
func (s *Store) AddOfficialImport(ctx context.Context, imp *indicators.OfficialImport, figures []indicators.OfficialFigure) error {
	if imp == nil || imp.ID == "" {
		return engine.Errorf(engine.EINVALID, "an import needs an ID")
	}
	for _, f := range figures {
		if f.Key == "" || f.OrgUnit == "" || f.OrgPath == "" || f.Period == "" {
			return engine.Errorf(engine.EINVALID, "an official figure needs a key, an org unit and a period")
		}
	}
	var version int64
	err := s.write(ctx, func(tx *writeTx) error {
		var exists int
		if err := tx.queryRow("SELECT count(*) FROM official_imports WHERE id = ?", imp.ID).Scan(&exists); err != nil {
			return err
		}
		if exists > 0 {
			return engine.Errorf(engine.ECONFLICT, "import %s exists", imp.ID)
		}
		if err := tx.queryRow("SELECT coalesce(max(version), 0) + 1 FROM official_imports").Scan(&version); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO official_imports (id, version, source, file_name, imported_by, imported_at, rows, org_path)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, imp.ID, version, imp.Source, imp.FileName, imp.ImportedBy, nullMillis(imp.ImportedAt), imp.Rows, imp.OrgPath); err != nil {
			return err
		}
		for _, f := range figures {
			if _, err := tx.exec(`INSERT INTO official_figures (import_id, version, key, org_unit, org_path, period, value)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, imp.ID, version, f.Key, f.OrgUnit, f.OrgPath, f.Period, f.Value); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return s.dbError(err)
	}
	imp.Version = version
	return nil
}

// ListOfficialImports returns every import, newest first; see
// indicators.IndicatorStore.
func (s *Store) ListOfficialImports(ctx context.Context) ([]*indicators.OfficialImport, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, version, source, file_name, imported_by, imported_at, rows, org_path
		FROM official_imports ORDER BY version DESC`)
	if err != nil {
		return nil, s.dbError(err)
	}
	defer rows.Close()
	out := []*indicators.OfficialImport{}
	for rows.Next() {
		var imp indicators.OfficialImport
		var at sql.NullInt64
		if err := rows.Scan(&imp.ID, &imp.Version, &imp.Source, &imp.FileName, &imp.ImportedBy, &at, &imp.Rows, &imp.OrgPath); err != nil {
			return nil, s.dbError(err)
		}
		imp.ImportedAt = timeOf(at)
		out = append(out, &imp)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError(err)
	}
	return out, nil
}

// ListOfficialFigures returns the matching figures of every version; see
// indicators.IndicatorStore.
func (s *Store) ListOfficialFigures(ctx context.Context, f indicators.OfficialFigureFilter) ([]indicators.OfficialFigure, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	w := &where{}
	w.in("key", f.Keys)
	if f.OrgPath != "" {
		w.subtrees("org_path", []string{f.OrgPath})
	}
	w.in("period", f.Periods)
	rows, err := s.rdb.QueryContext(ctx, "SELECT import_id, version, key, org_unit, org_path, period, value FROM official_figures"+w.sql()+
		" ORDER BY key, org_path, period, version", w.args...)
	if err != nil {
		return nil, s.dbError(err)
	}
	defer rows.Close()
	out := []indicators.OfficialFigure{}
	for rows.Next() {
		var o indicators.OfficialFigure
		if err := rows.Scan(&o.ImportID, &o.Version, &o.Key, &o.OrgUnit, &o.OrgPath, &o.Period, &o.Value); err != nil {
			return nil, s.dbError(err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError(err)
	}
	return out, nil
}

var _ indicators.IndicatorStore = (*Store)(nil)
