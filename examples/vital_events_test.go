package examples_test

import (
	"fmt"
	"maps"
	"net/http"
	"testing"
)

func marriage(husband, wife, date string) map[string]any {
	return map[string]any{"eventType": "marriage", "marriage": map[string]any{"husbandName": "韩立伟", "husbandId": husband,
		"wifeName": "卢晓庆", "wifeId": wife, "marriageDate": date, "firstMarriage": true}}
}

func birth(mother, date string, order int) map[string]any {
	return map[string]any{"eventType": "birth", "birth": map[string]any{"motherName": "邱雅琴", "motherId": mother,
		"childName": "邱小满", "childSex": "female", "birthDate": date, "birthOrder": order, "birthPlace": "hospital"}}
}

func death(id, date string) map[string]any {
	return map[string]any{"eventType": "death", "death": map[string]any{"deceasedName": "金永福", "deceasedId": id, "deathDate": date, "certificate": true}}
}

func recipientCheck(id, result string) map[string]any {
	a := map[string]any{"recipientName": "汤桂英", "recipientId": id, "programme": "reward", "result": result}
	switch result {
	case "deceased":
		a["deathDate"] = "2026-09-20"
	case "moved", "ineligible":
		a["reason"] = "户籍已迁往外省"
	}
	return a
}

// TestVitalEventsLife runs a quarter and a bit of the vital-events labour
// table of Donghu Subdistrict: two community workers record marriages,
// births, deaths and recipient checks; the township returns one, rejects a
// double report, and its clerk enters the rest; pay is counted per quarter
// at 5 + 3 yuan an event and 5 + 5 a check.
func TestVitalEventsLife(t *testing.T) {
	w := newWorld(t, at("2026-10-10 09:00"))
	const camp = "vital-events-2027"
	w.addUser("li.wenjing", "李文静", "341299", "author")
	w.addUser("ye.qing", "叶青", "341299003001", "field_worker") // Hubin Community
	w.addUser("cao.li", "曹丽", "341299003002", "field_worker")  // Xinhua Community
	w.addUser("yao.bin", "姚斌", "341299003", "reviewer")        // Donghu Subdistrict
	w.addUser("fu.lei", "付磊", "341299003", "field_worker")     // its clerk
	w.addUser("shen.min", "沈敏", "341299", "finance")
	w.publish("li.wenjing", "vital-events")
	w.formPage("ye.qing", camp, "vital-event", "eventType", "marriage.wifeId", "birth.motherId", "birth.birthOrder", "death.deathDate")
	w.formPage("ye.qing", camp, "eligibility-check", "recipientName", "recipientId", "programme", "result")

	husband, wife := residentID("341299", "19960704", 115), residentID("341299", "19990311", 126)
	mother := residentID("341299", "19950214", 142)
	fix := func(a map[string]any, section, key string, v any) map[string]any {
		a[section].(map[string]any)[key] = v
		return a
	}
	t.Run("refused records", func(t *testing.T) {
		tests := []struct {
			name    string
			form    string
			answers map[string]any
			fields  []string
		}{
			{"no event type", "vital-event", map[string]any{"note": "x"}, []string{"/eventType required"}},
			{"a bride of 19", "vital-event", marriage(husband, residentID("341299", "20070901", 126), "2026-10-06"), []string{"/marriage/wifeId constraint"}},
			{"the husband's ID is a woman's", "vital-event", marriage(wife, wife, "2026-10-06"), []string{"/marriage/husbandId constraint"}},
			{"a bride with no name", "vital-event", fix(marriage(husband, wife, "2026-10-06"), "marriage", "wifeName", ""), []string{"/marriage/wifeName required"}},
			{"a mother of 14", "vital-event", birth(residentID("341299", "20130101", 142), "2026-10-02", 1), []string{"/birth/birthDate constraint"}},
			{"birth order 0", "vital-event", birth(mother, "2026-10-02", 0), []string{"/birth/birthOrder min"}},
			{"died before being born", "vital-event", death(residentID("341299", "19400101", 137), "1939-12-31"), []string{"/death/deathDate constraint"}},
			{"a recipient who died, no date", "eligibility-check", func() map[string]any {
				a := recipientCheck(residentID("341299", "19520808", 148), "deceased")
				delete(a, "deathDate")
				return a
			}(), []string{"/deathDate required"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				w.submit("ye.qing", camp, tt.form, "", tt.answers).fail(t, http.StatusUnprocessableEntity, "invalid", tt.fields...)
			})
		}
		w.submit("ye.qing", camp, "subsidy-application", "", map[string]any{}).fail(t, http.StatusNotFound, "not_found")
	})

	// The fourth quarter of 2026: Ye records 2 marriages, 3 births, a death and 2
	// recipient checks; Cao a birth, a death (reported twice) and a check.
	ye := []string{
		w.mustSubmit("ye.qing", camp, "vital-event", "", marriage(husband, wife, "2026-10-06")).ID,
		w.mustSubmit("ye.qing", camp, "vital-event", "", marriage(residentID("341299", "19930119", 119), residentID("341299", "19940527", 120), "2026-10-08")).ID,
		w.mustSubmit("ye.qing", camp, "vital-event", "", birth(mother, "2026-10-03", 2)).ID,
		w.mustSubmit("ye.qing", camp, "vital-event", "", birth(residentID("341299", "19970930", 144), "2026-10-05", 1)).ID,
		w.mustSubmit("ye.qing", camp, "vital-event", "", birth(residentID("341299", "19920412", 146), "2026-10-07", 3)).ID,
		w.mustSubmit("ye.qing", camp, "vital-event", "", death(residentID("341299", "19380615", 137), "2026-10-04")).ID,
		w.mustSubmit("ye.qing", camp, "eligibility-check", "", recipientCheck(residentID("341299", "19520808", 148), "eligible")).ID,
		w.mustSubmit("ye.qing", camp, "eligibility-check", "", recipientCheck(residentID("341299", "19500303", 150), "deceased")).ID,
	}
	deathID := residentID("341299", "19410921", 139)
	cao := []string{
		w.mustSubmit("cao.li", camp, "vital-event", "", birth(residentID("341299", "19980101", 160), "2026-10-09", 1)).ID,
		w.mustSubmit("cao.li", camp, "vital-event", "", death(deathID, "2026-10-08")).ID,
		w.mustSubmit("cao.li", camp, "eligibility-check", "", recipientCheck(residentID("341299", "19580606", 162), "moved")).ID,
	}
	double := w.mustSubmit("cao.li", camp, "vital-event", "", death(deathID, "2026-10-08")).ID
	// The township's check is due ten days after the quarter ends.
	if r := w.record("yao.bin", ye[0]); r.DueAt == nil || !r.DueAt.Equal(at("2027-01-11 00:00")) {
		t.Errorf("due %v, want 11 January 00:00", r.DueAt)
	}
	// The calculated quarter follows the event's date.
	if got := w.record("yao.bin", ye[2]).Answers["eventQuarter"]; got != float64(4) {
		t.Errorf("event quarter %v", got)
	}

	// The township returns a birth with the wrong birth order; Ye corrects it.
	w.clock.Set(at("2026-10-15 10:00"))
	w.mustAct("yao.bin", ye[2], "return", "孩次填写错误，请与母亲核实", nil)
	corr := w.record("ye.qing", ye[2])
	corr.Answers["birth"].(map[string]any)["birthOrder"] = 1
	if r := w.mustAct("ye.qing", ye[2], "submit", "", corr.Answers); r.State != "township_check" {
		t.Fatalf("resubmitted to %s", r.State)
	}
	w.mustAct("yao.bin", double, "reject", "重复上报", nil)
	if n := w.bulk("yao.bin", "approve", "", append(append([]string{}, ye...), cao...)); n != 11 {
		t.Fatalf("accepted %d", n)
	}
	w.clock.Set(at("2026-11-01 14:00"))
	for _, id := range append(append([]string{}, ye...), cao...) {
		w.do("fu.lei", "POST", "/api/v1/records/"+id+"/entered", nil).ok(t, http.StatusOK)
	}
	w.do("fu.lei", "POST", "/api/v1/records/"+double+"/entered", nil).fail(t, http.StatusUnprocessableEntity, "invalid", "/state not_enterable")

	// A birth at the end of December is accepted and entered in January:
	// it counts in the first quarter of 2027.
	w.clock.Set(at("2026-12-30 16:00"))
	late := w.mustSubmit("cao.li", camp, "vital-event", "", birth(residentID("341299", "19960606", 164), "2026-12-28", 2)).ID
	w.clock.Set(at("2027-01-02 09:00"))
	w.mustAct("yao.bin", late, "approve", "", nil)
	w.do("fu.lei", "POST", "/api/v1/records/"+late+"/entered", nil).ok(t, http.StatusOK)

	tests := []struct {
		period string
		want   map[string]int64
		total  int64
		items  map[string]int64
	}{
		// Ye: 2 marriages, 3 births, 1 death × 5 + 2 checks × 5 = 40 yuan.
		// Cao: a birth, a death and a check × 5 = 15 yuan (the double
		// report pays nothing). Fu entered 8 events × 3 + 3 checks × 5 = 39.
		{"2026-Q4", map[string]int64{"ye.qing": 4000, "cao.li": 1500, "fu.lei": 3900}, 9400,
			map[string]int64{"ye.qing/marriage_collected": 1000, "ye.qing/birth_collected": 1500, "ye.qing/death_collected": 500,
				"ye.qing/eligibility_checked": 1000, "cao.li/death_collected": 500, "fu.lei/marriage_entered": 600,
				"fu.lei/birth_entered": 1200, "fu.lei/death_entered": 600, "fu.lei/eligibility_entered": 1500}},
		{"2027-Q1", map[string]int64{"cao.li": 500, "fu.lei": 300}, 800,
			map[string]int64{"cao.li/birth_collected": 500, "fu.lei/birth_entered": 300}},
	}
	for _, tt := range tests {
		t.Run(tt.period, func(t *testing.T) {
			p := w.payments("shen.min", camp, tt.period)
			if got := w.byWorker(p); !equalFen(got, tt.want) || p.Total.TotalFen != tt.total {
				t.Errorf("paid %v (total %d), want %v (%d)", got, p.Total.TotalFen, tt.want, tt.total)
			}
			items := w.itemTotals(p)
			for k, v := range tt.items {
				if items[k] != v {
					t.Errorf("%s = %d fen, want %d", k, items[k], v)
				}
			}
		})
	}
	// Finance locks the fourth quarter; it cannot be locked twice.
	w.do("shen.min", "POST", "/api/v1/campaigns/"+camp+"/periods/2026-Q4/lock", nil).ok(t, http.StatusCreated)
	w.do("shen.min", "POST", "/api/v1/campaigns/"+camp+"/periods/2026-Q4/lock", nil).fail(t, http.StatusConflict, "conflict")

	if got, want := w.counts("yao.bin", camp, "township_check", "correction", "accepted", "rejected"),
		map[string]int{"township_check": 0, "correction": 0, "accepted": 12, "rejected": 1}; !equalCounts(got, want) {
		t.Errorf("records by state %v, want %v", got, want)
	}
	// Counted by form as well.
	var page struct {
		Total int `json:"total"`
	}
	w.do("yao.bin", "GET", "/api/v1/records?campaign="+camp+"&form=eligibility-check&state=accepted&total=1", nil).ok(t, http.StatusOK).decode(t, &page)
	if page.Total != 3 {
		t.Errorf("accepted recipient checks %d, want 3", page.Total)
	}

	// Coverage against the statistics bureau's figures for 2026: Hubin
	// registered its 3 births of 3 and its death; Xinhua 2 births of 4 and
	// 1 death of 2. The township adds numerators and denominators up.
	w.addUser("he.ping", "何平", "341299", "supervisor")
	figures := "key,org_unit,period,value\nbirths,341299003001,2026,3\nbirths,341299003002,2026,4\ndeaths,341299003001,2026,1\ndeaths,341299003002,2026,2\n"
	w.upload("he.ping", "/api/v1/official-figures/import", "figures.csv", figures, map[string]string{"source": "区统计局 2026 年人口变动抽样调查"}).ok(t, http.StatusCreated)
	var ind struct {
		Values []struct {
			ID, OrgUnit, Period    string
			Numerator, Denominator float64
			Display                string
			Met                    bool
		} `json:"values"`
	}
	w.do("yao.bin", "GET", "/api/v1/campaigns/"+camp+"/indicators?org=341299003&period=2026&granularity=year&children=1", nil).ok(t, http.StatusOK).decode(t, &ind)
	gotInd := map[string]string{}
	for _, v := range ind.Values {
		gotInd[v.ID+"/"+v.OrgUnit] = fmt.Sprintf("%g/%g=%s %v", v.Numerator, v.Denominator, v.Display, v.Met)
	}
	for k, want := range map[string]string{
		"birth_coverage/341299003": "5/7=71.4 false", "birth_coverage/341299003001": "3/3=100.0 true", "birth_coverage/341299003002": "2/4=50.0 false",
		"death_coverage/341299003": "2/3=66.7 false", "death_coverage/341299003001": "1/1=100.0 true", "death_coverage/341299003002": "1/2=50.0 false",
	} {
		if gotInd[k] != want {
			t.Errorf("%s = %q, want %q", k, gotInd[k], want)
		}
	}

	// The fourth quarter's report is due at the end of 15 January: Hubin
	// files on the 10th, Xinhua on the 20th; the township's two other
	// villages file nothing.
	report := func(births, deaths, marriages int) map[string]any {
		return map[string]any{"period": "2026-Q4", "births": births, "deaths": deaths, "marriages": marriages}
	}
	w.submit("ye.qing", camp, "quarterly-report", "", map[string]any{"period": "2026-Q4", "births": 0, "deaths": 0, "marriages": 2}).
		fail(t, http.StatusUnprocessableEntity, "invalid", "/notes required")
	w.submit("ye.qing", camp, "quarterly-report", "", map[string]any{"period": "2026Q4", "births": 3, "deaths": 1, "marriages": 2}).
		fail(t, http.StatusUnprocessableEntity, "invalid", "/period pattern")
	w.clock.Set(at("2027-01-10 11:00"))
	w.mustSubmit("ye.qing", camp, "quarterly-report", "", report(3, 1, 2))
	w.clock.Set(at("2027-01-20 11:00"))
	w.mustSubmit("cao.li", camp, "quarterly-report", "", report(2, 1, 0))
	var rs struct {
		Rows []struct {
			OrgUnit, Period                 string
			Expected, OnTime, Late, Missing int
			Completeness, Timeliness        float64
		} `json:"rows"`
		Slots []struct{ OrgUnit, Period, Status string } `json:"slots"`
	}
	w.do("yao.bin", "GET", "/api/v1/campaigns/"+camp+"/reports/quarterly?org=341299003&period=2026-Q4", nil).ok(t, http.StatusOK).decode(t, &rs)
	slots := map[string]string{}
	for _, sl := range rs.Slots {
		if sl.Period == "2026-Q4" {
			slots[sl.OrgUnit] = sl.Status
		}
	}
	if want := map[string]string{"341299003001": "on_time", "341299003002": "late", "341299003003": "missing", "341299003004": "missing"}; !maps.Equal(slots, want) {
		t.Errorf("report slots %v, want %v", slots, want)
	}
	found := false
	for _, row := range rs.Rows {
		if row.OrgUnit == "341299003" && row.Period == "2026-Q4" {
			found = true
			if row.Expected != 4 || row.OnTime != 1 || row.Late != 1 || row.Missing != 2 || row.Completeness != 0.5 || row.Timeliness != 0.25 {
				t.Errorf("township row %+v", row)
			}
		}
	}
	if !found {
		t.Errorf("no township row for 2026-Q4 in %+v", rs.Rows)
	}
}
