package examples_test

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
)

func newborn(sex, date string) map[string]any {
	return map[string]any{"motherName": "邱雅琴", "childSex": sex, "birthDate": date, "birthOrder": 1, "birthPlace": "hospital"}
}

// TestBirthSexRatioLife runs November 2026 of the births-by-sex statistics
// in Donghu Subdistrict: two communities record their births, the
// subdistrict returns a girl recorded as a boy and voids a double report;
// the sex ratio is 110 in Hubin and 100 in Xinhua, both outside 103–107,
// and 105 for the subdistrict, within it; the monthly report is due at
// the end of 5 December.
func TestBirthSexRatioLife(t *testing.T) {
	w := newWorld(t, at("2026-11-02 09:00"))
	const camp = "birth-sex-ratio-2027"
	w.addUser("li.wenjing", "李文静", "341299", "author")
	w.addUser("ye.qing", "叶青", "341299003001", "field_worker") // Hubin Community
	w.addUser("cao.li", "曹丽", "341299003002", "field_worker")  // Xinhua Community
	w.addUser("yao.bin", "姚斌", "341299003", "reviewer")        // Donghu Subdistrict
	w.addUser("he.ping", "何平", "341299", "supervisor")
	w.publish("li.wenjing", "birth-sex-ratio")
	w.formPage("ye.qing", camp, "birth-registration", "motherName", "childSex", "birthDate", "birthOrder", "birthPlace")
	w.formPage("ye.qing", camp, "monthly-births-report", "month", "maleBirths", "femaleBirths", "notes")

	t.Run("refused records", func(t *testing.T) {
		noSex := newborn("male", "2026-11-01")
		delete(noSex, "childSex")
		tests := []struct {
			name    string
			form    string
			answers map[string]any
			fields  []string
		}{
			{"no sex", "birth-registration", noSex, []string{"/childSex required"}},
			{"a sex that is no choice", "birth-registration", newborn("unknown", "2026-11-01"), []string{"/childSex enum"}},
			{"born tomorrow", "birth-registration", newborn("female", "2026-11-03"), []string{"/birthDate constraint"}},
			{"a month that is no month", "monthly-births-report", map[string]any{"month": "2026-13", "maleBirths": 1, "femaleBirths": 1}, []string{"/month pattern"}},
			{"no births and no notes", "monthly-births-report", map[string]any{"month": "2026-11", "maleBirths": 0, "femaleBirths": 0}, []string{"/notes required"}},
			{"a negative count", "monthly-births-report", map[string]any{"month": "2026-11", "maleBirths": -1, "femaleBirths": 2}, []string{"/maleBirths min"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				w.submit("ye.qing", camp, tt.form, "", tt.answers).fail(t, http.StatusUnprocessableEntity, "invalid", tt.fields...)
			})
		}
	})

	// November: Hubin records 11 boys and 10 girls; Xinhua 11 "boys"
	// (one of them a girl) and 9 girls, and one girl twice.
	day := func(i int) string { return fmt.Sprintf("2026-11-%02d", 1+i%2) }
	var hubin, xinhua []string
	for i := range 11 {
		hubin = append(hubin, w.mustSubmit("ye.qing", camp, "birth-registration", "", newborn("male", day(i))).ID)
		xinhua = append(xinhua, w.mustSubmit("cao.li", camp, "birth-registration", "", newborn("male", day(i))).ID)
	}
	for i := range 10 {
		hubin = append(hubin, w.mustSubmit("ye.qing", camp, "birth-registration", "", newborn("female", day(i))).ID)
	}
	for i := range 9 {
		xinhua = append(xinhua, w.mustSubmit("cao.li", camp, "birth-registration", "", newborn("female", day(i))).ID)
	}
	double := w.mustSubmit("cao.li", camp, "birth-registration", "", newborn("female", "2026-11-01")).ID
	if r := w.record("yao.bin", hubin[0]); r.DueAt == nil || !r.DueAt.Equal(at("2026-11-07 09:00")) {
		t.Errorf("the check is due %v, want 5 days after the submission", r.DueAt)
	}

	w.clock.Set(at("2026-11-05 10:00"))
	w.mustAct("yao.bin", xinhua[0], "return", "经核实为女婴，请更正性别", nil)
	corr := w.record("cao.li", xinhua[0])
	corr.Answers["childSex"] = "female"
	if r := w.mustAct("cao.li", xinhua[0], "submit", "", corr.Answers); r.State != "township_check" {
		t.Fatalf("resubmitted to %s", r.State)
	}
	w.mustAct("yao.bin", double, "reject", "重复登记", nil)
	if n := w.bulk("yao.bin", "approve", "", append(append([]string{}, hubin...), xinhua...)); n != 41 {
		t.Fatalf("accepted %d, want 41", n)
	}
	// A boy still under review does not count.
	w.mustSubmit("ye.qing", camp, "birth-registration", "", newborn("male", "2026-11-04"))

	type value struct {
		ID, OrgUnit, Period    string
		Numerator, Denominator float64
		Display                string
		NoData, Met            bool
		Range                  []float64
	}
	indicatorValues := func(query string) map[string]string {
		var ind struct{ Values []value }
		w.do("yao.bin", "GET", "/api/v1/campaigns/"+camp+"/indicators?"+query, nil).ok(t, http.StatusOK).decode(t, &ind)
		out := map[string]string{}
		for _, v := range ind.Values {
			if v.NoData {
				out[v.OrgUnit+"/"+v.Period] = "no data"
				continue
			}
			out[v.OrgUnit+"/"+v.Period] = fmt.Sprintf("%g/%g=%s %v %v", v.Numerator, v.Denominator, v.Display, v.Met, v.Range)
		}
		return out
	}
	got := indicatorValues("org=341299003&period=2026-11&granularity=month&children=1")
	if want := map[string]string{
		"341299003/2026-11":    "21/20=105.0 true [103 107]",
		"341299003001/2026-11": "11/10=110.0 false [103 107]",
		"341299003002/2026-11": "10/10=100.0 false [103 107]",
		"341299003003/2026-11": "no data",
		"341299003004/2026-11": "no data",
	}; !maps.Equal(got, want) {
		t.Errorf("November's sex ratio %v, want %v", got, want)
	}

	// The dashboard and the indicators page flag the communities outside
	// the normal range and name it.
	w.clock.Set(at("2026-11-28 10:00"))
	w.signIn("he.ping") // the web session of 2 November has expired
	dash := string(w.page("he.ping", "/campaigns/"+camp+"/dashboard?org=341299003").ok(t, http.StatusOK).body)
	for _, s := range []string{"出生人口性别比", "正常范围 103–107", "超出正常范围", "在正常范围内"} {
		if !strings.Contains(dash, s) {
			t.Errorf("the dashboard does not show %q", s)
		}
	}
	var dj struct {
		Indicators []struct {
			ID, OrgUnit string
			Value       float64
			Met         bool
			Range       []float64
		}
	}
	w.do("he.ping", "GET", "/api/v1/campaigns/"+camp+"/dashboard?org=341299003", nil).ok(t, http.StatusOK).decode(t, &dj)
	flagged := map[string]bool{}
	for _, v := range dj.Indicators {
		if v.ID == "sex_ratio" && len(v.Range) == 2 {
			flagged[v.OrgUnit] = !v.Met
		}
	}
	if want := map[string]bool{"341299003": false, "341299003001": true, "341299003002": true, "341299003003": true, "341299003004": true}; !maps.Equal(flagged, want) {
		t.Errorf("flagged on the dashboard %v, want %v", flagged, want)
	}
	ip := string(w.page("he.ping", "/indicators?campaign="+camp+"&org=341299003&period=2026-11&granularity=month").ok(t, http.StatusOK).body)
	if !strings.Contains(ip, "正常范围 103–107") || !strings.Contains(ip, "105.0") {
		t.Errorf("the indicators page does not show the range and 105.0")
	}

	// November's report is due at the end of 5 December: Hubin files on
	// the 3rd, Xinhua on the 8th; the other two communities file nothing.
	report := func(male, female int) map[string]any {
		return map[string]any{"month": "2026-11", "maleBirths": male, "femaleBirths": female}
	}
	w.clock.Set(at("2026-12-03 11:00"))
	w.mustSubmit("ye.qing", camp, "monthly-births-report", "", report(11, 10))
	w.clock.Set(at("2026-12-08 11:00"))
	w.mustSubmit("cao.li", camp, "monthly-births-report", "", report(10, 10))
	var rs struct {
		Rows []struct {
			OrgUnit, Period                 string
			Expected, OnTime, Late, Missing int
		} `json:"rows"`
		Slots []struct {
			OrgUnit, Period, Status string
			DueAt                   string `json:"dueAt"`
		} `json:"slots"`
	}
	w.do("yao.bin", "GET", "/api/v1/campaigns/"+camp+"/reports/monthly-births?org=341299003&period=2026-11", nil).ok(t, http.StatusOK).decode(t, &rs)
	slots := map[string]string{}
	for _, sl := range rs.Slots {
		if sl.Period == "2026-11" {
			slots[sl.OrgUnit] = sl.Status
		}
	}
	if want := map[string]string{"341299003001": "on_time", "341299003002": "late", "341299003003": "missing", "341299003004": "missing"}; !maps.Equal(slots, want) {
		t.Errorf("report slots %v, want %v", slots, want)
	}
	found := false
	for _, row := range rs.Rows {
		if row.OrgUnit == "341299003" && row.Period == "2026-11" {
			found = true
			if row.Expected != 4 || row.OnTime != 1 || row.Late != 1 || row.Missing != 2 {
				t.Errorf("subdistrict row %+v", row)
			}
		}
	}
	if !found {
		t.Errorf("no subdistrict row for 2026-11 in %+v", rs.Rows)
	}

	// A December birth counts in December, where Hubin has no girl yet:
	// no data rather than a division by zero.
	w.mustAct("yao.bin", w.mustSubmit("ye.qing", camp, "birth-registration", "", newborn("male", "2026-12-07")).ID, "approve", "", nil)
	got = indicatorValues("org=341299003001&period=2026-12&granularity=month")
	if want := map[string]string{"341299003001/2026-12": "no data"}; !maps.Equal(got, want) {
		t.Errorf("December %v, want %v", got, want)
	}
	// The campaign pays nothing per record: it has no pay table, and its
	// payment table is empty.
	w.addUser("shen.min", "沈敏", "341299", "finance")
	if p := w.payments("shen.min", camp, "2026-11"); len(p.Rows) != 0 || p.Total.TotalFen != 0 {
		t.Errorf("paid %+v, want nothing", p)
	}
}
