package pay_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"canvass/engine"
	"canvass/engine/enginetest"
	"canvass/engine/pay"
)

// TestSurveySpotChecks pays 50 yuan per household surveyed and a 50-yuan
// bonus when the spot check passes; a problem withholds the 50. The sample
// is 5 % of each worker's households, at least one, reproducible from its
// seed; supervisors earn 50 yuan a day on site.
func TestSurveySpotChecks(t *testing.T) {
	ctx := context.Background()
	w := newPayWorld(t, enginetest.China(2026, 12, 6, 9))
	households := map[string][]string{}
	for _, p := range []struct {
		a *engine.Actor
		n int
	}{{w.worker, 3}, {w.worker2, 2}} {
		for range p.n {
			id := w.collect(t, p.a, "survey-2026", "fertility-household", map[string]any{"household": "H"})
			w.act(t, w.reviewer, id, "approve")
			households[p.a.ID()] = append(households[p.a.ID()], id)
		}
	}
	// One more, still in review: not completed, never sampled.
	w.collect(t, w.worker, "survey-2026", "fertility-household", map[string]any{"household": "H"})

	if _, err := w.e.Pay.SampleQC(ctx, w.finance, "survey-2026", "2026-12"); engine.ErrorCode(err) != engine.EFORBIDDEN {
		t.Errorf("finance samples: %v", err)
	}
	if _, err := w.e.Pay.SampleQC(ctx, w.supervisor, "vital-2027", "2027-01"); engine.ErrorCode(err) != engine.EINVALID {
		t.Errorf("campaign without spot checks: %v", err)
	}
	s, err := w.e.Pay.SampleQC(ctx, w.supervisor, "survey-2026", "2026-12")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Records[w.worker.ID()]) != 1 || len(s.Records[w.worker2.ID()]) != 1 || !s.Drawn {
		t.Fatalf("sample %+v", s)
	}
	for worker, ids := range s.Records {
		if !slices.Contains(households[worker], ids[0]) {
			t.Errorf("sampled %s, not one of %s's households", ids[0], worker)
		}
	}
	t.Run("same seed, same sample", func(t *testing.T) {
		camp, err := w.e.Campaign(ctx, "survey-2026")
		if err != nil {
			t.Fatal(err)
		}
		q, _ := camp.QC()
		// The same records in another order draw the same sample.
		shuffled := map[string][]string{}
		for k, v := range households {
			shuffled[k] = slices.Clone(v)
			slices.Reverse(shuffled[k])
		}
		if got := pay.DrawQCSample(q, s.Seed, shuffled); !maps.EqualFunc(got, s.Records, slices.Equal) {
			t.Errorf("redrawn from reversed input %v, want %v", got, s.Records)
		}
		got := pay.DrawQCSample(q, s.Seed, households)
		if !maps.EqualFunc(got, s.Records, slices.Equal) {
			t.Errorf("redrawn %v, want %v", got, s.Records)
		}
		again, err := w.e.Pay.SampleQC(ctx, w.supervisor, "survey-2026", "2026-12")
		if err != nil || again.Drawn || again.Seed != s.Seed || !maps.EqualFunc(again.Records, s.Records, slices.Equal) {
			t.Errorf("sampling again: %+v, %v", again, err)
		}
	})
	t.Run("the inbox lists the spot checks", func(t *testing.T) {
		views, _, total, err := w.e.Inbox(ctx, w.supervisor, engine.RecordFilter{}, engine.Page{}, true)
		if err != nil || total != 2 || len(views) != 2 {
			t.Errorf("supervisor inbox: %d, %v", total, err)
		}
	})

	pass, problem := s.Records[w.worker.ID()][0], s.Records[w.worker2.ID()][0]
	if _, err := w.e.Pay.RecordQCOutcome(ctx, w.supervisor, problem, false, ""); engine.ErrorCode(err) != engine.EINVALID {
		t.Errorf("problem without a reason: %v", err)
	}
	if _, err := w.e.Pay.RecordQCOutcome(ctx, w.supervisor, pass, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.e.Pay.RecordQCOutcome(ctx, w.supervisor, problem, false, "the household has four members, not three"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.e.Pay.RecordQCOutcome(ctx, w.supervisor, pass, false, "again"); engine.ErrorCode(err) != engine.EINVALID {
		t.Errorf("outcome without an open spot check: %v", err)
	}
	// The supervisor's days on site; the second report of a day pays nothing.
	for _, day := range []string{"2026-12-04", "2026-12-05", "2026-12-05"} {
		if _, err := w.e.Pay.RecordAttendance(ctx, w.supervisor, pay.Attendance{CampaignID: "survey-2026", Date: day, WorkerID: w.supervisor.ID()}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.e.Pay.RecordAttendance(ctx, w.supervisor, pay.Attendance{CampaignID: "survey-2026", Date: "2026-12-07", WorkerID: w.supervisor.ID()}); engine.ErrorCode(err) != engine.EINVALID {
		t.Errorf("a day in the future: %v", err)
	}
	tests := []struct {
		name             string
		worker           string
		count, amountFen int64
	}{
		{"3 households + 1 bonus", w.worker.ID(), 4, 20000},
		{"2 households, 1 withheld", w.worker2.ID(), 3, 5000},
		{"supervisor: 2 days", w.supervisor.ID(), 2, 10000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			count, amount := w.sum(t, pay.LedgerFilter{CampaignID: "survey-2026", WorkerID: tt.worker})
			if count != tt.count || amount != tt.amountFen {
				t.Errorf("got %d entries, %d fen; want %d, %d", count, amount, tt.count, tt.amountFen)
			}
		})
	}
	t.Run("payment table: amounts, bonuses, deductions", func(t *testing.T) {
		tab, err := w.e.Pay.Payments(ctx, w.finance, pay.PaymentQuery{CampaignID: "survey-2026", Period: "2026-12"})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := tab.Total, (pay.PaymentAmounts{Count: 8, AmountFen: 35000, BonusFen: 5000, DeductionFen: -5000, TotalFen: 35000, Reversed: 1}); got != want {
			t.Errorf("total %+v, want %+v", got, want)
		}
	})
}

// TestMigrantPerItem pays 0.5, 1 and 1.5 yuan per record collected,
// entered and accepted.
func TestMigrantPerItem(t *testing.T) {
	w := newPayWorld(t, enginetest.China(2027, 3, 2, 9))
	for range 3 {
		id := w.collect(t, w.worker, "migrant-2027", "migrant-verification", map[string]any{"person": "P"})
		w.act(t, w.reviewer, id, "return")
		w.act(t, w.worker, id, "submit") // resubmitted after a return: collected once
		w.enter(t, id)
		w.act(t, w.reviewer, id, "approve")
	}
	tests := []struct {
		name             string
		f                pay.LedgerFilter
		count, amountFen int64
	}{
		{"collected, 0.5 yuan", pay.LedgerFilter{Item: "collected"}, 3, 150},
		{"entered, 1 yuan", pay.LedgerFilter{Item: "entered"}, 3, 300},
		{"accepted, 1.5 yuan", pay.LedgerFilter{Item: "approved"}, 3, 450},
		{"collector", pay.LedgerFilter{WorkerID: w.worker.ID()}, 6, 600},
		{"clerk", pay.LedgerFilter{WorkerID: w.clerk.ID()}, 3, 300},
		{"March", pay.LedgerFilter{Periods: []string{"2027-03"}}, 9, 900},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.CampaignID = "migrant-2027"
			count, amount := w.sum(t, tt.f)
			if count != tt.count || amount != tt.amountFen {
				t.Errorf("got %d entries, %d fen; want %d, %d", count, amount, tt.count, tt.amountFen)
			}
		})
	}
}
