package mongo

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"canvass/engine"
	"canvass/engine/pay"
)

// How PostLedger holds caps and period locks across processes with
// single-document operations only.
//
// Every campaign's pay period has one account document in period_locks
// (periodLockDoc): whether the period is open, a version, and the period's
// last reservation (pending). An entry enters a period by a conditional
// update of that document, filtered on the version read and on the period
// being open, that bumps the version and makes the entry the pending one;
// only then is it inserted into the ledger (unique key), and the pending
// slot cleared. So:
//
//   - Caps: before reserving, a poster inserts the pending entry it read
//     (idempotent by key) and then sums the payee's entries in the ledger.
//     Every entry reserved before that read is then in the ledger (the
//     pending one was just inserted, earlier ones were inserted by whoever
//     reserved after them), and an entry reserved after it changed the
//     version, so the reservation fails and the poster starts over. The sum
//     Cap sees is therefore exact when the reservation succeeds.
//   - Locks: LockPeriod sets open to false with the same kind of update
//     (which bumps the version, so a reservation read before it fails) and
//     then inserts the pending entry. When it returns, every entry that
//     entered the period is in the ledger and no other can enter.
//   - A crash between reserving and inserting leaves the entry pending: the
//     next post into that period, a lock of it, or a second LockPeriod
//     (which answers ECONFLICT) inserts it. The reconciler's repost of the
//     same key does that post.
//
// Contention: every post into one campaign's period updates one document;
// a lost race costs a re-read and a retry with a short random backoff.

// maxPostAttempts bounds the retries of one PostLedger under contention.
const maxPostAttempts = 100

// PostLedger appends one entry through its period's account document; see
// pay.LedgerStore and the comment above.
func (s *Store) PostLedger(ctx context.Context, p pay.LedgerPost) (bool, error) {
	e := p.Entry
	if e.ID == "" || e.Key == "" || e.CampaignID == "" || e.WorkerID == "" || e.Period == "" {
		return false, engine.Errorf(engine.EINVALID, "a ledger entry needs an ID, a key, a campaign, a worker and a period")
	}
	for attempt := range maxPostAttempts {
		added, raced, err := s.tryPost(ctx, p)
		if !raced {
			return added, err
		}
		backoff := time.Duration(rand.Int64N(int64(time.Millisecond) << min(attempt, 6)))
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return false, s.fail("post ledger", ctx.Err())
		}
	}
	return false, engine.Errorf(engine.EUNAVAILABLE, "pay period %s is too busy; try again", e.Period)
}

// tryPost makes one attempt; raced reports that another post or a lock
// changed the period's account document meanwhile.
func (s *Store) tryPost(ctx context.Context, p pay.LedgerPost) (added, raced bool, err error) {
	e := p.Entry
	acct, err := s.periodAccount(ctx, e.CampaignID, e.Period)
	if err != nil {
		return false, false, err
	}
	if err := s.settlePending(ctx, acct); err != nil {
		return false, false, err
	}
	if !acct.Open {
		return false, false, engine.Errorf(engine.ECLOSED, "pay period %s is locked", e.Period)
	}
	if found, err := s.ledgerHas(ctx, bson.D{{Key: "key", Value: e.Key}}); err != nil || found {
		return false, false, err
	}
	if e.Reverses != "" {
		if found, err := s.ledgerHas(ctx, bson.D{{Key: "workerId", Value: e.WorkerID}, {Key: "reverses", Value: e.Reverses}}); err != nil || found {
			return false, false, err
		}
	}
	if p.Cap != nil {
		paid, err := s.paidInPeriod(ctx, e)
		if err != nil {
			return false, false, err
		}
		capped := p.Cap(e, paid)
		e.AmountFen, e.Rule, e.Inputs = capped.AmountFen, capped.Rule, capped.Inputs
	}
	doc := ledgerDocOf(e)
	reserved, err := s.updatePeriodAccount(ctx, bson.D{{Key: "_id", Value: acct.ID}, {Key: "version", Value: acct.Version}, {Key: "open", Value: true}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "pending", Value: []ledgerDoc{doc}}}}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
	if err != nil || !reserved {
		return false, err == nil, err
	}
	// The entry is the period's now, whatever happens next: a later post
	// or lock inserts it if this process dies before it does.
	acct.Version++
	acct.Pending = []ledgerDoc{doc}
	err = s.settlePending(ctx, acct)
	return err == nil, false, err
}

// periodAccount returns the account document of a campaign's period,
// creating it open when there is none.
func (s *Store) periodAccount(ctx context.Context, campaignID, period string) (*periodLockDoc, error) {
	coll := s.db.Collection(collPeriodLocks)
	id := periodLockID(campaignID, period)
	for range 2 {
		var d periodLockDoc
		err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
		if err == nil {
			return &d, nil
		}
		if !errors.Is(err, mongo.ErrNoDocuments) {
			return nil, s.fail("read pay period", err)
		}
		_, err = coll.InsertOne(ctx, periodLockDoc{ID: id, CampaignID: campaignID, Period: period, Open: true, Pending: []ledgerDoc{}})
		if err == nil {
			return &periodLockDoc{ID: id, CampaignID: campaignID, Period: period, Open: true}, nil
		}
		if !isDuplicateKey(err) { // else another process created it: read that
			return nil, s.fail("open pay period", err)
		}
	}
	return nil, engine.Errorf(engine.EINTERNAL, "pay period %s of %s: created and not found", period, campaignID)
}

// settlePending inserts the period's pending entry into the ledger (an
// entry already there is a duplicate key, which is fine) and clears the
// slot unless another reservation took it meanwhile. The clear leaves the
// version alone: it changes nothing a reservation relies on.
func (s *Store) settlePending(ctx context.Context, acct *periodLockDoc) error {
	if len(acct.Pending) == 0 {
		return nil
	}
	for _, d := range acct.Pending {
		if _, err := s.ledger.InsertOne(ctx, d); err != nil && !isDuplicateKey(err) {
			return s.fail("append ledger", err)
		}
	}
	_, err := s.updatePeriodAccount(ctx, bson.D{{Key: "_id", Value: acct.ID}, {Key: "version", Value: acct.Version}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "pending", Value: []ledgerDoc{}}}}})
	return err
}

// updatePeriodAccount applies update to the account document matching
// filter and reports whether one matched. On FerretDB, whose updates are
// not atomic, it holds the collection's lock (see Store.exclusive).
func (s *Store) updatePeriodAccount(ctx context.Context, filter, update bson.D) (bool, error) {
	unlock, err := s.exclusive(ctx, collPeriodLocks)
	if err != nil {
		return false, err
	}
	defer unlock()
	res, err := s.db.Collection(collPeriodLocks).UpdateOne(ctx, filter, update)
	if err != nil {
		return false, s.fail("update pay period", err)
	}
	return res.MatchedCount == 1, nil
}

// ledgerHas reports whether some ledger entry matches q.
func (s *Store) ledgerHas(ctx context.Context, q bson.D) (bool, error) {
	err := s.ledger.FindOne(ctx, q, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, s.fail("read ledger", err)
}

// paidInPeriod sums what e's worker was paid under e's role in e's period
// within the campaign. It adds in Go rather than with $group, keeping the
// amounts integers whatever the server does with $sum.
func (s *Store) paidInPeriod(ctx context.Context, e pay.LedgerEntry) (int64, error) {
	var rows []struct {
		AmountFen int64 `bson:"amountFen"`
	}
	q := bson.D{{Key: "workerId", Value: e.WorkerID}, {Key: "campaignId", Value: e.CampaignID}, {Key: "role", Value: e.Role}, {Key: "period", Value: e.Period}}
	if err := s.findAll(ctx, "sum ledger", s.ledger, q, &rows, options.Find().SetProjection(bson.D{{Key: "amountFen", Value: 1}})); err != nil {
		return 0, err
	}
	var paid int64
	for _, r := range rows {
		paid += r.AmountFen
	}
	return paid, nil
}
