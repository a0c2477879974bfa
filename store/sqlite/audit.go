package sqlite

import (
	"context"
	"database/sql"

	"canvass/engine"
)

// AppendAudit stores an event; see engine.AuditStore.
func (s *Store) AppendAudit(ctx context.Context, e *engine.AuditEvent) error {
	if e == nil || e.ID == "" || e.Action == "" {
		return engine.Errorf(engine.EINVALID, "an audit event needs an ID and an action")
	}
	detail, err := jsonText(e.Detail, "audit detail")
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *writeTx) error {
		_, err := tx.exec(`INSERT INTO audit (id, at, actor, action, object_kind, object_id, org_path, ip, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, nullMillis(e.At), e.Actor, e.Action, e.ObjectKind, e.ObjectID, e.OrgPath, e.IP, detail)
		if isConstraint(err) {
			return engine.WrapError(engine.ECONFLICT, "audit event "+e.ID+" exists", err)
		}
		return err
	})
}

// ListAudit returns one keyset page of matching events; see
// engine.AuditStore.
func (s *Store) ListAudit(ctx context.Context, f engine.AuditFilter, p engine.Page) (*engine.AuditPage, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	w := &where{}
	if f.Actor != "" {
		w.add("actor = ?", f.Actor)
	}
	if f.Action != "" {
		w.add("action = ?", f.Action)
	}
	if f.ObjectID != "" {
		w.add("object_id = ?", f.ObjectID)
	}
	w.subtrees("org_path", f.OrgPaths)
	if !f.From.IsZero() {
		w.add("at >= ?", ceilMillis(f.From))
		w.sorts = true
	}
	if !f.Before.IsZero() {
		w.add("at < ?", ceilMillis(f.Before))
		w.sorts = true
	}
	events, next, err := listPage(ctx, s.rdb, "audit", auditColumns, w, p, scanAuditEvent,
		func(e *engine.AuditEvent) string { return e.ID })
	if err != nil {
		return nil, err
	}
	return &engine.AuditPage{Events: events, Next: next}, nil
}

const auditColumns = "id, at, actor, action, object_kind, object_id, org_path, ip, detail"

func scanAuditEvent(sc rowScanner) (*engine.AuditEvent, error) {
	var e engine.AuditEvent
	var at sql.NullInt64
	var detail string
	if err := sc.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.ObjectKind, &e.ObjectID, &e.OrgPath, &e.IP, &detail); err != nil {
		return nil, err
	}
	e.At = timeOf(at)
	if err := decodeJSON([]byte(detail), &e.Detail, "audit detail"); err != nil {
		return nil, err
	}
	return &e, nil
}
