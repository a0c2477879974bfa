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

	// PostLedger appends one entry the way the engine posts pay, as one
	// atomic step that holds whatever other server processes post or lock
	// at the same time:
	//   - when the entry's period is locked it returns ECLOSED and writes
	//     nothing (the engine then posts into the next open period);
	//   - when an entry with the same Key exists, or Entry.Reverses names
	//     an entry that another entry already reverses, it returns false
	//     and writes nothing;
	//   - otherwise it stores the entry, Cap applied (see LedgerPost), and
	//     returns true.
	// Unlike AppendLedger it never compares content: the first entry under
	// a key stands. Returns EINVALID for an entry without ID, Key,
	// CampaignID, WorkerID or Period.
	PostLedger(ctx context.Context, p LedgerPost) (bool, error)

	// ListLedger returns one page of matching entries, keyset-paged by ID.
	ListLedger(ctx context.Context, f LedgerFilter, p engine.Page) (*LedgerPage, error)

	// SumLedger counts and sums the matching entries grouped by the keys in
	// groupBy (LedgerBy… constants), sorted by key values. Returns EINVALID
	// for an unknown group key.
	SumLedger(ctx context.Context, f LedgerFilter, groupBy []string) ([]LedgerSum, error)

	// LockPeriod closes a campaign's pay period for good: from the moment
	// it returns, PostLedger puts nothing more into it, and every entry
	// PostLedger accepted into it before is in the ledger (late entries
	// land in the next open period).
	// Returns ECONFLICT if the period is already locked, EINVALID if
	// CampaignID or Period is empty.
	LockPeriod(ctx context.Context, l *PeriodLock) error
	// UnlockPeriod opens a locked period again: from the moment it returns,
	// PostLedger may post into it. Returns ENOTFOUND if it is not locked,
	// EINVALID if campaignID or period is empty.
	UnlockPeriod(ctx context.Context, campaignID, period string) error
	// ListPeriodLocks returns a campaign's locked periods, ordered by period.
	ListPeriodLocks(ctx context.Context, campaignID string) ([]PeriodLock, error)
}

// LedgerPost is one entry for PostLedger.
type LedgerPost struct {
	Entry LedgerEntry
	// Cap, when not nil, decides a capped payment: the store calls it with
	// the entry and what the payee was paid under the entry's role in its
	// period within the campaign (the sum of every entry stored, as of the
	// append), and stores the AmountFen, Rule and Inputs of the entry it
	// returns. The store may call it more than once; it must be a pure
	// function of its arguments.
	Cap func(e LedgerEntry, paidFen int64) LedgerEntry
}
