package examples_test

import (
	"fmt"
	"net/http"
	"testing"
)

// signup is a complete sign-up of the n-th trainee.
func signup(n int) map[string]any {
	a := map[string]any{
		"traineeName": fmt.Sprintf("学员%03d", n),
		"idNumber":    residentID("341299", fmt.Sprintf("%04d%02d%02d", 1970+n%30, 1+n%12, 1+n%28), 100+n),
		"mobile":      fmt.Sprintf("139%08d", 56120000+n),
		"duty":        "enumerator", "enumerationArea": fmt.Sprintf("%03d", n),
		"education": "senior", "pastCensus": n%3 == 0,
		"sessions": []any{"day1", "day2"}, "lunch": true, "diet": "none",
	}
	if n%24 == 0 {
		a["duty"] = "instructor"
		delete(a, "enumerationArea")
	}
	return a
}

// TestTrainerSignupLife runs the census-trainer sign-up of Donghu
// Subdistrict: four communities enter 192 people, the street office
// confirms 190 (one after a correction) and turns away two double
// sign-ups, the budget comes to 5,700 yuan, and two lecturers are paid
// for their days, one up to the monthly cap.
func TestTrainerSignupLife(t *testing.T) {
	w := newWorld(t, at("2026-11-25 09:00"))
	const camp, form = "census-training-2026", "trainer-signup"
	w.addUser("li.wenjing", "李文静", "341299", "author")
	communities := []string{"341299003001", "341299003002", "341299003003", "341299003004"}
	chiefs := []string{"luo.hong", "song.jie", "pan.yun", "du.xin"}
	for i, c := range communities {
		w.addUser(chiefs[i], []string{"罗红", "宋洁", "潘云", "杜欣"}[i], c, "field_worker")
	}
	w.addUser("yao.bin", "姚斌", "341299003", "reviewer")
	w.addUser("xu.wen", "徐文", "341299003", "supervisor")
	w.addUser("ma.lin", "马林", "341299003", "supervisor")
	w.addUser("shen.min", "沈敏", "341299", "finance")
	w.publish("li.wenjing", "trainer-signup")
	w.formPage("luo.hong", camp, form, "traineeName", "idNumber", "mobile", "duty", "enumerationArea", "sessions")

	t.Run("refused sign-ups", func(t *testing.T) {
		change := func(k string, v any) map[string]any {
			a := signup(1)
			if v == nil {
				delete(a, k)
			} else {
				a[k] = v
			}
			return a
		}
		tests := []struct {
			name    string
			answers map[string]any
			fields  []string
		}{
			{"an enumerator without an area", change("enumerationArea", nil), []string{"/enumerationArea required"}},
			{"an area of one digit", change("enumerationArea", "7"), []string{"/enumerationArea pattern"}},
			{"aged 17 at the training", change("idNumber", residentID("341299", "20090101", 101)), []string{"/idNumber constraint"}},
			{"no session ticked", change("sessions", []any{}), []string{"/sessions required"}},
			{"a landline instead of a mobile", change("mobile", "05561234567"), []string{"/mobile format_mobile"}},
			{"a diet that is no choice", change("diet", "vegan"), []string{"/diet enum"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				w.submit("luo.hong", camp, form, "", tt.answers).fail(t, http.StatusUnprocessableEntity, "invalid", tt.fields...)
			})
		}
		// A community enters its own people only.
		w.submit("luo.hong", camp, form, communities[1], signup(1)).fail(t, http.StatusNotFound, "not_found")
	})

	// 192 sign-ups, 48 per community; two people are entered twice.
	var ids []string
	for n := 1; n <= 190; n++ {
		ids = append(ids, w.mustSubmit(chiefs[(n-1)%4], camp, form, "", signup(n)).ID)
	}
	dup1 := w.mustSubmit(chiefs[0], camp, form, "", signup(5)).ID
	dup2 := w.mustSubmit(chiefs[1], camp, form, "", signup(6)).ID
	var inbox struct {
		Total int `json:"total"`
	}
	w.do("yao.bin", "GET", "/api/v1/inbox?campaign="+camp, nil).ok(t, http.StatusOK).decode(t, &inbox)
	if inbox.Total != 192 {
		t.Fatalf("inbox holds %d, want 192", inbox.Total)
	}

	// The office returns one with a wrong phone; the community corrects it.
	w.clock.Set(at("2026-11-27 10:00"))
	w.mustAct("yao.bin", ids[9], "return", "联系电话空号，请核实", nil)
	fix := w.record(chiefs[1], ids[9])
	fix.Answers["mobile"] = "13956129999"
	w.mustAct(chiefs[1], ids[9], "submit", "", fix.Answers)
	// A bulk return without a reason is refused as a whole; a rejection
	// without one (the workflow wants it) is refused record by record.
	w.do("yao.bin", "POST", "/api/v1/records/actions", map[string]any{"action": "return", "items": []any{map[string]any{"id": dup1, "version": 1}}}).
		fail(t, http.StatusUnprocessableEntity, "invalid", "/reason required")
	var refused struct {
		Results []struct {
			OK   bool   `json:"ok"`
			Code string `json:"code"`
		} `json:"results"`
		Failed int `json:"failed"`
	}
	w.do("yao.bin", "POST", "/api/v1/records/actions", map[string]any{"action": "reject", "items": []any{map[string]any{"id": dup1, "version": 1}}}).
		ok(t, http.StatusOK).decode(t, &refused)
	if refused.Failed != 1 || len(refused.Results) != 1 || refused.Results[0].OK || refused.Results[0].Code != "invalid" {
		t.Errorf("a rejection without a reason: %+v", refused)
	}
	if n := w.bulk("yao.bin", "reject", "重复报名", []string{dup1, dup2}); n != 2 {
		t.Fatalf("rejected %d", n)
	}
	if n := w.bulk("yao.bin", "approve", "", ids); n != 190 {
		t.Fatalf("confirmed %d", n)
	}

	// The budget follows from the 190 confirmed sign-ups.
	var budget struct {
		Counts map[string]int64 `json:"counts"`
		Lines  []struct {
			Key       string `json:"key"`
			Label     string `json:"label"`
			AmountFen int64  `json:"amountFen"`
		} `json:"lines"`
		TotalFen int64  `json:"totalFen"`
		Total    string `json:"total"`
	}
	w.do("shen.min", "GET", "/api/v1/campaigns/"+camp+"/budget", nil).ok(t, http.StatusOK).decode(t, &budget)
	got := map[string]int64{}
	for _, l := range budget.Lines {
		got[l.Key] = l.AmountFen
	}
	want := map[string]int64{"materials": 100000, "lunch": 380000, "water": 80000, "banner": 10000}
	if !equalFen(got, want) || budget.Counts["signups"] != 190 || budget.TotalFen != 570000 || budget.Total != "5700.00" {
		t.Errorf("budget %+v, want lines %v and 5700.00", budget, want)
	}
	if budget.Lines[0].Label != "讲义费（笔记本、水性笔、资料袋）" {
		t.Errorf("first line %q", budget.Lines[0].Label)
	}

	// The list is closed after 20 December.
	w.clock.Set(at("2026-12-21 08:00"))
	w.submit("luo.hong", camp, form, "", signup(300)).fail(t, http.StatusConflict, "closed")

	// Lecturers' days: Xu teaches both days; Ma also the three rehearsal
	// days before, and the cap of 400 yuan a month stops the fifth.
	w.clock.Set(at("2026-12-22 18:00"))
	for _, d := range []string{"2026-12-21", "2026-12-22"} {
		w.do("xu.wen", "POST", "/api/v1/campaigns/"+camp+"/attendance", map[string]any{"date": d, "worker": w.ids["xu.wen"]}).ok(t, http.StatusOK)
	}
	for _, d := range []string{"2026-12-16", "2026-12-17", "2026-12-18", "2026-12-21", "2026-12-22"} {
		w.do("ma.lin", "POST", "/api/v1/campaigns/"+camp+"/attendance", map[string]any{"date": d, "worker": w.ids["ma.lin"]}).ok(t, http.StatusOK)
	}
	w.do("luo.hong", "POST", "/api/v1/campaigns/"+camp+"/attendance", map[string]any{"date": "2026-12-21", "worker": w.ids["luo.hong"]}).
		fail(t, http.StatusForbidden, "forbidden")
	p := w.payments("shen.min", camp, "2026-12")
	if got, want := w.byWorker(p), map[string]int64{"xu.wen": 20000, "ma.lin": 40000}; !equalFen(got, want) || p.Total.TotalFen != 60000 {
		t.Errorf("lecturers paid %v (total %d), want %v", got, p.Total.TotalFen, want)
	}

	if got, want := w.counts("yao.bin", camp, "office_check", "correction", "confirmed", "rejected"),
		map[string]int{"office_check": 0, "correction": 0, "confirmed": 190, "rejected": 2}; !equalCounts(got, want) {
		t.Errorf("records by state %v, want %v", got, want)
	}
}
