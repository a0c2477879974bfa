package indicators_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"canvass/engine"
	"canvass/engine/indicators"
)

// TestDashboardRollUp files reports in three villages of two townships,
// accepts one, and checks the district's and a township's progress,
// overdue and output figures exactly.
func TestDashboardRollUp(t *testing.T) {
	w := newReportWorld(t)
	ctx := context.Background()
	at := time.Date(2027, 1, 5, 2, 0, 0, 0, time.UTC)
	w.fileAt(t, dongguan, at, nil, false)
	w.fileAt(t, dongguan, at.Add(time.Hour), nil, false)
	w.fileAt(t, nanmen, at, nil, false)
	w.fileAt(t, hubin, at, nil, true) // a draft: progress counts it, output does not
	w.fileAt(t, hubin, at.Add(2*time.Hour), nil, false)
	// Two one-time public links in 柳林村: their records make one row.
	links, err := w.e.CreateLinks(ctx, w.workers[liulin], engine.LinkSpec{Campaign: "vital-reports-2026", Form: "quarterly-report", OneTime: true,
		Preset: []map[string]any{{"births": 1}, {"births": 2}}})
	if err != nil || len(links) != 2 {
		t.Fatalf("links: %v %d", err, len(links))
	}
	for _, l := range links {
		if _, err := w.e.SubmitPublic(ctx, l.Token, map[string]any{"births": 0, "deaths": 0}, "zh-CN", "192.0.2.9"); err != nil {
			t.Fatalf("public submit: %v %v", err, engine.ErrorFields(err))
		}
	}
	recs, err := w.e.Store().ListRecords(ctx, engine.RecordFilter{CampaignID: "vital-reports-2026", OrgPaths: []string{"/370000/370100/370102/370102001/370102001002/"}}, engine.Page{})
	if err != nil || len(recs.Records) != 1 {
		t.Fatalf("南门村 records: %v %v", err, recs)
	}
	if _, err := w.e.Act(ctx, w.town, recs.Records[0].ID, engine.Action{Name: "approve"}); err != nil {
		t.Fatal(err)
	}
	// Four days on, the three reports still in review are overdue (P3D).
	w.setClock(at.Add(4 * 24 * time.Hour))

	d, err := w.e.Indicators.Dashboard(ctx, w.super, "vital-reports-2026", "", "zh-CN")
	if err != nil {
		t.Fatal(err)
	}
	names := func(states []indicators.DashboardState) []string {
		var out []string
		for _, s := range states {
			out = append(out, s.Name)
		}
		return out
	}
	if got, want := names(d.States), []string{"township_review", "returned", "accepted", "draft"}; !slices.Equal(got, want) {
		t.Errorf("states = %v, want %v", got, want)
	}
	type row struct {
		unit    string
		counts  []int64
		total   int64
		overdue int64
	}
	check := func(d *indicators.Dashboard, want []row) {
		t.Helper()
		var got []row
		for _, r := range d.Progress {
			got = append(got, row{r.OrgUnit, r.Counts, r.Total, r.Overdue})
		}
		if len(got) != len(want) {
			t.Fatalf("progress = %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i].unit != want[i].unit || !slices.Equal(got[i].counts, want[i].counts) || got[i].total != want[i].total || got[i].overdue != want[i].overdue {
				t.Errorf("row %d = %+v, want %+v", i, got[i], want[i])
			}
		}
	}
	check(d, []row{
		{townE, []int64{2, 0, 1, 0}, 3, 2},
		{townW, []int64{3, 0, 0, 1}, 4, 3},
	})
	if d.Overdue != 5 {
		t.Errorf("overdue = %d, want 5", d.Overdue)
	}
	wantWorkers := []indicators.WorkerOutput{
		{UserID: w.workers[dongguan].User.ID, Name: "worker-" + dongguan, Records: 2},
		{UserID: "public:", Name: "公开链接（扫码填报）", Records: 2},                       // ties by name
		{UserID: w.workers[nanmen].User.ID, Name: "worker-" + nanmen, Records: 1}, // ties by name
		{UserID: w.workers[hubin].User.ID, Name: "worker-" + hubin, Records: 1},
	}
	if !slices.Equal(d.Workers, wantWorkers) {
		t.Errorf("workers = %+v, want %+v", d.Workers, wantWorkers)
	}
	if len(d.Reports) != 2 || d.Reports[0].Total("370102", "2026-Q4").OnTime != 4 {
		t.Errorf("reports = %d, 2026-Q4 on time at the district = %+v", len(d.Reports), d.Reports[0].Total("370102", "2026-Q4"))
	}

	// Drill down into 东关街道: one row per village (no drafts there, so no
	// draft column), and the way back up only for whoever may look there.
	d, err = w.e.Indicators.Dashboard(ctx, w.super, "vital-reports-2026", townE, "zh-CN")
	if err != nil {
		t.Fatal(err)
	}
	check(d, []row{
		{dongguan, []int64{2, 0, 0}, 2, 2},
		{nanmen, []int64{0, 0, 1}, 1, 0},
	})
	if d.Up == nil || d.Up.Code != "370102" {
		t.Errorf("up = %+v, want the district", d.Up)
	}
	d, err = w.e.Indicators.Dashboard(ctx, w.town, "vital-reports-2026", "", "zh-CN")
	if err != nil || d.Root.Code != townE || d.Up != nil {
		t.Errorf("the township reviewer's dashboard: %v root %s up %+v", err, d.Root.Code, d.Up)
	}
	if _, err := w.e.Indicators.Dashboard(ctx, w.town, "vital-reports-2026", townW, "zh-CN"); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Errorf("another township: %v, want ENOTFOUND", err)
	}
}
