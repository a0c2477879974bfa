package engine

import "time"

// AuditEvent records one write, sign-in, export or reveal of personal data:
// who, when, what, from where. Audit events are append-only.
type AuditEvent struct {
	ID         string // ULID: sorts by time
	At         time.Time
	Actor      string // user ID, "public:<link>" for QR submitters, "system" for timers
	Action     string // e.g. "record.submit", "user.login", "pii.reveal", "export.records"
	ObjectKind string
	ObjectID   string
	OrgPath    string // scope of the object, so admins see only their subtree
	IP         string
	Detail     map[string]any // never holds unmasked personal data
}

// AuditFilter selects audit events; empty fields do not filter.
type AuditFilter struct {
	Actor    string
	Action   string
	ObjectID string
	OrgPaths []string
	From     time.Time // inclusive
	Before   time.Time // exclusive
}

// AuditPage is one page of audit events.
type AuditPage struct {
	Events []*AuditEvent
	Next   string
}
