package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"canvass/engine"
	"canvass/engine/pay"
)

const ledgerColumns = `id, key, campaign_id, pay_table_id, pay_table_version, item, rule, inputs,
	worker_id, worker_org_path, role, record_id, period, amount_fen, reverses, reason, created_by, created_at`

// AppendLedger stores the entries whose key is new; see pay.LedgerStore.
// The whole batch is one request of the writer: entries that clash are
// skipped and reported together as one ECONFLICT after the rest committed.
func (s *Store) AppendLedger(ctx context.Context, entries []pay.LedgerEntry) (int, error) {
	args := make([][]any, len(entries))
	for i := range entries {
		e := &entries[i]
		if e.ID == "" || e.Key == "" || e.CampaignID == "" || e.WorkerID == "" {
			return 0, &engine.Error{Code: engine.EINVALID, Message: "a ledger entry needs an ID, a key, a campaign and a worker",
				Fields: []engine.FieldError{{Pointer: fmt.Sprintf("/%d", i), Code: "required", Message: "ID, key, campaign and worker are required"}}}
		}
		inputs, err := jsonText(e.Inputs, "ledger inputs")
		if err != nil {
			return 0, err
		}
		args[i] = []any{e.ID, e.Key, e.CampaignID, e.PayTableID, e.PayTableVersion, e.Item, e.Rule, inputs,
			e.WorkerID, e.WorkerOrgPath, e.Role, e.RecordID, e.Period, e.AmountFen, e.Reverses, e.Reason,
			e.CreatedBy, nullMillis(e.CreatedAt)}
	}
	if len(entries) == 0 {
		return 0, nil
	}
	var added int
	var clashes []string
	err := s.write(ctx, func(tx *writeTx) error {
		added, clashes = 0, clashes[:0]
		for i := range entries {
			e := &entries[i]
			res, err := tx.exec("INSERT INTO ledger ("+ledgerColumns+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT DO NOTHING`, args[i]...)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				added++
				continue
			}
			// The key or the ID exists. The same key with the same amount,
			// worker and item is a retry; anything else is a clash.
			var amount int64
			var worker, item string
			err = tx.queryRow("SELECT amount_fen, worker_id, item FROM ledger WHERE key = ?", e.Key).Scan(&amount, &worker, &item)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if err != nil || amount != e.AmountFen || worker != e.WorkerID || item != e.Item {
				clashes = append(clashes, e.Key)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if len(clashes) > 0 {
		shown := clashes
		if len(shown) > 5 {
			shown = shown[:5]
		}
		return added, engine.Errorf(engine.ECONFLICT, "%d ledger entries clash with existing ones with other content: %s",
			len(clashes), strings.Join(shown, ", "))
	}
	return added, nil
}

func ledgerWhere(f pay.LedgerFilter) *where {
	w := &where{}
	if f.CampaignID != "" {
		w.add("campaign_id = ?", f.CampaignID)
	}
	if f.WorkerID != "" {
		w.add("worker_id = ?", f.WorkerID)
	}
	if f.Item != "" {
		w.add("item = ?", f.Item)
	}
	if f.RecordID != "" {
		w.add("record_id = ?", f.RecordID)
	}
	w.in("period", f.Periods)
	w.subtrees("worker_org_path", f.OrgPaths)
	return w
}

// ListLedger returns one keyset page of matching entries; see
// pay.LedgerStore.
func (s *Store) ListLedger(ctx context.Context, f pay.LedgerFilter, p engine.Page) (*pay.LedgerPage, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	entries, next, err := listPage(ctx, s.rdb, "ledger", ledgerColumns, ledgerWhere(f), p, scanLedgerEntry,
		func(e *pay.LedgerEntry) string { return e.ID })
	if err != nil {
		return nil, err
	}
	return &pay.LedgerPage{Entries: entries, Next: next}, nil
}

func scanLedgerEntry(sc rowScanner) (*pay.LedgerEntry, error) {
	var e pay.LedgerEntry
	var inputs string
	var created sql.NullInt64
	if err := sc.Scan(&e.ID, &e.Key, &e.CampaignID, &e.PayTableID, &e.PayTableVersion, &e.Item, &e.Rule, &inputs,
		&e.WorkerID, &e.WorkerOrgPath, &e.Role, &e.RecordID, &e.Period, &e.AmountFen, &e.Reverses, &e.Reason,
		&e.CreatedBy, &created); err != nil {
		return nil, err
	}
	e.CreatedAt = timeOf(created)
	if err := decodeJSON([]byte(inputs), &e.Inputs, "ledger inputs"); err != nil {
		return nil, err
	}
	return &e, nil
}

var ledgerGroups = map[string]string{
	pay.LedgerByCampaign: "campaign_id",
	pay.LedgerByWorker:   "worker_id",
	pay.LedgerByItem:     "item",
	pay.LedgerByPeriod:   "period",
	pay.LedgerByRole:     "role",
}

// SumLedger counts and sums matching entries by group; see
// pay.LedgerStore.
func (s *Store) SumLedger(ctx context.Context, f pay.LedgerFilter, groupBy []string) ([]pay.LedgerSum, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	var cols []string
	for _, g := range groupBy {
		col, ok := ledgerGroups[g]
		if !ok {
			return nil, engine.Errorf(engine.EINVALID, "unknown group key %q", g)
		}
		cols = append(cols, col)
	}
	w := ledgerWhere(f)
	rows, err := s.rdb.QueryContext(ctx, groupQuery("ledger", cols, []string{"count(*)", "coalesce(sum(amount_fen), 0)"}, w), w.args...)
	if err != nil {
		return nil, s.dbError(err)
	}
	defer rows.Close()
	sums := []pay.LedgerSum{}
	for rows.Next() {
		keys := make([]string, len(cols))
		var sum pay.LedgerSum
		dest := make([]any, 0, len(cols)+2)
		for i := range keys {
			dest = append(dest, &keys[i])
		}
		dest = append(dest, &sum.Count, &sum.AmountFen)
		if err := rows.Scan(dest...); err != nil {
			return nil, s.dbError(err)
		}
		sum.Key = map[string]string{}
		for i, name := range groupBy {
			sum.Key[name] = keys[i]
		}
		sums = append(sums, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError(err)
	}
	return sums, nil
}
