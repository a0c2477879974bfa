package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"canvass/engine"
	"canvass/engine/pay"
)

// PostLedger appends one entry after checking, in the same write
// transaction, the period's lock, the key, the reversal and the payee's
// sum for Cap; see pay.LedgerStore. The writer's transactions begin
// IMMEDIATE, so they are serialized with every other writer of the file,
// in this process or another: nothing can post or lock between the checks
// and the insert.
func (s *Store) PostLedger(ctx context.Context, p pay.LedgerPost) (bool, error) {
	e := p.Entry
	if e.ID == "" || e.Key == "" || e.CampaignID == "" || e.WorkerID == "" || e.Period == "" {
		return false, &engine.Error{Code: engine.EINVALID, Message: "a ledger entry needs an ID, a key, a campaign, a worker and a period",
			Fields: []engine.FieldError{{Pointer: "/entry", Code: "required", Message: "ID, key, campaign, worker and period are required"}}}
	}
	var added bool
	err := s.write(ctx, func(tx *writeTx) error {
		added = false
		if found, err := rowExists(tx, "SELECT 1 FROM period_locks WHERE campaign_id = ? AND period = ?", e.CampaignID, e.Period); err != nil || found {
			if found {
				return engine.Errorf(engine.ECLOSED, "pay period %s is locked", e.Period)
			}
			return err
		}
		if found, err := rowExists(tx, "SELECT 1 FROM ledger WHERE key = ?", e.Key); err != nil || found {
			return err
		}
		if e.Reverses != "" {
			// By worker too, so the query uses the worker's index.
			if found, err := rowExists(tx, "SELECT 1 FROM ledger WHERE worker_id = ? AND reverses = ?", e.WorkerID, e.Reverses); err != nil || found {
				return err
			}
		}
		entry := e
		if p.Cap != nil {
			var paid int64
			err := tx.queryRow(`SELECT coalesce(sum(amount_fen), 0) FROM ledger
				WHERE worker_id = ? AND campaign_id = ? AND role = ? AND period = ?`,
				e.WorkerID, e.CampaignID, e.Role, e.Period).Scan(&paid)
			if err != nil {
				return err
			}
			capped := p.Cap(e, paid)
			entry.AmountFen, entry.Rule, entry.Inputs = capped.AmountFen, capped.Rule, capped.Inputs
		}
		inputs, err := jsonText(entry.Inputs, "ledger inputs")
		if err != nil {
			return err
		}
		_, err = tx.exec("INSERT INTO ledger ("+ledgerColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			entry.ID, entry.Key, entry.CampaignID, entry.PayTableID, entry.PayTableVersion, entry.Item, entry.Rule, inputs,
			entry.WorkerID, entry.WorkerOrgPath, entry.Role, entry.RecordID, entry.Period, entry.AmountFen, entry.Reverses,
			entry.Reason, entry.CreatedBy, nullMillis(entry.CreatedAt))
		if isConstraint(err) {
			return engine.WrapError(engine.ECONFLICT, "ledger entry "+entry.ID+" exists under another key", err)
		}
		added = err == nil
		return err
	})
	return added, err
}

// rowExists reports whether query finds a row.
func rowExists(tx *writeTx, query string, args ...any) (bool, error) {
	var one int
	err := tx.queryRow(query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
