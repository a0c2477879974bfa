package examples_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"canvass/engine"
	"canvass/examples"
)

// person is one verification: who, where registered and living, since
// when and why.
type person struct {
	name, id, marital   string
	hukou, residence    string
	hukouCounty, county string
	movedOn, reason     string
	sameCity            *bool
}

func (p person) answers() map[string]any {
	mv := map[string]any{"hukouPlace": p.hukou, "residencePlace": p.residence, "movedOn": p.movedOn, "reason": p.reason}
	if p.hukouCounty != "" {
		mv["hukouCounty"] = p.hukouCounty
	}
	if p.county != "" {
		mv["residenceCounty"] = p.county
	}
	if p.sameCity != nil {
		mv["sameCitySplit"] = *p.sameCity
	}
	return map[string]any{
		"person":       map[string]any{"personName": p.name, "idNumber": p.id, "maritalStatus": p.marital, "mobile": "13856120007"},
		"movement":     mv,
		"verification": map[string]any{"method": "relatives", "registryStatus": "match"},
	}
}

// TestMigrantCleanupLife runs the migrant-population cleanup of Shiqiao
// Town through its four phases on a fake clock: nothing but preparation
// before 16 November; the door-to-door survey (classification by the
// rules, refused verifications, a return and a resubmission, a duplicate
// rejected); registration at the reference time with entry into the
// provincial system; comparison with the provincial system's export that
// the example ships (migrant-registry-export.csv), its per-row report and
// the township reviewer's worklist; each month's pay: 0.5 + 1 + 1.5 yuan.
func TestMigrantCleanupLife(t *testing.T) {
	w := newWorld(t, at("2026-11-05 09:00"))
	const camp, form = "migrant-cleanup-2027", "migrant-verification"
	w.addUser("li.wenjing", "李文静", "341299", "author")
	w.addUser("he.xiaodong", "何晓东", "341299002001", "field_worker") // Shiqiao Village
	w.addUser("lu.fang", "陆芳", "341299002002", "field_worker")      // Qianying Village
	w.addUser("qian.wei", "钱伟", "341299002", "reviewer")
	w.addUser("jiang.li", "江莉", "341299002", "field_worker") // the township clerk who enters
	w.addUser("shen.min", "沈敏", "341299", "finance")
	w.addUser("gao.ping", "高平", "341299", "supervisor")
	w.publish("li.wenjing", "migrant-cleanup")
	man, woman := residentID("341299", "19880412", 151), residentID("341299", "19960823", 162)

	// 调查准备: the campaign is open, but its first phase opens no form
	// and no reconciliation; the refusal names the phase, its dates and
	// the phase that opens the work.
	t.Run("preparation", func(t *testing.T) {
		p := person{"苗建军", man, "married", "here", "outside", "", "320506", "2026-04-03", "work", nil}
		res := w.submit("he.xiaodong", camp, form, "", p.answers())
		res.fail(t, http.StatusConflict, "closed", "/phase out_of_phase")
		wantPhase(t, res.message(t, "/phase"), "「调查准备」阶段（2026-11-01 至 2026-11-15）", "不能填报「流动人口清理摸底核查表」", "「入户核查摸底」阶段（2026-11-16 至 2026-12-31）可以")
		page := w.page("he.xiaodong", "/campaigns/"+camp+"/forms/"+form+"/new")
		if page.status != http.StatusConflict || !strings.Contains(string(page.body), "「调查准备」阶段（2026-11-01 至 2026-11-15）") {
			t.Errorf("the form page: %d %s", page.status, page.body)
		}
		home := string(w.page("he.xiaodong", "/").ok(t, http.StatusOK).body)
		if !strings.Contains(home, "「入户核查摸底」阶段（2026-11-16 至 2026-12-31）可以填报") || strings.Contains(home, `href="/campaigns/`+camp+`/forms/`+form+`/new"`) {
			t.Errorf("the home page offers the form or does not say when it opens")
		}
		// The offline bundle leaves out the form its phase does not open.
		if b := string(w.do("he.xiaodong", "GET", "/api/v1/offline/bundle", nil).ok(t, http.StatusOK).body); strings.Contains(b, `"form":"`+form+`"`) {
			t.Error("the offline bundle offers the form during preparation")
		}
		rec := w.upload("gao.ping", "/api/v1/campaigns/"+camp+"/reconcile", "export.csv", registryExport(t), map[string]string{"mapping": registryMapping(t)})
		rec.fail(t, http.StatusConflict, "closed", "/phase out_of_phase")
		wantPhase(t, rec.message(t, "/phase"), "「调查准备」阶段", "与其他部门数据比对")
	})

	// Web sessions end after a while: everyone signs in again after a
	// jump of the clock.
	jump := func(to string) {
		w.clock.Set(at(to))
		for _, u := range []string{"he.xiaodong", "qian.wei", "gao.ping"} {
			w.signIn(u)
		}
	}
	jump("2026-12-10 09:00")
	w.formPage("he.xiaodong", camp, form, "person.idNumber", "movement.hukouPlace", "movement.residencePlace", "movement.movedOn", "movement.reason", "verification.method")
	if home := string(w.page("he.xiaodong", "/").ok(t, http.StatusOK).body); !strings.Contains(home, "当前阶段：入户核查摸底（至 2026-12-31）") {
		t.Errorf("the home page does not name the current phase")
	}
	if b := string(w.do("he.xiaodong", "GET", "/api/v1/offline/bundle", nil).ok(t, http.StatusOK).body); !strings.Contains(b, `"form":"`+form+`"`) {
		t.Error("the offline bundle lacks the form in the survey phase")
	}
	yes := true
	t.Run("classification", func(t *testing.T) {
		tests := []struct {
			name      string
			p         person
			exclusion string
			class     string
			days      float64
		}{
			{"registered here, working in another province", person{"何立新", man, "married", "here", "outside", "", "320506", "2026-04-03", "work", nil}, "none", "outflow", 273},
			{"registered in another province, working here", person{"何立新", man, "never", "outside", "here", "410102", "", "2026-08-03", "work", nil}, "none", "inflow", 151},
			{"away exactly 30 days", person{"何立新", man, "married", "here", "province", "", "340104", "2026-12-02", "work", nil}, "none", "outflow", 30},
			{"away 29 days", person{"何立新", man, "married", "here", "province", "", "340104", "2026-12-03", "work", nil}, "under_30_days", "excluded", 29},
			{"at university", person{"何立新", man, "never", "here", "outside", "", "320506", "2026-07-04", "study", nil}, "study", "excluded", 181},
			{"on a business trip", person{"何立新", man, "married", "here", "outside", "", "320506", "2026-10-03", "business_trip", nil}, "business_trip", "excluded", 90},
			{"in hospital", person{"何立新", man, "married", "here", "province", "", "340104", "2026-11-07", "medical", nil}, "medical", "excluded", 55},
			{"travelling", person{"何立新", man, "married", "here", "outside", "", "460202", "2026-11-12", "travel", nil}, "travel", "excluded", 50},
			{"visiting relatives", person{"何立新", man, "married", "outside", "here", "410102", "", "2026-11-17", "visiting", nil}, "visiting", "excluded", 45},
			{"in the army", person{"何立新", man, "never", "here", "outside", "", "110105", "2025-07-04", "military", nil}, "military", "excluded", 546},
			{"married in", person{"何立新", woman, "married", "outside", "here", "410102", "", "2026-03-03", "marriage", nil}, "marriage", "excluded", 304},
			{"apart within the same city", person{"何立新", man, "married", "here", "county", "", "", "2026-01-01", "work", &yes}, "same_city", "excluded", 365},
			{"a man moved to another township of the district", person{"何立新", man, "married", "here", "county", "", "", "2026-01-01", "work", nil}, "within_district", "excluded", 365},
			{"a married woman of 30 moved to another township", person{"何立新", woman, "married", "here", "county", "", "", "2026-01-01", "work", nil}, "none", "outflow", 365},
			{"a married woman from another township lives here", person{"何立新", woman, "married", "county", "here", "", "", "2026-01-01", "family", nil}, "none", "inflow", 365},
			{"an unmarried woman from another township", person{"何立新", woman, "never", "county", "here", "", "", "2026-01-01", "work", nil}, "within_district", "excluded", 365},
			{"lives where registered", person{"何立新", man, "married", "here", "here", "", "", "2020-01-02", "other", nil}, "not_moved", "excluded", 2556},
			{"neither registered nor living here", person{"何立新", man, "married", "outside", "province", "410102", "340104", "2026-01-01", "work", nil}, "not_this_township", "excluded", 365},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var st struct {
					Calculated map[string]any `json:"calculated"`
					Errors     []any          `json:"errors"`
				}
				w.do("he.xiaodong", "POST", "/api/v1/campaigns/"+camp+"/forms/"+form+"/evaluate", map[string]any{"answers": tt.p.answers()}).
					ok(t, http.StatusOK).decode(t, &st)
				if len(st.Errors) != 0 {
					t.Errorf("errors %v", st.Errors)
				}
				if got := st.Calculated["/movement/exclusion"]; got != tt.exclusion {
					t.Errorf("exclusion %v, want %s", got, tt.exclusion)
				}
				if got := st.Calculated["/movement/classification"]; got != tt.class {
					t.Errorf("classification %v, want %s", got, tt.class)
				}
				if got := st.Calculated["/movement/daysAway"]; got != tt.days {
					t.Errorf("days away %v, want %v", got, tt.days)
				}
			})
		}
	})

	outflow := person{"苗建军", man, "married", "here", "outside", "", "320506", "2026-04-03", "work", nil}
	t.Run("refused verifications", func(t *testing.T) {
		p := func(fn func(*person)) map[string]any { q := outflow; fn(&q); return q.answers() }
		tests := []struct {
			name    string
			answers map[string]any
			fields  []string
		}{
			{"another province without its code", p(func(q *person) { q.county = "" }), []string{"/movement/residenceCounty required"}},
			{"a county code of no province", p(func(q *person) { q.county = "990101" }), []string{"/movement/residenceCounty format_admin_code"}},
			{"left after the reference time", p(func(q *person) { q.movedOn = "2027-01-02" }), []string{"/movement/movedOn constraint"}},
			{"no reason", p(func(q *person) { q.reason = "" }), []string{"/movement/reason required"}},
			{"a reason that is no choice", p(func(q *person) { q.reason = "holiday" }), []string{"/movement/reason enum"}},
			{"an ID number with a bad birth date", p(func(q *person) { q.id = "341299198802301517" }), []string{"/person/idNumber format_resident_id"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				w.submit("he.xiaodong", camp, form, "", tt.answers).fail(t, http.StatusUnprocessableEntity, "invalid", tt.fields...)
			})
		}
	})

	// He verifies four people in Shiqiao Village, Lu two in Qianying.
	heP := []person{
		outflow,
		{"钟秀英", woman, "married", "county", "here", "", "", "2026-06-17", "family", nil},
		{"苗家豪", residentID("341299", "20050301", 171), "never", "here", "outside", "", "310104", "2026-07-04", "study", nil},
		{"廖志强", residentID("341299", "19790606", 133), "married", "here", "province", "", "340104", "2026-09-22", "work", nil},
	}
	wantClass := []string{"outflow", "inflow", "excluded", "outflow"}
	var he []string
	for _, p := range heP {
		he = append(he, w.mustSubmit("he.xiaodong", camp, form, "", p.answers()).ID)
	}
	for i, id := range he {
		if got := w.record("qian.wei", id).Answers["movement"].(map[string]any)["classification"]; got != wantClass[i] {
			t.Errorf("person %d stored as %v, want %s", i, got, wantClass[i])
		}
	}
	lu1 := w.mustSubmit("lu.fang", camp, form, "", person{"常桂芝", residentID("341299", "19900909", 184), "married", "outside", "here", "410102", "", "2026-02-01", "work", nil}.answers()).ID
	lu2 := w.mustSubmit("lu.fang", camp, form, "", person{"常桂芝", residentID("341299", "19900909", 184), "married", "outside", "here", "410102", "", "2026-02-01", "work", nil}.answers()).ID
	// A draft started in the survey phase is not counted as handed in.
	w.do("he.xiaodong", "POST", "/api/v1/records", map[string]any{"id": engine.NewID(w.clock.Now()), "campaign": camp, "form": form,
		"answers": map[string]any{"person": map[string]any{"name": "未完成"}}, "draft": true}).ok(t, http.StatusCreated)

	// The township checks against the provincial system: one residence
	// code is wrong (returned, corrected, resubmitted); Lu's second entry
	// is the same person again (rejected, with the reason).
	w.clock.Set(at("2026-12-12 10:00"))
	w.mustAct("qian.wei", he[3], "return", "现居住地代码与流动人口系统不一致，请重新核实", nil)
	if got := w.counts("qian.wei", camp, "recheck"); got["recheck"] != 1 {
		t.Errorf("records to recheck %v", got)
	}
	again := w.record("he.xiaodong", he[3])
	again.Answers["movement"].(map[string]any)["residenceCounty"] = "340111"
	w.mustAct("he.xiaodong", he[3], "submit", "", again.Answers)
	cur := w.record("qian.wei", lu2)
	w.act("qian.wei", lu2, "reject", "", cur.Version, nil).fail(t, http.StatusUnprocessableEntity, "invalid", "/reason required")
	w.mustAct("qian.wei", lu2, "reject", "与本村已登记记录重复（同一身份证号）", nil)
	if n := w.bulk("qian.wei", "approve", "", append(append([]string{}, he...), lu1)); n != 5 {
		t.Fatalf("approved %d", n)
	}

	// Entry into the provincial system waits for its phase.
	res := w.do("jiang.li", "POST", "/api/v1/records/"+he[0]+"/entered", nil)
	res.fail(t, http.StatusConflict, "closed", "/phase out_of_phase")
	wantPhase(t, res.message(t, "/phase"), "「入户核查摸底」阶段（2026-11-16 至 2026-12-31）", "不能录入系统", "「入户核查登记」阶段（2027-01-01 至 2027-01-15）可以录入系统")

	// December's pay: He 4 × 0.5 + 4 × 1.5 = 8 yuan; Lu 2 × 0.5 (the
	// duplicate was collected too) + 1 × 1.5 = 2.5 yuan.
	p := w.payments("shen.min", camp, "2026-12")
	if got, want := w.byWorker(p), map[string]int64{"he.xiaodong": 800, "lu.fang": 250}; !equalFen(got, want) || p.Total.TotalFen != 1050 {
		t.Errorf("December paid %v (total %d), want %v (1050)", got, p.Total.TotalFen, want)
	}

	// 入户核查登记: one more person is verified at the reference time, and
	// the township clerk types the verified ones into the provincial
	// system; a rejected record cannot be entered, and entering twice pays once.
	jump("2027-01-05 15:00")
	late := w.mustSubmit("he.xiaodong", camp, form, "", person{"梁春生", residentID("341299", "19701120", 115), "married", "here", "outside", "", "330102", "2026-10-08", "work", nil}.answers()).ID
	w.mustAct("qian.wei", late, "approve", "", nil)
	for _, id := range append(append([]string{}, he...), lu1, he[0], late) {
		w.do("jiang.li", "POST", "/api/v1/records/"+id+"/entered", nil).ok(t, http.StatusOK)
	}
	w.do("jiang.li", "POST", "/api/v1/records/"+lu2+"/entered", nil).fail(t, http.StatusUnprocessableEntity, "invalid", "/state not_enterable")
	w.do("qian.wei", "POST", "/api/v1/records/"+lu1+"/entered", nil).fail(t, http.StatusForbidden, "forbidden")

	// January's pay: He 0.5 + 1.5 = 2 yuan for the late verification;
	// Jiang 6 × 1 yuan.
	p = w.payments("shen.min", camp, "2027-01")
	want := map[string]int64{"he.xiaodong": 200, "jiang.li": 600}
	if got := w.byWorker(p); !equalFen(got, want) || p.Total.TotalFen != 800 {
		t.Errorf("January paid %v (total %d), want %v (800)", got, p.Total.TotalFen, want)
	}
	items := w.itemTotals(p)
	for k, v := range map[string]int64{"he.xiaodong/collected": 50, "he.xiaodong/verified": 150, "jiang.li/entered": 600} {
		if items[k] != v {
			t.Errorf("%s = %d fen, want %d", k, items[k], v)
		}
	}

	// 数据比对录入: no more verifications; the district compares the
	// records with the provincial system's export as the example ships it.
	jump("2027-01-20 10:00")
	res = w.submit("he.xiaodong", camp, form, "", outflow.answers())
	res.fail(t, http.StatusConflict, "closed", "/phase out_of_phase")
	wantPhase(t, res.message(t, "/phase"), "「数据比对录入」阶段（2027-01-16 至 2027-01-31）", "之后没有开放这项工作的阶段")
	t.Run("reconciliation", func(t *testing.T) { reconcileExample(t, w, camp, he) })

	if got, want := w.counts("qian.wei", camp, "township_check", "recheck", "verified", "rejected"),
		map[string]int{"township_check": 0, "recheck": 0, "verified": 6, "rejected": 1}; !equalCounts(got, want) {
		t.Errorf("records by state %v, want %v", got, want)
	}
	// Records are counted in the reviewer's scope only: the other
	// township's reviewer sees none of them.
	w.addUser("gu.yan", "顾燕", "341299001", "reviewer")
	if got := w.counts("gu.yan", camp, "verified"); got["verified"] != 0 {
		t.Errorf("another township sees %v", got)
	}

	// The dashboard lists the phases: three ended, the last running.
	dash := string(w.page("gao.ping", "/campaigns/"+camp+"/dashboard").ok(t, http.StatusOK).body)
	for _, want := range []string{"工作阶段", "调查准备", "已结束", "数据比对录入", "进行中：第 5 天，共 16 天", `aria-current="step"`, "与其他部门数据比对"} {
		if !strings.Contains(dash, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}

	// Each phase counts the records handed in within its dates, drafts
	// left out, and per form where the phase opens forms: six in the
	// survey, the late one at registration, none before or after.
	for phase, want := range map[string]string{
		"调查准备":   "<strong>共 0 份</strong></td>",
		"入户核查摸底": "<strong>共 6 份</strong><br>「流动人口清理摸底核查表」6 份</td>",
		"入户核查登记": "<strong>共 1 份</strong><br>「流动人口清理摸底核查表」1 份</td>",
		"数据比对录入": "<strong>共 0 份</strong></td>",
	} {
		if got := phaseRecords(t, dash, phase); got != want {
			t.Errorf("phase %s counts %q, want %q", phase, got, want)
		}
	}
	// Under another township of the district nothing was handed in.
	other := string(w.page("gao.ping", "/campaigns/"+camp+"/dashboard?org=341299001").ok(t, http.StatusOK).body)
	if got, want := phaseRecords(t, other, "入户核查摸底"), "<strong>共 0 份</strong><br>「流动人口清理摸底核查表」0 份</td>"; got != want {
		t.Errorf("another township's survey phase counts %q, want %q", got, want)
	}

	// After closes the campaign takes nothing, as before phases.
	w.clock.Set(at("2027-02-01 09:00"))
	w.submit("he.xiaodong", camp, form, "", outflow.answers()).fail(t, http.StatusConflict, "closed")
}

// phaseRecords returns the records cell of the named phase's row on a
// dashboard page, from its content to the cell's end.
func phaseRecords(t *testing.T, page, phase string) string {
	t.Helper()
	_, row, ok := strings.Cut(page, `<th scope="row">`+phase+`</th>`)
	if !ok {
		t.Fatalf("the dashboard has no row for the phase %s", phase)
	}
	row, _, _ = strings.Cut(row, "</tr>")
	_, cell, ok := strings.Cut(row, `<td class="phase-records">`)
	if !ok {
		t.Fatalf("the phase %s has no records cell: %s", phase, row)
	}
	return strings.TrimSpace(cell)
}

// wantPhase checks a refusal by the phases says each part.
func wantPhase(t *testing.T, msg string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("the refusal %q does not say %q", msg, p)
		}
	}
}

// registryExport is the provincial system's export the example ships.
func registryExport(t *testing.T) string {
	t.Helper()
	src, err := examples.ReadFile("migrant-cleanup/migrant-registry-export.csv")
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// registryMapping is the column mapping the example's README gives.
func registryMapping(t *testing.T) string {
	return mustJSON(t, map[string]any{"id_number": "公民身份号码", "name": "姓名", "birth_date": "出生日期", "village_code": "村居代码",
		"fields": map[string]string{"movement.residenceCounty": "现居住地代码", "movement.movedOn": "流出（流入）日期"}})
}

// reconcileExample runs the comparison with the shipped export: three
// people agree, one date differs, one person only the province has, one
// only we have (the student, who is no migrant, and the man registered in
// January; the duplicate the township rejected is no one's);
// three rows are refused and reported one by one. The
// township reviewer sees the items of his township by their labels, with
// the ID numbers masked, and takes the province's date.
func reconcileExample(t *testing.T, w *world, camp string, he []string) {
	var res struct {
		Run struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Counts struct {
				Rows, Refused, Matched, Same, Differences int
				OnlyOurs                                  int `json:"only_ours"`
				OnlyTheirs                                int `json:"only_theirs"`
			} `json:"counts"`
		} `json:"run"`
		Problems []struct {
			Row     int    `json:"row"`
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"problems"`
	}
	w.upload("gao.ping", "/api/v1/campaigns/"+camp+"/reconcile", "migrant-registry-export.csv", registryExport(t), map[string]string{"mapping": registryMapping(t)}).
		ok(t, http.StatusCreated).decode(t, &res)
	c := res.Run.Counts
	if res.Run.Status != "done" || c.Rows != 8 || c.Refused != 3 || c.Matched != 4 || c.Same != 3 || c.Differences != 1 || c.OnlyTheirs != 1 || c.OnlyOurs != 2 {
		t.Errorf("run %+v", res.Run)
	}
	// The per-row report: each refused row by its line in the file, with
	// the reason in Chinese.
	var rows []string
	for _, p := range res.Problems {
		rows = append(rows, fmt.Sprintf("%d %s %s", p.Row, p.Code, p.Message))
	}
	if want := []string{"7 unknown_village 没有这个村居代码", "8 missing_id 缺少身份证号码（或姓名和出生日期）", "9 duplicate_row 与前面的行身份证号码重复"}; !slices.Equal(rows, want) {
		t.Errorf("refused rows %q, want %q", rows, want)
	}
	// The run's page keeps the file and its figures.
	run := string(w.page("gao.ping", "/reconcile/runs/"+res.Run.ID).ok(t, http.StatusOK).body)
	for _, want := range []string{"migrant-registry-export.csv", "已完成"} {
		if !strings.Contains(run, want) {
			t.Errorf("the run page lacks %q", want)
		}
	}

	// The township reviewer's worklist: his township's items only.
	items := w.worklist("qian.wei", camp, "run="+res.Run.ID)
	kinds := map[string]int{}
	for _, it := range items.Items {
		kinds[it.Kind]++
	}
	if kinds["field_diff"] != 1 || kinds["only_theirs"] != 1 || kinds["only_ours"] != 2 {
		t.Errorf("the reviewer's items %v", kinds)
	}
	var diff *struct {
		ID      string
		Version int64
	}
	for _, it := range items.Items {
		if it.Kind != "field_diff" {
			continue
		}
		diff = &struct {
			ID      string
			Version int64
		}{it.ID, it.Version}
		for _, v := range it.Values {
			if v.Field == "movement.movedOn" && (!v.Differs || v.Ours != "2026-06-17" || v.Theirs != "2026/6/20" || v.Label != "离开户籍地（或来本地居住）日期") {
				t.Errorf("the date row %+v", v)
			}
			if v.Field == "person.idNumber" && (v.Ours == "" || strings.Contains(v.Ours, "199608231")) {
				t.Errorf("the ID number is not masked: %+v", v)
			}
		}
	}
	if diff == nil {
		t.Fatal("no field difference")
	}
	page := string(w.page("qian.wei", "/worklist?campaign="+camp).ok(t, http.StatusOK).body)
	for _, want := range []string{"信息不一致", "仅对方有", "仅我方有"} {
		if !strings.Contains(page, want) {
			t.Errorf("the reviewer's worklist page lacks %q", want)
		}
	}
	w.do("qian.wei", "POST", "/api/v1/worklist/"+diff.ID+"/resolve", map[string]any{"side": "theirs", "version": diff.Version, "note": "电话核实，以系统为准"}).
		ok(t, http.StatusOK)
	if got := w.record("qian.wei", he[1]).Answers["movement"].(map[string]any)["movedOn"]; got != "2026-06-20" {
		t.Errorf("the corrected date is %v", got)
	}
}

func equalFen(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
