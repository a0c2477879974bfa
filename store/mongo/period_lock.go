package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"canvass/engine"
	"canvass/engine/pay"
)

// collPeriodLocks holds one document per locked pay period. Its _id is
// campaign and period, so a second lock of the same period is a duplicate
// key: the unique index that makes locking idempotent across replicas.
const collPeriodLocks = "period_locks"

type periodLockDoc struct {
	ID         string     `bson:"_id"` // campaign + "\x00" + period
	CampaignID string     `bson:"campaignId"`
	Period     string     `bson:"period"`
	LockedBy   string     `bson:"lockedBy"`
	LockedAt   *time.Time `bson:"lockedAt"`
}

// LockPeriod inserts the lock; see pay.LedgerStore.
func (s *Store) LockPeriod(ctx context.Context, l *pay.PeriodLock) error {
	if l == nil || l.CampaignID == "" || l.Period == "" {
		return engine.Errorf(engine.EINVALID, "a period lock needs a campaign and a period")
	}
	_, err := s.db.Collection(collPeriodLocks).InsertOne(ctx, periodLockDoc{
		ID: l.CampaignID + "\x00" + l.Period, CampaignID: l.CampaignID, Period: l.Period,
		LockedBy: l.LockedBy, LockedAt: when(l.LockedAt),
	})
	if isDuplicateKey(err) {
		return engine.WrapError(engine.ECONFLICT, "period "+l.Period+" is already locked", err)
	}
	return s.fail("lock period", err)
}

// ListPeriodLocks returns a campaign's locks by period; see
// pay.LedgerStore.
func (s *Store) ListPeriodLocks(ctx context.Context, campaignID string) ([]pay.PeriodLock, error) {
	var docs []periodLockDoc
	if err := s.findAll(ctx, "list period locks", s.db.Collection(collPeriodLocks), bson.D{{Key: "campaignId", Value: campaignID}}, &docs,
		options.Find().SetSort(bson.D{{Key: "period", Value: 1}})); err != nil {
		return nil, err
	}
	locks := make([]pay.PeriodLock, len(docs))
	for i, d := range docs {
		locks[i] = pay.PeriodLock{CampaignID: d.CampaignID, Period: d.Period, LockedBy: d.LockedBy, LockedAt: timeOf(d.LockedAt)}
	}
	return locks, nil
}
