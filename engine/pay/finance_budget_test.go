package pay_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"canvass/engine"
	"canvass/engine/enginetest"
)

// TestCensusBudget computes the census training budget from 190 accepted
// sign-ups: materials 5 × 200, lunch 10 × 2 × 190, water 1 × 200 × 2 × 2,
// banner 100: 5,700 yuan. Sign-ups still in review do not count.
func TestCensusBudget(t *testing.T) {
	ctx := context.Background()
	w := newPayWorld(t, enginetest.China(2026, 12, 1, 9))
	now := w.clk.Now()
	for i := range 195 {
		state := "accepted"
		if i >= 190 {
			state = "township_review"
		}
		r := &engine.Record{ID: engine.NewID(now.Add(time.Duration(i) * time.Millisecond)), CampaignID: "census-2026", FormID: "trainer-signup", FormVersion: 1,
			WorkflowID: "village-review", WorkflowVersion: 1, OrgUnit: "370102001001", OrgPath: w.worker.User.OrgPath, State: state,
			Answers: map[string]any{"name": fmt.Sprintf("学员%d", i)}, CreatedBy: w.worker.ID(), CreatedAt: now, UpdatedAt: now}
		if _, _, err := w.e.Store().InsertRecord(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	b, err := w.e.Pay.CampaignBudget(ctx, w.finance, "census-2026")
	if err != nil {
		t.Fatal(err)
	}
	if b.TotalFen != 570000 || b.Counts["signups"] != 190 {
		t.Errorf("total %d fen from %v, want 570000 from 190 sign-ups", b.TotalFen, b.Counts)
	}
	var got []string
	for _, l := range b.Lines {
		got = append(got, fmt.Sprintf("%s=%d", l.Key, l.AmountFen))
	}
	if want := "[materials=100000 lunch=380000 water=80000 banner=10000]"; fmt.Sprint(got) != want {
		t.Errorf("lines %v, want %s", got, want)
	}
	tests := []struct {
		name string
		a    *engine.Actor
		id   string
		code string
	}{
		{"no budget", w.finance, "vital-2027", engine.ENOTFOUND},
		{"unknown campaign", w.finance, "nope", engine.ENOTFOUND},
		{"a field worker", w.worker, "census-2026", engine.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := w.e.Pay.CampaignBudget(ctx, tt.a, tt.id); engine.ErrorCode(err) != tt.code {
				t.Errorf("got %v, want %s", err, tt.code)
			}
		})
	}
}
