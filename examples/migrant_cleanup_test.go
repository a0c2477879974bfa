package examples_test

import (
	"net/http"
	"testing"
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
// Town: classification by the rules, refused verifications, a return and
// a resubmission, a duplicate rejected, entry into the provincial system,
// and the month's pay: 0.5 + 1 + 1.5 yuan.
func TestMigrantCleanupLife(t *testing.T) {
	w := newWorld(t, at("2026-12-10 09:00"))
	const camp, form = "migrant-cleanup-2027", "migrant-verification"
	w.addUser("li.wenjing", "李文静", "341299", "author")
	w.addUser("he.xiaodong", "何晓东", "341299002001", "field_worker") // Shiqiao Village
	w.addUser("lu.fang", "陆芳", "341299002002", "field_worker")      // Qianying Village
	w.addUser("qian.wei", "钱伟", "341299002", "reviewer")
	w.addUser("jiang.li", "江莉", "341299002", "field_worker") // the township clerk who enters
	w.addUser("shen.min", "沈敏", "341299", "finance")
	w.publish("li.wenjing", "migrant-cleanup")
	w.formPage("he.xiaodong", camp, form, "person.idNumber", "movement.hukouPlace", "movement.residencePlace", "movement.movedOn", "movement.reason", "verification.method")

	man, woman := residentID("341299", "19880412", 151), residentID("341299", "19960823", 162)
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

	// The township clerk types the verified ones into the provincial
	// system; a rejected record cannot be entered, and entering twice pays once.
	w.clock.Set(at("2026-12-20 15:00"))
	for _, id := range append(append([]string{}, he...), lu1, he[0]) {
		w.do("jiang.li", "POST", "/api/v1/records/"+id+"/entered", nil).ok(t, http.StatusOK)
	}
	w.do("jiang.li", "POST", "/api/v1/records/"+lu2+"/entered", nil).fail(t, http.StatusUnprocessableEntity, "invalid", "/state not_enterable")
	w.do("qian.wei", "POST", "/api/v1/records/"+lu1+"/entered", nil).fail(t, http.StatusForbidden, "forbidden")

	// December's pay: He 4 × 0.5 + 4 × 1.5 = 8 yuan; Lu 2 × 0.5 (the
	// duplicate was collected too) + 1 × 1.5 = 2.5 yuan; Jiang 5 × 1 yuan.
	p := w.payments("shen.min", camp, "2026-12")
	want := map[string]int64{"he.xiaodong": 800, "lu.fang": 250, "jiang.li": 500}
	if got := w.byWorker(p); !equalFen(got, want) || p.Total.TotalFen != 1550 {
		t.Errorf("paid %v (total %d), want %v (1550)", got, p.Total.TotalFen, want)
	}
	items := w.itemTotals(p)
	for k, v := range map[string]int64{"he.xiaodong/collected": 200, "he.xiaodong/verified": 600, "lu.fang/collected": 100,
		"lu.fang/verified": 150, "jiang.li/entered": 500} {
		if items[k] != v {
			t.Errorf("%s = %d fen, want %d", k, items[k], v)
		}
	}
	if got, want := w.counts("qian.wei", camp, "township_check", "recheck", "verified", "rejected"),
		map[string]int{"township_check": 0, "recheck": 0, "verified": 5, "rejected": 1}; !equalCounts(got, want) {
		t.Errorf("records by state %v, want %v", got, want)
	}
	// Records are counted in the reviewer's scope only: the other
	// township's reviewer sees none of them.
	w.addUser("gu.yan", "顾燕", "341299001", "reviewer")
	if got := w.counts("gu.yan", camp, "verified"); got["verified"] != 0 {
		t.Errorf("another township sees %v", got)
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
