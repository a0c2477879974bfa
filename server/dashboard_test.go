package server

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"canvass/engine"
	"canvass/engine/indicators"
	"canvass/engine/tabular"
)

// dashEnv is the quarterly-report campaign of engine/indicators/testdata/reports on
// the fixture tree, with one village report filed on time.
type dashEnv struct {
	*env
	worker, township, supervisor, other, finance *engine.User
	tokens                                       map[string]string
}

func newDashEnv(t *testing.T) *dashEnv {
	t.Helper()
	e := newEnv(t, Config{})
	de := &dashEnv{env: e, tokens: map[string]string{},
		worker:     e.user("worker", grandUnit, engine.RoleFieldWorker),
		township:   e.user("township", childUnit, engine.RoleReviewer),
		supervisor: e.user("super", ownUnit, engine.RoleSupervisor),
		other:      e.user("other", siblingUnit, engine.RoleSupervisor),
		finance:    e.user("finance", ownUnit, engine.RoleFinance),
	}
	e.publishFiles(e.user("author", ownUnit, engine.RoleAuthor), filepath.Join("..", "engine", "indicators", "testdata", "reports"),
		definitionFile{engine.KindForm, "quarterly-report", "quarterly-report.form.json"},
		definitionFile{engine.KindWorkflow, "report-review", "report-review.workflow.yaml"},
		definitionFile{engine.KindCampaign, "vital-reports-2026", "vital-reports-2026.campaign.yaml"})
	// 10 January 2027: the 2026-Q4 report is filed on time (due the end of
	// 15 January); 2027-Q1 is not due yet.
	e.clock.mu.Lock()
	e.clock.now = time.Date(2027, 1, 10, 2, 0, 0, 0, time.UTC)
	e.clock.mu.Unlock()
	if _, err := e.eng.Submit(context.Background(), asActor(de.worker), engine.Submission{CampaignID: "vital-reports-2026", FormID: "quarterly-report",
		Answers: map[string]any{"births": 4, "deaths": 1}}); err != nil {
		t.Fatal(err)
	}
	return de
}

func (de *dashEnv) api(u *engine.User, target string) result {
	de.t.Helper()
	tok, ok := de.tokens[u.ID]
	if !ok {
		tok = de.apiToken(u)
		de.tokens[u.ID] = tok
	}
	return de.do(req{method: "GET", target: target, header: bearer(tok)})
}

func TestDashboardAPIAccess(t *testing.T) {
	de := newDashEnv(t)
	const base = "/api/v1/campaigns/vital-reports-2026"
	tests := []struct {
		name    string
		u       *engine.User
		target  string
		status  int
		code    string
		pointer string
	}{
		{"supervisor reads the dashboard", de.supervisor, base + "/dashboard", http.StatusOK, "", ""},
		{"township reviewer: own township", de.township, base + "/dashboard?org=" + childUnit, http.StatusOK, "", ""},
		{"township reviewer: the district above is out of scope", de.township, base + "/dashboard?org=" + ownUnit, http.StatusNotFound, engine.ENOTFOUND, ""},
		{"a unit of another district", de.supervisor, base + "/dashboard?org=" + nephewUnit, http.StatusNotFound, engine.ENOTFOUND, ""},
		{"a unit above the campaign", de.supervisor, base + "/dashboard?org=" + parentUnit, http.StatusNotFound, engine.ENOTFOUND, ""},
		{"a supervisor outside the campaign", de.other, base + "/dashboard", http.StatusNotFound, engine.ENOTFOUND, ""},
		{"a field worker may not", de.worker, base + "/dashboard", http.StatusForbidden, engine.EFORBIDDEN, ""},
		{"finance may not", de.finance, base + "/dashboard", http.StatusForbidden, engine.EFORBIDDEN, ""},
		{"unknown campaign", de.supervisor, "/api/v1/campaigns/nope-2026/dashboard", http.StatusNotFound, engine.ENOTFOUND, ""},
		{"malformed org", de.supervisor, base + "/dashboard?org=abc", http.StatusUnprocessableEntity, engine.EINVALID, "/org:format"},
		{"hostile org", de.supervisor, base + "/dashboard?org=%27%20OR%201%3D1--", http.StatusUnprocessableEntity, engine.EINVALID, "/org:format"},
		{"oversized org", de.supervisor, base + "/dashboard?org=" + strings.Repeat("1", 400), http.StatusUnprocessableEntity, engine.EINVALID, "/org:format"},
		{"reports", de.supervisor, base + "/reports", http.StatusOK, "", ""},
		{"one report in one period", de.supervisor, base + "/reports/quarterly?period=2026-Q4&org=" + childUnit, http.StatusOK, "", ""},
		{"unknown report", de.supervisor, base + "/reports/nope", http.StatusNotFound, engine.ENOTFOUND, ""},
		{"malformed report id", de.supervisor, base + "/reports/N%C3%B6pe", http.StatusNotFound, engine.ENOTFOUND, ""},
		{"a month for a quarterly report", de.supervisor, base + "/reports/quarterly?period=2026-12", http.StatusUnprocessableEntity, engine.EINVALID, "/period:bad_period"},
		{"an oversized period", de.supervisor, base + "/reports/quarterly?period=" + strings.Repeat("9", 100), http.StatusUnprocessableEntity, engine.EINVALID, "/period:format"},
		{"reports out of scope", de.township, base + "/reports?org=" + ownUnit, http.StatusNotFound, engine.ENOTFOUND, ""},
		{"export: unknown table", de.supervisor, base + "/dashboard.xlsx?table=secrets", http.StatusUnprocessableEntity, engine.EINVALID, "/table:enum"},
		{"export: out of scope", de.township, base + "/dashboard.xlsx?org=" + ownUnit, http.StatusNotFound, engine.ENOTFOUND, ""},
		{"signed out", nil, base + "/dashboard", http.StatusUnauthorized, engine.EUNAUTHORIZED, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res result
			if tt.u == nil {
				res = de.do(req{method: "GET", target: tt.target})
			} else {
				res = de.api(tt.u, tt.target)
			}
			check(t, res, tt.status, tt.code)
			if tt.pointer != "" {
				if got := fieldPointers(t, res); len(got) != 1 || got[0] != tt.pointer {
					t.Errorf("field pointers %v, want [%s]", got, tt.pointer)
				}
			}
		})
	}
}

// TestDashboardFigures checks the exact figures of the JSON dashboard and
// the report status, and that a record moving on moves them.
func TestDashboardFigures(t *testing.T) {
	de := newDashEnv(t)
	var d dashboardJSON
	res := de.api(de.supervisor, "/api/v1/campaigns/vital-reports-2026/dashboard")
	check(t, res, http.StatusOK, "")
	res.decode(t, &d)
	if d.Root.Code != ownUnit || d.Up != nil {
		t.Errorf("root %+v up %+v, want the district and no way up", d.Root, d.Up)
	}
	col := -1
	for i, s := range d.States {
		if s.Name == "township_review" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("states %+v lack township_review", d.States)
	}
	if len(d.Progress) != 1 || d.Progress[0].OrgUnit != childUnit || d.Progress[0].Total != 1 || d.Progress[0].Counts[col] != 1 || !d.Progress[0].Drill {
		t.Errorf("progress = %+v, want the township with its 1 record in review", d.Progress)
	}
	if len(d.Workers) != 1 || d.Workers[0].UserID != de.worker.ID || d.Workers[0].Records != 1 || d.Workers[0].Name != "测试 worker" {
		t.Errorf("workers = %+v", d.Workers)
	}
	if d.Overdue != 0 {
		t.Errorf("overdue = %d", d.Overdue)
	}
	var q reportRowJSON
	for _, r := range d.Reports {
		if r.Report != "quarterly" {
			continue
		}
		for _, row := range r.Rows {
			if row.OrgUnit == ownUnit && row.Period == "" {
				q = row
			}
		}
	}
	// Nothing has come due yet (2026-Q4 is due on 15 January): the report
	// filed early is on time, but timeliness is not yet known — not 50 %.
	want := indicators.ReportTally{Expected: 2, Submitted: 1, OnTime: 1, Pending: 1}
	if q.ReportTally != want || q.Completeness != 0.5 || q.Timeliness != nil {
		t.Errorf("district total = %+v, want %+v at 0.5 / not yet due", q, want)
	}

	// The township's view of 2026-Q4: its village is on time.
	var st reportStatusJSON
	res = de.api(de.township, "/api/v1/campaigns/vital-reports-2026/reports/quarterly?period=2026-Q4")
	check(t, res, http.StatusOK, "")
	res.decode(t, &st)
	if st.Root.Code != childUnit || len(st.Slots) != 1 || st.Slots[0].OrgUnit != grandUnit || st.Slots[0].Status != indicators.ReportOnTime {
		t.Errorf("township view = %+v", st)
	}
	if !st.Slots[0].DueAt.Equal(time.Date(2027, 1, 15, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("due = %v, want the end of 15 January in China", st.Slots[0].DueAt)
	}

	// Past the due time of 2027-Q1 with nothing filed: missing.
	de.clock.mu.Lock()
	de.clock.now = time.Date(2027, 4, 15, 16, 0, 0, 1e6, time.UTC)
	de.clock.mu.Unlock()
	res = de.api(de.supervisor, "/api/v1/campaigns/vital-reports-2026/reports/quarterly?period=2027-Q1")
	check(t, res, http.StatusOK, "")
	res.decode(t, &st)
	if len(st.Slots) != 0 {
		t.Errorf("district view lists village slots: %+v", st.Slots)
	}
	for _, r := range st.Rows {
		if r.OrgUnit == ownUnit && r.Period == "2027-Q1" && (r.Missing != 1 || r.Expected != 1) {
			t.Errorf("2027-Q1 at the district = %+v, want 1 missing of 1", r)
		}
		if r.OrgUnit == ownUnit && r.Period == "2027-Q1" && (r.Timeliness == nil || *r.Timeliness != 0) {
			t.Errorf("2027-Q1 at the district: timeliness %v, want 0 (due and missing)", r.Timeliness)
		}
	}
}

func TestDashboardExport(t *testing.T) {
	de := newDashEnv(t)
	res := de.api(de.supervisor, "/api/v1/campaigns/vital-reports-2026/dashboard.xlsx?table=reports")
	check(t, res, http.StatusOK, "")
	if ct := res.header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Fatalf("content type %q", ct)
	}
	r, err := tabular.Open("d.xlsx", bytes.NewReader([]byte(res.body)))
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for {
		row, err := r.Next()
		if err != nil {
			break
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 || !strings.Contains(strings.Join(r.Header(), ","), "及时率") {
		t.Fatalf("header %v rows %v", r.Header(), rows)
	}
	found := false
	for _, row := range rows {
		// report, unit, period, due, filed, on time, late, missing, pending, completeness %, timeliness %
		if len(row) >= 11 && row[1] == "示例区" && row[2] == "全部" {
			found = true
			if got := strings.Join(row[3:], ","); got != "2,1,1,0,0,1,50,未到期" { // 2026-Q4 is due on 15 January: timeliness is not known yet
				t.Errorf("district total row = %s", got)
			}
		}
	}
	if !found {
		t.Errorf("no district total in %v", rows)
	}
	page, err := de.eng.AuditLog(context.Background(), asActor(de.user("admin", ownUnit, engine.RoleAdmin)), engine.AuditFilter{Action: "export.dashboard"}, engine.Page{})
	if err != nil || len(page.Events) != 1 {
		t.Errorf("audit: %v %+v", err, page)
	}
}

func TestDashboardPage(t *testing.T) {
	de := newDashEnv(t)
	cookie, _ := de.session("super")
	page := func(target string) result {
		return de.do(req{method: "GET", target: target, cookies: map[string]string{sessionCookie: cookie}})
	}
	res := page("/campaigns/vital-reports-2026/dashboard")
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	for _, want := range []string{
		`<svg class="chart"`, `aria-labelledby="progress-title progress-desc"`, `<title id="workers-title">每人工作量</title>`,
		`href="/campaigns/vital-reports-2026/dashboard?org=` + childUnit + `"`, // drill-down
		`/campaigns/vital-reports-2026/dashboard.xlsx?org=` + ownUnit + `&amp;table=progress`,
		`/inbox?campaign=vital-reports-2026&amp;overdue=1&amp;org=` + ownUnit,
		`季度报表`, `50%`, `dashboard.css`,
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(res.body, "<script>") || strings.Contains(res.body, " style=") {
		t.Error("inline script or style on the page")
	}
	// Drill down to the township, and back up.
	res = page("/campaigns/vital-reports-2026/dashboard?org=" + childUnit)
	if res.status != http.StatusOK || !strings.Contains(res.body, `href="/campaigns/vital-reports-2026/dashboard?org=`+ownUnit+`"`) {
		t.Errorf("township page: %d, no way back up", res.status)
	}
	if res := page("/campaigns/vital-reports-2026/dashboard?org=" + nephewUnit); res.status != http.StatusNotFound {
		t.Errorf("out-of-scope page: %d, want 404", res.status)
	}
	if res := page("/campaigns/vital-reports-2026/dashboard?org=x"); res.status != http.StatusUnprocessableEntity {
		t.Errorf("malformed org page: %d, want 422", res.status)
	}
	if res := page("/dashboard"); res.status != http.StatusOK || !strings.Contains(res.body, `href="/campaigns/vital-reports-2026/dashboard"`) {
		t.Errorf("list page: %d", res.status)
	}
	cookieW, _ := de.session("worker")
	if res := de.do(req{method: "GET", target: "/campaigns/vital-reports-2026/dashboard", cookies: map[string]string{sessionCookie: cookieW}}); res.status != http.StatusForbidden {
		t.Errorf("worker page: %d, want 403", res.status)
	}
}

// TestDashboardIndicators draws the campaign's indicator against its
// target from engine.IndicatorValues, and moves it when the township
// accepts the report.
func TestDashboardIndicators(t *testing.T) {
	de := newDashEnv(t)
	cookie, _ := de.session("super")
	figures := func() map[string]indicatorJSON {
		t.Helper()
		var d dashboardJSON
		res := de.api(de.supervisor, "/api/v1/campaigns/vital-reports-2026/dashboard")
		check(t, res, http.StatusOK, "")
		res.decode(t, &d)
		out := map[string]indicatorJSON{}
		for _, v := range d.Indicators {
			out[v.OrgUnit] = v
		}
		if len(d.Trend) == 0 {
			t.Error("no trend values")
		}
		return out
	}
	before := figures()
	for _, unit := range []string{ownUnit, childUnit} {
		if v := before[unit]; v.ID != "accepted_share" || v.Value != 0 || v.Met || !v.HasTarget || v.Target != 90 {
			t.Errorf("%s before = %+v, want 0 against 90, not met", unit, v)
		}
	}
	page := de.do(req{method: "GET", target: "/campaigns/vital-reports-2026/dashboard", cookies: map[string]string{sessionCookie: cookie}})
	for _, want := range []string{`aria-labelledby="ind-accepted_share-title ind-accepted_share-desc"`, `0% ✗`, `目标 90%`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("page lacks %q", want)
		}
	}

	recs, err := de.store.ListRecords(context.Background(), engine.RecordFilter{CampaignID: "vital-reports-2026"}, engine.Page{})
	if err != nil || len(recs.Records) != 1 {
		t.Fatalf("records: %v %v", err, recs)
	}
	if _, err := de.eng.Act(context.Background(), asActor(de.township), recs.Records[0].ID, engine.Action{Name: "approve"}); err != nil {
		t.Fatal(err)
	}
	after := figures()
	for _, unit := range []string{ownUnit, childUnit} {
		if v := after[unit]; v.Value != 100 || !v.Met {
			t.Errorf("%s after = %+v, want 100, met", unit, v)
		}
	}
	page = de.do(req{method: "GET", target: "/campaigns/vital-reports-2026/dashboard", cookies: map[string]string{sessionCookie: cookie}})
	if !strings.Contains(page.body, `100% ✓`) || !strings.Contains(page.body, `class="met"`) {
		t.Error("page does not show the met target")
	}
}
