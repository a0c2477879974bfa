package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"canvass/engine"
)

// submitHousehold files the form page's household as the worker and
// returns the record.
func (e *formEnv) submitHousehold(t *testing.T, cookie, csrf string, extra ...string) *engine.Record {
	t.Helper()
	id := engine.NewID(e.clock.Now())
	res := e.do(req{method: "POST", target: newFormURL, cookies: pageAs(cookie), header: formHeader, body: householdPost(csrf, id, "submit", extra...)})
	if res.status != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", res.status, res.body)
	}
	r, err := e.store.GetRecord(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func pageHas(t *testing.T, what string, res result, status int, has, lacks []string) {
	t.Helper()
	if res.status != status {
		t.Fatalf("%s: status %d, want %d: %.500s", what, res.status, status, res.body)
	}
	for _, want := range has {
		if !strings.Contains(res.body, want) {
			t.Errorf("%s lacks %q", what, want)
		}
	}
	for _, not := range lacks {
		if strings.Contains(res.body, not) {
			t.Errorf("%s has %q", what, not)
		}
	}
}

// TestReturnedRecordCorrection: a returned record names its reason on the
// record page, the edit page and in the notification; its creator sees
// their own answers in full while correcting it (an audited reveal), a
// colleague sees them masked; the record keeps its short number.
func TestReturnedRecordCorrection(t *testing.T) {
	e := newFormEnv(t)
	e.user("colleague", grandUnit, engine.RoleFieldWorker)
	ctx := context.Background()
	cookie, csrf := e.pageSession("worker")
	r := e.submitHousehold(t, cookie, csrf)
	if r.Number != 1 {
		t.Fatalf("the first record's number is %d, want 1", r.Number)
	}
	second := e.submitHousehold(t, cookie, csrf, "respondentName", "钱美玲")
	if second.Number != 2 {
		t.Errorf("the second record's number is %d, want 2", second.Number)
	}

	rcookie, rcsrf := e.pageSession("reviewer")
	pageHas(t, "the reviewer's record page", e.do(req{method: "GET", target: "/records/" + r.ID, cookies: pageAs(rcookie)}), http.StatusOK,
		[]string{"1号", "记录编号", "认领后这条任务只由您处理", `aria-describedby="claim-tip"`}, nil)
	res := e.do(req{method: "POST", target: "/records/" + r.ID + "/actions", cookies: pageAs(rcookie), header: formHeader,
		body: form("_csrf", rcsrf, "action", "return", "version", "1", "reason", "身份证号码与户口簿不一致")})
	if res.status != http.StatusSeeOther {
		t.Fatalf("return: %d %s", res.status, res.body)
	}

	ns, err := e.eng.Notifications(ctx, asActor(e.worker), false, engine.Page{})
	if err != nil || len(ns.Notifications) == 0 || !strings.Contains(ns.Notifications[0].Message, "退回原因：身份证号码与户口簿不一致") {
		t.Errorf("the worker's notification does not give the reason: %+v %v", ns, err)
	}

	edit := "/records/" + r.ID + "/edit"
	reveals := func() int {
		page, err := e.store.ListAudit(ctx, engine.AuditFilter{Action: "pii.reveal", ObjectID: r.ID}, engine.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Events)
	}
	pageHas(t, "the creator's edit page", e.do(req{method: "GET", target: edit, cookies: pageAs(cookie)}), http.StatusOK,
		[]string{"退回原因：身份证号码与户口簿不一致", "这条记录被退回修改", `name="respondentName" value="赵丽华"`,
			`name="respondentId" value="` + headID + `"`, "这是您本人填写的记录"},
		[]string{"赵**"})
	if n := reveals(); n != 1 {
		t.Errorf("the creator's full view made %d audited reveals, want 1", n)
	}
	ccookie, _ := e.pageSession("colleague")
	pageHas(t, "a colleague's edit page", e.do(req{method: "GET", target: edit, cookies: pageAs(ccookie)}), http.StatusOK,
		[]string{"退回原因：身份证号码与户口簿不一致", `name="respondentName" value="赵**"`},
		[]string{"赵丽华", headID, "这是您本人填写的记录"})
	if n := reveals(); n != 1 {
		t.Errorf("a colleague's masked view was audited as a reveal (%d)", n)
	}
	pageHas(t, "the record page", e.do(req{method: "GET", target: "/records/" + r.ID, cookies: pageAs(cookie)}), http.StatusOK,
		[]string{"退回原因：身份证号码与户口簿不一致", "1号"}, nil)

	// Corrected from the full view and submitted again: the number stays.
	res = e.do(req{method: "POST", target: edit, cookies: pageAs(cookie), header: formHeader,
		body: householdPost(csrf, r.ID, "submit", "_version", "2", "householdSize", "4")})
	if res.status != http.StatusSeeOther {
		t.Fatalf("resubmit: %d %s", res.status, res.body)
	}
	again, err := e.store.GetRecord(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.Number != 1 || again.State != "township_review" {
		t.Errorf("after the correction: number %d, state %s", again.Number, again.State)
	}
	plain, err := e.eng.PlainAnswers(ctx, again)
	if err != nil || plain["respondentId"] != headID || plain["respondentName"] != "赵丽华" {
		t.Errorf("the corrected answers lost personal data: %v %v", plain, err)
	}
}

// TestInboxSearchAndSelectAll finds records by short number, full ID
// number (through the keyed hash) and part of a name, only in the
// reader's scope, and offers select all over the bulk form.
func TestInboxSearchAndSelectAll(t *testing.T) {
	e := newFormEnv(t)
	cookie, csrf := e.pageSession("worker")
	first := e.submitHousehold(t, cookie, csrf)
	e.submitHousehold(t, cookie, csrf, "respondentName", "钱美玲", "respondentId", "370102199002023453")
	rcookie, _ := e.pageSession("reviewer")
	ocookie, _ := e.pageSession("outsider")
	inbox := func(c, q string) result {
		return e.do(req{method: "GET", target: "/inbox?q=" + q, cookies: pageAs(c)})
	}
	for _, tc := range []struct {
		name, q    string
		cookie     string
		has, lacks []string
	}{
		{"by number", "1", rcookie, []string{"找到 1 条与“1”相符的记录", `href="/records/` + first.ID + `"`}, nil},
		{"by number with a prefix", "No.2", rcookie, []string{"找到 1 条", "2号"}, []string{`href="/records/` + first.ID + `">`}},
		{"by full ID number", headID, rcookie, []string{"找到 1 条", `href="/records/` + first.ID + `"`}, []string{headID + "</"}},
		{"by part of a name", "美玲", rcookie, []string{"找到 1 条", "2号"}, []string{"钱美玲"}},
		{"an ID number nobody has", "370102199912319990", rcookie, []string{"没有找到与“370102199912319990”相符的记录"}, nil},
		{"outside the scope", headID, ocookie, []string{"没有找到"}, []string{first.ID}},
		{"too long", strings.Repeat("赵", 41), rcookie, []string{"身份证号码须完整输入"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := inbox(tc.cookie, tc.q)
			// Only the search box's section: the tasks below list records too.
			if i := strings.Index(res.body, `id="search"`); i >= 0 {
				res.body = res.body[i:]
				res.body = res.body[:strings.Index(res.body, "</section>")]
			}
			pageHas(t, "the search", res, http.StatusOK, tc.has, tc.lacks)
		})
	}
	pageHas(t, "the reviewer's inbox", e.do(req{method: "GET", target: "/inbox", cookies: pageAs(rcookie)}), http.StatusOK,
		[]string{`class="select-all" data-target="inbox-item"`, `class="inbox-item"`, "全选本页", "1号", "2号"}, nil)
}
