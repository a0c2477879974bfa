package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"canvass/engine"
	"canvass/engine/worklist"
)

const worklistColumns = `id, key, kind, campaign_id, run_id, org_unit, org_path, status, side, record_ids,
	external_row, matched_by, item_values, resolution, version, created_at, updated_at`

func validItem(it *worklist.WorklistItem) error {
	if it == nil || it.ID == "" || it.Key == "" || it.Kind == "" || it.CampaignID == "" || it.OrgPath == "" || it.Status == "" {
		return engine.Errorf(engine.EINVALID, "a worklist item needs an ID, a key, a kind, a campaign, an org path and a status")
	}
	return nil
}

// itemRow is a worklist item's column values.
type itemRow struct {
	side, recordIDs, values, resolution string
}

func encodeItem(it *worklist.WorklistItem) (itemRow, error) {
	var x itemRow
	var err error
	if it.Resolution != nil {
		x.side = it.Resolution.Side
	}
	ids := it.RecordIDs
	if ids == nil {
		ids = []string{}
	}
	if x.recordIDs, err = jsonText(ids, "worklist record IDs"); err != nil {
		return x, err
	}
	vals := it.Values
	if vals == nil {
		vals = []worklist.WorkValue{}
	}
	if x.values, err = jsonText(vals, "worklist values"); err != nil {
		return x, err
	}
	var res *worklist.WorkResolution
	if it.Resolution != nil {
		c := *it.Resolution
		c.At = timeOf(nullMillis(c.At)) // milliseconds, like every stored time
		res = &c
	}
	x.resolution, err = jsonText(res, "worklist resolution")
	return x, err
}

// UpsertWorklistItem inserts the item unless its key exists; see
// worklist.Store.
func (s *Store) UpsertWorklistItem(ctx context.Context, it *worklist.WorklistItem) (*worklist.WorklistItem, bool, error) {
	if err := validItem(it); err != nil {
		return nil, false, err
	}
	x, err := encodeItem(it)
	if err != nil {
		return nil, false, err
	}
	var stored *worklist.WorklistItem
	var created bool
	err = s.write(ctx, func(tx *writeTx) error {
		res, err := tx.exec(`INSERT INTO worklist_items (`+worklistColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
			ON CONFLICT (key) DO NOTHING`,
			it.ID, it.Key, it.Kind, it.CampaignID, it.RunID, it.OrgUnit, it.OrgPath, it.Status, x.side, x.recordIDs,
			it.ExternalRow, it.MatchedBy, x.values, x.resolution, nullMillis(it.CreatedAt), nullMillis(it.UpdatedAt))
		if isConstraint(err) {
			return engine.WrapError(engine.ECONFLICT, "a worklist item with this ID exists", err)
		}
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		created = n == 1
		stored, err = scanItem(tx.queryRow(`SELECT `+worklistColumns+` FROM worklist_items WHERE key = ?`, it.Key))
		return err
	})
	if err != nil {
		return nil, false, s.dbError(err)
	}
	return stored, created, nil
}

// GetWorklistItem returns an item by ID; see worklist.Store.
func (s *Store) GetWorklistItem(ctx context.Context, id string) (*worklist.WorklistItem, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	it, err := scanItem(s.rdb.QueryRowContext(ctx, `SELECT `+worklistColumns+` FROM worklist_items WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, engine.Errorf(engine.ENOTFOUND, "worklist item not found")
	}
	return it, s.dbError(err)
}

// UpdateWorklistItem replaces an item's mutable fields at a version; see
// worklist.Store.
func (s *Store) UpdateWorklistItem(ctx context.Context, it *worklist.WorklistItem) (*worklist.WorklistItem, error) {
	if err := validItem(it); err != nil {
		return nil, err
	}
	x, err := encodeItem(it)
	if err != nil {
		return nil, err
	}
	var stored *worklist.WorklistItem
	err = s.write(ctx, func(tx *writeTx) error {
		err := tx.updateVersioned("worklist_items", it.ID, "the worklist item",
			`UPDATE worklist_items SET status = ?, side = ?, org_unit = ?, org_path = ?, record_ids = ?,
			item_values = ?, resolution = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			it.Status, x.side, it.OrgUnit, it.OrgPath, x.recordIDs, x.values, x.resolution, nullMillis(it.UpdatedAt), it.ID, it.Version)
		if err != nil {
			return err
		}
		stored, err = scanItem(tx.queryRow(`SELECT `+worklistColumns+` FROM worklist_items WHERE id = ?`, it.ID))
		return err
	})
	if err != nil {
		return nil, s.dbError(err)
	}
	return stored, nil
}

func worklistWhere(f worklist.WorklistFilter) *where {
	w := &where{}
	if f.CampaignID != "" {
		w.add("campaign_id = ?", f.CampaignID)
	}
	if f.RunID != "" {
		w.add("run_id = ? AND run_id <> ''", f.RunID)
	}
	w.in("kind", f.Kinds)
	w.in("status", f.Statuses)
	w.subtrees("org_path", f.OrgPaths)
	if f.RecordID != "" {
		w.sorts = true
		w.add("EXISTS (SELECT 1 FROM json_each(record_ids) WHERE value = ?)", f.RecordID)
	}
	return w
}

// ListWorklist returns one keyset page of items; see worklist.Store.
func (s *Store) ListWorklist(ctx context.Context, f worklist.WorklistFilter, p engine.Page) (*worklist.WorklistPage, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	items, next, err := listPage(ctx, s.rdb, "worklist_items", worklistColumns, worklistWhere(f), p, scanItem,
		func(it *worklist.WorklistItem) string { return it.ID })
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []*worklist.WorklistItem{}
	}
	return &worklist.WorklistPage{Items: items, Next: next}, nil
}

// CountWorklist counts items by kind, status and side; see
// worklist.Store.
func (s *Store) CountWorklist(ctx context.Context, f worklist.WorklistFilter) ([]worklist.WorklistCount, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	w := worklistWhere(f)
	return queryAll(ctx, s.rdb, `SELECT kind, status, side, count(*) FROM worklist_items`+w.sql()+
		` GROUP BY kind, status, side ORDER BY kind, status, side`, w.args,
		func(r rowScanner) (worklist.WorklistCount, error) {
			var c worklist.WorklistCount
			err := r.Scan(&c.Kind, &c.Status, &c.Side, &c.Count)
			return c, err
		})
}

// duplicateGroupsSQL reads only the covering index records_campaign_dedup
// (campaign_id, dedup_key): a page of groups costs a walk of the keys up to
// it, never a read of the records themselves.
const duplicateGroupsSQL = `SELECT dedup_key, count(*) FROM records INDEXED BY records_campaign_dedup
	WHERE campaign_id = ? AND dedup_key <> '' AND dedup_key > ?
	GROUP BY dedup_key HAVING count(*) > 1 ORDER BY dedup_key LIMIT ?`

// DuplicateGroups lists dedup keys shared by several records of a
// campaign, from the records_campaign_dedup index; see
// worklist.Store.
func (s *Store) DuplicateGroups(ctx context.Context, campaignID, after string, limit int) ([]worklist.DuplicateGroup, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	if limit <= 0 || limit > engine.MaxPageLimit {
		limit = engine.MaxPageLimit
	}
	gs, err := queryAll(ctx, s.rdb, duplicateGroupsSQL, []any{campaignID, after, limit},
		func(r rowScanner) (worklist.DuplicateGroup, error) {
			var g worklist.DuplicateGroup
			err := r.Scan(&g.DedupKey, &g.Count)
			return g, err
		})
	if gs == nil && err == nil {
		gs = []worklist.DuplicateGroup{}
	}
	return gs, err
}

func scanItem(row rowScanner) (*worklist.WorklistItem, error) {
	var it worklist.WorklistItem
	var side, ids, vals, res string
	var created, updated sql.NullInt64
	err := row.Scan(&it.ID, &it.Key, &it.Kind, &it.CampaignID, &it.RunID, &it.OrgUnit, &it.OrgPath, &it.Status, &side, &ids,
		&it.ExternalRow, &it.MatchedBy, &vals, &res, &it.Version, &created, &updated)
	if err != nil {
		return nil, err
	}
	if err := decodeJSON([]byte(ids), &it.RecordIDs, "worklist record IDs"); err != nil {
		return nil, err
	}
	if err := decodeJSON([]byte(vals), &it.Values, "worklist values"); err != nil {
		return nil, err
	}
	if err := decodeJSON([]byte(res), &it.Resolution, "worklist resolution"); err != nil {
		return nil, err
	}
	if it.Resolution != nil {
		it.Resolution.At = it.Resolution.At.UTC()
	}
	it.CreatedAt, it.UpdatedAt = timeOf(created), timeOf(updated)
	return &it, nil
}

const runColumns = `id, campaign_id, org_path, file_name, file_hash, created_by, created_at, status, error, mapping, counts, version`

// CreateReconcileRun stores a new run; see worklist.Store.
func (s *Store) CreateReconcileRun(ctx context.Context, r *worklist.ReconcileRun) error {
	if r == nil || r.ID == "" || r.CampaignID == "" || r.FileHash == "" {
		return engine.Errorf(engine.EINVALID, "a reconciliation run needs an ID, a campaign and a file hash")
	}
	mapping, err := jsonText(r.Mapping, "run mapping")
	if err != nil {
		return err
	}
	counts, err := jsonText(r.Counts, "run counts")
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *writeTx) error {
		_, err := tx.exec(`INSERT INTO reconcile_runs (`+runColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
			r.ID, r.CampaignID, r.OrgPath, r.FileName, r.FileHash, r.By, nullMillis(r.At), r.Status, r.Error, mapping, counts)
		if isConstraint(err) {
			return engine.WrapError(engine.ECONFLICT, "this file was already compared with this campaign", err)
		}
		return err
	})
}

// UpdateReconcileRun replaces a run's status, error and counts at a
// version; see worklist.Store.
func (s *Store) UpdateReconcileRun(ctx context.Context, r *worklist.ReconcileRun) (*worklist.ReconcileRun, error) {
	counts, err := jsonText(r.Counts, "run counts")
	if err != nil {
		return nil, err
	}
	var stored *worklist.ReconcileRun
	err = s.write(ctx, func(tx *writeTx) error {
		err := tx.updateVersioned("reconcile_runs", r.ID, "the reconciliation run",
			`UPDATE reconcile_runs SET status = ?, error = ?, counts = ?, version = version + 1 WHERE id = ? AND version = ?`,
			r.Status, r.Error, counts, r.ID, r.Version)
		if err != nil {
			return err
		}
		stored, err = scanRun(tx.queryRow(`SELECT `+runColumns+` FROM reconcile_runs WHERE id = ?`, r.ID))
		return err
	})
	if err != nil {
		return nil, s.dbError(err)
	}
	return stored, nil
}

// GetReconcileRun returns a run by ID; see worklist.Store.
func (s *Store) GetReconcileRun(ctx context.Context, id string) (*worklist.ReconcileRun, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	r, err := scanRun(s.rdb.QueryRowContext(ctx, `SELECT `+runColumns+` FROM reconcile_runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, engine.Errorf(engine.ENOTFOUND, "reconciliation run not found")
	}
	return r, s.dbError(err)
}

// ListReconcileRuns returns a campaign's runs in a scope, newest first;
// see worklist.Store.
func (s *Store) ListReconcileRuns(ctx context.Context, campaignID string, orgPaths []string) ([]*worklist.ReconcileRun, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	w := &where{}
	w.add("campaign_id = ?", campaignID)
	w.subtrees("org_path", orgPaths)
	if len(orgPaths) == 0 {
		return []*worklist.ReconcileRun{}, nil
	}
	runs, err := queryAll(ctx, s.rdb, `SELECT `+runColumns+` FROM reconcile_runs`+w.sql()+` ORDER BY id DESC`, w.args, scanRun)
	if runs == nil && err == nil {
		runs = []*worklist.ReconcileRun{}
	}
	return runs, err
}

func scanRun(row rowScanner) (*worklist.ReconcileRun, error) {
	var r worklist.ReconcileRun
	var mapping, counts string
	var at sql.NullInt64
	err := row.Scan(&r.ID, &r.CampaignID, &r.OrgPath, &r.FileName, &r.FileHash, &r.By, &at, &r.Status, &r.Error, &mapping, &counts, &r.Version)
	if err != nil {
		return nil, err
	}
	if err := decodeJSON([]byte(mapping), &r.Mapping, "run mapping"); err != nil {
		return nil, err
	}
	if err := decodeJSON([]byte(counts), &r.Counts, "run counts"); err != nil {
		return nil, err
	}
	r.At = timeOf(at)
	return &r, nil
}
