package mongo

import (
	"context"
	"time"

	"canvass/engine"
)

type auditDoc struct {
	ID         string         `bson:"_id"`
	At         *time.Time     `bson:"at"`
	Actor      string         `bson:"actor"`
	Action     string         `bson:"action"`
	ObjectKind string         `bson:"objectKind"`
	ObjectID   string         `bson:"objectId"`
	OrgPath    string         `bson:"orgPath"`
	IP         string         `bson:"ip"`
	Detail     map[string]any `bson:"detail"`
}

// AppendAudit inserts the event; its ID is the _id.
func (s *Store) AppendAudit(ctx context.Context, e *engine.AuditEvent) error {
	if e.ID == "" || e.Action == "" {
		return engine.Errorf(engine.EINVALID, "an audit event needs an ID and an action")
	}
	_, err := s.audit.InsertOne(ctx, auditDoc{
		ID:         e.ID,
		At:         when(e.At),
		Actor:      e.Actor,
		Action:     e.Action,
		ObjectKind: e.ObjectKind,
		ObjectID:   e.ObjectID,
		OrgPath:    e.OrgPath,
		IP:         e.IP,
		Detail:     e.Detail,
	})
	if isDuplicateKey(err) {
		return engine.WrapError(engine.ECONFLICT, "the audit event exists", err)
	}
	return s.fail("append audit", err)
}

// ListAudit returns one keyset page of the matching events.
func (s *Store) ListAudit(ctx context.Context, f engine.AuditFilter, p engine.Page) (*engine.AuditPage, error) {
	var q filter
	q.eq("actor", f.Actor)
	q.eq("action", f.Action)
	q.eq("objectId", f.ObjectID)
	q.under("orgPath", f.OrgPaths)
	q.cmp("at", "$gte", f.From)
	q.cmp("at", "$lt", f.Before)
	docs, next, err := findPage(ctx, s, "list audit", s.audit, q, p, func(d *auditDoc) string { return d.ID })
	if err != nil {
		return nil, err
	}
	page := &engine.AuditPage{Events: make([]*engine.AuditEvent, len(docs)), Next: next}
	for i, d := range docs {
		page.Events[i] = &engine.AuditEvent{
			ID:         d.ID,
			At:         timeOf(d.At),
			Actor:      d.Actor,
			Action:     d.Action,
			ObjectKind: d.ObjectKind,
			ObjectID:   d.ObjectID,
			OrgPath:    d.OrgPath,
			IP:         d.IP,
			Detail:     plainMap(d.Detail),
		}
	}
	return page, nil
}
