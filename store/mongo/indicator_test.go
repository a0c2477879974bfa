package mongo_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"canvass/engine/indicators"
	mongostore "canvass/store/mongo"
)

// TestIndicatorCrashRecovery leaves a record's contribution as a crash
// between its counter updates would — stored as pending, one counter
// adjusted, the other not — and checks that the next apply of the record
// (the engine's catch-up) finishes it exactly once.
func TestIndicatorCrashRecovery(t *testing.T) {
	ctx := t.Context()
	name := fmt.Sprintf("canvass_test_%d_indicator_crash", os.Getpid())
	t.Cleanup(func() { dropDatabase(t, ferretURI, name) })
	s, err := mongostore.Open(ctx, ferretURI, mongostore.Options{Database: name, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	raw, err := mongo.Connect(options.Client().ApplyURI(ferretURI))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Disconnect(context.Background())
	db := raw.Database(name)

	key := func(term string) indicators.IndicatorCounterKey {
		return indicators.IndicatorCounterKey{Term: term, OrgPath: "/p/t1/v1/", Month: "2026-03"}
	}
	contrib := func(version int64, term string) *indicators.IndicatorContribution {
		return &indicators.IndicatorContribution{RecordID: "r1", CampaignID: "camp-1", RecordVersion: version, UpdatedAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
			Parts: []indicators.IndicatorPart{{IndicatorCounterKey: key(term), Amount: 1}}}
	}
	counters := func() string {
		t.Helper()
		cs, err := s.ListIndicatorCounters(ctx, indicators.IndicatorCounterFilter{CampaignID: "camp-1"})
		if err != nil {
			t.Fatal(err)
		}
		out := ""
		for _, c := range cs {
			out += fmt.Sprintf("%s=%g/%d ", c.Term, c.Value, c.Records)
		}
		return out
	}
	if applied, err := s.ApplyIndicatorContribution(ctx, contrib(1, "count:a")); err != nil || !applied {
		t.Fatalf("apply v1: %v %v", applied, err)
	}

	// Version 2 moves the record from count:a to count:b. The crash came
	// after the contribution was stored as pending and count:b was
	// adjusted, before count:a was.
	part := func(term string) bson.D {
		k := key(term)
		return bson.D{{Key: "term", Value: k.Term}, {Key: "orgPath", Value: k.OrgPath}, {Key: "month", Value: k.Month}, {Key: "amount", Value: 1.0}}
	}
	if _, err := db.Collection("indicator_contributions").ReplaceOne(ctx, bson.D{{Key: "_id", Value: "r1"}}, bson.D{
		{Key: "_id", Value: "r1"}, {Key: "campaignId", Value: "camp-1"}, {Key: "recordVersion", Value: int64(2)}, {Key: "updatedAt", Value: nil},
		{Key: "parts", Value: bson.A{part("count:b")}}, {Key: "prevParts", Value: bson.A{part("count:a")}},
		{Key: "pending", Value: true}, {Key: "opId", Value: "r1:2"},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("indicator_counters").InsertOne(ctx, bson.D{
		{Key: "_id", Value: "camp-1\x00count:b\x00/p/t1/v1/\x002026-03"}, {Key: "campaignId", Value: "camp-1"}, {Key: "term", Value: "count:b"},
		{Key: "orgPath", Value: "/p/t1/v1/"}, {Key: "month", Value: "2026-03"}, {Key: "value", Value: 1.0}, {Key: "records", Value: int64(1)},
		{Key: "ops", Value: bson.A{"r1:2"}},
	}); err != nil {
		t.Fatal(err)
	}
	if got, want := counters(), "count:a=1/1 count:b=1/1 "; got != want {
		t.Fatalf("after the crash: %s, want %s", got, want)
	}

	// The catch-up re-applies version 2: it finds the pending one, finishes
	// it without adjusting count:b twice, and has nothing more to do.
	for i := range 2 {
		applied, err := s.ApplyIndicatorContribution(ctx, contrib(2, "count:b"))
		if err != nil || applied {
			t.Fatalf("re-apply %d: applied %v, %v; want false (version 2 is stored)", i, applied, err)
		}
		if got, want := counters(), "count:a=0/0 count:b=1/1 "; got != want {
			t.Fatalf("after re-apply %d: %s, want %s", i, got, want)
		}
	}
	var b struct {
		Ops []string `bson:"ops"`
	}
	if err := db.Collection("indicator_counters").FindOne(ctx, bson.D{{Key: "_id", Value: "camp-1\x00count:b\x00/p/t1/v1/\x002026-03"}}).Decode(&b); err != nil {
		t.Fatal(err)
	}
	if len(b.Ops) != 0 {
		t.Errorf("count:b still lists operations %v", b.Ops)
	}
	// A later version applies normally.
	if applied, err := s.ApplyIndicatorContribution(ctx, contrib(3, "count:a")); err != nil || !applied {
		t.Fatalf("apply v3: %v %v", applied, err)
	}
	if got, want := counters(), "count:a=1/1 count:b=0/0 "; got != want {
		t.Errorf("after v3: %s, want %s", got, want)
	}
}
