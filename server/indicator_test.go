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
	"canvass/engine/tabular"
)

// indicatorCampaign counts accepted births against the statistics
// bureau's births per year, and the share of deaths per mille.
const indicatorCampaign = `id: births-2027
title: {zh: 出生登记, en: Birth registration}
forms: [vital-event]
workflow: village-review
org_scope: "370102"
reference_time: 2027-01-01T00:00:00+08:00
indicators:
  - id: birth_coverage
    title: {zh: 出生登记率, en: Birth registration coverage}
    numerator: count(form == "vital-event" && answers.event_type == "birth" && state == "accepted")
    denominator: official("births")
    factor: 100
    target: 90
    period: year
  - id: death_share
    title: {zh: 死亡占比, en: Share of deaths}
    numerator: count(answers.event_type == "death")
    denominator: count()
    factor: 1000
    target: 100
    better: lower
`

// The township's three villages: grandUnit and two more.
const (
	village2 = "370102001002"
	village3 = "370102001003"
)

// indicatorEnv is a server with one township of three villages holding
// 20, 15 and 10 accepted births, and a pending birth in the first.
type indicatorEnv struct {
	*env
	worker, reviewer, supervisor, otherSupervisor, admin *engine.User
	pending                                              string
	tokens                                               map[string]string
}

func newIndicatorEnv(t *testing.T) *indicatorEnv {
	t.Helper()
	e := newEnv(t, Config{})
	ctx := context.Background()
	e.clock.now = time.Date(2027, 2, 10, 1, 0, 0, 0, time.UTC)
	if rows, err := e.eng.ImportOrgUnits(ctx, nil, []engine.OrgUnitRow{
		{Row: 2, Code: village2, Name: "南门村", ParentCode: childUnit, Level: engine.LevelVillage},
		{Row: 3, Code: village3, Name: "北岭村", ParentCode: childUnit, Level: engine.LevelVillage},
	}); err != nil {
		t.Fatalf("import: %v %v", err, rows)
	}
	ie := &indicatorEnv{env: e, tokens: map[string]string{},
		worker:          e.user("worker", grandUnit, engine.RoleFieldWorker),
		reviewer:        e.user("township", childUnit, engine.RoleReviewer),
		supervisor:      e.user("super", ownUnit, engine.RoleSupervisor),
		otherSupervisor: e.user("othersuper", siblingUnit, engine.RoleSupervisor),
		admin:           e.user("admin", ownUnit, engine.RoleAdmin),
	}
	author := e.user("author", ownUnit, engine.RoleAuthor)
	e.publishFiles(author, filepath.Join("..", "engine", "testdata", "pay"),
		definitionFile{engine.KindForm, "vital-event", "vital-event.form.json"},
		definitionFile{engine.KindWorkflow, "village-review", "village-review.workflow.yaml"})
	e.publishSource(author, engine.KindCampaign, "births-2027", "births-2027.campaign.yaml", []byte(indicatorCampaign))
	n := 0
	for village, births := range map[string]int{grandUnit: 20, village2: 15, village3: 10} {
		for range births {
			n++
			now := e.clock.Now().Add(time.Duration(n) * time.Millisecond)
			r := &engine.Record{ID: engine.NewID(now), CampaignID: "births-2027", FormID: "vital-event", FormVersion: 1,
				WorkflowID: "village-review", WorkflowVersion: 1, OrgUnit: village, OrgPath: "/370000/370100/370102/370102001/" + village + "/",
				State: "accepted", Answers: map[string]any{"event_type": "birth"}, CreatedBy: "loader", CreatedAt: now, UpdatedAt: now}
			if _, _, err := e.store.InsertRecord(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if applied, err := e.eng.Indicators.CatchUpIndicators(ctx, time.Time{}); err != nil || applied != 45 {
		t.Fatalf("catch-up: %d, %v", applied, err)
	}
	res, err := e.eng.Submit(ctx, asActor(ie.worker), engine.Submission{CampaignID: "births-2027", FormID: "vital-event", Answers: map[string]any{"event_type": "birth"}})
	if err != nil {
		t.Fatal(err)
	}
	ie.pending = res.Record.ID
	return ie
}

func (ie *indicatorEnv) api(u *engine.User, method, target string, body any) result {
	ie.t.Helper()
	tok, ok := ie.tokens[u.ID]
	if !ok {
		tok = ie.apiToken(u)
		ie.tokens[u.ID] = tok
	}
	return ie.do(req{method: method, target: target, json: body, header: bearer(tok)})
}

func (ie *indicatorEnv) upload(u *engine.User, source, filename, content string) result {
	ie.t.Helper()
	tok, ok := ie.tokens[u.ID]
	if !ok {
		tok = ie.apiToken(u)
		ie.tokens[u.ID] = tok
	}
	body := &multipartBody{fields: map[string]string{"source": source}, field: "file", filename: filename, content: []byte(content)}
	return ie.do(req{method: "POST", target: "/api/v1/official-figures/import", header: bearer(tok), multipart: body})
}

const villageBirths = "key,org_unit,period,value\nbirths,370102001001,2027,22\nbirths,370102001002,2027,16\nbirths,370102001003,2027,12\n"

type indicatorsResponse struct {
	Values []indicatorValueJSON `json:"values"`
}

// valueLine is what the tests compare of a value.
func valueLine(v indicatorValueJSON) string {
	if v.NoData {
		return v.OrgUnit + " " + v.Period + " " + v.ID + " " + indicatorCountText(v.Numerator) + "/" + indicatorCountText(v.Denominator) + " no data"
	}
	met := "unmet"
	if v.Met {
		met = "met"
	}
	return v.OrgUnit + " " + v.Period + " " + v.ID + " " + indicatorCountText(v.Numerator) + "/" + indicatorCountText(v.Denominator) + "=" + v.Display + " " + met
}

func valueLines(t *testing.T, res result) []string {
	t.Helper()
	var body indicatorsResponse
	res.decode(t, &body)
	out := make([]string, len(body.Values))
	for i, v := range body.Values {
		out[i] = valueLine(v)
	}
	return out
}

func TestIndicatorAPI(t *testing.T) {
	ie := newIndicatorEnv(t)
	if res := ie.upload(ie.supervisor, "统计局 2027 年出生人口", "births.csv", villageBirths); res.status != http.StatusCreated {
		t.Fatalf("import: %d %s", res.status, res.body)
	}
	target := "/api/v1/campaigns/births-2027/indicators?org=370102001&period=2027&granularity=year&children=1&ids=birth_coverage"
	res := ie.api(ie.supervisor, "GET", target, nil)
	check(t, res, http.StatusOK, "")
	want := []string{
		"370102001 2027 birth_coverage 45/50=90.0 met",
		"370102001001 2027 birth_coverage 20/22=90.9 met",
		"370102001002 2027 birth_coverage 15/16=93.8 met",
		"370102001003 2027 birth_coverage 10/12=83.3 unmet",
	}
	if got := valueLines(t, res); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("values:\n got %q\nwant %q", got, want)
	}
	var body indicatorsResponse
	res.decode(t, &body)
	if srcs := body.Values[0].Sources; len(srcs) != 1 || srcs[0].Source != "统计局 2027 年出生人口" || srcs[0].Version != 1 {
		t.Errorf("sources = %+v", srcs)
	}

	// The township accepts the pending birth: 46/50, and village 1 21/22.
	if _, err := ie.eng.Act(context.Background(), asActor(ie.reviewer), ie.pending, engine.Action{Name: "approve"}); err != nil {
		t.Fatal(err)
	}
	got := valueLines(t, ie.api(ie.supervisor, "GET", target, nil))
	if got[0] != "370102001 2027 birth_coverage 46/50=92.0 met" || got[1] != "370102001001 2027 birth_coverage 21/22=95.5 met" {
		t.Errorf("after approval: %q", got)
	}

	// No official births per quarter, and no records in the other
	// township: no data, with a null value, not an error.
	res = ie.api(ie.supervisor, "GET", "/api/v1/campaigns/births-2027/indicators?period=2027-Q1&granularity=quarter", nil)
	check(t, res, http.StatusOK, "")
	if got, want := valueLines(t, res), []string{"370102 2027-Q1 birth_coverage 46/0 no data", "370102 2027-Q1 death_share 0/46=0.0 met"}; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("district quarter: %q, want %q", got, want)
	}
	if !strings.Contains(res.body, `"value":null`) {
		t.Errorf("a value without data is not null: %s", res.body)
	}

	tests := []struct {
		name   string
		u      *engine.User
		target string
		status int
		code   string
	}{
		{"org unit outside the subtree", ie.otherSupervisor, "/api/v1/campaigns/births-2027/indicators?org=370102001", 404, engine.ENOTFOUND},
		{"unknown org unit", ie.supervisor, "/api/v1/campaigns/births-2027/indicators?org=370102999", 404, engine.ENOTFOUND},
		{"unknown campaign", ie.supervisor, "/api/v1/campaigns/nope-2027/indicators", 404, engine.ENOTFOUND},
		{"malformed campaign id", ie.supervisor, "/api/v1/campaigns/NOPE/indicators", 404, engine.ENOTFOUND},
		{"a field worker", ie.worker, "/api/v1/campaigns/births-2027/indicators", 403, engine.EFORBIDDEN},
		{"bad month", ie.supervisor, "/api/v1/campaigns/births-2027/indicators?period=2027-13&granularity=month", 422, engine.EINVALID},
		{"bad granularity", ie.supervisor, "/api/v1/campaigns/births-2027/indicators?granularity=week", 422, engine.EINVALID},
		{"bad trend", ie.supervisor, "/api/v1/campaigns/births-2027/indicators?trend=x", 422, engine.EINVALID},
		{"bad children", ie.supervisor, "/api/v1/campaigns/births-2027/indicators?children=maybe", 422, engine.EINVALID},
		{"export outside the subtree", ie.otherSupervisor, "/api/v1/campaigns/births-2027/indicators.xlsx?org=370102001", 404, engine.ENOTFOUND},
		{"rebuild as a supervisor", ie.supervisor, "/api/v1/campaigns/births-2027/indicators/rebuild", 403, engine.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := "GET"
			if strings.HasSuffix(tt.target, "/rebuild") {
				method = "POST"
			}
			check(t, ie.api(tt.u, method, tt.target, nil), tt.status, tt.code)
		})
	}

	res = ie.api(ie.admin, "POST", "/api/v1/campaigns/births-2027/indicators/rebuild", nil)
	check(t, res, http.StatusOK, "")
	if !strings.Contains(res.body, `"records":46`) {
		t.Errorf("rebuild: %s", res.body)
	}
	if got := valueLines(t, ie.api(ie.supervisor, "GET", target, nil)); got[0] != "370102001 2027 birth_coverage 46/50=92.0 met" {
		t.Errorf("after rebuild: %q", got)
	}
}

func TestIndicatorExport(t *testing.T) {
	ie := newIndicatorEnv(t)
	if res := ie.upload(ie.supervisor, "统计局", "births.csv", villageBirths); res.status != http.StatusCreated {
		t.Fatalf("import: %d %s", res.status, res.body)
	}
	res := ie.api(ie.supervisor, "GET", "/api/v1/campaigns/births-2027/indicators.xlsx?org=370102001&period=2027&granularity=year&children=1&ids=birth_coverage", nil)
	check(t, res, http.StatusOK, "")
	if ct := res.header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Fatalf("content type %q", ct)
	}
	r, err := tabular.Open("x.xlsx", bytes.NewReader([]byte(res.body)))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if h := strings.Join(r.Header(), ","); h != "单位代码,单位,期间,指标,分子,分母,指标值,目标,是否达标,数据来源" {
		t.Errorf("header %s", h)
	}
	var rows []string
	for {
		rec, err := r.Next()
		if err != nil {
			break
		}
		rows = append(rows, strings.Join(rec, ","))
	}
	want := []string{
		"370102001,东关街道,2027,出生登记率,45,50,90,≥ 90,达标,births: 统计局 (v1)",
		"370102001001,东关村,2027,出生登记率,20,22,90.9,≥ 90,达标,births: 统计局 (v1)",
		"370102001002,南门村,2027,出生登记率,15,16,93.8,≥ 90,达标,births: 统计局 (v1)",
		"370102001003,北岭村,2027,出生登记率,10,12,83.3,≥ 90,未达标,births: 统计局 (v1)",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n got %q\nwant %q", rows, want)
	}
}

func TestOfficialFigureAPI(t *testing.T) {
	ie := newIndicatorEnv(t)
	tests := []struct {
		name     string
		u        *engine.User
		source   string
		filename string
		content  string
		status   int
		code     string
		rows     []string // row:column:code
	}{
		{"not a sheet", ie.supervisor, "s", "births.xlsx", "\x00\x01 not a zip", 422, engine.EINVALID, nil},
		{"no header", ie.supervisor, "s", "births.csv", "", 422, engine.EINVALID, nil},
		{"missing columns", ie.supervisor, "s", "births.csv", "key,org_unit\nbirths,370102001\n", 422, engine.EINVALID, nil},
		{"no source", ie.supervisor, "  ", "births.csv", villageBirths, 422, engine.EINVALID, nil},
		{"bad rows", ie.supervisor, "s", "births.csv", "key,org_unit,period,value\nbirths,370102999,2027,5\nbirths,370102001,2027-Q9,5\nbirths,370102001,2027,-3\nBIRTHS,370102001,2027,5\n", 422, engine.EINVALID,
			[]string{"2:org_unit:unknown_org_unit", "3:period:bad_period", "4:value:bad_value", "5:key:bad_key"}},
		{"a unit outside the subtree", ie.otherSupervisor, "s", "births.csv", "key,org_unit,period,value\nbirths,370102001,2027,5\n", 422, engine.EINVALID, []string{"2:org_unit:unknown_org_unit"}},
		{"a field worker", ie.worker, "s", "births.csv", villageBirths, 403, engine.EFORBIDDEN, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ie.upload(tt.u, tt.source, tt.filename, tt.content)
			check(t, res, tt.status, tt.code)
			var report rowReportJSON
			if len(tt.rows) > 0 {
				res.decode(t, &report)
			}
			var got []string
			for _, r := range report.Rows {
				got = append(got, strings.Join([]string{itoa(r.Row), r.Column, r.Code}, ":"))
			}
			if strings.Join(got, " ") != strings.Join(tt.rows, " ") {
				t.Errorf("rows %v, want %v", got, tt.rows)
			}
		})
	}
	res := ie.api(ie.supervisor, "GET", "/api/v1/official-figures/imports", nil)
	check(t, res, http.StatusOK, "")
	if res.body != `{"imports":[]}` {
		t.Fatalf("refused imports left something behind: %s", res.body)
	}
	for _, v := range []string{"48", "50"} {
		res := ie.upload(ie.supervisor, "统计局 "+v, "births.csv", "指标,区划代码,期间,数值\nbirths,370102001,2027,"+v+"\n")
		check(t, res, http.StatusCreated, "")
	}
	res = ie.api(ie.supervisor, "GET", "/api/v1/official-figures?key=births", nil)
	check(t, res, http.StatusOK, "")
	var figs struct {
		Figures []officialFigureJSON `json:"figures"`
	}
	res.decode(t, &figs)
	if len(figs.Figures) != 2 || figs.Figures[0].Value != 48 || figs.Figures[0].Current || figs.Figures[1].Value != 50 || !figs.Figures[1].Current || figs.Figures[1].Source != "统计局 50" {
		t.Errorf("figures = %+v", figs.Figures)
	}
	check(t, ie.api(ie.otherSupervisor, "GET", "/api/v1/official-figures?org=370102001", nil), 404, engine.ENOTFOUND)
	// The neighbouring district sees neither the figures nor the imports.
	res = ie.api(ie.otherSupervisor, "GET", "/api/v1/official-figures", nil)
	check(t, res, http.StatusOK, "")
	if res.body != `{"figures":[]}` {
		t.Errorf("figures of another district: %s", res.body)
	}
	res = ie.api(ie.otherSupervisor, "GET", "/api/v1/official-figures/imports", nil)
	if res.body != `{"imports":[]}` {
		t.Errorf("imports of another district: %s", res.body)
	}
	res = ie.api(ie.reviewer, "GET", "/api/v1/official-figures/imports", nil)
	if !strings.Contains(res.body, `"version":2`) {
		t.Errorf("the township does not see the district's imports: %s", res.body)
	}
}

func itoa(n int) string { return indicatorCountText(float64(n)) }

func TestIndicatorPages(t *testing.T) {
	ie := newIndicatorEnv(t)
	cookie, csrf := ie.session("super")
	page := func(target string) result {
		return ie.do(req{method: "GET", target: target, cookies: map[string]string{sessionCookie: cookie}})
	}
	// Import through the page's form, then read the table.
	res := ie.do(req{method: "POST", target: "/official/import", cookies: map[string]string{sessionCookie: cookie},
		multipart: &multipartBody{fields: map[string]string{"_csrf": csrf, "source": "统计局出生人口"}, field: "file", filename: "births.csv", content: []byte(villageBirths)}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/official?imported=1" {
		t.Fatalf("import: %d %s %s", res.status, res.header.Get("Location"), res.body)
	}
	res = ie.do(req{method: "POST", target: "/official/import", cookies: map[string]string{sessionCookie: cookie},
		multipart: &multipartBody{fields: map[string]string{"_csrf": csrf, "source": "坏文件"}, field: "file", filename: "births.csv", content: []byte("key,org_unit,period,value\nbirths,370102999,2027,5\n")}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "单位不存在") {
		t.Errorf("bad import page: %d %s", res.status, res.body)
	}
	tests := []struct {
		name     string
		target   string
		status   int
		contains []string
	}{
		{"official figures", "/official", 200, []string{"统计局出生人口", "v1", "南门村"}},
		{"campaign picker", "/indicators", 200, []string{"births-2027"}},
		{"table", "/indicators?campaign=births-2027&org=370102001&period=2027&granularity=year", 200,
			[]string{"东关街道", "90.0", "83.3", `<span class="badge late">83.3</span>`, "/indicators/export.xlsx?", "births: 统计局出生人口 (v1)"}},
		{"no data", "/indicators?campaign=births-2027&org=370102001&period=2027-Q1&granularity=quarter", 200, []string{"无数据"}},
		{"out of subtree", "/indicators?campaign=births-2027&org=370103001", 404, nil},
		{"bad period", "/indicators?campaign=births-2027&period=2027-13&granularity=month", 422, []string{"提交的内容有误"}},
		{"unknown campaign", "/indicators?campaign=nope-2027", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := page(tt.target)
			if res.status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
			}
			for _, s := range tt.contains {
				if !strings.Contains(res.body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
		})
	}
	res = page("/indicators/export.xlsx?campaign=births-2027&org=370102001&period=2027&granularity=year")
	if res.status != 200 || !strings.Contains(res.header.Get("Content-Disposition"), "indicators-births-2027.xlsx") {
		t.Errorf("page export: %d %v", res.status, res.header)
	}
}
