package mongo

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"canvass/engine"
)

// recordDoc is a record as stored: one document per record, its workflow
// instance included.
type recordDoc struct {
	ID             string         `bson:"_id"`
	CampaignID     string         `bson:"campaignId"`
	FormID         string         `bson:"formId"`
	FormVersion    int            `bson:"formVersion"`
	WorkflowID     string         `bson:"workflowId,omitempty"`
	WorkflowVer    int            `bson:"workflowVersion,omitempty"`
	OrgUnit        string         `bson:"orgUnit"`
	OrgPath        string         `bson:"orgPath"`
	State          string         `bson:"state"`
	Answers        map[string]any `bson:"answers"`
	DedupKey       string         `bson:"dedupKey"`
	Step           string         `bson:"step"`
	CandidateRoles []string       `bson:"candidateRoles"`
	TaskOrgPath    string         `bson:"taskOrgPath"`
	Assignee       string         `bson:"assignee"`
	DueAt          *time.Time     `bson:"dueAt"`
	NextTimerAt    *time.Time     `bson:"nextTimerAt"`
	TimerKind      string         `bson:"timerKind"`
	LeaseOwner     string         `bson:"leaseOwner"`
	LeaseUntil     *time.Time     `bson:"leaseUntil"`
	Version        int64          `bson:"version"`
	CreatedBy      string         `bson:"createdBy"`
	CreatedAt      *time.Time     `bson:"createdAt"`
	UpdatedAt      *time.Time     `bson:"updatedAt"`
	History        []historyDoc   `bson:"history"`
	ContentHash    string         `bson:"contentHash"`
	Number         int64          `bson:"number,omitempty"`

	// The calendar keys of CreatedAt in Asia/Shanghai, written with the
	// record so that AggregateRecords groups by plain fields: FerretDB
	// lacks the date operators that would derive them in a pipeline.
	Month   string `bson:"month"`   // "2026-11"
	Quarter string `bson:"quarter"` // "2026-Q4"
	Year    string `bson:"year"`    // "2026"
}

type historyDoc struct {
	At        *time.Time    `bson:"at"`
	Actor     string        `bson:"actor"`
	Action    string        `bson:"action"`
	FromState string        `bson:"from,omitempty"`
	ToState   string        `bson:"to,omitempty"`
	Reason    string        `bson:"reason,omitempty"`
	Changes   []fieldChange `bson:"changes,omitempty"`
}

type fieldChange struct {
	Pointer string `bson:"pointer"`
	Before  any    `bson:"before"`
	After   any    `bson:"after"`
}

// shanghai is the zone of the calendar keys. China has kept UTC+8 without
// daylight saving since 1991, so a fixed zone needs no tzdata.
var shanghai = time.FixedZone("CST", 8*3600)

func toRecordDoc(r *engine.Record) *recordDoc {
	d := &recordDoc{
		ID:             r.ID,
		CampaignID:     r.CampaignID,
		FormID:         r.FormID,
		FormVersion:    r.FormVersion,
		WorkflowID:     r.WorkflowID,
		WorkflowVer:    r.WorkflowVersion,
		OrgUnit:        r.OrgUnit,
		OrgPath:        r.OrgPath,
		State:          r.State,
		Answers:        r.Answers,
		DedupKey:       r.DedupKey,
		Step:           r.Step,
		CandidateRoles: r.CandidateRoles,
		TaskOrgPath:    r.TaskOrgPath,
		Assignee:       r.Assignee,
		DueAt:          when(r.DueAt),
		NextTimerAt:    when(r.NextTimerAt),
		TimerKind:      r.TimerKind,
		LeaseOwner:     r.LeaseOwner,
		LeaseUntil:     when(r.LeaseUntil),
		Version:        r.Version,
		CreatedBy:      r.CreatedBy,
		CreatedAt:      when(r.CreatedAt),
		UpdatedAt:      when(r.UpdatedAt),
		History:        toHistoryDocs(r.History),
		ContentHash:    r.ContentHash,
		Number:         r.Number,
	}
	if !r.CreatedAt.IsZero() {
		c := r.CreatedAt.In(shanghai)
		d.Month = c.Format("2006-01")
		d.Quarter = fmt.Sprintf("%d-Q%d", c.Year(), (int(c.Month())+2)/3)
		d.Year = c.Format("2006")
	}
	return d
}

func toHistoryDocs(hs []engine.HistoryEntry) []historyDoc {
	if len(hs) == 0 {
		return nil
	}
	out := make([]historyDoc, len(hs))
	for i, h := range hs {
		out[i] = historyDoc{At: when(h.At), Actor: h.Actor, Action: h.Action, FromState: h.FromState, ToState: h.ToState, Reason: h.Reason}
		for _, c := range h.Changes {
			out[i].Changes = append(out[i].Changes, fieldChange(c))
		}
	}
	return out
}

func (d *recordDoc) record() *engine.Record {
	r := &engine.Record{
		ID:              d.ID,
		CampaignID:      d.CampaignID,
		FormID:          d.FormID,
		FormVersion:     d.FormVersion,
		WorkflowID:      d.WorkflowID,
		WorkflowVersion: d.WorkflowVer,
		OrgUnit:         d.OrgUnit,
		OrgPath:         d.OrgPath,
		State:           d.State,
		Answers:         plainMap(d.Answers),
		DedupKey:        d.DedupKey,
		Step:            d.Step,
		CandidateRoles:  d.CandidateRoles,
		TaskOrgPath:     d.TaskOrgPath,
		Assignee:        d.Assignee,
		DueAt:           timeOf(d.DueAt),
		NextTimerAt:     timeOf(d.NextTimerAt),
		TimerKind:       d.TimerKind,
		LeaseOwner:      d.LeaseOwner,
		LeaseUntil:      timeOf(d.LeaseUntil),
		Version:         d.Version,
		CreatedBy:       d.CreatedBy,
		CreatedAt:       timeOf(d.CreatedAt),
		UpdatedAt:       timeOf(d.UpdatedAt),
		ContentHash:     d.ContentHash,
		Number:          d.Number,
	}
	for _, h := range d.History {
		e := engine.HistoryEntry{At: timeOf(h.At), Actor: h.Actor, Action: h.Action, FromState: h.FromState, ToState: h.ToState, Reason: h.Reason}
		for _, c := range h.Changes {
			e.Changes = append(e.Changes, engine.FieldChange{Pointer: c.Pointer, Before: plain(c.Before), After: plain(c.After)})
		}
		r.History = append(r.History, e)
	}
	return r
}

// stored is r as a read would return it, without asking the server: the
// document encoded and decoded again.
func stored(d *recordDoc) (*engine.Record, error) {
	b, err := bson.Marshal(d)
	if err != nil {
		return nil, err
	}
	var back recordDoc
	if err := bson.Unmarshal(b, &back); err != nil {
		return nil, err
	}
	return back.record(), nil
}

// InsertRecord stores r at Version 1, or returns the stored record when the
// same content was already stored under r.ID (a retried submission). The
// unique _id decides which of racing inserts created the record: the one
// whose InsertOne succeeded; every other gets a duplicate-key error and
// reads the stored copy.
func (s *Store) InsertRecord(ctx context.Context, r *engine.Record) (*engine.Record, bool, error) {
	if r.ID == "" || r.CampaignID == "" || r.OrgPath == "" {
		return nil, false, engine.Errorf(engine.EINVALID, "a record needs an ID, a campaign and an org path")
	}
	in := *r
	in.Version = 1
	if in.ContentHash == "" {
		in.ContentHash = engine.RecordContentHash(r)
	}
	d := toRecordDoc(&in)
	_, err := s.records.InsertOne(ctx, d)
	if err == nil {
		out, err := stored(d)
		if err != nil {
			return nil, false, s.fail("insert record", err)
		}
		return out, true, nil
	}
	if !isDuplicateKey(err) {
		return nil, false, s.fail("insert record", err)
	}
	existing, err := s.GetRecord(ctx, r.ID)
	if err != nil {
		return nil, false, err
	}
	if existing.ContentHash != in.ContentHash {
		return nil, false, engine.Errorf(engine.ECONFLICT, "record %s already exists with different content", r.ID)
	}
	return existing, false, nil
}

// collRecordNumbers holds one document per campaign: the last short
// record number drawn.
const collRecordNumbers = "record_numbers"

// NextRecordNumber draws a campaign's next short record number with one
// upserting $inc, atomic on MongoDB (and under the collection's lock on
// FerretDB).
func (s *Store) NextRecordNumber(ctx context.Context, campaignID string) (int64, error) {
	if campaignID == "" {
		return 0, engine.Errorf(engine.EINVALID, "a record number needs a campaign")
	}
	unlock, err := s.exclusive(ctx, collRecordNumbers)
	if err != nil {
		return 0, err
	}
	defer unlock()
	var out struct {
		Last int64 `bson:"last"`
	}
	err = s.db.Collection(collRecordNumbers).FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: campaignID}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "last", Value: int64(1)}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
	).Decode(&out)
	if err != nil {
		return 0, s.fail("draw record number", err)
	}
	return out.Last, nil
}

// GetRecord returns the record with the given ID.
func (s *Store) GetRecord(ctx context.Context, id string) (*engine.Record, error) {
	var d recordDoc
	if err := s.findOne(ctx, "get record", s.records, bson.D{{Key: "_id", Value: id}}, &d, "record not found"); err != nil {
		return nil, err
	}
	return d.record(), nil
}

// UpdateRecord replaces r's mutable fields in one findOneAndUpdate that
// matches only the version r was read at, and releases any timer lease.
func (s *Store) UpdateRecord(ctx context.Context, r *engine.Record) (*engine.Record, error) {
	d := toRecordDoc(r)
	set := bson.D{
		{Key: "formId", Value: d.FormID},
		{Key: "formVersion", Value: d.FormVersion},
		{Key: "workflowId", Value: d.WorkflowID},
		{Key: "workflowVersion", Value: d.WorkflowVer},
		{Key: "orgUnit", Value: d.OrgUnit},
		{Key: "orgPath", Value: d.OrgPath},
		{Key: "state", Value: d.State},
		{Key: "answers", Value: d.Answers},
		{Key: "dedupKey", Value: d.DedupKey},
		{Key: "step", Value: d.Step},
		{Key: "candidateRoles", Value: d.CandidateRoles},
		{Key: "taskOrgPath", Value: d.TaskOrgPath},
		{Key: "assignee", Value: d.Assignee},
		{Key: "dueAt", Value: d.DueAt},
		{Key: "nextTimerAt", Value: d.NextTimerAt},
		{Key: "timerKind", Value: d.TimerKind},
		{Key: "leaseOwner", Value: ""},
		{Key: "leaseUntil", Value: nil},
		{Key: "version", Value: r.Version + 1},
		{Key: "updatedAt", Value: d.UpdatedAt},
		{Key: "history", Value: d.History},
		{Key: "number", Value: d.Number},
	}
	var out recordDoc
	unlock, err := s.exclusive(ctx, collRecords)
	if err != nil {
		return nil, err
	}
	if s.serial {
		err = s.serialUpdate(ctx, r.ID, func(d *recordDoc) bool { return d.Version == r.Version }, set, &out)
	} else {
		err = s.records.FindOneAndUpdate(ctx,
			bson.D{{Key: "_id", Value: r.ID}, {Key: "version", Value: r.Version}},
			bson.D{{Key: "$set", Value: set}},
			options.FindOneAndUpdate().SetReturnDocument(options.After),
		).Decode(&out)
	}
	unlock()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, s.missingOrConflict(ctx, "update record", s.records, r.ID,
			engine.Errorf(engine.ENOTFOUND, "record not found"),
			engine.Errorf(engine.ECONFLICT, "record %s was changed by someone else", r.ID))
	}
	if err != nil {
		return nil, s.fail("update record", err)
	}
	return out.record(), nil
}

// recordFilter is the query for f.
func recordFilter(f engine.RecordFilter) filter {
	var q filter
	q.eq("campaignId", f.CampaignID)
	q.eq("formId", f.FormID)
	q.under("orgPath", f.OrgPaths)
	if f.TaskOrgPathsExact {
		q.in("taskOrgPath", f.TaskOrgPaths)
	} else {
		q.under("taskOrgPath", f.TaskOrgPaths)
	}
	q.in("state", f.States)
	q.eq("assignee", f.Assignee)
	q.in("candidateRoles", f.AnyRole)
	q.eq("dedupKey", f.DedupKey)
	if f.Number > 0 {
		q.add(bson.D{{Key: "number", Value: f.Number}})
	}
	q.cmp("updatedAt", "$gte", f.UpdatedFrom)
	q.cmp("updatedAt", "$lt", f.UpdatedBefore)
	q.cmp("createdAt", "$gte", f.CreatedFrom)
	q.cmp("createdAt", "$lt", f.CreatedBefore)
	if !f.DueBefore.IsZero() {
		q.add(bson.D{{Key: "step", Value: bson.D{{Key: "$ne", Value: ""}}}})
		q.cmp("dueAt", "$lt", f.DueBefore)
	}
	return q
}

// ListRecords returns one keyset page of the records matching f.
func (s *Store) ListRecords(ctx context.Context, f engine.RecordFilter, p engine.Page) (*engine.RecordPage, error) {
	docs, next, err := findPage(ctx, s, "list records", s.records, recordFilter(f), p, func(d *recordDoc) string { return d.ID })
	if err != nil {
		return nil, err
	}
	page := &engine.RecordPage{Records: make([]*engine.Record, len(docs)), Next: next}
	for i, d := range docs {
		page.Records[i] = d.record()
	}
	return page, nil
}

// CountRecords returns how many records match f.
func (s *Store) CountRecords(ctx context.Context, f engine.RecordFilter) (int64, error) {
	q := recordFilter(f)
	n, err := s.records.CountDocuments(ctx, q.doc())
	return n, s.fail("count records", err)
}

// recordGroupFields maps AggregateRecords group keys to document fields.
var recordGroupFields = map[string]string{
	engine.GroupByCampaign: "campaignId",
	engine.GroupByForm:     "formId",
	engine.GroupByOrgUnit:  "orgUnit",
	engine.GroupByState:    "state",
	engine.GroupByMonth:    "month",
	engine.GroupByQuarter:  "quarter",
	engine.GroupByYear:     "year",
}

// answerName is what a summed answer field may be called: a top-level
// field name, never a path or an operator.
var answerName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// AggregateRecords counts and sums the records matching f by group. It runs
// one $group per figure (the count, then each sum) and joins them here:
// FerretDB gets every accumulator but the first wrong when a $group has
// several.
func (s *Store) AggregateRecords(ctx context.Context, f engine.RecordFilter, a engine.Aggregate) ([]engine.Group, error) {
	fields, err := groupFields(a.GroupBy, recordGroupFields)
	if err != nil {
		return nil, err
	}
	for _, name := range a.Sum {
		if !answerName.MatchString(name) {
			return nil, engine.Errorf(engine.EINVALID, "bad field name %q", name)
		}
	}
	q := recordFilter(f)
	match := q.doc()
	counts, err := s.groupBy(ctx, "aggregate records", s.records, match, fields, bson.D{{Key: "$sum", Value: 1}})
	if err != nil {
		return nil, err
	}
	groups := make(map[string]*engine.Group, len(counts))
	for k, row := range counts {
		g := &engine.Group{Key: map[string]string{}, Count: int64(number(row.V))}
		for i, v := range groupValues(row.ID, len(fields)) {
			g.Key[a.GroupBy[i]] = v
		}
		if len(a.Sum) > 0 {
			g.Sums = make(map[string]float64, len(a.Sum))
			for _, name := range a.Sum {
				g.Sums[name] = 0
			}
		}
		groups[k] = g
	}
	for _, name := range a.Sum {
		sums, err := s.groupBy(ctx, "aggregate records", s.records, match, fields, bson.D{{Key: "$sum", Value: "$answers." + name}})
		if err != nil {
			return nil, err
		}
		for k, row := range sums {
			if g := groups[k]; g != nil { // a group created after the count is left out
				g.Sums[name] = number(row.V)
			}
		}
	}
	out := make([]engine.Group, 0, len(groups))
	for _, g := range groups {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(x, y engine.Group) int { return compareGroups(a.GroupBy, x.Key, y.Key) })
	return out, nil
}

// ClaimDueTimers leases due records one findOneAndUpdate at a time. Each
// claim matches only a record whose lease is free or expired, so of two
// claimers racing for a record exactly one gets it; the version is left
// alone.
func (s *Store) ClaimDueTimers(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*engine.Record, error) {
	var out []*engine.Record
	due := bson.D{
		{Key: "nextTimerAt", Value: bson.D{{Key: "$lte", Value: when(now)}}},
		{Key: "$or", Value: bson.A{
			bson.D{{Key: "leaseUntil", Value: nil}},
			bson.D{{Key: "leaseUntil", Value: bson.D{{Key: "$lte", Value: when(now)}}}},
		}},
	}
	claim := bson.D{{Key: "$set", Value: bson.D{
		{Key: "leaseOwner", Value: owner},
		{Key: "leaseUntil", Value: when(now.Add(lease))},
	}}}
	// Find a batch of candidates with one query, then claim each by _id
	// with the due condition repeated, so a record another replica took in
	// between is skipped. One scan per batch instead of one per claim: on
	// FerretDB only _id lookups use an index.
	opts := options.FindOneAndUpdate().SetReturnDocument(options.After)
	for len(out) < limit {
		cur, err := s.records.Find(ctx, due, options.Find().
			SetSort(bson.D{{Key: "nextTimerAt", Value: 1}}).
			SetLimit(int64(limit-len(out))).
			SetProjection(bson.D{{Key: "_id", Value: 1}}))
		if err != nil {
			return nil, s.fail("claim due timers", err)
		}
		var cands []struct {
			ID string `bson:"_id"`
		}
		if err := cur.All(ctx, &cands); err != nil {
			return nil, s.fail("claim due timers", err)
		}
		if len(cands) == 0 {
			break
		}
		for _, c := range cands {
			q := append(bson.D{{Key: "_id", Value: c.ID}}, due...)
			var d recordDoc
			unlock, err := s.exclusive(ctx, collRecords)
			if err != nil {
				return nil, err
			}
			if s.serial {
				err = s.serialUpdate(ctx, c.ID, func(d *recordDoc) bool {
					return d.NextTimerAt != nil && !d.NextTimerAt.After(now) && (d.LeaseUntil == nil || !d.LeaseUntil.After(now))
				}, claim[0].Value.(bson.D), &d)
			} else {
				err = s.records.FindOneAndUpdate(ctx, q, claim, opts).Decode(&d)
			}
			unlock()
			if errors.Is(err, mongo.ErrNoDocuments) {
				continue // another replica claimed it first
			}
			if err != nil {
				return nil, s.fail("claim due timers", err) // the leases taken expire
			}
			out = append(out, d.record())
		}
		if lease <= 0 {
			break // a lease of 0 frees a record at once: never return it twice
		}
	}
	return out, nil
}

// serialUpdate is findOneAndUpdate on {_id: id} for FerretDB, under the
// collection lock: FerretDB reads every document of the collection for any
// filter but a bare _id (an update of one record among a thousand took
// half a second), so it reads by _id, checks the condition in Go, and
// writes by _id. It answers mongo.ErrNoDocuments when the record is
// missing or the condition is false, as the filtered update would.
func (s *Store) serialUpdate(ctx context.Context, id string, cond func(*recordDoc) bool, set bson.D, out *recordDoc) error {
	byID := bson.D{{Key: "_id", Value: id}}
	var cur recordDoc
	if err := s.records.FindOne(ctx, byID).Decode(&cur); err != nil {
		return err
	}
	if !cond(&cur) {
		return mongo.ErrNoDocuments
	}
	if _, err := s.records.UpdateOne(ctx, byID, bson.D{{Key: "$set", Value: set}}); err != nil {
		return err
	}
	return s.records.FindOne(ctx, byID).Decode(out)
}
