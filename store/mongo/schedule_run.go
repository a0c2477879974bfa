package mongo

import (
	"context"
	"errors"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"canvass/engine"
	"canvass/engine/followup"
)

// collScheduleRuns holds one document per firing of a campaign's schedule
// entry. Its _id is campaign, entry and firing time, so whichever replica
// inserts it first holds the firing.
const collScheduleRuns = "schedule_runs"

type scheduleRunDoc struct {
	ID         string     `bson:"_id"` // scheduleRunID
	CampaignID string     `bson:"campaignId"`
	Entry      string     `bson:"entry"`
	FireAt     time.Time  `bson:"fireAt"`
	LeaseOwner string     `bson:"leaseOwner"`
	LeaseUntil *time.Time `bson:"leaseUntil"`
	DoneAt     *time.Time `bson:"doneAt"`
	Created    int        `bson:"created"`
}

func scheduleRunID(campaignID, entry string, fireAt time.Time) string {
	return campaignID + "\x00" + entry + "\x00" + strconv.FormatInt(fireAt.UnixMilli(), 10)
}

func checkScheduleRun(campaignID, entry string, fireAt time.Time) error {
	if campaignID == "" || entry == "" || fireAt.IsZero() {
		return engine.Errorf(engine.EINVALID, "a schedule run needs a campaign, an entry and a firing time")
	}
	return nil
}

// ClaimScheduleRun leases one firing of a schedule entry; see
// followup.RunStore. The first claim inserts the document (the unique _id
// decides between replicas); a later one takes over an expired lease with
// one conditional update.
func (s *Store) ClaimScheduleRun(ctx context.Context, campaignID, entry string, fireAt time.Time, owner string, now time.Time, lease time.Duration) (bool, error) {
	if err := checkScheduleRun(campaignID, entry, fireAt); err != nil {
		return false, err
	}
	if owner == "" || lease <= 0 {
		return false, engine.Errorf(engine.EINVALID, "a schedule claim needs an owner and a positive lease")
	}
	coll := s.db.Collection(collScheduleRuns)
	id := scheduleRunID(campaignID, entry, fireAt)
	_, err := coll.InsertOne(ctx, scheduleRunDoc{ID: id, CampaignID: campaignID, Entry: entry, FireAt: fireAt.UTC(),
		LeaseOwner: owner, LeaseUntil: when(now.Add(lease))})
	if err == nil {
		return true, nil
	}
	if !isDuplicateKey(err) {
		return false, s.fail("claim schedule run", err)
	}
	free := bson.D{{Key: "_id", Value: id}, {Key: "doneAt", Value: nil}, {Key: "$or", Value: bson.A{
		bson.D{{Key: "leaseUntil", Value: nil}},
		bson.D{{Key: "leaseUntil", Value: bson.D{{Key: "$lte", Value: when(now)}}}},
	}}}
	set := bson.D{{Key: "$set", Value: bson.D{{Key: "leaseOwner", Value: owner}, {Key: "leaseUntil", Value: when(now.Add(lease))}}}}
	unlock, err := s.exclusive(ctx, collScheduleRuns)
	if err != nil {
		return false, err
	}
	defer unlock()
	if s.serial {
		var cur scheduleRunDoc
		if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&cur); err != nil {
			return false, s.fail("claim schedule run", err)
		}
		if cur.DoneAt != nil || (cur.LeaseUntil != nil && cur.LeaseUntil.After(now)) {
			return false, nil
		}
	}
	res, err := coll.UpdateOne(ctx, free, set)
	if err != nil {
		return false, s.fail("claim schedule run", err)
	}
	return res.MatchedCount > 0, nil
}

// FinishScheduleRun marks a firing done; see followup.RunStore.
func (s *Store) FinishScheduleRun(ctx context.Context, campaignID, entry string, fireAt time.Time, owner string, created int, at time.Time) error {
	if err := checkScheduleRun(campaignID, entry, fireAt); err != nil {
		return err
	}
	coll := s.db.Collection(collScheduleRuns)
	id := scheduleRunID(campaignID, entry, fireAt)
	unlock, err := s.exclusive(ctx, collScheduleRuns)
	if err != nil {
		return err
	}
	defer unlock()
	res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "leaseOwner", Value: owner}, {Key: "doneAt", Value: nil}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "doneAt", Value: when(at)}, {Key: "created", Value: created}, {Key: "leaseUntil", Value: nil}}}})
	if err != nil {
		return s.fail("finish schedule run", err)
	}
	if res.MatchedCount > 0 {
		return nil
	}
	var cur scheduleRunDoc
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&cur)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return engine.Errorf(engine.ENOTFOUND, "schedule run not found")
	}
	if err != nil {
		return s.fail("finish schedule run", err)
	}
	return engine.Errorf(engine.ECONFLICT, "the schedule run is done or held by another process")
}

// ListScheduleRuns returns a campaign's firings, newest first; see
// followup.RunStore.
func (s *Store) ListScheduleRuns(ctx context.Context, campaignID string) ([]followup.Run, error) {
	var docs []scheduleRunDoc
	if err := s.findAll(ctx, "list schedule runs", s.db.Collection(collScheduleRuns), bson.D{{Key: "campaignId", Value: campaignID}}, &docs,
		options.Find().SetSort(bson.D{{Key: "fireAt", Value: -1}, {Key: "entry", Value: 1}})); err != nil {
		return nil, err
	}
	runs := make([]followup.Run, len(docs))
	for i, d := range docs {
		runs[i] = followup.Run{CampaignID: d.CampaignID, Entry: d.Entry, FireAt: d.FireAt.UTC(), LeaseOwner: d.LeaseOwner,
			LeaseUntil: timeOf(d.LeaseUntil), DoneAt: timeOf(d.DoneAt), Created: d.Created}
	}
	return runs, nil
}
