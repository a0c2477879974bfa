package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// TestSubsidyReviewOverHTTP drives the subsidy review through the API and
// the pages: the township returns a record with a reason, the village
// corrects it, two township reviewers approve it at once (one wins), the
// district approves it.
func TestSubsidyReviewOverHTTP(t *testing.T) {
	e := newSubsidyEnv(t)
	rec := e.submit(e.worker, "", subsidyAnswers(1500))
	id := rec.ID
	recURL := "/api/v1/records/" + id

	// The township reviewer has it to do; nobody else does.
	res := e.api(e.township, "GET", "/api/v1/inbox", nil)
	check(t, res, 200, "")
	var box inboxJSON
	res.decode(t, &box)
	if got, want := recordIDs(t, res), []string{id}; !slices.Equal(got, want) || box.Total != 1 || box.Overdue != 0 {
		t.Fatalf("township inbox: got %v total %d overdue %d, want %v total 1 overdue 0", got, box.Total, box.Overdue, want)
	}
	if got := recordIDs(t, e.api(e.worker, "GET", "/api/v1/inbox", nil)); len(got) != 0 {
		t.Fatalf("worker inbox before the return: got %v, want none", got)
	}

	// Masked for the reviewer, who may approve or return it.
	res = e.api(e.township, "GET", recURL, nil)
	check(t, res, 200, "")
	if strings.Contains(res.body, applicantID) || strings.Contains(res.body, "13912345678") || strings.Contains(res.body, "周建华") {
		t.Fatalf("the record answer shows personal data: %s", res.body)
	}
	r := e.record(e.township, id)
	if got, want := r.Answers["idNumber"], "3701**********1237"; got != want {
		t.Errorf("masked ID number: got %v, want %v", got, want)
	}
	if !slices.Contains(r.Actions, "approve") || !slices.Contains(r.Actions, "return") || r.Version != 1 || r.State != "township_review" {
		t.Fatalf("township view: actions %v version %d state %s", r.Actions, r.Version, r.State)
	}

	// Return needs a reason.
	res = e.api(e.township, "POST", recURL+"/actions", map[string]any{"action": "return", "version": 1})
	check(t, res, 422, engine.EINVALID)
	if got, want := errPointers(res), []string{"/reason"}; !slices.Equal(got, want) {
		t.Errorf("return without a reason: pointers %v, want %v", got, want)
	}
	const reason = "金额超出标准，请核实"
	res = e.api(e.township, "POST", recURL+"/actions", map[string]any{"action": "return", "reason": reason, "version": 1})
	check(t, res, 200, "")
	res.decode(t, &r)
	if r.State != "returned" || r.TaskOrgPath != "/370000/370100/370102/370102001/370102001001/" {
		t.Fatalf("after return: state %s task at %s, want returned at the village", r.State, r.TaskOrgPath)
	}

	// The village has it back, with the reason, and resubmits a correction.
	if got := recordIDs(t, e.api(e.worker, "GET", "/api/v1/inbox", nil)); !slices.Equal(got, []string{id}) {
		t.Fatalf("worker inbox after the return: got %v, want %v", got, []string{id})
	}
	r = e.record(e.worker, id)
	if !slices.Contains(r.Actions, "submit") {
		t.Fatalf("worker actions on the returned record: %v", r.Actions)
	}
	fixed := subsidyAnswers(1200)
	fixed["phone"] = "13800001111"
	res = e.api(e.worker, "POST", recURL+"/actions", map[string]any{"action": "submit", "answers": fixed, "version": r.Version})
	check(t, res, 200, "")

	// The history names people, keeps the reason and the field-by-field
	// diff of the resubmission.
	r = e.record(e.township, id)
	var got []string
	for _, h := range r.History {
		got = append(got, fmt.Sprintf("%s/%s/%s→%s/%s", h.ActorName, h.Action, h.From, h.To, h.Reason))
	}
	want := []string{
		"测试 worker/submit/→township_review/",
		"测试 township/return/township_review→returned/" + reason,
		"测试 worker/submit/returned→township_review/",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("history:\n got %q\nwant %q", got, want)
	}
	var diff []string
	for _, ch := range r.History[2].Changes {
		diff = append(diff, fmt.Sprintf("%s:%v→%v", ch.Pointer, ch.Before, ch.After))
	}
	// Personal values are masked in the diff as everywhere.
	if want := []string{"/amount:1500→1200", "/phone:139****5678→138****1111"}; !slices.Equal(diff, want) {
		t.Fatalf("resubmission changes: got %v, want %v", diff, want)
	}
	if res := e.api(e.township, "GET", recURL, nil); strings.Contains(res.body, "13800001111") || strings.Contains(res.body, "13912345678") {
		t.Fatalf("the record answer shows a phone number in full: %s", res.body)
	}

	// The record page shows the same, in words and by name.
	cookie, _ := e.pageSession("township")
	page := e.do(req{method: "GET", target: "/records/" + id, cookies: map[string]string{sessionCookie: cookie}})
	check(t, page, 200, "")
	for _, s := range []string{"申请金额（元）", "<del>1500</del>", "<ins>1200</ins>", "<del>139****5678</del>", "<ins>138****1111</ins>", reason, "测试 worker", "测试 township", "退回修改", "3701**********1237", "乡镇审核"} {
		if !strings.Contains(page.body, s) {
			t.Errorf("the record page lacks %q", s)
		}
	}
	if strings.Contains(page.body, applicantID) {
		t.Errorf("the record page shows the ID number in full")
	}

	// Two township reviewers approve at once: one wins, the other learns
	// where the record went.
	second := e.user("township2", childUnit, engine.RoleReviewer)
	tokens := []string{e.apiToken(e.township), e.apiToken(second)}
	statuses := make([]int, 2)
	bodies := make([]string, 2)
	var wg sync.WaitGroup
	for i, token := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], bodies[i] = e.send(http.MethodPost, recURL+"/actions", token, map[string]any{"action": "approve", "version": r.Version})
		}()
	}
	wg.Wait()
	slices.Sort(statuses)
	if !slices.Equal(statuses, []int{200, 409}) {
		t.Fatalf("concurrent approvals: statuses %v, want one 200 and one 409 (%q)", statuses, bodies)
	}
	loser := bodies[0]
	if strings.Contains(bodies[0], `"id"`) {
		loser = bodies[1]
	}
	var conflict struct {
		Error   errorDetail  `json:"error"`
		Current *currentJSON `json:"current"`
	}
	if err := json.Unmarshal([]byte(loser), &conflict); err != nil {
		t.Fatal(err)
	}
	if conflict.Error.Code != engine.ECONFLICT || conflict.Current == nil || conflict.Current.State != "district_review" ||
		conflict.Current.Version != r.Version+1 || !strings.Contains(conflict.Error.Message, "district_review") {
		t.Fatalf("the losing approval: got %s, want conflict naming district_review at version %d", loser, r.Version+1)
	}

	// 1,200 yuan is not below 1,000: the district approves, through the
	// page's plain form post.
	cookie, csrf := e.pageSession("district")
	withCookie := map[string]string{sessionCookie: cookie}
	res = e.do(req{method: "POST", target: "/records/" + id + "/actions", header: formHeader, cookies: withCookie,
		body: form("_csrf", csrf, "action", "approve", "version", fmt.Sprint(r.Version+1))})
	check(t, res, 303, "")
	if got, want := res.header.Get("Location"), "/records/"+id+"?done=approve"; got != want {
		t.Fatalf("after approving: Location %q, want %q", got, want)
	}
	page = e.do(req{method: "GET", target: "/records/" + id + "?done=approve", cookies: withCookie})
	if !strings.Contains(page.body, "已完成：通过。") || !strings.Contains(page.body, "已批准") {
		t.Errorf("the page after approving lacks the confirmation or the final state")
	}
	r = e.record(e.district, id)
	if r.State != "approved" || len(r.Actions) != 0 || r.Step != "" {
		t.Fatalf("final record: state %s actions %v step %q", r.State, r.Actions, r.Step)
	}
	got = nil
	for _, h := range r.History {
		got = append(got, h.Action+":"+h.To)
	}
	want = []string{"submit:township_review", "return:returned", "submit:township_review", "approve:district_review", "approve:approved"}
	if !slices.Equal(got, want) {
		t.Fatalf("final history: got %v, want %v", got, want)
	}
}

// send is one request with an API token, safe to call from several
// goroutines at once (it reports failures instead of stopping the test).
func (e *env) send(method, target, token string, body any) (int, string) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, err.Error()
	}
	hr := httptest.NewRequest(method, target, bytes.NewReader(b))
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Authorization", "Bearer "+token)
	res, err := e.srv.App().Test(hr, fiber.TestConfig{Timeout: time.Minute, FailOnTimeout: true})
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

// TestOverdueRemindersThenEscalation advances the clock a day at a time,
// sweeping the timers each day: the township is reminded three times,
// then the task goes up to the district, whose reviewer then has it while
// the township reviewer may no longer act on it.
func TestOverdueRemindersThenEscalation(t *testing.T) {
	e := newSubsidyEnv(t)
	rec := e.submit(e.worker, "", subsidyAnswers(3000))
	id := rec.ID
	ctx := context.Background()

	tests := []struct {
		day       int
		reminders int
		escalated bool
		overdue   bool
	}{
		// Due after three days: the first reminder comes at the due time,
		// then one a day until three were sent, then the escalation.
		{day: 1},
		{day: 2},
		{day: 3, reminders: 1},
		{day: 4, reminders: 2, overdue: true},
		{day: 5, reminders: 3, overdue: true},
		{day: 6, reminders: 3, escalated: true, overdue: true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("day %d", tt.day), func(t *testing.T) {
			e.clock.Add(24 * time.Hour)
			if _, err := e.eng.SweepTimers(ctx, "test", 500); err != nil {
				t.Fatal(err)
			}
			r := e.record(e.district, id)
			reminders, escalated := 0, false
			for _, h := range r.History {
				switch {
				case h.Actor == "system" && h.Action == engine.ActionRemind:
					reminders++
				case h.Actor == "system" && h.Action == engine.ActionEscalate:
					escalated = true
				}
			}
			if reminders != tt.reminders || escalated != tt.escalated || r.Overdue != tt.overdue {
				t.Fatalf("got %d reminders, escalated %v, overdue %v; want %d, %v, %v (history %+v)",
					reminders, escalated, r.Overdue, tt.reminders, tt.escalated, tt.overdue, r.History)
			}
		})
	}
	// The district reviewer has the escalated task; the township reviewer
	// no longer does, and may not act on it.
	res := e.api(e.district, "GET", "/api/v1/inbox?overdue=1", nil)
	check(t, res, 200, "")
	if got := recordIDs(t, res); !slices.Contains(got, id) {
		t.Fatalf("district's overdue inbox: got %v, want it to hold %s", got, id)
	}
	if got := recordIDs(t, e.api(e.township, "GET", "/api/v1/inbox", nil)); slices.Contains(got, id) {
		t.Fatalf("township inbox after escalation: got %v, want no %s", got, id)
	}
	res = e.api(e.township, "POST", "/api/v1/records/"+id+"/actions", map[string]any{"action": "approve"})
	check(t, res, 403, engine.EFORBIDDEN)

	// The record page tells the reminders and the escalation.
	cookie, _ := e.pageSession("district")
	page := e.do(req{method: "GET", target: "/records/" + id, cookies: map[string]string{sessionCookie: cookie}})
	check(t, page, 200, "")
	for _, s := range []string{"已催办 3 次", "已逾期上报", "催办提醒", "逾期上报", "系统", "已逾期"} {
		if !strings.Contains(page.body, s) {
			t.Errorf("the record page lacks %q", s)
		}
	}
}
