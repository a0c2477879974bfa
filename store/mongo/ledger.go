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
	"canvass/engine/pay"
)

type ledgerDoc struct {
	ID              string         `bson:"_id"`
	Key             string         `bson:"key"`
	CampaignID      string         `bson:"campaignId"`
	PayTableID      string         `bson:"payTableId"`
	PayTableVersion int            `bson:"payTableVersion"`
	Item            string         `bson:"item"`
	Rule            string         `bson:"rule"`
	Inputs          map[string]any `bson:"inputs"`
	WorkerID        string         `bson:"workerId"`
	WorkerOrgPath   string         `bson:"workerOrgPath"`
	Role            string         `bson:"role"`
	RecordID        string         `bson:"recordId"`
	Period          string         `bson:"period"`
	AmountFen       int64          `bson:"amountFen"`
	Reverses        string         `bson:"reverses"`
	Reason          string         `bson:"reason"`
	CreatedBy       string         `bson:"createdBy"`
	CreatedAt       *time.Time     `bson:"createdAt"`
}

func ledgerDocOf(e pay.LedgerEntry) ledgerDoc {
	return ledgerDoc{
		ID:              e.ID,
		Key:             e.Key,
		CampaignID:      e.CampaignID,
		PayTableID:      e.PayTableID,
		PayTableVersion: e.PayTableVersion,
		Item:            e.Item,
		Rule:            e.Rule,
		Inputs:          e.Inputs,
		WorkerID:        e.WorkerID,
		WorkerOrgPath:   e.WorkerOrgPath,
		Role:            e.Role,
		RecordID:        e.RecordID,
		Period:          e.Period,
		AmountFen:       e.AmountFen,
		Reverses:        e.Reverses,
		Reason:          e.Reason,
		CreatedBy:       e.CreatedBy,
		CreatedAt:       when(e.CreatedAt),
	}
}

func (d *ledgerDoc) entry() *pay.LedgerEntry {
	return &pay.LedgerEntry{
		ID:              d.ID,
		Key:             d.Key,
		CampaignID:      d.CampaignID,
		PayTableID:      d.PayTableID,
		PayTableVersion: d.PayTableVersion,
		Item:            d.Item,
		Rule:            d.Rule,
		Inputs:          plainMap(d.Inputs),
		WorkerID:        d.WorkerID,
		WorkerOrgPath:   d.WorkerOrgPath,
		Role:            d.Role,
		RecordID:        d.RecordID,
		Period:          d.Period,
		AmountFen:       d.AmountFen,
		Reverses:        d.Reverses,
		Reason:          d.Reason,
		CreatedBy:       d.CreatedBy,
		CreatedAt:       timeOf(d.CreatedAt),
	}
}

// AppendLedger inserts the entries in one unordered insertMany. The unique
// index on key turns a second payment for the same event into a duplicate
// key error; those entries are then read back to tell a retry (same amount,
// worker and item: skipped) from a clash (ECONFLICT). The other entries are
// written either way.
func (s *Store) AppendLedger(ctx context.Context, entries []pay.LedgerEntry) (int, error) {
	for _, e := range entries {
		if e.ID == "" || e.Key == "" || e.CampaignID == "" || e.WorkerID == "" {
			return 0, engine.Errorf(engine.EINVALID, "a ledger entry needs an ID, a key, a campaign and a worker")
		}
	}
	if len(entries) == 0 {
		return 0, nil
	}
	docs := make([]any, len(entries))
	for i, e := range entries {
		docs[i] = ledgerDocOf(e)
	}
	_, err := s.ledger.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return len(entries), nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return 0, s.fail("append ledger", err)
	}
	var dups []pay.LedgerEntry
	for _, we := range bwe.WriteErrors {
		if !isDuplicateKey(we) {
			return 0, s.fail("append ledger", err)
		}
		dups = append(dups, entries[we.Index])
	}
	added := len(entries) - len(dups)

	keys := make([]string, len(dups))
	for i, e := range dups {
		keys[i] = e.Key
	}
	var stored []ledgerDoc
	if err := s.findAll(ctx, "append ledger", s.ledger, bson.D{{Key: "key", Value: bson.D{{Key: "$in", Value: keys}}}}, &stored); err != nil {
		return added, err
	}
	byKey := make(map[string]ledgerDoc, len(stored))
	for _, d := range stored {
		byKey[d.Key] = d
	}
	var clashes []string
	for _, e := range dups {
		d, ok := byKey[e.Key]
		if !ok || d.AmountFen != e.AmountFen || d.WorkerID != e.WorkerID || d.Item != e.Item {
			// Not found by key: the entry's ID was taken by another key.
			clashes = append(clashes, e.Key)
		}
	}
	if len(clashes) > 0 {
		return added, engine.Errorf(engine.ECONFLICT, "ledger keys already hold different entries: %s", strings.Join(clashes, ", "))
	}
	return added, nil
}

func ledgerFilter(f pay.LedgerFilter) filter {
	var q filter
	q.eq("campaignId", f.CampaignID)
	q.eq("workerId", f.WorkerID)
	q.eq("item", f.Item)
	q.eq("recordId", f.RecordID)
	q.in("period", f.Periods)
	q.under("workerOrgPath", f.OrgPaths)
	return q
}

// ListLedger returns one keyset page of the matching entries.
func (s *Store) ListLedger(ctx context.Context, f pay.LedgerFilter, p engine.Page) (*pay.LedgerPage, error) {
	docs, next, err := findPage(ctx, s, "list ledger", s.ledger, ledgerFilter(f), p, func(d *ledgerDoc) string { return d.ID })
	if err != nil {
		return nil, err
	}
	page := &pay.LedgerPage{Entries: make([]*pay.LedgerEntry, len(docs)), Next: next}
	for i, d := range docs {
		page.Entries[i] = d.entry()
	}
	return page, nil
}

var ledgerGroupFields = map[string]string{
	pay.LedgerByCampaign: "campaignId",
	pay.LedgerByWorker:   "workerId",
	pay.LedgerByItem:     "item",
	pay.LedgerByPeriod:   "period",
	pay.LedgerByRole:     "role",
}

// SumLedger counts and sums the matching entries by group, one $group for
// the counts and one for the sums (see AggregateRecords).
func (s *Store) SumLedger(ctx context.Context, f pay.LedgerFilter, groupBy []string) ([]pay.LedgerSum, error) {
	fields, err := groupFields(groupBy, ledgerGroupFields)
	if err != nil {
		return nil, err
	}
	q := ledgerFilter(f)
	match := q.doc()
	counts, err := s.groupBy(ctx, "sum ledger", s.ledger, match, fields, bson.D{{Key: "$sum", Value: 1}})
	if err != nil {
		return nil, err
	}
	sums, err := s.groupBy(ctx, "sum ledger", s.ledger, match, fields, bson.D{{Key: "$sum", Value: "$amountFen"}})
	if err != nil {
		return nil, err
	}
	out := make([]pay.LedgerSum, 0, len(counts))
	for k, row := range counts {
		ls := pay.LedgerSum{Key: map[string]string{}, Count: integer(row.V), AmountFen: integer(sums[k].V)}
		for i, v := range groupValues(row.ID, len(fields)) {
			ls.Key[groupBy[i]] = v
		}
		out = append(out, ls)
	}
	slices.SortFunc(out, func(x, y pay.LedgerSum) int { return compareGroups(groupBy, x.Key, y.Key) })
	return out, nil
}

// integer reads an integral $sum result.
func integer(v any) int64 {
	switch x := v.(type) {
	case int32:
		return int64(x)
	case int64:
		return x
	case float64:
		return int64(x)
	}
	return 0
}
