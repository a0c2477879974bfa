package mongo

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"canvass/engine"
	"canvass/engine/worklist"
)

// Collections of worklist items and reconciliation runs. An item's _id is
// its ID; a unique index on key makes UpsertWorklistItem idempotent. A
// run's fileKey is campaign+file hash while the run has not failed (its
// own ID after), and a unique index on it refuses the same file twice.
const (
	collWorklist      = "worklist_items"
	collReconcileRuns = "reconcile_runs"
)

type worklistDoc struct {
	ID          string             `bson:"_id"`
	Key         string             `bson:"key"`
	Kind        string             `bson:"kind"`
	CampaignID  string             `bson:"campaignId"`
	RunID       string             `bson:"runId"`
	OrgUnit     string             `bson:"orgUnit"`
	OrgPath     string             `bson:"orgPath"`
	Status      string             `bson:"status"`
	Side        string             `bson:"side"`
	RecordIDs   []string           `bson:"recordIds"`
	ExternalRow int                `bson:"externalRow"`
	MatchedBy   string             `bson:"matchedBy"`
	Values      []workValueDoc     `bson:"values"`
	Resolution  *workResolutionDoc `bson:"resolution"`
	Version     int64              `bson:"version"`
	CreatedAt   *time.Time         `bson:"createdAt"`
	UpdatedAt   *time.Time         `bson:"updatedAt"`
}

type workValueDoc struct {
	Field   string   `bson:"field"`
	Label   string   `bson:"label"`
	Ours    string   `bson:"ours"`
	Theirs  string   `bson:"theirs"`
	Values  []string `bson:"values"`
	Differs bool     `bson:"differs"`
}

type workResolutionDoc struct {
	By        string            `bson:"by"`
	At        *time.Time        `bson:"at"`
	Side      string            `bson:"side"`
	Survivor  string            `bson:"survivor"`
	Corrected map[string]string `bson:"corrected"`
	Note      string            `bson:"note"`
}

func itemDoc(it *worklist.WorklistItem) worklistDoc {
	d := worklistDoc{
		ID: it.ID, Key: it.Key, Kind: it.Kind, CampaignID: it.CampaignID, RunID: it.RunID, OrgUnit: it.OrgUnit, OrgPath: it.OrgPath,
		Status: it.Status, RecordIDs: it.RecordIDs, ExternalRow: it.ExternalRow, MatchedBy: it.MatchedBy, Version: it.Version,
		CreatedAt: when(it.CreatedAt), UpdatedAt: when(it.UpdatedAt),
	}
	if d.RecordIDs == nil {
		d.RecordIDs = []string{}
	}
	d.Values = make([]workValueDoc, len(it.Values))
	for i, v := range it.Values {
		d.Values[i] = workValueDoc(v)
	}
	if r := it.Resolution; r != nil {
		d.Side = r.Side
		d.Resolution = &workResolutionDoc{By: r.By, At: when(r.At), Side: r.Side, Survivor: r.Survivor, Corrected: r.Corrected, Note: r.Note}
	}
	return d
}

func (d *worklistDoc) item() *worklist.WorklistItem {
	it := &worklist.WorklistItem{
		ID: d.ID, Key: d.Key, Kind: d.Kind, CampaignID: d.CampaignID, RunID: d.RunID, OrgUnit: d.OrgUnit, OrgPath: d.OrgPath,
		Status: d.Status, RecordIDs: d.RecordIDs, ExternalRow: d.ExternalRow, MatchedBy: d.MatchedBy, Version: d.Version,
		CreatedAt: timeOf(d.CreatedAt), UpdatedAt: timeOf(d.UpdatedAt),
	}
	if it.RecordIDs == nil {
		it.RecordIDs = []string{}
	}
	it.Values = make([]worklist.WorkValue, len(d.Values))
	for i, v := range d.Values {
		it.Values[i] = worklist.WorkValue(v)
	}
	if r := d.Resolution; r != nil {
		it.Resolution = &worklist.WorkResolution{By: r.By, At: timeOf(r.At), Side: r.Side, Survivor: r.Survivor, Corrected: r.Corrected, Note: r.Note}
	}
	return it
}

func validItem(it *worklist.WorklistItem) error {
	if it == nil || it.ID == "" || it.Key == "" || it.Kind == "" || it.CampaignID == "" || it.OrgPath == "" || it.Status == "" {
		return engine.Errorf(engine.EINVALID, "a worklist item needs an ID, a key, a kind, a campaign, an org path and a status")
	}
	return nil
}

// UpsertWorklistItem inserts the item; a duplicate key means an item with
// its key exists, which is returned unchanged.
func (s *Store) UpsertWorklistItem(ctx context.Context, it *worklist.WorklistItem) (*worklist.WorklistItem, bool, error) {
	if err := validItem(it); err != nil {
		return nil, false, err
	}
	coll := s.db.Collection(collWorklist)
	d := itemDoc(it)
	d.Version = 1
	_, err := coll.InsertOne(ctx, d)
	if err == nil {
		return d.item(), true, nil
	}
	if !isDuplicateKey(err) {
		return nil, false, s.fail("upsert worklist item", err)
	}
	var got worklistDoc
	if ferr := s.findOne(ctx, "get worklist item", coll, bson.D{{Key: "key", Value: it.Key}}, &got, "worklist item not found"); ferr != nil {
		if engine.ErrorCode(ferr) == engine.ENOTFOUND {
			// The duplicate was the ID, not the key.
			return nil, false, engine.WrapError(engine.ECONFLICT, "a worklist item with this ID exists", err)
		}
		return nil, false, ferr
	}
	return got.item(), false, nil
}

// GetWorklistItem returns an item by _id.
func (s *Store) GetWorklistItem(ctx context.Context, id string) (*worklist.WorklistItem, error) {
	var d worklistDoc
	if err := s.findOne(ctx, "get worklist item", s.db.Collection(collWorklist), bson.D{{Key: "_id", Value: id}}, &d, "worklist item not found"); err != nil {
		return nil, err
	}
	return d.item(), nil
}

// UpdateWorklistItem is one findOneAndUpdate filtered on version.
func (s *Store) UpdateWorklistItem(ctx context.Context, it *worklist.WorklistItem) (*worklist.WorklistItem, error) {
	if err := validItem(it); err != nil {
		return nil, err
	}
	d := itemDoc(it)
	unlock, err := s.exclusive(ctx, collWorklist)
	if err != nil {
		return nil, err
	}
	defer unlock()
	coll := s.db.Collection(collWorklist)
	var got worklistDoc
	err = coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: it.ID}, {Key: "version", Value: it.Version}}, bson.D{
		{Key: "$set", Value: bson.D{
			{Key: "status", Value: d.Status}, {Key: "side", Value: d.Side}, {Key: "orgUnit", Value: d.OrgUnit}, {Key: "orgPath", Value: d.OrgPath},
			{Key: "recordIds", Value: d.RecordIDs}, {Key: "values", Value: d.Values}, {Key: "resolution", Value: d.Resolution},
			{Key: "updatedAt", Value: d.UpdatedAt}, {Key: "version", Value: it.Version + 1},
		}},
	}, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&got)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, s.missingOrConflict(ctx, "update worklist item", coll, it.ID,
			engine.Errorf(engine.ENOTFOUND, "worklist item not found"), engine.Errorf(engine.ECONFLICT, "the worklist item changed meanwhile"))
	}
	if err != nil {
		return nil, s.fail("update worklist item", err)
	}
	return got.item(), nil
}

func worklistFilter(f worklist.WorklistFilter) filter {
	var q filter
	q.eq("campaignId", f.CampaignID)
	q.eq("runId", f.RunID)
	q.in("kind", f.Kinds)
	q.in("status", f.Statuses)
	q.under("orgPath", f.OrgPaths)
	q.eq("recordIds", f.RecordID)
	return q
}

// ListWorklist returns one keyset page of items by _id.
func (s *Store) ListWorklist(ctx context.Context, f worklist.WorklistFilter, p engine.Page) (*worklist.WorklistPage, error) {
	docs, next, err := findPage(ctx, s, "list worklist", s.db.Collection(collWorklist), worklistFilter(f), p,
		func(d *worklistDoc) string { return d.ID })
	if err != nil {
		return nil, err
	}
	page := &worklist.WorklistPage{Items: make([]*worklist.WorklistItem, len(docs)), Next: next}
	for i, d := range docs {
		page.Items[i] = d.item()
	}
	return page, nil
}

// CountWorklist groups the matching items by kind, status and side.
func (s *Store) CountWorklist(ctx context.Context, f worklist.WorklistFilter) ([]worklist.WorklistCount, error) {
	q := worklistFilter(f)
	rows, err := s.groupBy(ctx, "count worklist", s.db.Collection(collWorklist), q.doc(), []string{"kind", "status", "side"},
		bson.D{{Key: "$sum", Value: 1}})
	if err != nil {
		return nil, err
	}
	out := make([]worklist.WorklistCount, 0, len(rows))
	for _, r := range rows {
		k := groupValues(r.ID, 3)
		out = append(out, worklist.WorklistCount{Kind: k[0], Status: k[1], Side: k[2], Count: int64(number(r.V))})
	}
	slices.SortFunc(out, func(a, b worklist.WorklistCount) int {
		return strings.Compare(a.Kind+"\x00"+a.Status+"\x00"+a.Side, b.Kind+"\x00"+b.Status+"\x00"+b.Side)
	})
	return out, nil
}

// DuplicateGroups runs $match (campaign, key after the cursor), $group by
// dedupKey with one $sum, $match count > 1, $sort and $limit.
func (s *Store) DuplicateGroups(ctx context.Context, campaignID, after string, limit int) ([]worklist.DuplicateGroup, error) {
	if limit <= 0 || limit > engine.MaxPageLimit {
		limit = engine.MaxPageLimit
	}
	pipe := mongo.Pipeline{
		{{Key: "$match", Value: bson.D{{Key: "campaignId", Value: campaignID}, {Key: "dedupKey", Value: bson.D{{Key: "$gt", Value: after}}}}}},
		{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$dedupKey"}, {Key: "v", Value: bson.D{{Key: "$sum", Value: 1}}}}}},
		{{Key: "$match", Value: bson.D{{Key: "v", Value: bson.D{{Key: "$gt", Value: 1}}}}}},
		{{Key: "$sort", Value: bson.D{{Key: "_id", Value: 1}}}},
		{{Key: "$limit", Value: limit}},
	}
	cur, err := s.records.Aggregate(ctx, pipe)
	if err != nil {
		return nil, s.fail("duplicate groups", err)
	}
	var rows []struct {
		ID string `bson:"_id"`
		V  any    `bson:"v"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, s.fail("duplicate groups", err)
	}
	out := make([]worklist.DuplicateGroup, len(rows))
	for i, r := range rows {
		out[i] = worklist.DuplicateGroup{DedupKey: r.ID, Count: int64(number(r.V))}
	}
	return out, nil
}

type runDoc struct {
	ID         string                    `bson:"_id"`
	CampaignID string                    `bson:"campaignId"`
	OrgPath    string                    `bson:"orgPath"`
	FileName   string                    `bson:"fileName"`
	FileHash   string                    `bson:"fileHash"`
	FileKey    string                    `bson:"fileKey"`
	By         string                    `bson:"by"`
	At         *time.Time                `bson:"at"`
	Status     string                    `bson:"status"`
	Error      string                    `bson:"error"`
	Mapping    worklist.ReconcileMapping `bson:"mapping"`
	Counts     worklist.ReconcileCounts  `bson:"counts"`
	Version    int64                     `bson:"version"`
}

func (d *runDoc) run() *worklist.ReconcileRun {
	return &worklist.ReconcileRun{
		ID: d.ID, CampaignID: d.CampaignID, OrgPath: d.OrgPath, FileName: d.FileName, FileHash: d.FileHash, By: d.By,
		At: timeOf(d.At), Status: d.Status, Error: d.Error, Mapping: d.Mapping, Counts: d.Counts, Version: d.Version,
	}
}

// fileKey is the value of a run's unique fileKey: the campaign and file
// while the run stands, its own ID once it failed (which frees the file).
func fileKey(r *worklist.ReconcileRun) string {
	if r.Status == worklist.RunFailed {
		return "failed\x00" + r.ID
	}
	return r.CampaignID + "\x00" + r.FileHash
}

// CreateReconcileRun inserts a run; the unique fileKey refuses the same
// file twice.
func (s *Store) CreateReconcileRun(ctx context.Context, r *worklist.ReconcileRun) error {
	if r == nil || r.ID == "" || r.CampaignID == "" || r.FileHash == "" {
		return engine.Errorf(engine.EINVALID, "a reconciliation run needs an ID, a campaign and a file hash")
	}
	_, err := s.db.Collection(collReconcileRuns).InsertOne(ctx, runDoc{
		ID: r.ID, CampaignID: r.CampaignID, OrgPath: r.OrgPath, FileName: r.FileName, FileHash: r.FileHash, FileKey: fileKey(r),
		By: r.By, At: when(r.At), Status: r.Status, Error: r.Error, Mapping: r.Mapping, Counts: r.Counts, Version: 1,
	})
	if isDuplicateKey(err) {
		return engine.WrapError(engine.ECONFLICT, "this file was already compared with this campaign", err)
	}
	return s.fail("create reconcile run", err)
}

// UpdateReconcileRun is one findOneAndUpdate filtered on version.
func (s *Store) UpdateReconcileRun(ctx context.Context, r *worklist.ReconcileRun) (*worklist.ReconcileRun, error) {
	unlock, err := s.exclusive(ctx, collReconcileRuns)
	if err != nil {
		return nil, err
	}
	defer unlock()
	coll := s.db.Collection(collReconcileRuns)
	var cur runDoc
	if err := s.findOne(ctx, "get reconcile run", coll, bson.D{{Key: "_id", Value: r.ID}}, &cur, "reconciliation run not found"); err != nil {
		return nil, err
	}
	key := fileKey(&worklist.ReconcileRun{ID: r.ID, CampaignID: cur.CampaignID, FileHash: cur.FileHash, Status: r.Status})
	var got runDoc
	err = coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: r.ID}, {Key: "version", Value: r.Version}}, bson.D{
		{Key: "$set", Value: bson.D{
			{Key: "status", Value: r.Status}, {Key: "error", Value: r.Error}, {Key: "counts", Value: r.Counts},
			{Key: "fileKey", Value: key}, {Key: "version", Value: r.Version + 1},
		}},
	}, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&got)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, engine.Errorf(engine.ECONFLICT, "the reconciliation run changed meanwhile")
	}
	if err != nil {
		return nil, s.fail("update reconcile run", err)
	}
	return got.run(), nil
}

// GetReconcileRun returns a run by _id.
func (s *Store) GetReconcileRun(ctx context.Context, id string) (*worklist.ReconcileRun, error) {
	var d runDoc
	if err := s.findOne(ctx, "get reconcile run", s.db.Collection(collReconcileRuns), bson.D{{Key: "_id", Value: id}}, &d, "reconciliation run not found"); err != nil {
		return nil, err
	}
	return d.run(), nil
}

// ListReconcileRuns returns a campaign's runs in a scope by _id descending.
func (s *Store) ListReconcileRuns(ctx context.Context, campaignID string, orgPaths []string) ([]*worklist.ReconcileRun, error) {
	if len(orgPaths) == 0 {
		return []*worklist.ReconcileRun{}, nil
	}
	var q filter
	q.add(bson.D{{Key: "campaignId", Value: campaignID}})
	q.under("orgPath", orgPaths)
	var docs []*runDoc
	if err := s.findAll(ctx, "list reconcile runs", s.db.Collection(collReconcileRuns), q.doc(), &docs,
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}})); err != nil {
		return nil, err
	}
	out := make([]*worklist.ReconcileRun, len(docs))
	for i, d := range docs {
		out[i] = d.run()
	}
	return out, nil
}
