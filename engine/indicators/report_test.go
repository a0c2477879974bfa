package indicators_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/enginetest"
	"canvass/engine/indicators"
)

// Villages of enginetest.Tree and the township each lies in.
const (
	dongguan = "370102001001" // 东关街道
	nanmen   = "370102001002" // 东关街道
	hubin    = "370102002001" // 西湖镇
	liulin   = "370102002002" // 西湖镇
	townE    = "370102001"
	townW    = "370102002"
)

// q4Due is when the 2026-Q4 report is due: the end of 15 January 2027 in
// China, quarterEnd(periodStart) + days(15).
var q4Due = time.Date(2027, 1, 16, 0, 0, 0, 0, time.FixedZone("CST", 8*3600)).UTC()

type reportWorld struct {
	e       *app.App
	clk     *clock
	workers map[string]*engine.Actor // by village
	super   *engine.Actor            // the district
	town    *engine.Actor            // a reviewer of 东关街道
}

func newReportWorld(t *testing.T) *reportWorld {
	t.Helper()
	e, clk := newEngine(t)
	seedTree(t, e)
	w := &reportWorld{e: e, clk: clk, workers: map[string]*engine.Actor{},
		super: mustUser(t, e, "super", "370102", engine.RoleSupervisor),
		town:  mustUser(t, e, "town-e", townE, engine.RoleReviewer),
	}
	author := mustUser(t, e, "author", "370102", engine.RoleAuthor)
	for _, v := range []string{dongguan, nanmen, hubin, liulin} {
		w.workers[v] = mustUser(t, e, "worker-"+v, v, engine.RoleFieldWorker)
	}
	for _, f := range []struct{ kind, id, file string }{
		{engine.KindForm, "quarterly-report", "quarterly-report.form.json"},
		{engine.KindWorkflow, "report-review", "report-review.workflow.yaml"},
		{engine.KindCampaign, "vital-reports-2026", "vital-reports-2026.campaign.yaml"},
	} {
		enginetest.PublishFile(t, e, author, f.kind, f.id, filepath.Join("testdata", "reports", f.file))
	}
	return w
}

// fileAt submits village's report at the instant at.
func (w *reportWorld) fileAt(t *testing.T, village string, at time.Time, answers map[string]any, draft bool) {
	t.Helper()
	w.clk.Set(at)
	if answers == nil {
		answers = map[string]any{"births": 3, "deaths": 1}
	}
	if _, err := w.e.Submit(context.Background(), w.workers[village], engine.Submission{CampaignID: "vital-reports-2026",
		FormID: "quarterly-report", Answers: answers, Draft: draft}); err != nil {
		t.Fatalf("submit %s at %v: %v %v", village, at, err, engine.ErrorFields(err))
	}
}

func (w *reportWorld) setClock(at time.Time) {
	w.clk.Set(at)
}

func slotStatuses(st *indicators.ReportStatus, period string) map[string]string {
	out := map[string]string{}
	for _, s := range st.Slots {
		if s.Period == period {
			out[s.OrgUnit] = s.Status
		}
	}
	return out
}

// TestReportTimelinessAroundDeadline files the 2026-Q4 report 1 ms before,
// at and 1 ms after the due instant, and not at all.
func TestReportTimelinessAroundDeadline(t *testing.T) {
	w := newReportWorld(t)
	w.fileAt(t, dongguan, q4Due.Add(-time.Millisecond), nil, false)
	w.fileAt(t, nanmen, q4Due, nil, false)
	w.fileAt(t, liulin, q4Due.Add(-time.Hour), nil, true) // a draft is not a report
	w.fileAt(t, hubin, q4Due.Add(time.Millisecond), nil, false)

	tests := []struct {
		name string
		now  time.Time
		want map[string]string
	}{
		{"at the due instant nothing is missing yet", q4Due, map[string]string{
			dongguan: indicators.ReportOnTime, nanmen: indicators.ReportOnTime, hubin: indicators.ReportLate, liulin: indicators.ReportPending}},
		{"1 ms after it the absent report is missing", q4Due.Add(time.Millisecond), map[string]string{
			dongguan: indicators.ReportOnTime, nanmen: indicators.ReportOnTime, hubin: indicators.ReportLate, liulin: indicators.ReportMissing}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.setClock(tt.now)
			st, err := w.e.Indicators.ReportStatus(context.Background(), w.super, "vital-reports-2026", "quarterly", "", "")
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, town := range []string{townE, townW} {
				sub, err := w.e.Indicators.ReportStatus(context.Background(), w.super, "vital-reports-2026", "quarterly", town, "2026-Q4")
				if err != nil {
					t.Fatal(err)
				}
				for k, v := range slotStatuses(sub, "2026-Q4") {
					got[k] = v
				}
			}
			for v, want := range tt.want {
				if got[v] != want {
					t.Errorf("%s: %s, want %s", v, got[v], want)
				}
			}
			if want := []string{"2026-Q4", "2027-Q1"}; len(st.Periods) != 2 || st.Periods[0] != want[0] || st.Periods[1] != want[1] {
				t.Errorf("periods = %v, want %v", st.Periods, want)
			}
		})
	}
}

// TestReportRollUp checks exact completeness and timeliness per township
// and for the district, per period and in total.
func TestReportRollUp(t *testing.T) {
	w := newReportWorld(t)
	w.fileAt(t, dongguan, q4Due.Add(-24*time.Hour), nil, false)
	w.fileAt(t, nanmen, q4Due.Add(-time.Millisecond), nil, false)
	w.fileAt(t, hubin, q4Due.Add(48*time.Hour), nil, false)
	// 柳林村 files an early Q1 report naming nothing: it counts for the
	// period that last ended before it (2026-Q4), which makes it late.
	w.fileAt(t, liulin, q4Due.Add(72*time.Hour), nil, false)
	w.setClock(q4Due.Add(96 * time.Hour))

	st, err := w.e.Indicators.ReportStatus(context.Background(), w.super, "vital-reports-2026", "quarterly", "", "")
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		unit, period                                  string
		expected, submitted, onTime, late, miss, pend int
		due, dueOnTime                                int
		completeness, timeliness                      float64
	}
	// Timeliness counts the periods that have come due: 2027-Q1, running,
	// does not halve the district's 50 % (issue #18).
	for _, tt := range []want{
		{"370102", "2026-Q4", 4, 4, 2, 2, 0, 0, 4, 2, 1, 0.5},
		{"370102", "2027-Q1", 4, 0, 0, 0, 0, 4, 0, 0, 0, 0},
		{"370102", "", 8, 4, 2, 2, 0, 4, 4, 2, 0.5, 0.5},
		{townE, "2026-Q4", 2, 2, 2, 0, 0, 0, 2, 2, 1, 1},
		{townW, "2026-Q4", 2, 2, 0, 2, 0, 0, 2, 0, 1, 0},
		{townW, "", 4, 2, 0, 2, 0, 2, 2, 0, 0.5, 0},
	} {
		got := st.Total(tt.unit, tt.period)
		wantTally := indicators.ReportTally{Expected: tt.expected, Submitted: tt.submitted, OnTime: tt.onTime, Late: tt.late, Missing: tt.miss, Pending: tt.pend,
			Due: tt.due, DueOnTime: tt.dueOnTime}
		if got != wantTally {
			t.Errorf("%s %q: %+v, want %+v", tt.unit, tt.period, got, wantTally)
		}
		if got.Completeness() != tt.completeness || got.Timeliness() != tt.timeliness {
			t.Errorf("%s %q: completeness %v timeliness %v, want %v %v", tt.unit, tt.period, got.Completeness(), got.Timeliness(), tt.completeness, tt.timeliness)
		}
	}
	// The district's rows are its own and its townships', never a village's.
	for _, r := range st.Rows {
		if r.Level == "village" {
			t.Errorf("district view has a village row %s", r.OrgUnit)
		}
	}
	// A township is its villages summed.
	sumE, sumW := st.Total(townE, ""), st.Total(townW, "")
	if all := st.Total("370102", ""); sumE.Expected+sumW.Expected != all.Expected || sumE.OnTime+sumW.OnTime != all.OnTime || sumE.Late+sumW.Late != all.Late {
		t.Errorf("townships %+v + %+v do not sum to %+v", sumE, sumW, all)
	}
}

// TestReportPeriodField: with period_field, the record names its period,
// and a township-level report counts its villages' records.
func TestReportPeriodField(t *testing.T) {
	w := newReportWorld(t)
	// Filed for 2026-Q4 during the quarter itself: on time (due 15 Jan).
	w.fileAt(t, dongguan, time.Date(2026, 12, 20, 2, 0, 0, 0, time.UTC), map[string]any{"births": 1, "deaths": 0, "period": "2026-Q4"}, false)
	// Filed naming 2027-Q1 early: counts for 2027-Q1, not 2026-Q4.
	w.fileAt(t, hubin, q4Due.Add(time.Hour), map[string]any{"births": 1, "deaths": 0, "period": "2027-Q1"}, false)
	st, err := w.e.Indicators.ReportStatus(context.Background(), w.super, "vital-reports-2026", "quarterly-named", "", "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range st.Slots {
		got[s.OrgUnit+" "+s.Period] = s.Status
	}
	want := map[string]string{
		townE + " 2026-Q4": indicators.ReportOnTime, townE + " 2027-Q1": indicators.ReportPending,
		townW + " 2026-Q4": indicators.ReportMissing, townW + " 2027-Q1": indicators.ReportOnTime,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s, want %s", k, got[k], v)
		}
	}
}

func TestReportStatusRefusals(t *testing.T) {
	w := newReportWorld(t)
	ctx := context.Background()
	tests := []struct {
		name                      string
		actor                     *engine.Actor
		campaign, report, org, pd string
		want                      string
	}{
		{"field worker", w.workers[dongguan], "vital-reports-2026", "quarterly", "", "", engine.EFORBIDDEN},
		{"no actor", nil, "vital-reports-2026", "quarterly", "", "", engine.EUNAUTHORIZED},
		{"unknown campaign", w.super, "nope", "quarterly", "", "", engine.ENOTFOUND},
		{"unknown report", w.super, "vital-reports-2026", "nope", "", "", engine.ENOTFOUND},
		{"township out of the reviewer's scope", w.town, "vital-reports-2026", "quarterly", townW, "", engine.ENOTFOUND},
		{"unit outside the campaign", w.super, "vital-reports-2026", "quarterly", "370000", "", engine.ENOTFOUND},
		{"unknown unit", w.super, "vital-reports-2026", "quarterly", "999999", "", engine.ENOTFOUND},
		{"month for a quarterly report", w.super, "vital-reports-2026", "quarterly", "", "2026-12", engine.EINVALID},
		{"own township", w.town, "vital-reports-2026", "quarterly", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := w.e.Indicators.ReportStatus(ctx, tt.actor, tt.campaign, tt.report, tt.org, tt.pd)
			if got := engine.ErrorCode(err); got != tt.want {
				t.Fatalf("code %q, want %q (%v)", got, tt.want, err)
			}
			if err == nil && st.Root.Code != townE {
				t.Errorf("the reviewer's view is rooted at %s, want their township", st.Root.Code)
			}
		})
	}
}

// TestReportRemindersOnce sweeps with two engines over one database: each
// reminder reaches each village's worker exactly once, and a village that
// filed gets no more.
func TestReportRemindersOnce(t *testing.T) {
	w := newReportWorld(t)
	ctx := context.Background()
	other := app.New(app.Config{Config: engine.Config{Store: w.e.Store(), Now: w.clk.Now, Vault: w.e.Vault()}})
	sweepBoth := func() int {
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for _, e := range []*app.App{w.e, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := e.Indicators.SweepReports(ctx, "owner-"+time.Now().Format("150405.000000000"), 100)
				if err != nil {
					t.Errorf("sweep: %v", err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		return total
	}
	unread := func(village string) int64 {
		n, err := w.e.Store().CountUnread(ctx, w.workers[village].User.ID)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	firstReminder := q4Due.Add(-3 * 24 * time.Hour)
	w.setClock(time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)) // lays out 2026-Q4 and 2027-Q1
	steps := []struct {
		name      string
		at        time.Time
		file      string // a village that files just before
		wantSent  int
		wantUnred map[string]int64
	}{
		{"nothing due yet", firstReminder.Add(-time.Millisecond), "", 0, map[string]int64{dongguan: 0, liulin: 0}},
		{"3 days before: every village once", firstReminder, "", 4, map[string]int64{dongguan: 1, nanmen: 1, hubin: 1, liulin: 1}},
		{"swept again: nothing", firstReminder.Add(time.Hour), "", 0, map[string]int64{dongguan: 1, liulin: 1}},
		{"1 day after: the three that did not file", q4Due.Add(24 * time.Hour), dongguan, 3, map[string]int64{dongguan: 1, nanmen: 2, hubin: 2, liulin: 2}},
		{"7 days after, swept twice over", q4Due.Add(7 * 24 * time.Hour), nanmen, 2, map[string]int64{dongguan: 1, nanmen: 2, hubin: 3, liulin: 3}},
		{"no reminders left", q4Due.Add(30 * 24 * time.Hour), "", 0, map[string]int64{hubin: 3, liulin: 3}},
	}
	if n := sweepBoth(); n != 0 {
		t.Fatalf("laying out sent %d reminders", n)
	}
	for _, s := range steps {
		if s.file != "" {
			w.fileAt(t, s.file, s.at.Add(-2*time.Hour), nil, false)
		}
		w.setClock(s.at)
		sent := sweepBoth() + sweepBoth()
		if sent != s.wantSent {
			t.Errorf("%s: sent %d, want %d", s.name, sent, s.wantSent)
		}
		for v, want := range s.wantUnred {
			if got := unread(v); got != want {
				t.Errorf("%s: %s has %d unread, want %d", s.name, v, got, want)
			}
		}
	}
	st, err := w.e.Indicators.ReportStatus(ctx, w.super, "vital-reports-2026", "quarterly", townW, "2026-Q4")
	if err != nil {
		t.Fatal(err)
	}
	for _, sl := range st.Slots {
		if sl.RemindersSent != 3 {
			t.Errorf("%s reminders sent = %d, want 3", sl.OrgUnit, sl.RemindersSent)
		}
	}
}
