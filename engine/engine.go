package engine

import (
	"context"
	"log/slog"
	"time"
)

// Engine is the set of domain services the server calls. It owns no
// goroutines; its clock is injected so tests can move time.
type Engine struct {
	store  Store
	now    func() time.Time
	logger *slog.Logger
	vault  *Vault

	catalog   catalog
	caches    caches
	sessions  sessionCache
	followers []RecordFollower
}

// Config configures an Engine. Store is required; Now defaults to
// time.Now, Logger to slog.Default, Vault to none (PII fields are then
// refused rather than stored in plain text).
type Config struct {
	Store  Store
	Now    func() time.Time
	Logger *slog.Logger
	Vault  *Vault

	// Followers run after every durable record write, in this order,
	// before any added later with Follow (see RecordFollower).
	Followers []RecordFollower
}

// New returns an Engine over cfg.Store.
func New(cfg Config) *Engine {
	e := &Engine{store: cfg.Store, now: cfg.Now, logger: cfg.Logger, vault: cfg.Vault, followers: cfg.Followers}
	if e.now == nil {
		e.now = time.Now
	}
	if e.logger == nil {
		e.logger = slog.Default()
	}
	return e
}

// Store returns the engine's store.
func (e *Engine) Store() Store { return e.store }

// Now returns the engine clock's current time in UTC, truncated to
// milliseconds (the precision every store keeps).
func (e *Engine) Now() time.Time { return e.now().UTC().Truncate(time.Millisecond) }

// Logger returns the engine's logger.
func (e *Engine) Logger() *slog.Logger { return e.logger }

// Vault returns the engine's PII vault (nil when none is configured).
func (e *Engine) Vault() *Vault { return e.vault }

// Audit appends an audit event for the actor. A failure to audit fails the
// operation that asked for it: an action we cannot account for must not
// look successful.
func (e *Engine) Audit(ctx context.Context, a *Actor, action, kind, id, orgPath string, detail map[string]any) error {
	return e.store.AppendAudit(ctx, e.auditEvent(a, action, kind, id, orgPath, detail))
}

// auditEvent is the event Audit appends, for writes that append it with
// their own (Store.SubmitRecord).
func (e *Engine) auditEvent(a *Actor, action, kind, id, orgPath string, detail map[string]any) *AuditEvent {
	ev := &AuditEvent{
		ID:         NewID(e.Now()),
		At:         e.Now(),
		Action:     action,
		ObjectKind: kind,
		ObjectID:   id,
		OrgPath:    orgPath,
		Detail:     detail,
	}
	if a != nil {
		ev.Actor, ev.IP = a.ID(), a.IP
	} else {
		ev.Actor = "system"
	}
	return ev
}

// AuditLog returns one page of the audit events in the actor's subtree,
// newest first. Admins only.
func (e *Engine) AuditLog(ctx context.Context, a *Actor, f AuditFilter, p Page) (*AuditPage, error) {
	if err := a.Require(RoleAdmin); err != nil {
		return nil, err
	}
	f.OrgPaths, p.Desc = a.Scope(), true
	return e.store.ListAudit(ctx, f, p.Normalize())
}
