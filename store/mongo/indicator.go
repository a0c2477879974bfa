package mongo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"canvass/engine"
	"canvass/engine/indicators"
)

// Indicator counters without multi-document transactions. A record's
// contribution document is the journal: applying a new version first
// stores it as pending, with the previous parts beside the new ones and an
// operation ID (record + version); then each counter is adjusted by one
// single-document update that also adds the operation ID to the counter's
// ops list, filtered on the ID being absent, so an adjustment is never
// applied twice; then the contribution is marked done and the ID pulled
// from the counters. A crash anywhere leaves a pending contribution, which
// the next apply of that record (the engine's catch-up pass re-applies
// recently updated records) finishes before anything else.
//
// An official import is stored as an import document marked incomplete,
// then its figures, then marked complete; readers only see figures of
// complete imports, so a crash in between shows nothing of it.
const (
	collIndicatorCounters = "indicator_counters"
	collIndicatorContribs = "indicator_contributions"
	collOfficialImports   = "official_imports"
	collOfficialFigures   = "official_figures"
	collOfficialVersion   = "official_versions"
)

type indicatorPartDoc struct {
	Term    string  `bson:"term"`
	OrgPath string  `bson:"orgPath"`
	Month   string  `bson:"month"`
	Amount  float64 `bson:"amount"`
}

type contribDoc struct {
	ID            string             `bson:"_id"` // record ID
	CampaignID    string             `bson:"campaignId"`
	RecordVersion int64              `bson:"recordVersion"`
	UpdatedAt     *time.Time         `bson:"updatedAt"`
	Parts         []indicatorPartDoc `bson:"parts"`
	PrevParts     []indicatorPartDoc `bson:"prevParts"`
	Pending       bool               `bson:"pending"`
	OpID          string             `bson:"opId"`
}

type indicatorCounterDoc struct {
	ID         string  `bson:"_id"`
	CampaignID string  `bson:"campaignId"`
	Term       string  `bson:"term"`
	OrgPath    string  `bson:"orgPath"`
	Month      string  `bson:"month"`
	Value      float64 `bson:"value"`
	Records    int64   `bson:"records"`
}

func counterID(campaign string, k indicators.IndicatorCounterKey) string {
	return campaign + "\x00" + k.Term + "\x00" + k.OrgPath + "\x00" + k.Month
}

// ApplyIndicatorContribution swaps a record's contribution; see
// indicators.IndicatorStore and the comment above.
func (s *Store) ApplyIndicatorContribution(ctx context.Context, c *indicators.IndicatorContribution) (bool, error) {
	if c == nil || c.RecordID == "" || c.CampaignID == "" {
		return false, engine.Errorf(engine.EINVALID, "a contribution needs a record and a campaign")
	}
	// On FerretDB one lock serializes every counter update of this Store.
	unlock, err := s.exclusive(ctx, collIndicatorContribs)
	if err != nil {
		return false, err
	}
	defer unlock()
	contribs := s.db.Collection(collIndicatorContribs)
	for attempt := 0; attempt < 5; attempt++ {
		var cur contribDoc
		err := contribs.FindOne(ctx, bson.D{{Key: "_id", Value: c.RecordID}}).Decode(&cur)
		exists := err == nil
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return false, s.fail("read contribution", err)
		}
		if exists && cur.Pending {
			if err := s.finishContribution(ctx, &cur); err != nil {
				return false, err
			}
			cur.Pending, cur.PrevParts = false, nil
		}
		if exists && cur.RecordVersion >= c.RecordVersion {
			return false, nil
		}
		next := contribDoc{ID: c.RecordID, CampaignID: c.CampaignID, RecordVersion: c.RecordVersion, UpdatedAt: when(c.UpdatedAt),
			Parts: partDocs(c.Parts), PrevParts: cur.Parts, Pending: true, OpID: fmt.Sprintf("%s:%d", c.RecordID, c.RecordVersion)}
		if next.PrevParts == nil {
			next.PrevParts = []indicatorPartDoc{}
		}
		if !exists {
			if _, err := contribs.InsertOne(ctx, next); err != nil {
				if isDuplicateKey(err) {
					continue // someone else stored one first: read it again
				}
				return false, s.fail("store contribution", err)
			}
		} else {
			res, err := contribs.ReplaceOne(ctx, bson.D{{Key: "_id", Value: c.RecordID}, {Key: "recordVersion", Value: cur.RecordVersion}, {Key: "pending", Value: false}}, next)
			if err != nil {
				return false, s.fail("store contribution", err)
			}
			if res.MatchedCount == 0 {
				continue
			}
		}
		return true, s.finishContribution(ctx, &next)
	}
	return false, engine.Errorf(engine.EUNAVAILABLE, "the record's counters keep changing; try again")
}

func partDocs(parts []indicators.IndicatorPart) []indicatorPartDoc {
	out := make([]indicatorPartDoc, len(parts))
	for i, p := range parts {
		out[i] = indicatorPartDoc{p.Term, p.OrgPath, p.Month, p.Amount}
	}
	return out
}

// finishContribution applies a pending contribution's difference to the
// counters, each at most once, and marks it done.
func (s *Store) finishContribution(ctx context.Context, c *contribDoc) error {
	type delta struct {
		value   float64
		records int64
	}
	deltas := map[indicators.IndicatorCounterKey]delta{}
	for _, p := range c.PrevParts {
		k := indicators.IndicatorCounterKey{Term: p.Term, OrgPath: p.OrgPath, Month: p.Month}
		d := deltas[k]
		deltas[k] = delta{d.value - p.Amount, d.records - 1}
	}
	for _, p := range c.Parts {
		k := indicators.IndicatorCounterKey{Term: p.Term, OrgPath: p.OrgPath, Month: p.Month}
		d := deltas[k]
		deltas[k] = delta{d.value + p.Amount, d.records + 1}
	}
	keys := make([]indicators.IndicatorCounterKey, 0, len(deltas))
	for k, d := range deltas {
		if d.value != 0 || d.records != 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return counterID("", keys[i]) < counterID("", keys[j]) })
	counters := s.db.Collection(collIndicatorCounters)
	for _, k := range keys {
		d := deltas[k]
		id := counterID(c.CampaignID, k)
		_, err := counters.UpdateOne(ctx,
			bson.D{{Key: "_id", Value: id}, {Key: "ops", Value: bson.D{{Key: "$ne", Value: c.OpID}}}},
			bson.D{
				{Key: "$inc", Value: bson.D{{Key: "value", Value: d.value}, {Key: "records", Value: d.records}}},
				{Key: "$push", Value: bson.D{{Key: "ops", Value: c.OpID}}},
				{Key: "$set", Value: bson.D{{Key: "campaignId", Value: c.CampaignID}, {Key: "term", Value: k.Term}, {Key: "orgPath", Value: k.OrgPath}, {Key: "month", Value: k.Month}}},
			},
			options.UpdateOne().SetUpsert(true))
		if err != nil && !isDuplicateKey(err) { // a duplicate: the counter has the op already
			return s.fail("adjust counter", err)
		}
	}
	if _, err := s.db.Collection(collIndicatorContribs).UpdateOne(ctx, bson.D{{Key: "_id", Value: c.ID}, {Key: "opId", Value: c.OpID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "pending", Value: false}, {Key: "prevParts", Value: bson.A{}}}}}); err != nil {
		return s.fail("finish contribution", err)
	}
	for _, k := range keys {
		if _, err := counters.UpdateOne(ctx, bson.D{{Key: "_id", Value: counterID(c.CampaignID, k)}},
			bson.D{{Key: "$pull", Value: bson.D{{Key: "ops", Value: c.OpID}}}}); err != nil {
			return s.fail("tidy counter", err)
		}
	}
	return nil
}

// ListIndicatorCounters returns the matching counters; see
// indicators.IndicatorStore.
func (s *Store) ListIndicatorCounters(ctx context.Context, f indicators.IndicatorCounterFilter) ([]indicators.IndicatorCounter, error) {
	if f.CampaignID == "" {
		return nil, engine.Errorf(engine.EINVALID, "counters are listed per campaign")
	}
	var q filter
	q.eq("campaignId", f.CampaignID)
	if f.OrgPath != "" {
		q.under("orgPath", []string{f.OrgPath})
	}
	q.in("term", f.Terms)
	if f.FromMonth != "" {
		q.add(bson.D{{Key: "month", Value: bson.D{{Key: "$gte", Value: f.FromMonth}}}})
	}
	if f.ToMonth != "" {
		q.add(bson.D{{Key: "month", Value: bson.D{{Key: "$lte", Value: f.ToMonth}}}})
	}
	var docs []indicatorCounterDoc
	if err := s.findAll(ctx, "list counters", s.db.Collection(collIndicatorCounters), q.doc(), &docs,
		options.Find().SetProjection(bson.D{{Key: "ops", Value: 0}})); err != nil {
		return nil, err
	}
	out := make([]indicators.IndicatorCounter, len(docs))
	for i, d := range docs {
		out[i] = indicators.IndicatorCounter{CampaignID: d.CampaignID, IndicatorCounterKey: indicators.IndicatorCounterKey{Term: d.Term, OrgPath: d.OrgPath, Month: d.Month}, Value: d.Value, Records: d.Records}
	}
	sort.Slice(out, func(i, j int) bool { // sorted here: FerretDB sorts slowly without an index on all three
		a, b := out[i], out[j]
		if a.Term != b.Term {
			return a.Term < b.Term
		}
		if a.OrgPath != b.OrgPath {
			return a.OrgPath < b.OrgPath
		}
		return a.Month < b.Month
	})
	return out, nil
}

// ResetIndicatorCounters forgets a campaign's counters and contributions;
// see indicators.IndicatorStore.
func (s *Store) ResetIndicatorCounters(ctx context.Context, campaignID string) error {
	unlock, err := s.exclusive(ctx, collIndicatorContribs)
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := s.db.Collection(collIndicatorContribs).DeleteMany(ctx, bson.D{{Key: "campaignId", Value: campaignID}}); err != nil {
		return s.fail("reset contributions", err)
	}
	_, err = s.db.Collection(collIndicatorCounters).DeleteMany(ctx, bson.D{{Key: "campaignId", Value: campaignID}})
	return s.fail("reset counters", err)
}

type officialImportDoc struct {
	ID         string     `bson:"_id"`
	Version    int64      `bson:"version"`
	Source     string     `bson:"source"`
	FileName   string     `bson:"fileName"`
	ImportedBy string     `bson:"importedBy"`
	ImportedAt *time.Time `bson:"importedAt"`
	Rows       int        `bson:"rows"`
	OrgPath    string     `bson:"orgPath"`
	Complete   bool       `bson:"complete"`
}

type officialFigureDoc struct {
	ImportID string  `bson:"importId"`
	Version  int64   `bson:"version"`
	Key      string  `bson:"key"`
	OrgUnit  string  `bson:"orgUnit"`
	OrgPath  string  `bson:"orgPath"`
	Period   string  `bson:"period"`
	Value    float64 `bson:"value"`
}

// AddOfficialImport stores an import as the next version; see
// indicators.IndicatorStore and the comment above.
func (s *Store) AddOfficialImport(ctx context.Context, imp *indicators.OfficialImport, figures []indicators.OfficialFigure) error {
	if imp == nil || imp.ID == "" {
		return engine.Errorf(engine.EINVALID, "an import needs an ID")
	}
	for _, f := range figures {
		if f.Key == "" || f.OrgUnit == "" || f.OrgPath == "" || f.Period == "" {
			return engine.Errorf(engine.EINVALID, "an official figure needs a key, an org unit and a period")
		}
	}
	imports := s.db.Collection(collOfficialImports)
	if err := imports.FindOne(ctx, bson.D{{Key: "_id", Value: imp.ID}}).Err(); err == nil {
		return engine.Errorf(engine.ECONFLICT, "import %s exists", imp.ID)
	} else if !errors.Is(err, mongo.ErrNoDocuments) {
		return s.fail("read import", err)
	}
	var seq struct {
		N int64 `bson:"n"`
	}
	if err := s.db.Collection(collOfficialVersion).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: "official"}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(1)}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&seq); err != nil {
		return s.fail("number import", err)
	}
	doc := officialImportDoc{ID: imp.ID, Version: seq.N, Source: imp.Source, FileName: imp.FileName, ImportedBy: imp.ImportedBy,
		ImportedAt: when(imp.ImportedAt), Rows: imp.Rows, OrgPath: imp.OrgPath}
	if _, err := imports.InsertOne(ctx, doc); err != nil {
		if isDuplicateKey(err) {
			return engine.WrapError(engine.ECONFLICT, "import "+imp.ID+" exists", err)
		}
		return s.fail("store import", err)
	}
	if len(figures) > 0 {
		docs := make([]any, len(figures))
		for i, f := range figures {
			docs[i] = officialFigureDoc{ImportID: imp.ID, Version: seq.N, Key: f.Key, OrgUnit: f.OrgUnit, OrgPath: f.OrgPath, Period: f.Period, Value: f.Value}
		}
		if _, err := s.db.Collection(collOfficialFigures).InsertMany(ctx, docs); err != nil {
			return s.fail("store figures", err)
		}
	}
	if _, err := imports.UpdateOne(ctx, bson.D{{Key: "_id", Value: imp.ID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "complete", Value: true}}}}); err != nil {
		return s.fail("complete import", err)
	}
	imp.Version = seq.N
	return nil
}

// ListOfficialImports returns the complete imports, newest first; see
// indicators.IndicatorStore.
func (s *Store) ListOfficialImports(ctx context.Context) ([]*indicators.OfficialImport, error) {
	var docs []officialImportDoc
	if err := s.findAll(ctx, "list imports", s.db.Collection(collOfficialImports), bson.D{{Key: "complete", Value: true}}, &docs,
		options.Find().SetSort(bson.D{{Key: "version", Value: -1}})); err != nil {
		return nil, err
	}
	out := make([]*indicators.OfficialImport, len(docs))
	for i, d := range docs {
		out[i] = &indicators.OfficialImport{ID: d.ID, Version: d.Version, Source: d.Source, FileName: d.FileName, ImportedBy: d.ImportedBy,
			ImportedAt: timeOf(d.ImportedAt), Rows: d.Rows, OrgPath: d.OrgPath}
	}
	return out, nil
}

// ListOfficialFigures returns the matching figures of complete imports;
// see indicators.IndicatorStore.
func (s *Store) ListOfficialFigures(ctx context.Context, f indicators.OfficialFigureFilter) ([]indicators.OfficialFigure, error) {
	imps, err := s.ListOfficialImports(ctx)
	if err != nil {
		return nil, err
	}
	complete := make([]string, len(imps))
	for i, imp := range imps {
		complete[i] = imp.ID
	}
	if len(complete) == 0 {
		return []indicators.OfficialFigure{}, nil
	}
	var q filter
	q.in("importId", complete)
	q.in("key", f.Keys)
	if f.OrgPath != "" {
		q.under("orgPath", []string{f.OrgPath})
	}
	q.in("period", f.Periods)
	var docs []officialFigureDoc
	if err := s.findAll(ctx, "list figures", s.db.Collection(collOfficialFigures), q.doc(), &docs); err != nil {
		return nil, err
	}
	out := make([]indicators.OfficialFigure, len(docs))
	for i, d := range docs {
		out[i] = indicators.OfficialFigure{ImportID: d.ImportID, Version: d.Version, Key: d.Key, OrgUnit: d.OrgUnit, OrgPath: d.OrgPath, Period: d.Period, Value: d.Value}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		if a.OrgPath != b.OrgPath {
			return a.OrgPath < b.OrgPath
		}
		if a.Period != b.Period {
			return a.Period < b.Period
		}
		return a.Version < b.Version
	})
	return out, nil
}

var _ indicators.IndicatorStore = (*Store)(nil)
