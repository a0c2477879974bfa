package pay_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/enginetest"
	"canvass/engine/pay"
	"canvass/engine/tabular"
)

// payWorld publishes every definition under testdata/pay on a fresh store
// with the people who earn and who pay.
type payWorld struct {
	e                                      *app.App
	clk                                    *enginetest.Clock
	worker, worker2, clerk, reviewer       *engine.Actor
	supervisor, finance, townFinance, admn *engine.Actor
}

func newPayWorld(t *testing.T, at time.Time) *payWorld {
	t.Helper()
	e, clk := enginetest.New(t)
	clk.Set(at)
	enginetest.SeedTree(t, e.Engine)
	mustUser := func(t *testing.T, e *app.App, username, org string, roles ...string) *engine.Actor {
		t.Helper()
		return enginetest.MustUser(t, e.Engine, username, org, roles...)
	}
	author := mustUser(t, e, "author", "370102", engine.RoleAuthor)
	w := &payWorld{e: e, clk: clk,
		worker:      mustUser(t, e, "worker", "370102001001", engine.RoleFieldWorker),
		worker2:     mustUser(t, e, "worker2", "370102001002", engine.RoleFieldWorker),
		clerk:       mustUser(t, e, "clerk", "370102001", engine.RoleFieldWorker),
		reviewer:    mustUser(t, e, "reviewer", "370102001", engine.RoleReviewer),
		supervisor:  mustUser(t, e, "super", "370102", engine.RoleSupervisor),
		finance:     mustUser(t, e, "finance", "370102", engine.RoleFinance),
		townFinance: mustUser(t, e, "townfinance", "370102002", engine.RoleFinance),
		admn:        mustUser(t, e, "admin", "370102", engine.RoleAdmin),
	}
	dir := filepath.Join("..", "testdata", "pay") // shared with the core's tests
	for _, f := range []struct{ kind, id, file string }{
		{engine.KindForm, "vital-event", "vital-event.form.json"},
		{engine.KindForm, "eligibility-check", "eligibility-check.form.json"},
		{engine.KindForm, "fertility-household", "fertility-household.form.json"},
		{engine.KindForm, "migrant-verification", "migrant-verification.form.json"},
		{engine.KindForm, "trainer-signup", "trainer-signup.form.json"},
		{engine.KindWorkflow, "village-review", "village-review.workflow.yaml"},
		{engine.KindPayTable, "vital-events-pay", "vital-events.paytable.yaml"},
		{engine.KindPayTable, "fertility-survey-pay", "fertility-survey.paytable.yaml"},
		{engine.KindPayTable, "migrant-cleanup-pay", "migrant-cleanup.paytable.yaml"},
		{engine.KindCampaign, "vital-2027", "vital-2027.campaign.yaml"},
		{engine.KindCampaign, "survey-2026", "survey-2026.campaign.yaml"},
		{engine.KindCampaign, "migrant-2027", "migrant-2027.campaign.yaml"},
		{engine.KindCampaign, "census-2026", "census-2026.campaign.yaml"},
	} {
		enginetest.PublishFile(t, e, author, f.kind, f.id, filepath.Join(dir, f.file))
	}
	return w
}

// collect submits a record as a, and returns its ID.
func (w *payWorld) collect(t *testing.T, a *engine.Actor, campaign, form string, answers map[string]any) string {
	t.Helper()
	res, err := w.e.Submit(context.Background(), a, engine.Submission{CampaignID: campaign, FormID: form, Answers: answers})
	if err != nil {
		t.Fatalf("submit %s: %v %v", form, err, engine.ErrorFields(err))
	}
	w.clk.Add(time.Minute)
	return res.Record.ID
}

func (w *payWorld) act(t *testing.T, a *engine.Actor, id, action string) {
	t.Helper()
	if _, err := w.e.Act(context.Background(), a, id, engine.Action{Name: action, Reason: "test"}); err != nil {
		t.Fatalf("%s %s: %v", action, id, err)
	}
	w.clk.Add(time.Minute)
}

func (w *payWorld) enter(t *testing.T, id string) {
	t.Helper()
	if _, err := w.e.Pay.MarkEntered(context.Background(), w.clerk, id); err != nil {
		t.Fatalf("enter %s: %v", id, err)
	}
	w.clk.Add(time.Minute)
}

// sum totals the campaign's ledger entries matching f.
func (w *payWorld) sum(t *testing.T, f pay.LedgerFilter) (int64, int64) {
	t.Helper()
	sums, err := w.e.Store().SumLedger(context.Background(), f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) == 0 {
		return 0, 0
	}
	return sums[0].Count, sums[0].AmountFen
}

// TestVitalEventsQuarter pays a quarter of a village's vital events through
// the engine: 4 births, 2 marriages, 1 death (5 yuan collected + 3 entered
// each) and 3 eligibility checks (5 + 5); an adoption pays nothing.
func TestVitalEventsQuarter(t *testing.T) {
	ctx := context.Background()
	w := newPayWorld(t, enginetest.China(2027, 2, 1, 9))
	var ids []string
	for _, ev := range []struct {
		form, kind string
		n          int
	}{{"vital-event", "birth", 4}, {"vital-event", "marriage", 2}, {"vital-event", "death", 1}, {"vital-event", "adoption", 1}, {"eligibility-check", "", 3}} {
		for i := range ev.n {
			answers := map[string]any{"event_type": ev.kind}
			if ev.form == "eligibility-check" {
				answers = map[string]any{"household": fmt.Sprintf("H%d", i)}
			}
			id := w.collect(t, w.worker, "vital-2027", ev.form, answers)
			w.act(t, w.reviewer, id, "approve")
			w.enter(t, id)
			ids = append(ids, id)
		}
	}
	camp := pay.LedgerFilter{CampaignID: "vital-2027"}
	tests := []struct {
		name      string
		f         pay.LedgerFilter
		count     int64
		amountFen int64
	}{
		{"village worker: 10 records collected × 5 yuan", pay.LedgerFilter{CampaignID: "vital-2027", WorkerID: w.worker.ID()}, 10, 5000},
		{"township clerk: 7 × 3 yuan + 3 × 5 yuan entered", pay.LedgerFilter{CampaignID: "vital-2027", WorkerID: w.clerk.ID()}, 10, 3600},
		{"reviewer: not in the table", pay.LedgerFilter{CampaignID: "vital-2027", WorkerID: w.reviewer.ID()}, 0, 0},
		{"births collected", pay.LedgerFilter{CampaignID: "vital-2027", Item: "birth_collected"}, 4, 2000},
		{"eligibility entered", pay.LedgerFilter{CampaignID: "vital-2027", Item: "eligibility_entered"}, 3, 1500},
		{"all in 2027-Q1: 86 yuan", pay.LedgerFilter{CampaignID: "vital-2027", Periods: []string{"2027-Q1"}}, 20, 8600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			count, amount := w.sum(t, tt.f)
			if count != tt.count || amount != tt.amountFen {
				t.Errorf("got %d entries, %d fen; want %d, %d", count, amount, tt.count, tt.amountFen)
			}
		})
	}

	t.Run("an entry says why", func(t *testing.T) {
		page, err := w.e.Store().ListLedger(ctx, pay.LedgerFilter{RecordID: ids[0], Item: "birth_collected"}, engine.Page{})
		if err != nil || len(page.Entries) != 1 {
			t.Fatalf("entries %v, %v", page, err)
		}
		got := page.Entries[0]
		if got.Key != ids[0]+"/"+w.worker.ID()+"/birth_collected" || got.Rule != "500 fen per record when answers.event_type == 'birth'" ||
			got.Inputs["answers.event_type"] != "birth" || got.Inputs["event"] != "record.accepted" || got.PayTableVersion != 1 ||
			got.WorkerOrgPath != w.worker.User.OrgPath || got.Period != "2027-Q1" {
			t.Errorf("entry %+v", got)
		}
	})

	t.Run("retrying writes nothing new", func(t *testing.T) {
		if _, err := w.e.Pay.MarkEntered(ctx, w.clerk, ids[0]); err != nil {
			t.Fatal(err)
		}
		n, err := w.e.Pay.ReconcilePay(ctx, time.Time{})
		if err != nil || n != 0 {
			t.Errorf("ReconcilePay wrote %d, %v; want 0", n, err)
		}
		if count, amount := w.sum(t, camp); count != 20 || amount != 8600 {
			t.Errorf("after retries: %d entries, %d fen", count, amount)
		}
	})

	t.Run("payment table", func(t *testing.T) {
		tab, err := w.e.Pay.Payments(ctx, w.finance, pay.PaymentQuery{CampaignID: "vital-2027", Period: "2027-Q1"})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := tab.Total, (pay.PaymentAmounts{Count: 20, AmountFen: 8600, TotalFen: 8600}); got != want {
			t.Errorf("total %+v, want %+v", got, want)
		}
		var units []string
		for _, u := range tab.OrgUnits {
			units = append(units, fmt.Sprintf("%s %s %d", u.Key, u.Name, u.TotalFen))
		}
		if want := []string{"370102001 东关街道 3600", "370102001001 东关村 5000"}; !slices.Equal(units, want) {
			t.Errorf("org units %v, want %v", units, want)
		}
		first := tab.Rows[0]
		if first.WorkerName != "clerk" || first.Item != "marriage_entered" || first.Count != 2 || first.RateFen != 300 || first.TotalFen != 600 {
			t.Errorf("first row %+v", first)
		}
		var buf bytes.Buffer
		if err := pay.WritePayments(tabular.NewXLSX(&buf), tab); err != nil {
			t.Fatal(err)
		}
		rows := readSheet(t, "payments.xlsx", buf.Bytes())
		if got, want := rows[0], pay.PaymentHeader; !slices.Equal(got, want) {
			t.Errorf("header %v", got)
		}
		if got, want := rows[len(rows)-1], []string{"合计", "", "", "", "20", "", "86.00", "0.00", "0.00", "86.00"}; !slices.Equal(got, want) {
			t.Errorf("totals row %q, want %q", got, want)
		}
		if got := len(rows); got != 1+len(tab.Rows)+1 {
			t.Errorf("%d rows for %d table rows", got, len(tab.Rows))
		}
	})

	t.Run("scope", func(t *testing.T) {
		tab, err := w.e.Pay.Payments(ctx, w.townFinance, pay.PaymentQuery{CampaignID: "vital-2027"})
		if err != nil || tab.Total.TotalFen != 0 {
			t.Errorf("another township's finance sees %+v, %v", tab, err)
		}
		_, err = w.e.Pay.Payments(ctx, w.townFinance, pay.PaymentQuery{CampaignID: "vital-2027", OrgUnit: "370102001"})
		if got := engine.ErrorCode(err); got != engine.ENOTFOUND {
			t.Errorf("org unit outside scope: %q", got)
		}
		_, err = w.e.Pay.Payments(ctx, w.reviewer, pay.PaymentQuery{CampaignID: "vital-2027"})
		if got := engine.ErrorCode(err); got != engine.EFORBIDDEN {
			t.Errorf("reviewer: %q", got)
		}
		page, err := w.e.Pay.PaymentEntries(ctx, w.finance, "vital-2027", "2027-Q1", "", w.clerk.ID(), "eligibility_entered", engine.Page{})
		if err != nil || len(page.Entries) != 3 {
			t.Errorf("drill-down: %v, %v", page, err)
		}
	})

	t.Run("a correction after the period is locked lands in the next open period", func(t *testing.T) {
		if _, err := w.e.Pay.LockPeriod(ctx, w.finance, "vital-2027", "2027-Q1", ""); err != nil {
			t.Fatal(err)
		}
		_, err := w.e.Pay.LockPeriod(ctx, w.finance, "vital-2027", "2027-Q1", "")
		if got := engine.ErrorCode(err); got != engine.ECONFLICT {
			t.Errorf("second lock: %q", got)
		}
		for _, bad := range []string{"2027-02", "2027-Q3", "Q1"} {
			if _, err := w.e.Pay.LockPeriod(ctx, w.finance, "vital-2027", bad, ""); engine.ErrorCode(err) != engine.EINVALID {
				t.Errorf("lock %s: %v", bad, err)
			}
		}
		page, err := w.e.Store().ListLedger(ctx, pay.LedgerFilter{RecordID: ids[0], Item: "birth_collected"}, engine.Page{})
		if err != nil {
			t.Fatal(err)
		}
		orig := page.Entries[0]
		if _, err := w.e.Pay.ReverseEntry(ctx, w.finance, orig.ID, " "); engine.ErrorCode(err) != engine.EINVALID {
			t.Errorf("reversal without a reason: %v", err)
		}
		rev, err := w.e.Pay.ReverseEntry(ctx, w.finance, orig.ID, "duplicate of another birth")
		if err != nil {
			t.Fatal(err)
		}
		if rev.AmountFen != -500 || rev.Reverses != orig.ID || rev.Period != "2027-Q2" || rev.Inputs["original_period"] != "2027-Q1" {
			t.Errorf("reversal %+v", rev)
		}
		if _, err := w.e.Pay.ReverseEntry(ctx, w.finance, orig.ID, "again"); engine.ErrorCode(err) != engine.ECONFLICT {
			t.Errorf("second reversal: %v", err)
		}
		if _, err := w.e.Pay.ReverseEntry(ctx, w.finance, rev.ID, "undo"); engine.ErrorCode(err) != engine.EINVALID {
			t.Errorf("reversing a reversal: %v", err)
		}
		// A late event, earned in the locked quarter, lands in the next one.
		late := w.collect(t, w.worker, "vital-2027", "vital-event", map[string]any{"event_type": "death"})
		w.act(t, w.reviewer, late, "approve")
		page, err = w.e.Store().ListLedger(ctx, pay.LedgerFilter{RecordID: late}, engine.Page{})
		if err != nil || len(page.Entries) != 1 || page.Entries[0].Period != "2027-Q2" || page.Entries[0].Inputs["earned_in_period"] != "2027-Q1" {
			t.Fatalf("late entry %+v, %v", page.Entries, err)
		}
		for _, tt := range []struct {
			period      string
			count, want int64
		}{{"2027-Q1", 20, 8600}, {"2027-Q2", 2, 0}} {
			if count, got := w.sum(t, pay.LedgerFilter{CampaignID: "vital-2027", Periods: []string{tt.period}}); count != tt.count || got != tt.want {
				t.Errorf("%s: %d entries, %d fen; want %d, %d", tt.period, count, got, tt.count, tt.want)
			}
		}
		tab, err := w.e.Pay.Payments(ctx, w.finance, pay.PaymentQuery{CampaignID: "vital-2027", Period: "2027-Q2"})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := tab.Total, (pay.PaymentAmounts{Count: 1, AmountFen: 500, DeductionFen: -500, TotalFen: 0, Reversed: 1}); got != want {
			t.Errorf("Q2 total %+v, want %+v", got, want)
		}
		if !slices.Equal(tab.Locked, []string{"2027-Q1"}) {
			t.Errorf("locked %v", tab.Locked)
		}
	})
	t.Run("the reconciler posts what a crash left out", func(t *testing.T) {
		// A record accepted whose posting never happened: the process died
		// between the record's update and its posting.
		now := w.clk.Now()
		r := &engine.Record{
			ID: engine.NewID(now), CampaignID: "vital-2027", FormID: "vital-event", FormVersion: 1, WorkflowID: "village-review", WorkflowVersion: 1,
			OrgUnit: w.worker.User.OrgUnit, OrgPath: w.worker.User.OrgPath, State: "accepted", Answers: map[string]any{"event_type": "birth"},
			CreatedBy: w.worker.ID(), CreatedAt: now, UpdatedAt: now,
			History: []engine.HistoryEntry{
				{At: now, Actor: w.worker.ID(), Action: "submit", ToState: "township_review"},
				{At: now, Actor: w.reviewer.ID(), Action: "approve", FromState: "township_review", ToState: "accepted"},
			},
		}
		if _, _, err := w.e.Store().InsertRecord(ctx, r); err != nil {
			t.Fatal(err)
		}
		for i, want := range []int{1, 0} {
			n, err := w.e.Pay.ReconcilePay(ctx, now)
			if err != nil || n != want {
				t.Errorf("run %d: ReconcilePay wrote %d, %v; want %d", i, n, err, want)
			}
		}
		if count, amount := w.sum(t, pay.LedgerFilter{RecordID: r.ID}); count != 1 || amount != 500 {
			t.Errorf("reconciled: %d entries, %d fen", count, amount)
		}
	})
	t.Run("after a long outage the reconciler's first pass reaches back to the crash", func(t *testing.T) {
		// The process died between this record's update and its posting,
		// and stayed down for an hour: far longer than the four intervals
		// the reconciler looks back. The last thing the store saw before
		// is the audit event of the request before.
		crash := w.clk.Now()
		r := &engine.Record{
			ID: engine.NewID(crash), CampaignID: "vital-2027", FormID: "vital-event", FormVersion: 1, WorkflowID: "village-review", WorkflowVersion: 1,
			OrgUnit: w.worker.User.OrgUnit, OrgPath: w.worker.User.OrgPath, State: "accepted", Answers: map[string]any{"event_type": "birth"},
			CreatedBy: w.worker.ID(), CreatedAt: crash, UpdatedAt: crash,
			History: []engine.HistoryEntry{
				{At: crash, Actor: w.worker.ID(), Action: "submit", ToState: "township_review"},
				{At: crash, Actor: w.reviewer.ID(), Action: "approve", FromState: "township_review", ToState: "accepted"},
			},
		}
		if _, _, err := w.e.Store().InsertRecord(ctx, r); err != nil {
			t.Fatal(err)
		}
		if err := w.e.Engine.Audit(ctx, w.reviewer, "record.approve", "record", engine.NewID(crash), r.OrgPath, nil); err != nil {
			t.Fatal(err)
		}
		w.clk.Set(crash.Add(time.Hour))
		loop := w.e.Pay.Reconciler(time.Second)
		if err := loop.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := loop.Stop(ctx); err != nil { // after its first pass
			t.Fatal(err)
		}
		if count, amount := w.sum(t, pay.LedgerFilter{RecordID: r.ID}); count != 1 || amount != 500 {
			t.Errorf("after the restart: %d entries, %d fen; want the missing 500", count, amount)
		}
	})
}

func readSheet(t *testing.T, name string, b []byte) [][]string {
	t.Helper()
	r, err := tabular.Open(name, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows := [][]string{r.Header()}
	for {
		row, err := r.Next()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
}
