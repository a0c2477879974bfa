package server

import (
	"context"
	"strings"
	"testing"

	"canvass/engine"
)

// TestRecordPage checks the record page's forms as a browser without
// JavaScript uses them: refusals come back on the page next to the field,
// reveal shows personal values once and is audited.
func TestRecordPage(t *testing.T) {
	e := newSubsidyEnv(t)
	id := e.submit(e.worker, "", subsidyAnswers(1500)).ID
	target := "/records/" + id
	cookie, csrf := e.pageSession("township")
	withCookie := map[string]string{sessionCookie: cookie}
	post := func(path string, values ...string) result {
		return e.do(req{method: "POST", target: path, header: formHeader, cookies: withCookie, body: form(append([]string{"_csrf", csrf}, values...)...)})
	}

	page := e.do(req{method: "GET", target: target, cookies: withCookie})
	check(t, page, 200, "")
	for _, s := range []string{
		"奖励扶助申请", "2026年奖励扶助审核", "东关村", "乡镇审核", "东关街道", "2026-12-09 00:00:00",
		"申请人", "周**", "139****5678", "是", // masked answers with the form's labels
		`name="action" value="approve"`, `name="action" value="return"`, `name="action" value="reject"`, `name="action" value="claim"`,
		`name="reason"`, `action="` + target + `/reveal"`, `name="version" value="1"`,
	} {
		if !strings.Contains(page.body, s) {
			t.Errorf("the record page lacks %q", s)
		}
	}

	tests := []struct {
		name       string
		values     []string
		wantStatus int
		wantText   []string
	}{
		{"return without a reason", []string{"action", "return", "version", "1"}, 422, []string{"操作未完成", "请填写理由", `aria-invalid="true"`}},
		{"page without a version", []string{"action", "approve", "version", "0"}, 409, []string{"现在的状态是“乡镇审核”（版本 1）"}},
		{"unknown action", []string{"action", "explode", "version", "1"}, 422, []string{"未知操作"}},
		{"reassign by a reviewer", []string{"action", "reassign", "to", "district", "version", "1"}, 403, []string{"您的角色不能进行此操作"}},
		{"claim", []string{"action", "claim", "version", "1"}, 303, nil},
		{"approve with the old version", []string{"action", "approve", "version", "1"}, 409, []string{"该记录已被他人办理，现在的状态是“乡镇审核”（版本 2）"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := post(target+"/actions", tt.values...)
			if got := res.status; got != tt.wantStatus {
				t.Fatalf("status: got %d, want %d\n%s", got, tt.wantStatus, res.body)
			}
			for _, s := range tt.wantText {
				if !strings.Contains(res.body, s) {
					t.Errorf("the page lacks %q", s)
				}
			}
		})
	}
	page = e.do(req{method: "GET", target: target + "?done=claim", cookies: withCookie})
	for _, s := range []string{"已完成：认领。", "测试 township 已认领", `value="unclaim"`} {
		if !strings.Contains(page.body, s) {
			t.Errorf("after claiming, the page lacks %q", s)
		}
	}
	// A crafted link cannot make the page claim what did not happen.
	page = e.do(req{method: "GET", target: target + "?done=approve", cookies: withCookie})
	if strings.Contains(page.body, "已完成") {
		t.Errorf("the page confirms an approval that did not happen")
	}

	// Reveal: in full once, audited; the next view is masked again.
	res := post(target + "/reveal")
	check(t, res, 200, "")
	for _, s := range []string{applicantID, "13912345678", "周建华", "本次查看已记入审计日志"} {
		if !strings.Contains(res.body, s) {
			t.Errorf("the revealed page lacks %q", s)
		}
	}
	if got := res.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control of the revealed page: got %q, want no-store", got)
	}
	audit, err := e.store.ListAudit(context.Background(), engine.AuditFilter{Action: "pii.reveal"}, engine.Page{})
	if err != nil || len(audit.Events) != 1 || audit.Events[0].Actor != e.township.ID || audit.Events[0].ObjectID != id {
		t.Fatalf("reveal audit: %+v, %v", audit, err)
	}
	page = e.do(req{method: "GET", target: target, cookies: withCookie})
	if strings.Contains(page.body, applicantID) {
		t.Errorf("the page after a reveal still shows the ID number")
	}

	// The field worker may not reveal and gets no button for it.
	wcookie, wcsrf := e.pageSession("worker")
	page = e.do(req{method: "GET", target: target, cookies: map[string]string{sessionCookie: wcookie}})
	check(t, page, 200, "")
	if strings.Contains(page.body, "/reveal") {
		t.Errorf("the worker's page offers a reveal")
	}
	res = e.do(req{method: "POST", target: target + "/reveal", header: formHeader, cookies: map[string]string{sessionCookie: wcookie}, body: form("_csrf", wcsrf)})
	if res.status != 403 || strings.Contains(res.body, applicantID) {
		t.Errorf("worker reveal: got %d, want 403 without the ID number", res.status)
	}

	// In English, with the form's English labels.
	page = e.do(req{method: "GET", target: target + "?lang=en", cookies: withCookie})
	for _, s := range []string{"Subsidy application", "Amount (yuan)", "Township review", "History"} {
		if !strings.Contains(page.body, s) {
			t.Errorf("the English page lacks %q", s)
		}
	}

	// Signed out: to the sign-in page, coming back here after.
	res = e.do(req{method: "GET", target: target})
	if res.status != 303 || res.header.Get("Location") != "/login?next=%2Frecords%2F"+id {
		t.Errorf("signed out: got %d to %q", res.status, res.header.Get("Location"))
	}
}
