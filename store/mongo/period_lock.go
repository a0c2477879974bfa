package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"canvass/engine"
	"canvass/engine/pay"
)

// collPeriodLocks holds one document per campaign pay period that was
// posted into or locked: the period's account (see PostLedger). Its _id is
// campaign and period, so there is one per period whichever replica
// creates it.
const collPeriodLocks = "period_locks"

type periodLockDoc struct {
	ID         string `bson:"_id"` // periodLockID
	CampaignID string `bson:"campaignId"`
	Period     string `bson:"period"`
	// Open is true while entries may enter the period. A document without
	// the field is a lock written before periods had accounts: locked.
	Open     bool       `bson:"open"`
	LockedBy string     `bson:"lockedBy"`
	LockedAt *time.Time `bson:"lockedAt"`
	// Version changes with every reservation and with the lock.
	Version int64 `bson:"version"`
	// Pending is the period's last reservation, empty once it is known to
	// be in the ledger.
	Pending []ledgerDoc `bson:"pending"`
}

func periodLockID(campaignID, period string) string { return campaignID + "\x00" + period }

// LockPeriod closes the period's account document, then inserts the entry
// it still holds pending, so that when it returns the ledger has every
// entry of the period; see pay.LedgerStore and PostLedger.
func (s *Store) LockPeriod(ctx context.Context, l *pay.PeriodLock) error {
	if l == nil || l.CampaignID == "" || l.Period == "" {
		return engine.Errorf(engine.EINVALID, "a period lock needs a campaign and a period")
	}
	id := periodLockID(l.CampaignID, l.Period)
	lock := bson.D{{Key: "$set", Value: bson.D{{Key: "open", Value: false}, {Key: "lockedBy", Value: l.LockedBy}, {Key: "lockedAt", Value: when(l.LockedAt)}}},
		{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}
	var lockErr error
	for range 2 {
		locked, err := s.updatePeriodAccount(ctx, bson.D{{Key: "_id", Value: id}, {Key: "open", Value: true}}, lock)
		if err != nil || locked {
			lockErr = err
			break
		}
		// No open account: none at all, or a locked one.
		_, err = s.db.Collection(collPeriodLocks).InsertOne(ctx, periodLockDoc{
			ID: id, CampaignID: l.CampaignID, Period: l.Period, LockedBy: l.LockedBy, LockedAt: when(l.LockedAt), Pending: []ledgerDoc{},
		})
		if !isDuplicateKey(err) {
			lockErr = s.fail("lock period", err)
			break
		}
		// Locked already, or a post has just opened it: look again.
		lockErr = engine.WrapError(engine.ECONFLICT, "period "+l.Period+" is already locked", err)
	}
	if lockErr != nil && engine.ErrorCode(lockErr) != engine.ECONFLICT {
		return lockErr
	}
	// Locked now, by this call or an earlier one that may have died before
	// inserting what was pending.
	var acct periodLockDoc
	if err := s.findOne(ctx, "lock period", s.db.Collection(collPeriodLocks), bson.D{{Key: "_id", Value: id}}, &acct, "pay period not found"); err != nil {
		return err
	}
	if err := s.settlePending(ctx, &acct); err != nil {
		return err
	}
	return lockErr
}

// ListPeriodLocks returns a campaign's locks by period; see
// pay.LedgerStore.
func (s *Store) ListPeriodLocks(ctx context.Context, campaignID string) ([]pay.PeriodLock, error) {
	var docs []periodLockDoc
	q := bson.D{{Key: "campaignId", Value: campaignID}, {Key: "open", Value: bson.D{{Key: "$ne", Value: true}}}}
	if err := s.findAll(ctx, "list period locks", s.db.Collection(collPeriodLocks), q, &docs,
		options.Find().SetSort(bson.D{{Key: "period", Value: 1}})); err != nil {
		return nil, err
	}
	locks := make([]pay.PeriodLock, len(docs))
	for i, d := range docs {
		locks[i] = pay.PeriodLock{CampaignID: d.CampaignID, Period: d.Period, LockedBy: d.LockedBy, LockedAt: timeOf(d.LockedAt)}
	}
	return locks, nil
}

// UnlockPeriod opens the period's account again; see pay.LedgerStore.
func (s *Store) UnlockPeriod(ctx context.Context, campaignID, period string) error {
	if campaignID == "" || period == "" {
		return engine.Errorf(engine.EINVALID, "a period lock needs a campaign and a period")
	}
	unlocked, err := s.updatePeriodAccount(ctx,
		bson.D{{Key: "_id", Value: periodLockID(campaignID, period)}, {Key: "open", Value: bson.D{{Key: "$ne", Value: true}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "open", Value: true}, {Key: "lockedBy", Value: ""}, {Key: "lockedAt", Value: nil}}},
			{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
	if err != nil {
		return err
	}
	if !unlocked {
		return engine.Errorf(engine.ENOTFOUND, "period %s is not locked", period)
	}
	return nil
}
