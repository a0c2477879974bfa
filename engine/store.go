package engine

import (
	"context"
	"time"
)

// Store is everything the engine needs from a database. store/sqlite (the
// embedded default) and store/mongo implement it; store/storetest is the
// contract both must pass. Every method honours ctx cancellation. A method
// that cannot reach its database returns EUNAVAILABLE; any error not listed
// in a method's comment is EINTERNAL.
//
// A nil error from a write means the write is durable: committed to disk
// (SQLite) or acknowledged by a majority (MongoDB).
type Store interface {
	RecordStore
	DefinitionStore
	DirectoryStore
	SessionStore
	AuditStore
	LinkStore
	NotificationStore

	// CacheGeneration returns a value that changes whenever something an
	// engine caches changes: a definition is published (or a published
	// version changes, such as its owner), the org-unit tree changes, or a
	// campaign is closed by hand. Two calls return the same value only if
	// none of that changed in between, whichever process wrote it; a value
	// is never reused. It is one small read, so that an engine may ask once
	// per request instead of reading what it caches.
	CacheGeneration(ctx context.Context) (string, error)

	// Ping reports whether the store can serve requests now. Returns
	// EUNAVAILABLE with a user-safe reason if not.
	Ping(ctx context.Context) error
	// Close flushes pending writes and releases the database.
	Close() error
}

// RecordStore keeps records, which are their own workflow instances.
type RecordStore interface {
	// InsertRecord stores a new record with Version 1 and returns the stored
	// copy with created true. It is idempotent on ID: when a record with the
	// same ID and the same ContentHash exists, it returns that record with
	// created false and changes nothing. Of any number of calls with the
	// same ID, at once or not, exactly one reports created: the caller
	// that did the insert, which alone audits it and starts its followers.
	// ContentHash is computed with RecordContentHash when empty.
	// Returns ECONFLICT if the ID exists with different content, EINVALID if
	// ID, CampaignID or OrgPath is empty.
	InsertRecord(ctx context.Context, r *Record) (stored *Record, created bool, err error)

	// SubmitRecord is InsertRecord for a submission, as one write where
	// the database allows: when the record is new, it first draws the
	// campaign's next number into its Number if number is set (as
	// NextRecordNumber) and appends audit (when not nil) after it. A replay
	// (same ID and ContentHash) returns the stored record with created
	// false, draws no number and appends nothing. SQLite does all of it in
	// one transaction; a store without multi-document transactions may
	// store the record and then fail to append the event, and then returns
	// the stored record, created true, and the error. Returns as
	// InsertRecord, and EINVALID for an audit event without ID or Action.
	SubmitRecord(ctx context.Context, r *Record, number bool, audit *AuditEvent) (stored *Record, created bool, err error)

	// NextRecordNumber draws the next short record number of a campaign:
	// 1 for its first, then one more than the last drawn, atomically, so
	// two records never share a number whatever processes draw at once.
	// A number drawn but never stored is skipped, not reused.
	NextRecordNumber(ctx context.Context, campaignID string) (int64, error)

	// GetRecord returns the record with the given ID.
	// Returns ENOTFOUND if there is none.
	GetRecord(ctx context.Context, id string) (*Record, error)

	// UpdateRecord replaces the record's mutable fields (everything but ID,
	// CampaignID, CreatedBy, CreatedAt and ContentHash; Number too) if the stored Version
	// equals r.Version, then stores and returns it with Version+1. It also
	// releases any timer lease. r.UpdatedAt is stored as given (the engine's
	// clock). Returns ENOTFOUND if the record does not exist, ECONFLICT if its
	// version differs (someone else changed it first).
	UpdateRecord(ctx context.Context, r *Record) (*Record, error)

	// ListRecords returns one page of the records matching f, keyset-paged
	// by ID (see Page). New records inserted while paging never cause one to
	// be returned twice or skipped.
	ListRecords(ctx context.Context, f RecordFilter, p Page) (*RecordPage, error)

	// CountRecords returns how many records match f.
	CountRecords(ctx context.Context, f RecordFilter) (int64, error)

	// AggregateRecords counts the records matching f, and sums numeric
	// answer fields, grouped by the keys in a.GroupBy (GroupBy… constants).
	// Groups come sorted by their key values. Returns EINVALID for an unknown
	// group key or a bad field name.
	AggregateRecords(ctx context.Context, f RecordFilter, a Aggregate) ([]Group, error)

	// ClaimDueTimers leases up to limit records whose NextTimerAt is at or
	// before now and whose lease is free or expired (LeaseUntil at or before
	// now), setting LeaseOwner=owner and LeaseUntil=now+lease without
	// changing Version. It returns the claimed records. Two claimers never
	// hold the same record at once; a lease that expires can be claimed again.
	ClaimDueTimers(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*Record, error)
}

// DefinitionRef names one version of one definition for
// PublishDefinitions. Checksum, when set, is the source the caller
// checked: the version is published only while its draft still has it.
type DefinitionRef struct {
	Kind     string
	ID       string
	Version  int
	Checksum string
}

// DefinitionStore keeps authored definitions by kind, ID and version.
type DefinitionStore interface {
	// SaveDraft creates the draft (Kind, ID, Version) or replaces it while it
	// is still a draft. Status is forced to draft. Returns ECONFLICT if that
	// version is already published, EINVALID if Kind, ID or Version is unset.
	SaveDraft(ctx context.Context, d *DefinitionVersion) error

	// SaveDraftIf is SaveDraft on condition that the newest version of
	// (Kind, ID), draft or published, has checksum base ("" when there is
	// none yet). The check and the write are one step: of two saves made
	// against the same base, exactly one succeeds. Returns ECONFLICT when
	// the newest version is another (or as SaveDraft), EINVALID as
	// SaveDraft.
	SaveDraftIf(ctx context.Context, d *DefinitionVersion, base string) error

	// PublishDefinition marks a draft published, for ever. Returns ENOTFOUND
	// if the version does not exist, ECONFLICT if it is already published.
	PublishDefinition(ctx context.Context, kind, id string, version int, by string, at time.Time) error

	// PublishDefinitions publishes the drafts refs names as one act: after
	// it returns nil every one is published with by and at; after an error
	// none of them is, and no reader ever sees some published and others
	// not. Returns EINVALID for an empty list or one naming a version twice,
	// ENOTFOUND if a version does not exist, ECONFLICT if one is already
	// published, if a ref's Checksum is set and the draft's source is no
	// longer that one, or if another publish holds one of them right now.
	PublishDefinitions(ctx context.Context, refs []DefinitionRef, by string, at time.Time) error

	// GetDefinition returns one version; version 0 means the latest published
	// one. Returns ENOTFOUND if there is none.
	GetDefinition(ctx context.Context, kind, id string, version int) (*DefinitionVersion, error)

	// ListDefinitions returns the matching versions without their Source,
	// ordered by kind, ID and version.
	ListDefinitions(ctx context.Context, f DefinitionFilter) ([]*DefinitionVersion, error)

	// SetDefinitionOwner sets Owner on every version of (kind, id) that has
	// none, and returns how many versions it changed; versions with an
	// owner keep it. Returns EINVALID if an argument is empty.
	SetDefinitionOwner(ctx context.Context, kind, id, owner string) (int, error)
}

// DirectoryStore keeps the org-unit tree and the users.
type DirectoryStore interface {
	// PutOrgUnits inserts or replaces org units by code, all or none.
	// Returns EINVALID if a unit lacks Code, Level or Path.
	PutOrgUnits(ctx context.Context, units []OrgUnit) error

	// GetOrgUnit returns the unit with the given code.
	// Returns ENOTFOUND if there is none.
	GetOrgUnit(ctx context.Context, code string) (*OrgUnit, error)

	// ListOrgUnits returns the units whose Path lies under pathPrefix (all
	// when empty), ordered by Path, so parents come before their children.
	ListOrgUnits(ctx context.Context, pathPrefix string) ([]OrgUnit, error)

	// CreateUser stores a new user with Version 1. Username must be
	// lower-case. Returns ECONFLICT if the ID or username is taken.
	CreateUser(ctx context.Context, u *User) error

	// GetUser returns the user with the given ID. Returns ENOTFOUND.
	GetUser(ctx context.Context, id string) (*User, error)

	// GetUserByUsername returns the user with the given (lower-case)
	// username. Returns ENOTFOUND.
	GetUserByUsername(ctx context.Context, username string) (*User, error)

	// UpdateUser stores u if the stored Version equals u.Version and returns
	// it with Version+1. Returns ENOTFOUND, or ECONFLICT on a version
	// mismatch or a username taken by another user.
	UpdateUser(ctx context.Context, u *User) (*User, error)

	// ListUsers returns the matching users ordered by username.
	ListUsers(ctx context.Context, f UserFilter) ([]*User, error)
}

// SessionStore keeps sessions and the counters behind rate limits and
// lock-outs, in the store so that they hold across server replicas.
type SessionStore interface {
	// CreateSession stores s. Returns ECONFLICT if TokenHash exists.
	CreateSession(ctx context.Context, s *Session) error
	// GetSession returns the session with the given token hash if it has
	// not expired at now. Returns ENOTFOUND otherwise.
	GetSession(ctx context.Context, tokenHash string, now time.Time) (*Session, error)
	// DeleteSession removes a session; removing a missing one is not an error.
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteUserSessions removes every session of a user (password change,
	// disabled account) and reports how many there were.
	DeleteUserSessions(ctx context.Context, userID string) (int, error)

	// HitCounter adds one to the counter key in the fixed window of the given
	// length that contains now, and returns the count in that window after
	// the hit. Concurrent hits are never lost. Windows start at multiples of
	// their length since the Unix epoch (the sign-in limits tell users when
	// a lock ends from that). A key is used with one window length only.
	HitCounter(ctx context.Context, key string, window time.Duration, now time.Time) (int64, error)
	// CounterValue returns the count of key in the fixed window of the given
	// length that contains now, without adding to it (0 when never hit).
	CounterValue(ctx context.Context, key string, window time.Duration, now time.Time) (int64, error)
	// ResetCounter forgets every window of key.
	ResetCounter(ctx context.Context, key string) error
}

// AuditStore keeps the append-only audit log.
type AuditStore interface {
	// AppendAudit stores an event. Returns EINVALID if ID or Action is empty,
	// ECONFLICT if the ID exists.
	AppendAudit(ctx context.Context, e *AuditEvent) error
	// ListAudit returns one page of matching events, keyset-paged by ID.
	ListAudit(ctx context.Context, f AuditFilter, p Page) (*AuditPage, error)
}

// LinkStore keeps public links (QR codes) to campaign forms and the
// campaigns closed before their end date. Only a hash of a link's token is
// stored, as for sessions.
type LinkStore interface {
	// CreateLinks stores new links, all or none. Returns EINVALID if a link
	// lacks ID, TokenHash, CampaignID, FormID or OrgPath, ECONFLICT if an ID
	// or a TokenHash exists.
	CreateLinks(ctx context.Context, links []*Link) error
	// GetLink returns the link with the given ID. Returns ENOTFOUND.
	GetLink(ctx context.Context, id string) (*Link, error)
	// GetLinkByToken returns the link with the given token hash. Returns
	// ENOTFOUND.
	GetLinkByToken(ctx context.Context, tokenHash string) (*Link, error)
	// ListLinks returns a campaign's links whose OrgPath lies under one of
	// orgPaths (prefix match), ordered by ID.
	ListLinks(ctx context.Context, campaignID string, orgPaths []string) ([]*Link, error)
	// RevokeLink sets the link's RevokedAt and RevokedBy. Returns ENOTFOUND,
	// ECONFLICT if it is revoked already.
	RevokeLink(ctx context.Context, id, by string, at time.Time) error
	// ConsumeLink marks an unused, unrevoked link used at at by the record
	// recordID, in one conditional update, so that of two concurrent
	// callers exactly one succeeds. Returns ENOTFOUND, ECONFLICT if the link
	// is used or revoked (nothing changes).
	ConsumeLink(ctx context.Context, id, recordID string, at time.Time) error

	// SetCampaignClosed records that a campaign was closed by hand.
	// Returns EINVALID without CampaignID, ECONFLICT if it is closed already.
	SetCampaignClosed(ctx context.Context, c *CampaignClosure) error
	// CampaignClosure returns how a campaign was closed by hand. Returns
	// ENOTFOUND while it was not.
	CampaignClosure(ctx context.Context, campaignID string) (*CampaignClosure, error)
}

// NotificationStore keeps each user's in-app notifications.
type NotificationStore interface {
	// AddNotifications stores each notification unless one with the same
	// ID exists (a retry: skipped, whatever its content), and returns how
	// many were new. Returns EINVALID, storing none, if one lacks ID,
	// UserID or Kind.
	AddNotifications(ctx context.Context, ns []Notification) (int, error)
	// ListNotifications returns one page of userID's notifications,
	// keyset-paged by ID and always newest first (IDs sort by time; p.Desc
	// is ignored); with unreadOnly, only those with a zero ReadAt.
	ListNotifications(ctx context.Context, userID string, unreadOnly bool, p Page) (*NotificationPage, error)
	// CountUnread returns how many of userID's notifications are unread.
	CountUnread(ctx context.Context, userID string) (int64, error)
	// MarkNotificationsRead sets ReadAt to at on userID's unread
	// notifications with the given IDs (all of userID's when ids is empty)
	// and returns how many changed. Other users' notifications are never
	// touched; unknown or already read IDs are skipped.
	MarkNotificationsRead(ctx context.Context, userID string, ids []string, at time.Time) (int, error)
}
