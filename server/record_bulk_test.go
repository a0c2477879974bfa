package server

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"canvass/engine"
)

// TestBulkActionAPI approves a batch in which some records cannot be
// approved: each gets its own result, and only the good ones change.
func TestBulkActionAPI(t *testing.T) {
	e := newSubsidyEnv(t)
	small := e.submit(e.worker, "", subsidyAnswers(500)).ID  // approved by the township
	large := e.submit(e.worker, "", subsidyAnswers(5000)).ID // goes on to the district
	stale := e.submit(e.worker, "", subsidyAnswers(600)).ID  // approved with an old version
	returned := e.submit(e.worker, "", subsidyAnswers(700)).ID
	nephewWorker := e.user("nephew", nephewUnit, engine.RoleFieldWorker)
	outside := e.submit(nephewWorker, "", subsidyAnswers(800)).ID
	check(t, e.api(e.township, "POST", "/api/v1/records/"+returned+"/actions", map[string]any{"action": "return", "reason": "请补充材料"}), 200, "")
	check(t, e.api(e.township, "POST", "/api/v1/records/"+stale+"/actions", map[string]any{"action": engine.ActionClaim}), 200, "")

	res := e.api(e.township, "POST", "/api/v1/records/actions", map[string]any{
		"action": "approve",
		"items": []map[string]any{
			{"id": small, "version": 1},
			{"id": large, "version": 1},
			{"id": stale, "version": 1},
			{"id": returned, "version": 2},
			{"id": outside, "version": 1},
		},
	})
	check(t, res, 200, "")
	var out bulkJSON
	res.decode(t, &out)
	var got []string
	for _, r := range out.Results {
		got = append(got, fmt.Sprintf("%v/%s/%s/%d", r.OK, r.Code, r.State, r.Version))
	}
	want := []string{
		"true//approved/2",
		"true//district_review/2",
		"false/conflict/township_review/2", // claimed since: version 2
		"false/forbidden//0",               // back at the village: not the township's to approve
		"false/not_found//0",               // another district's record
	}
	if !slices.Equal(got, want) || out.Succeeded != 2 || out.Failed != 3 {
		t.Fatalf("results:\n got %v (%d ok, %d failed)\nwant %v", got, out.Succeeded, out.Failed, want)
	}
	if r := e.record(e.township, stale); r.State != "township_review" || r.Version != 2 {
		t.Fatalf("the stale record changed: %s version %d", r.State, r.Version)
	}

	items := func(n int) []map[string]any {
		out := make([]map[string]any, n)
		for i := range out {
			out[i] = map[string]any{"id": fmt.Sprintf("01KCA8A8DXWZ9V7NQ1J1Q0%04d", i), "version": 1}
		}
		return out
	}
	tests := []struct {
		name       string
		body       map[string]any
		wantStatus int
		wantCode   string
		wantFields []string
	}{
		{"too many", map[string]any{"action": "approve", "items": items(maxBulkItems + 1)}, 413, engine.ETOOLARGE, []string{"/items"}},
		{"as many as allowed", map[string]any{"action": "approve", "items": items(maxBulkItems)}, 200, "", nil},
		{"no items", map[string]any{"action": "approve", "items": []any{}}, 422, engine.EINVALID, []string{"/items"}},
		{"return without a reason", map[string]any{"action": "return", "items": items(1)}, 422, engine.EINVALID, []string{"/reason"}},
		{"not for bulk", map[string]any{"action": "submit", "items": items(1)}, 422, engine.EINVALID, []string{"/action"}},
		{"bad ID and no version", map[string]any{"action": "approve", "items": []map[string]any{{"id": "x"}}}, 422, engine.EINVALID, []string{"/items/0/id", "/items/0/version"}},
		{"repeated record", map[string]any{"action": "approve", "items": []map[string]any{{"id": small, "version": 2}, {"id": small, "version": 2}}}, 422, engine.EINVALID, []string{"/items/1/id"}},
		{"unknown field", map[string]any{"action": "approve", "items": items(1), "all": true}, 422, engine.EINVALID, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.api(e.township, "POST", "/api/v1/records/actions", tt.body)
			check(t, res, tt.wantStatus, tt.wantCode)
			if got := errPointers(res); tt.wantFields != nil && !slices.Equal(got, tt.wantFields) {
				t.Errorf("fields: got %v, want %v", got, tt.wantFields)
			}
		})
	}
}

// TestInboxBulkForm uses the inbox page as a browser without JavaScript
// does: tick records, post the form, read the results.
func TestInboxBulkForm(t *testing.T) {
	e := newSubsidyEnv(t)
	a := e.submit(e.worker, "", subsidyAnswers(300)).ID
	b := e.submit(e.worker, "", subsidyAnswers(400)).ID
	cookie, csrf := e.pageSession("township")
	withCookie := map[string]string{sessionCookie: cookie}

	page := e.do(req{method: "GET", target: "/inbox", cookies: withCookie})
	check(t, page, 200, "")
	for _, s := range []string{`value="` + a + `:1"`, `value="` + b + `:1"`, "共 2 条", "申请金额（元）: 300", "周**", `action="/inbox/actions"`} {
		if !strings.Contains(page.body, s) {
			t.Errorf("the inbox page lacks %q", s)
		}
	}
	if strings.Contains(page.body, "周建华") {
		t.Errorf("the inbox page shows a name in full")
	}

	post := func(values ...string) result {
		return e.do(req{method: "POST", target: "/inbox/actions", header: formHeader, cookies: withCookie,
			body: form(append([]string{"_csrf", csrf}, values...)...)})
	}
	tests := []struct {
		name       string
		values     []string
		wantStatus int
		wantText   []string
	}{
		{"no CSRF token", nil, 403, []string{"您的角色不能进行此操作"}},
		{"nothing ticked", []string{"action", "approve"}, 422, []string{"请先勾选要办理的记录"}},
		{"return without a reason", []string{"action", "return", "item", a + ":1"}, 422, []string{"请填写理由", `value="` + a + `:1" checked`}},
		{"return with a reason", []string{"action", "return", "reason", "缺少户口簿复印件", "item", a + ":1", "item", b + ":7"},
			200, []string{"成功 1 条，未成功 1 条", "退回修改：现在是“退回修改”", "该记录已被他人办理，现在的状态是“乡镇审核”（版本 1）"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res result
			if tt.values == nil {
				res = e.do(req{method: "POST", target: "/inbox/actions", header: formHeader, cookies: withCookie, body: form("action", "approve", "item", a+":1")})
			} else {
				res = post(tt.values...)
			}
			if got := res.status; got != tt.wantStatus {
				t.Errorf("status: got %d, want %d", got, tt.wantStatus)
			}
			for _, s := range tt.wantText {
				if !strings.Contains(res.body, s) {
					t.Errorf("the page lacks %q:\n%s", s, res.body)
				}
			}
		})
	}
	r := e.record(e.worker, a)
	if r.State != "returned" || r.History[len(r.History)-1].Reason != "缺少户口簿复印件" {
		t.Fatalf("the returned record: %s, %+v", r.State, r.History)
	}
	// The bulk form posts back to the page's own filter, so the list after
	// the post is the one the reviewer was looking at.
	page = e.do(req{method: "GET", target: "/inbox?state=" + url.QueryEscape("township_review"), cookies: withCookie})
	check(t, page, 200, "")
	for _, s := range []string{`action="/inbox/actions?state=township_review"`, `value="` + b + `:1"`, "共 1 条"} {
		if !strings.Contains(page.body, s) {
			t.Errorf("the filtered inbox page lacks %q", s)
		}
	}
}

// TestInboxWithoutBulk: a field worker's inbox holds records to correct,
// which no bulk action applies to, so it offers none.
func TestInboxWithoutBulk(t *testing.T) {
	e := newSubsidyEnv(t)
	id := e.submit(e.worker, "", subsidyAnswers(300)).ID
	check(t, e.api(e.township, "POST", "/api/v1/records/"+id+"/actions", map[string]any{"action": "return", "reason": "请补充材料"}), 200, "")
	cookie, _ := e.pageSession("worker")
	page := e.do(req{method: "GET", target: "/inbox", cookies: map[string]string{sessionCookie: cookie}})
	check(t, page, 200, "")
	if !strings.Contains(page.body, "/records/"+id) || !strings.Contains(page.body, "退回修改") {
		t.Errorf("the worker's inbox lacks the returned record")
	}
	if strings.Contains(page.body, `name="item"`) || strings.Contains(page.body, "批量通过") {
		t.Errorf("the worker's inbox offers bulk actions")
	}
	// The record page sends the worker to the form to correct it.
	page = e.do(req{method: "GET", target: "/records/" + id, cookies: map[string]string{sessionCookie: cookie}})
	for _, s := range []string{`href="/records/` + id + `/edit"`, `value="submit"`, "请补充材料"} {
		if !strings.Contains(page.body, s) {
			t.Errorf("the worker's record page lacks %q", s)
		}
	}
}
