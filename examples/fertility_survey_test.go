package examples_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/pay"
	"canvass/engine/tabular"
)

// householdAnswers is a complete, valid questionnaire of a woman born on
// birth (20060102) with two children; change returns a copy changed by fn.
func householdAnswers(name, id string) map[string]any {
	return map[string]any{
		"personal": map[string]any{"respondentName": name, "respondentId": id, "mobile": "13905612001",
			"maritalStatus": "first_marriage", "education": "senior", "employment": "employee"},
		"care": map[string]any{"childCount": 2, "caresForElders": true, "elderCount": 2, "elderCareBurden": "moderate",
			"children": []any{
				map[string]any{"childSex": "female", "childBirthDate": "2016-04-12"},
				map[string]any{"childSex": "male", "childBirthDate": "2023-09-30", "childcareBy": "grandparents"},
			}},
		"support":   map[string]any{"usesChildcare": false, "maternityLeaveDays": 158, "difficulties": []any{"cost", "no_carer"}, "supportWanted": []any{"cash", "childcare"}},
		"intention": map[string]any{"intendsThirdChild": false, "reasonsNot": []any{"cost", "enough"}},
		"family":    map[string]any{"householdSize": 5, "hukouType": "rural", "livesWithParents": true, "income": "60k_100k", "housingArea": 126.5},
	}
}

// with returns a deep-enough copy of answers with section.key set to v.
func with(answers map[string]any, section, key string, v any) map[string]any {
	out := map[string]any{}
	for k, s := range answers {
		m := map[string]any{}
		for kk, vv := range s.(map[string]any) {
			m[kk] = vv
		}
		out[k] = m
	}
	if v == nil {
		delete(out[section].(map[string]any), key)
	} else {
		out[section].(map[string]any)[key] = v
	}
	return out
}

// TestFertilitySurveyLife runs the baseline fertility survey from
// publishing to the payment table: two surveyors in two villages of Liuxi
// Town, a township reviewer, a district supervisor who spot-checks and
// works two days in the field, and finance.
func TestFertilitySurveyLife(t *testing.T) {
	w := newWorld(t, at("2026-12-07 08:30"))
	const camp, form = "fertility-survey-2026", "fertility-household"
	w.addUser("li.wenjing", "李文静", "341299", "author")
	w.addUser("zhou.yutong", "周雨桐", "341299001001", "field_worker")  // Yangzhuang
	w.addUser("zheng.haiyan", "郑海燕", "341299001002", "field_worker") // Hewan
	w.addUser("fang.qing", "方青", "341299002001", "field_worker")     // Shiqiao Town: another township
	w.addUser("wu.jianguo", "吴建国", "341299001", "reviewer")          // Liuxi Town
	w.addUser("tang.lihua", "唐丽华", "341299", "supervisor")
	w.addUser("shen.min", "沈敏", "341299", "finance")

	// Nothing can be filled before the campaign is published, and only
	// authors publish.
	w.submit("zhou.yutong", camp, form, "", householdAnswers("黄思琪", residentID("341299", "19900315", 122))).fail(t, http.StatusNotFound, "not_found")
	w.do("zhou.yutong", "PUT", "/api/v1/definitions/form/"+form, []byte("{}")).fail(t, http.StatusForbidden, "forbidden")
	w.publish("li.wenjing", "fertility-survey")
	w.formPage("zhou.yutong", camp, form, "personal.respondentName", "personal.respondentId", "care.childCount",
		"intention.intendsThirdChild", "intention.thirdChildTiming", "family.householdSize")

	t.Run("skip logic", func(t *testing.T) {
		tests := []struct {
			name     string
			answers  map[string]any
			relevant map[string]bool
			required map[string]bool
		}{
			{"intends a third child: when?", with(householdAnswers("黄思琪", residentID("341299", "19900315", 122)), "intention", "intendsThirdChild", true),
				map[string]bool{"/intention/thirdChildTiming": true, "/intention/reasonsNot": false},
				map[string]bool{"/intention/thirdChildTiming": true}},
			{"does not: why not?", householdAnswers("黄思琪", residentID("341299", "19900315", 122)),
				map[string]bool{"/intention/thirdChildTiming": false, "/intention/reasonsNot": true},
				map[string]bool{"/intention/thirdChildTiming": false}},
			{"three children already: not asked", with(householdAnswers("黄思琪", residentID("341299", "19900315", 122)), "care", "childCount", 3),
				map[string]bool{"/intention/intendsThirdChild": false, "/intention/thirdChildTiming": false},
				map[string]bool{}},
			{"no elders to look after", with(householdAnswers("黄思琪", residentID("341299", "19900315", 122)), "care", "caresForElders", false),
				map[string]bool{"/care/elderCount": false, "/care/elderCareBurden": false},
				map[string]bool{"/care/elderCount": false}},
			{"childcare cost asked of users only", with(householdAnswers("黄思琪", residentID("341299", "19900315", 122)), "support", "usesChildcare", true),
				map[string]bool{"/support/childcareMonthlyCost": true, "/care/children/1/childcareBy": true, "/care/children/0/childcareBy": false},
				map[string]bool{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var st struct {
					Relevant   map[string]bool `json:"relevant"`
					Required   map[string]bool `json:"required"`
					Calculated map[string]any  `json:"calculated"`
				}
				w.do("zhou.yutong", "POST", "/api/v1/campaigns/"+camp+"/forms/"+form+"/evaluate", map[string]any{"answers": tt.answers}).
					ok(t, http.StatusOK).decode(t, &st)
				for p, want := range tt.relevant {
					if got, ok := st.Relevant[p]; !ok || got != want {
						t.Errorf("relevant %s = %v, want %v", p, st.Relevant[p], want)
					}
				}
				for p, want := range tt.required {
					if st.Required[p] != want {
						t.Errorf("required %s = %v, want %v", p, st.Required[p], want)
					}
				}
				// Ages count at the reference time, 6 December 2026.
				if got := st.Calculated["/personal/respondentAge"]; got != float64(36) {
					t.Errorf("respondent's age %v, want 36", got)
				}
			})
		}
	})

	t.Run("refused questionnaires", func(t *testing.T) {
		good := householdAnswers("黄思琪", residentID("341299", "19900315", 122))
		tests := []struct {
			name    string
			answers map[string]any
			fields  []string
		}{
			{"ID number with a wrong check character", with(good, "personal", "respondentId", wrongCheck(residentID("341299", "19900315", 122))),
				[]string{"/personal/respondentId format_resident_id"}},
			{"a man's ID number", with(good, "personal", "respondentId", residentID("341299", "19900315", 131)),
				[]string{"/personal/respondentId constraint"}},
			{"a woman of 51", with(good, "personal", "respondentId", residentID("341299", "19750101", 122)),
				[]string{"/personal/respondentId constraint"}},
			{"intends a third child but says not when", with(good, "intention", "intendsThirdChild", true),
				[]string{"/intention/thirdChildTiming required"}},
			{"only one child", with(with(good, "care", "childCount", 1), "family", "householdSize", 3),
				[]string{"/care/childCount min"}},
			{"household smaller than mother and children", with(with(good, "care", "childCount", 4), "family", "householdSize", 4),
				[]string{"/family/householdSize constraint"}},
			{"a child born before the mother was 15", with(good, "care", "children", []any{map[string]any{"childSex": "female", "childBirthDate": "2004-01-01"}}),
				[]string{"/care/children/0/childBirthDate constraint"}},
			{"a note over 200 characters", with(good, "family", "note", strings.Repeat("备", 201)),
				[]string{"/family/note max_length"}},
			{"no difficulty ticked, mobile mistyped", with(with(good, "support", "difficulties", []any{}), "personal", "mobile", "1390561200"),
				[]string{"/personal/mobile format_mobile", "/support/difficulties required"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				w.submit("zhou.yutong", camp, form, "", tt.answers).fail(t, http.StatusUnprocessableEntity, "invalid", tt.fields...)
			})
		}
		// The error beside a bad ID number is in Chinese by default, in
		// English when asked.
		res := w.submit("zhou.yutong", camp, form, "", with(good, "personal", "respondentId", wrongCheck(residentID("341299", "19900315", 122))))
		if msg := res.message(t, "/personal/respondentId"); !strings.Contains(msg, "校验") {
			t.Errorf("Chinese message %q", msg)
		}
		res = w.do("zhou.yutong", "POST", "/api/v1/records?lang=en", map[string]any{"campaign": camp, "form": form,
			"answers": with(good, "personal", "respondentId", wrongCheck(residentID("341299", "19900315", 122)))})
		if msg := res.message(t, "/personal/respondentId"); !strings.Contains(msg, "check") {
			t.Errorf("English message %q", msg)
		}
		// Outside the surveyor's own village: not found; a reviewer may not fill.
		w.submit("zhou.yutong", camp, form, "341299001002", good).fail(t, http.StatusNotFound, "not_found")
		w.submit("wu.jianguo", camp, form, "341299001001", good).fail(t, http.StatusForbidden, "forbidden")
		if got := w.counts("wu.jianguo", camp, "township_check"); got["township_check"] != 0 {
			t.Errorf("refused questionnaires stored: %v", got)
		}
	})

	// Field work on 7 December: Zhou surveys four households, Zheng three,
	// and sends one more respondent a one-time QR link.
	var zhou, zheng []string
	for i, p := range []struct{ name, birth string }{{"黄思琪", "19900315"}, {"许晓燕", "19880722"}, {"马春兰", "19851109"}} {
		r := w.mustSubmit("zhou.yutong", camp, form, "", householdAnswers(p.name, residentID("341299", p.birth, 122+2*i)))
		if r.State != "township_check" {
			t.Fatalf("state %s", r.State)
		}
		zhou = append(zhou, r.ID)
	}
	for i, p := range []struct{ name, birth string }{{"邵佳怡", "19920203"}, {"孔玉梅", "19870618"}} {
		zheng = append(zheng, w.mustSubmit("zheng.haiyan", camp, form, "", householdAnswers(p.name, residentID("341299", p.birth, 224+2*i))).ID)
	}
	// A lost answer sent again is the same record; the same ID with other
	// answers is refused, and a body that is not JSON is refused.
	replay := map[string]any{"id": engine.NewID(w.clock.Now()), "campaign": camp, "form": form,
		"answers": householdAnswers("程慧敏", residentID("341299", "19890411", 226))}
	var stored receipt
	w.do("zheng.haiyan", "POST", "/api/v1/records", replay).ok(t, http.StatusCreated).decode(t, &stored)
	var again struct {
		ID       string `json:"id"`
		Replayed bool   `json:"replayed"`
	}
	w.do("zheng.haiyan", "POST", "/api/v1/records", replay).ok(t, http.StatusOK).decode(t, &again)
	if again.ID != stored.ID || !again.Replayed {
		t.Errorf("replay %+v, want %s replayed", again, stored.ID)
	}
	replay["answers"] = with(replay["answers"].(map[string]any), "family", "householdSize", 7)
	w.do("zheng.haiyan", "POST", "/api/v1/records", replay).fail(t, http.StatusConflict, "conflict")
	w.do("zheng.haiyan", "POST", "/api/v1/records", []byte(`{"campaign": "`+camp+`", "answers": {`)).fail(t, http.StatusUnprocessableEntity, "invalid")
	zheng = append(zheng, stored.ID)

	// A note with markup is stored as text and shown escaped.
	hostile := with(householdAnswers("谢婉清", residentID("341299", "19950101", 262)), "family", "note", `<script>alert("x")</script>`)
	zhou = append(zhou, w.mustSubmit("zhou.yutong", camp, form, "", hostile).ID)
	pg := w.page("wu.jianguo", "/records/"+zhou[len(zhou)-1]).ok(t, http.StatusOK)
	if bytes.Contains(pg.body, []byte(`<script>alert`)) || !bytes.Contains(pg.body, []byte(`&lt;script&gt;alert`)) {
		t.Errorf("the record page does not escape the note")
	}

	public := w.publicSubmit(t, "zheng.haiyan", camp, form, householdAnswers("尹小红", residentID("341299", "19940827", 342)))

	// The other township sees none of it.
	w.do("fang.qing", "GET", "/api/v1/records/"+zhou[0], nil).fail(t, http.StatusNotFound, "not_found")

	// The township reviewer's inbox holds all eight; a return needs a reason.
	var inbox struct {
		Total int `json:"total"`
	}
	w.do("wu.jianguo", "GET", "/api/v1/inbox?campaign="+camp, nil).ok(t, http.StatusOK).decode(t, &inbox)
	if inbox.Total != 8 {
		t.Fatalf("inbox holds %d, want 8", inbox.Total)
	}
	w.clock.Set(at("2026-12-08 10:00"))
	first := w.record("wu.jianguo", zhou[0])
	w.act("wu.jianguo", zhou[0], "return", "", first.Version, nil).fail(t, http.StatusUnprocessableEntity, "invalid", "/reason required")
	returned := w.mustAct("wu.jianguo", zhou[0], "return", "第一个孩子的出生日期与户口簿不符", nil)
	if returned.State != "correction" {
		t.Fatalf("returned to %s", returned.State)
	}
	// A stale version is refused with the state the record is in now.
	w.act("wu.jianguo", zhou[0], "approve", "", first.Version, nil).fail(t, http.StatusConflict, "conflict")

	// Zhou reads it back (personal data masked), corrects the date and
	// submits it again without retyping the masked values.
	mine := w.record("zhou.yutong", zhou[0])
	personal := mine.Answers["personal"].(map[string]any)
	if id := personal["respondentId"].(string); !strings.Contains(id, "*") || strings.Contains(id, "19900315") {
		t.Errorf("the ID number is not masked for the surveyor: %q", id)
	}
	corrected := mine.Answers
	corrected["care"].(map[string]any)["children"].([]any)[0].(map[string]any)["childBirthDate"] = "2016-05-12"
	resubmitted := w.mustAct("zhou.yutong", zhou[0], "submit", "", corrected)
	if resubmitted.State != "township_check" {
		t.Fatalf("resubmitted to %s", resubmitted.State)
	}
	revealed := w.do("wu.jianguo", "POST", "/api/v1/records/"+zhou[0]+"/reveal", nil).ok(t, http.StatusOK)
	if !strings.Contains(string(revealed.body), residentID("341299", "19900315", 122)) || !strings.Contains(string(revealed.body), "2016-05-12") {
		t.Errorf("the reviewer does not see the corrected record in full: %s", revealed.body)
	}
	var actions []string
	for _, h := range w.record("wu.jianguo", zhou[0]).History {
		actions = append(actions, h.Action+":"+h.Reason)
	}
	if got := strings.Join(actions, " "); got != "submit: return:第一个孩子的出生日期与户口簿不符 submit:" {
		t.Errorf("history %s", got)
	}

	// Everything is accepted in one bulk approval.
	all := append(append(append([]string{}, zhou...), zheng...), public)
	if n := w.bulk("wu.jianguo", "approve", "", all); n != 8 {
		t.Fatalf("approved %d", n)
	}

	// Two days in the field for the supervisor; the same day twice pays once.
	for _, day := range []string{"2026-12-07", "2026-12-08", "2026-12-08"} {
		w.do("tang.lihua", "POST", "/api/v1/campaigns/"+camp+"/attendance", map[string]any{"date": day, "worker": w.ids["tang.lihua"]}).ok(t, http.StatusOK)
	}

	// The spot check draws one household of each surveyor (5 %, at least
	// one): Zhou's passes, Zheng's has a problem.
	w.clock.Set(at("2026-12-12 09:00"))
	w.do("shen.min", "POST", "/api/v1/campaigns/"+camp+"/qc/sample", map[string]any{"period": "2026-12"}).fail(t, http.StatusForbidden, "forbidden")
	var sample struct {
		Records map[string][]string `json:"records"`
	}
	w.do("tang.lihua", "POST", "/api/v1/campaigns/"+camp+"/qc/sample", map[string]any{"period": "2026-12"}).ok(t, http.StatusCreated).decode(t, &sample)
	zs, hs := sample.Records[w.ids["zhou.yutong"]], sample.Records[w.ids["zheng.haiyan"]]
	if len(zs) != 1 || len(hs) != 1 {
		t.Fatalf("sample %v", sample.Records)
	}
	w.do("tang.lihua", "POST", "/api/v1/records/"+hs[0]+"/qc", map[string]any{"pass": false}).fail(t, http.StatusUnprocessableEntity, "invalid", "/reason required")
	w.do("tang.lihua", "POST", "/api/v1/records/"+zs[0]+"/qc", map[string]any{"pass": true}).ok(t, http.StatusOK)
	w.do("tang.lihua", "POST", "/api/v1/records/"+hs[0]+"/qc", map[string]any{"pass": false, "reason": "回访核实：家庭人口数填写有误"}).ok(t, http.StatusOK)

	// Payments for December, to the fen: Zhou 4 × 50 + 50 bonus; Zheng
	// 3 × 50 in the field plus 50 for the household she handed the QR link
	// to, with one withheld by the spot check; the supervisor 2 × 50.
	w.do("zhou.yutong", "GET", "/api/v1/campaigns/"+camp+"/payments?period=2026-12", nil).fail(t, http.StatusForbidden, "forbidden")
	p := w.payments("shen.min", camp, "2026-12")
	want := map[string]int64{"zhou.yutong": 25000, "zheng.haiyan": 15000, "tang.lihua": 10000}
	got := w.byWorker(p)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s paid %d fen, want %d (table %v)", k, got[k], v, got)
		}
	}
	if len(got) != len(want) || p.Total.TotalFen != 50000 || p.Total.Total != "500.00" {
		t.Errorf("total %d fen (%s) over %v, want 50000", p.Total.TotalFen, p.Total.Total, got)
	}
	items := w.itemTotals(p)
	for k, v := range map[string]int64{"zhou.yutong/household_surveyed": 20000, "zhou.yutong/spot_check_bonus": 5000,
		"zheng.haiyan/household_surveyed": 15000, "tang.lihua/supervisor_day": 10000} {
		if items[k] != v {
			t.Errorf("%s = %d fen, want %d (%v)", k, items[k], v, items)
		}
	}
	// Finance's spreadsheet says the same.
	res := w.do("shen.min", "GET", "/api/v1/campaigns/"+camp+"/payments.xlsx?period=2026-12", nil).ok(t, http.StatusOK)
	sheet, err := tabular.Open("payments.xlsx", bytes.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	defer sheet.Close()
	if got := sheet.Header(); !slices.Equal(got, pay.PaymentHeader) {
		t.Errorf("xlsx header %q", got)
	}
	var last []string
	for {
		row, err := sheet.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		last = row
	}
	if len(last) != len(pay.PaymentHeader) || last[0] != "合计" || last[len(last)-1] != "500.00" {
		t.Errorf("xlsx totals row %q", last)
	}
	var budget struct {
		Counts   map[string]int64 `json:"counts"`
		TotalFen int64            `json:"totalFen"`
	}
	w.do("shen.min", "GET", "/api/v1/campaigns/"+camp+"/budget", nil).ok(t, http.StatusOK).decode(t, &budget)
	// 300 gifts × 60 + 8 accepted × (50 + 50).
	if budget.Counts["surveyed"] != 8 || budget.TotalFen != 1800000+80000 {
		t.Errorf("budget %+v", budget)
	}

	// A late household waits past its three days: the reviewer is reminded.
	late := w.mustSubmit("zheng.haiyan", camp, form, "", householdAnswers("龚丽娟", residentID("341299", "19910510", 228))).ID
	w.clock.Set(at("2026-12-15 09:30"))
	if _, err := w.eng.SweepTimers(context.Background(), "examples-test", 100); err != nil {
		t.Fatal(err)
	}
	var notes struct {
		Notifications []struct {
			RecordID string `json:"recordId"`
			Kind     string `json:"kind"`
		} `json:"notifications"`
	}
	w.do("wu.jianguo", "GET", "/api/v1/notifications", nil).ok(t, http.StatusOK).decode(t, &notes)
	reminded := false
	for _, n := range notes.Notifications {
		reminded = reminded || n.RecordID == late
	}
	if !reminded {
		t.Errorf("no reminder about the late household: %+v", notes)
	}
	w.do("wu.jianguo", "GET", "/api/v1/inbox?campaign="+camp+"&overdue=1", nil).ok(t, http.StatusOK).decode(t, &inbox)
	if inbox.Total != 1 {
		t.Errorf("overdue tasks %d, want 1", inbox.Total)
	}

	// After 17 December the campaign takes nothing more.
	w.clock.Set(at("2026-12-18 08:00"))
	w.submit("zhou.yutong", camp, form, "", householdAnswers("田美玲", residentID("341299", "19930101", 246))).fail(t, http.StatusConflict, "closed")

	if got, want := w.counts("tang.lihua", camp, "township_check", "correction", "accepted", "rejected"),
		map[string]int{"township_check": 1, "correction": 0, "accepted": 8, "rejected": 0}; !equalCounts(got, want) {
		t.Errorf("records by state %v, want %v", got, want)
	}
}

// publicSubmit has username make a one-time link for the form and submits
// answers through it as the respondent would (opening the page first for
// its cookie); a second use of the link is refused. It returns the record
// ID.
func (w *world) publicSubmit(t *testing.T, username, camp, form string, answers map[string]any) string {
	t.Helper()
	var links struct {
		Links []struct {
			Token string `json:"token"`
		} `json:"links"`
	}
	w.do(username, "POST", "/api/v1/campaigns/"+camp+"/links", map[string]any{"form": form, "oneTime": true}).
		ok(t, http.StatusCreated).decode(t, &links)
	if len(links.Links) != 1 || links.Links[0].Token == "" {
		t.Fatalf("links %+v", links)
	}
	token := links.Links[0].Token
	page, err := w.srv.App().Test(httptest.NewRequest("GET", "/p/"+token, nil), fiber.TestConfig{Timeout: time.Minute, FailOnTimeout: true})
	if err != nil || page.StatusCode != http.StatusOK {
		t.Fatalf("public page: %v %v", err, page)
	}
	var cookie *http.Cookie
	for _, c := range page.Cookies() {
		if c.Name == "canvass_public" {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("the public page set no cookie")
	}
	send := func() response {
		req := httptest.NewRequest("POST", "/api/v1/public/"+token+"/records", strings.NewReader(mustJSON(t, map[string]any{"answers": answers})))
		req.Header.Set("Content-Type", fiber.MIMEApplicationJSON)
		req.Header.Set("X-CSRF-Token", cookie.Value)
		req.AddCookie(cookie)
		res, err := w.srv.App().Test(req, fiber.TestConfig{Timeout: time.Minute, FailOnTimeout: true})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b := new(strings.Builder)
		_, _ = io.Copy(b, res.Body)
		return response{status: res.StatusCode, header: res.Header, body: []byte(b.String())}
	}
	var r struct {
		ID string `json:"id"`
	}
	send().ok(t, http.StatusCreated).decode(t, &r)
	other := with(answers, "family", "householdSize", 6)
	answers = other
	send().fail(t, http.StatusConflict, "closed", "/link used")
	return r.ID
}

func equalCounts(a, b map[string]int) bool {
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
