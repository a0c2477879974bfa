package examples_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// recordTaskPath returns the org path of the record's open task.
func recordTaskPath(t *testing.T, w *world, id string) string {
	var r struct {
		TaskOrgPath string `json:"taskOrgPath"`
	}
	w.do("admin", "GET", "/api/v1/records/"+id, nil).ok(t, http.StatusOK).decode(t, &r)
	return r.TaskOrgPath
}

// application is a subsidy application; special is the special-assistance
// kind with the only child's status.
func application(name, id string, special bool, status string) map[string]any {
	a := map[string]any{"applicant": name, "idNumber": id, "mobile": "15856120031", "hukouRural": true,
		"subsidyType": "reward", "household": map[string]any{"childrenBorn": "one"},
		"documents": []any{"id_card"}, "villageOpinion": "情况属实"}
	if special {
		a["subsidyType"] = "special"
		a["household"] = map[string]any{"childrenBorn": "one", "onlyChildStatus": status, "childEventDate": "2025-08-19", "adoptedOrNewChild": false}
		a["documents"] = []any{"id_card", "hukou", "death"}
	}
	return a
}

// TestSubsidyReviewLife runs the subsidy review over three levels: a
// district return to the village and a resubmission, an ineligible
// application the township cannot approve and rejects, and a township that
// lets its task lie until it is reminded twice and handed up to the
// district.
func TestSubsidyReviewLife(t *testing.T) {
	w := newWorld(t, at("2026-11-30 09:00"))
	const camp, form = "subsidy-review-2027", "subsidy-application"
	w.addUser("li.wenjing", "李文静", "341299", "author")
	w.addUser("kong.lan", "孔兰", "341299001003", "field_worker") // Beidian, Liuxi Town
	w.addUser("tian.yu", "田雨", "341299002003", "field_worker")  // Houying, Shiqiao Town
	w.addUser("wu.jianguo", "吴建国", "341299001", "reviewer")     // Liuxi Town
	w.addUser("qian.wei", "钱伟", "341299002", "reviewer")        // Shiqiao Town
	w.addUser("lin.hui", "林慧", "341299", "reviewer")            // the district
	w.addUser("xie.jun", "谢军", "341299", "field_worker")        // the district clerk who enters
	w.addUser("shen.min", "沈敏", "341299", "finance")
	w.publish("li.wenjing", "subsidy-review")
	w.formPage("kong.lan", camp, form, "applicant", "idNumber", "subsidyType", "hukouRural", "household.childrenBorn", "household.onlyChildStatus")

	reward := application("鲁德明", residentID("341299", "19640510", 113), false, "")
	t.Run("refused applications", func(t *testing.T) {
		special := application("秦淑珍", residentID("341299", "19720301", 124), true, "died")
		tests := []struct {
			name    string
			answers map[string]any
			fields  []string
		}{
			{"special assistance without the child's status", func() map[string]any {
				a := application("秦淑珍", residentID("341299", "19720301", 124), true, "died")
				a["household"] = map[string]any{"childrenBorn": "one", "adoptedOrNewChild": false}
				return a
			}(), []string{"/household/onlyChildStatus required"}},
			{"a death after the reference date", func() map[string]any {
				a := application("秦淑珍", residentID("341299", "19720301", 124), true, "died")
				a["household"].(map[string]any)["childEventDate"] = "2027-01-02"
				return a
			}(), []string{"/household/childEventDate constraint"}},
			{"registration not said", func() map[string]any {
				a := application("鲁德明", residentID("341299", "19640510", 113), false, "")
				delete(a, "hukouRural")
				return a
			}(), []string{"/hukouRural required"}},
			{"an unknown kind of subsidy", func() map[string]any {
				a := application("鲁德明", residentID("341299", "19640510", 113), false, "")
				a["subsidyType"] = "pension"
				return a
			}(), []string{"/subsidyType enum"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				w.submit("kong.lan", camp, form, "", tt.answers).fail(t, http.StatusUnprocessableEntity, "invalid", tt.fields...)
			})
		}
		if special == nil {
			t.Fatal("unreachable")
		}
	})

	a := w.mustSubmit("kong.lan", camp, form, "", reward).ID                                                               // eligible, 62
	b := w.mustSubmit("kong.lan", camp, form, "", application("鲁秀兰", residentID("341299", "19680902", 128), false, "")).ID // 58: too young
	c := w.mustSubmit("tian.yu", camp, form, "", application("秦淑珍", residentID("341299", "19720301", 124), true, "died")).ID
	if got := w.record("kong.lan", a).Answers["eligible"]; got != true {
		t.Errorf("A judged eligible = %v", got)
	}
	if got := w.record("kong.lan", b).Answers["eligible"]; got != false {
		t.Errorf("B judged eligible = %v", got)
	}
	due := w.record("qian.wei", c).DueAt
	if due == nil || !due.Equal(at("2026-12-05 09:00")) {
		t.Errorf("C is due %v, want five days after submission", due)
	}
	w.do("wu.jianguo", "GET", "/api/v1/records/"+c, nil).fail(t, http.StatusNotFound, "not_found")

	// Liuxi Town passes A up; B is not eligible: approving it is refused
	// with the workflow's message, and the township rejects it.
	w.clock.Set(at("2026-12-01 10:00"))
	if r := w.mustAct("wu.jianguo", a, "approve", "", nil); r.State != "district_approval" {
		t.Fatalf("A went to %s", r.State)
	}
	cur := w.record("wu.jianguo", b)
	res := w.act("wu.jianguo", b, "approve", "", cur.Version, nil)
	res.fail(t, http.StatusUnprocessableEntity, "invalid", "/action guard_failed")
	if msg := res.message(t, "/action"); !strings.Contains(msg, "不符合条件") {
		t.Errorf("guard message %q", msg)
	}
	w.mustAct("wu.jianguo", b, "reject", "申请人未满 60 周岁", nil)
	// A village worker cannot approve. (A district reviewer could take the
	// township's step: a step's level names the unit whose subtree the
	// actor must cover, and the district covers its townships.)
	w.act("kong.lan", a, "approve", "", 0, nil).fail(t, http.StatusForbidden, "forbidden")

	// The district returns A to the village: the household register is
	// missing. The village adds it and resubmits; it climbs both levels again.
	w.clock.Set(at("2026-12-03 11:00"))
	if r := w.mustAct("lin.hui", a, "return", "缺少户口簿复印件", nil); r.State != "correction" {
		t.Fatalf("A returned to %s", r.State)
	}
	var notes struct {
		Notifications []struct {
			RecordID string `json:"recordId"`
			Kind     string `json:"kind"`
		} `json:"notifications"`
	}
	w.do("kong.lan", "GET", "/api/v1/notifications", nil).ok(t, http.StatusOK).decode(t, &notes)
	if len(notes.Notifications) != 1 || notes.Notifications[0].Kind != "returned" || notes.Notifications[0].RecordID != a {
		t.Errorf("the village was told %+v", notes)
	}
	fix := w.record("kong.lan", a)
	fix.Answers["documents"] = []any{"id_card", "hukou"}
	w.mustAct("kong.lan", a, "submit", "", fix.Answers)
	w.mustAct("wu.jianguo", a, "approve", "", nil)
	if r := w.mustAct("lin.hui", a, "approve", "", nil); r.State != "approved" {
		t.Fatalf("A ended %s", r.State)
	}
	var resubmit []string
	for _, h := range w.record("lin.hui", a).History {
		resubmit = append(resubmit, h.Action+">"+h.To)
	}
	if got := strings.Join(resubmit, " "); got != "submit>township_check approve>district_approval return>correction submit>township_check approve>district_approval approve>approved" {
		t.Errorf("A's history %s", got)
	}
	var withChanges struct {
		History []struct {
			Action  string `json:"action"`
			Changes []struct {
				Pointer string `json:"pointer"`
			} `json:"changes"`
		} `json:"history"`
	}
	w.do("lin.hui", "GET", "/api/v1/records/"+a, nil).ok(t, http.StatusOK).decode(t, &withChanges)
	if h := withChanges.History[3]; len(h.Changes) != 1 || h.Changes[0].Pointer != "/documents" {
		t.Errorf("the resubmission's changes %+v", h)
	}

	// Shiqiao Town lets C lie: reminded on the due day and the day after,
	// then the task goes up to the district, which decides it.
	sweep := func(when string) {
		w.clock.Set(at(when))
		if _, err := w.eng.SweepTimers(context.Background(), "examples-test", 100); err != nil {
			t.Fatal(err)
		}
	}
	kinds := func(user string) string {
		w.do(user, "GET", "/api/v1/notifications", nil).ok(t, http.StatusOK).decode(t, &notes)
		var ks []string
		for _, n := range notes.Notifications {
			if n.RecordID == c {
				ks = append(ks, n.Kind)
			}
		}
		return strings.Join(ks, " ")
	}
	sweep("2026-12-05 08:00")
	if got := kinds("qian.wei"); got != "" {
		t.Errorf("reminded before the due time: %s", got)
	}
	sweep("2026-12-05 09:05")
	sweep("2026-12-06 09:05")
	if got := kinds("qian.wei"); got != "reminder reminder" {
		t.Errorf("township told %q, want two reminders", got)
	}
	// The township's step is the township's alone: the district's
	// reviewer hears of it only when it escalates.
	sweep("2026-12-07 09:05")
	if got := kinds("lin.hui"); got != "escalation" {
		t.Errorf("the district was told %q, want only the escalation", got)
	}
	if r := w.record("lin.hui", c); r.State != "township_check" || !strings.HasSuffix(strings.TrimSuffix(recordTaskPath(t, w, c), "/"), "/341299") {
		t.Errorf("after the escalation C is %s at %s", r.State, recordTaskPath(t, w, c))
	}
	w.clock.Set(w.clock.Now().Add(time.Hour))
	w.mustAct("lin.hui", c, "approve", "", nil)
	if r := w.mustAct("lin.hui", c, "approve", "", nil); r.State != "approved" {
		t.Fatalf("C ended %s", r.State)
	}

	// The district clerk enters both approved applications; pay for the
	// fourth quarter: 5 yuan to each village worker per approved
	// application, 5 yuan to the clerk per entry. Nothing for B.
	for _, id := range []string{a, c} {
		w.do("xie.jun", "POST", "/api/v1/records/"+id+"/entered", nil).ok(t, http.StatusOK)
	}
	p := w.payments("shen.min", camp, "2026-Q4")
	if got, want := w.byWorker(p), map[string]int64{"kong.lan": 500, "tian.yu": 500, "xie.jun": 1000}; !equalFen(got, want) || p.Total.TotalFen != 2000 {
		t.Errorf("paid %v (total %d), want %v (2000)", got, p.Total.TotalFen, want)
	}
	if got, want := w.counts("lin.hui", camp, "township_check", "district_approval", "correction", "approved", "rejected"),
		map[string]int{"township_check": 0, "district_approval": 0, "correction": 0, "approved": 2, "rejected": 1}; !equalCounts(got, want) {
		t.Errorf("records by state %v, want %v", got, want)
	}
	// A township reviewer counts only the township's own records.
	if got := w.counts("wu.jianguo", camp, "approved", "rejected"); !equalCounts(got, map[string]int{"approved": 1, "rejected": 1}) {
		t.Errorf("Liuxi Town counts %v", got)
	}
}
