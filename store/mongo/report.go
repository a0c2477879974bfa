package mongo

import (
	"context"
	"errors"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"canvass/engine"
	"canvass/engine/indicators"
)

// collReportSlots holds one document per periodic-report slot. Its _id is
// the slot's key (campaign, report, org unit, period), so laying out a
// slot twice is a duplicate key that PutReportSlots skips.
const collReportSlots = "report_slots"

type reportSlotDoc struct {
	ID            string     `bson:"_id"`
	CampaignID    string     `bson:"campaignId"`
	ReportID      string     `bson:"reportId"`
	OrgUnit       string     `bson:"orgUnit"`
	OrgPath       string     `bson:"orgPath"`
	Period        string     `bson:"period"`
	PeriodStart   *time.Time `bson:"periodStart"`
	DueAt         *time.Time `bson:"dueAt"`
	RecordID      string     `bson:"recordId"`
	SubmittedAt   *time.Time `bson:"submittedAt"`
	RemindersSent int        `bson:"remindersSent"`
	NextTimerAt   *time.Time `bson:"nextTimerAt"`
	LeaseOwner    string     `bson:"leaseOwner"`
	LeaseUntil    *time.Time `bson:"leaseUntil"`
	Version       int64      `bson:"version"`
}

func (d *reportSlotDoc) slot() indicators.ReportSlot {
	return indicators.ReportSlot{CampaignID: d.CampaignID, ReportID: d.ReportID, OrgUnit: d.OrgUnit, OrgPath: d.OrgPath, Period: d.Period,
		PeriodStart: timeOf(d.PeriodStart), DueAt: timeOf(d.DueAt), RecordID: d.RecordID, SubmittedAt: timeOf(d.SubmittedAt),
		RemindersSent: d.RemindersSent, NextTimerAt: timeOf(d.NextTimerAt), LeaseOwner: d.LeaseOwner, LeaseUntil: timeOf(d.LeaseUntil),
		Version: d.Version}
}

// PutReportSlots inserts the slots that are new; see indicators.ReportStore.
func (s *Store) PutReportSlots(ctx context.Context, slots []indicators.ReportSlot) (int, error) {
	for _, sl := range slots {
		if sl.CampaignID == "" || sl.ReportID == "" || sl.OrgUnit == "" || sl.OrgPath == "" || sl.Period == "" {
			return 0, engine.Errorf(engine.EINVALID, "a report slot needs a campaign, report, org unit, org path and period")
		}
	}
	if len(slots) == 0 {
		return 0, nil
	}
	coll := s.db.Collection(collReportSlots)
	docs := make([]any, len(slots))
	for i, sl := range slots {
		docs[i] = reportSlotDoc{ID: sl.Key(), CampaignID: sl.CampaignID, ReportID: sl.ReportID, OrgUnit: sl.OrgUnit, OrgPath: sl.OrgPath,
			Period: sl.Period, PeriodStart: when(sl.PeriodStart), DueAt: when(sl.DueAt), RecordID: sl.RecordID,
			SubmittedAt: when(sl.SubmittedAt), RemindersSent: sl.RemindersSent, NextTimerAt: when(sl.NextTimerAt), Version: 1}
	}
	_, err := coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return len(docs), nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return 0, s.fail("put report slots", err)
	}
	for _, we := range bwe.WriteErrors {
		if !isDuplicateKey(we) {
			return 0, s.fail("put report slots", err)
		}
	}
	return len(docs) - len(bwe.WriteErrors), nil
}

// ListReportSlots returns the matching slots; see indicators.ReportStore. The
// order is made in Go: FerretDB sorts on several keys slowly.
func (s *Store) ListReportSlots(ctx context.Context, f indicators.ReportSlotFilter) ([]indicators.ReportSlot, error) {
	coll := s.db.Collection(collReportSlots)
	var q filter
	q.eq("campaignId", f.CampaignID)
	q.eq("reportId", f.ReportID)
	q.under("orgPath", f.OrgPaths)
	q.in("period", f.Periods)
	var docs []reportSlotDoc
	if err := s.findAll(ctx, "list report slots", coll, q.doc(), &docs); err != nil {
		return nil, err
	}
	out := make([]indicators.ReportSlot, len(docs))
	for i := range docs {
		out[i] = docs[i].slot()
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.OrgPath != b.OrgPath {
			return a.OrgPath < b.OrgPath
		}
		if a.Period != b.Period {
			return a.Period < b.Period
		}
		return a.ReportID < b.ReportID
	})
	return out, nil
}

// ClaimDueReportSlots leases due slots one findOneAndUpdate at a time, as
// ClaimDueTimers does for records: each claim repeats the due condition,
// so of two claimers racing for a slot exactly one gets it.
func (s *Store) ClaimDueReportSlots(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]indicators.ReportSlot, error) {
	if owner == "" || lease <= 0 {
		return nil, engine.Errorf(engine.EINVALID, "a report claim needs an owner and a positive lease")
	}
	if limit <= 0 {
		return nil, nil
	}
	coll := s.db.Collection(collReportSlots)
	due := bson.D{
		{Key: "nextTimerAt", Value: bson.D{{Key: "$lte", Value: when(now)}}},
		{Key: "$or", Value: bson.A{
			bson.D{{Key: "leaseUntil", Value: nil}},
			bson.D{{Key: "leaseUntil", Value: bson.D{{Key: "$lte", Value: when(now)}}}},
		}},
	}
	set := bson.D{{Key: "leaseOwner", Value: owner}, {Key: "leaseUntil", Value: when(now.Add(lease))}}
	var cands []struct {
		ID string `bson:"_id"`
	}
	if err := s.findAll(ctx, "claim report slots", coll, due, &cands, options.Find().
		SetSort(bson.D{{Key: "nextTimerAt", Value: 1}}).SetLimit(int64(limit)).SetProjection(bson.D{{Key: "_id", Value: 1}})); err != nil {
		return nil, err
	}
	var out []indicators.ReportSlot
	for _, c := range cands {
		var d reportSlotDoc
		unlock, err := s.exclusive(ctx, collReportSlots)
		if err != nil {
			return nil, err
		}
		if s.serial {
			err = s.serialSlotUpdate(ctx, coll, c.ID, func(d *reportSlotDoc) bool {
				return d.NextTimerAt != nil && !d.NextTimerAt.After(now) && (d.LeaseUntil == nil || !d.LeaseUntil.After(now))
			}, set, &d)
		} else {
			err = coll.FindOneAndUpdate(ctx, append(bson.D{{Key: "_id", Value: c.ID}}, due...), bson.D{{Key: "$set", Value: set}},
				options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
		}
		unlock()
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue // another replica claimed it first
		}
		if err != nil {
			return nil, s.fail("claim report slots", err) // the leases taken expire
		}
		out = append(out, d.slot())
	}
	return out, nil
}

// UpdateReportSlot stores a slot's progress if its version is unchanged;
// see indicators.ReportStore.
func (s *Store) UpdateReportSlot(ctx context.Context, sl *indicators.ReportSlot) (*indicators.ReportSlot, error) {
	coll := s.db.Collection(collReportSlots)
	set := bson.D{
		{Key: "recordId", Value: sl.RecordID}, {Key: "submittedAt", Value: when(sl.SubmittedAt)},
		{Key: "remindersSent", Value: sl.RemindersSent}, {Key: "nextTimerAt", Value: when(sl.NextTimerAt)},
		{Key: "leaseOwner", Value: ""}, {Key: "leaseUntil", Value: nil}, {Key: "version", Value: sl.Version + 1},
	}
	id := sl.Key()
	unlock, err := s.exclusive(ctx, collReportSlots)
	if err != nil {
		return nil, err
	}
	var d reportSlotDoc
	if s.serial {
		err = s.serialSlotUpdate(ctx, coll, id, func(d *reportSlotDoc) bool { return d.Version == sl.Version }, set, &d)
	} else {
		err = coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: sl.Version}},
			bson.D{{Key: "$set", Value: set}}, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	}
	unlock()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, s.missingOrConflict(ctx, "update report slot", coll, id,
			engine.Errorf(engine.ENOTFOUND, "report slot not found"),
			engine.Errorf(engine.ECONFLICT, "the report slot changed"))
	}
	if err != nil {
		return nil, s.fail("update report slot", err)
	}
	out := d.slot()
	return &out, nil
}

// serialSlotUpdate is serialUpdate (record.go) for a slot: read, check,
// write, under the slots' lock, on FerretDB only.
func (s *Store) serialSlotUpdate(ctx context.Context, coll *mongo.Collection, id string, cond func(*reportSlotDoc) bool, set bson.D, out *reportSlotDoc) error {
	byID := bson.D{{Key: "_id", Value: id}}
	var cur reportSlotDoc
	if err := coll.FindOne(ctx, byID).Decode(&cur); err != nil {
		return err
	}
	if !cond(&cur) {
		return mongo.ErrNoDocuments
	}
	if _, err := coll.UpdateOne(ctx, byID, bson.D{{Key: "$set", Value: set}}); err != nil {
		return err
	}
	return coll.FindOne(ctx, byID).Decode(out)
}

// CountRecordsByCreator counts records per creator with one $group; see
// indicators.ReportStore.
func (s *Store) CountRecordsByCreator(ctx context.Context, f engine.RecordFilter) ([]indicators.CreatorCount, error) {
	q := recordFilter(f)
	rows, err := s.groupBy(ctx, "count records by creator", s.records, q.doc(), []string{"createdBy"}, bson.D{{Key: "$sum", Value: 1}})
	if err != nil {
		return nil, err
	}
	out := make([]indicators.CreatorCount, 0, len(rows))
	for _, r := range rows {
		out = append(out, indicators.CreatorCount{CreatedBy: groupValues(r.ID, 1)[0], Count: int64(number(r.V))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedBy < out[j].CreatedBy })
	return out, nil
}
