package pay

import (
	"context"

	"canvass/engine"
)

// LedgerStore keeps the append-only payment ledger.
type LedgerStore interface {
	// AppendLedger stores each entry unless an entry with the same Key
	// exists, and returns how many were new. An existing key with the same
	// amount, worker and item is a retry and is skipped; with different
	// content it is ECONFLICT (the batch's other entries are still written,
	// so a retry of the batch completes it). Returns EINVALID for an entry
	// without ID, Key, CampaignID or WorkerID.
	AppendLedger(ctx context.Context, entries []LedgerEntry) (int, error)

	// ListLedger returns one page of matching entries, keyset-paged by ID.
	ListLedger(ctx context.Context, f LedgerFilter, p engine.Page) (*LedgerPage, error)

	// SumLedger counts and sums the matching entries grouped by the keys in
	// groupBy (LedgerBy… constants), sorted by key values. Returns EINVALID
	// for an unknown group key.
	SumLedger(ctx context.Context, f LedgerFilter, groupBy []string) ([]LedgerSum, error)

	// LockPeriod closes a campaign's pay period for good: the engine posts
	// nothing more into it (late entries land in the next open period).
	// Returns ECONFLICT if the period is already locked, EINVALID if
	// CampaignID or Period is empty.
	LockPeriod(ctx context.Context, l *PeriodLock) error
	// ListPeriodLocks returns a campaign's locked periods, ordered by period.
	ListPeriodLocks(ctx context.Context, campaignID string) ([]PeriodLock, error)
}
