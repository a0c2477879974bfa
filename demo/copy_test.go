package demo_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"canvass/demo"
	"canvass/engine"
)

// TestEveryExampleCopies: each example, published by the demo, copied in
// the studio as a template, is a campaign that checks clean — its
// indicators, reports and pay rules name the copied forms, not the
// originals (an indicator filter `form == "vital-event"` left pointing at
// the original made the vital-events copy fail its check).
func TestEveryExampleCopies(t *testing.T) {
	ctx := context.Background()
	eng, st := openEngine(t, filepath.Join(t.TempDir(), "demo.db"))
	res, err := demo.Seed(ctx, eng, demo.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.GetUserByUsername(ctx, "author")
	if err != nil {
		t.Fatal(err)
	}
	author := &engine.Actor{User: u}
	if len(res.Campaigns) < 7 {
		t.Fatalf("the demo published %d campaigns, want every example", len(res.Campaigns))
	}
	for _, c := range res.Campaigns {
		copied, err := eng.CopyCampaign(ctx, author, c.ID)
		if err != nil {
			t.Errorf("copy %s: %v", c.ID, err)
			continue
		}
		check, err := eng.CheckCampaign(ctx, author, copied)
		if err != nil {
			t.Errorf("check the copy of %s: %v", c.ID, err)
			continue
		}
		for _, p := range check.Problems {
			t.Errorf("the copy of %s: %s %s %s: %s", c.ID, p.Kind, p.ID, p.Pointer, p.Message)
		}
	}
}
