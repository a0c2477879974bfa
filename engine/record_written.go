package engine

import (
	"context"
	"fmt"
)

// RecordFollower keeps something derived from records current: the
// duplicate worklist, the indicator counters, the pay ledger, and whatever
// comes next (a search index, a webhook). The engine calls every follower
// after every durable insert or update of a record — a submission, a
// workflow action or timer, a correction, a spot-check outcome, an import
// or bulk update, a worklist or reconciliation resolution — with the stored
// copy.
//
// RecordWritten must be idempotent and work from the stored record alone:
// the write is already durable when it runs, a crash may come between the
// two, and a follower's catch-up pass (on the background sweep) calls it
// again for records it may have missed. That is also why it gets no
// "before" copy: a delta from before to after would be applied twice on a
// retry, while a value derived from after (a ledger key, a versioned
// counter contribution, a worklist key) is simply found already there.
//
// A follower's error does not undo the write. The engine logs it; the
// follower's own catch-up pass repairs what is missing.
type RecordFollower interface {
	RecordWritten(ctx context.Context, r *Record) error
}

// Follow appends followers to the engine's list, run in order after every
// record write. Call it while wiring, before the engine serves requests:
// the list is read without a lock.
func (e *Engine) Follow(fs ...RecordFollower) {
	e.followers = append(e.followers, fs...)
}

// RecordsWritten runs every follower on each stored record, in the order
// they were registered. Capability packages that write records through
// their own store methods (batch inserts) call it after the write is
// durable; the engine's own writes go through UpdateRecord and
// insertRecord, which call it.
func (e *Engine) RecordsWritten(ctx context.Context, rs ...*Record) {
	for _, r := range rs {
		if r == nil {
			continue
		}
		for _, f := range e.followers {
			if err := f.RecordWritten(ctx, r); err != nil {
				e.logger.Error("record follower failed; its catch-up pass will retry",
					"follower", fmt.Sprintf("%T", f), "record", r.ID, "campaign", r.CampaignID, "err", err)
			}
		}
	}
}

// UpdateRecord stores r with a conditional update on its version and runs
// the followers on the stored copy. Returns ECONFLICT when the record
// changed since it was read, ENOTFOUND when it does not exist.
func (e *Engine) UpdateRecord(ctx context.Context, r *Record) (*Record, error) {
	if err := e.numberRecord(ctx, r); err != nil {
		return nil, err
	}
	updated, err := e.store.UpdateRecord(ctx, r)
	if err != nil {
		return nil, err
	}
	e.RecordsWritten(ctx, updated)
	return updated, nil
}
