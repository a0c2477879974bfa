package server

import (
	"context"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"canvass/engine"
)

// TestStudioVersions: the subsidy example published as version 1, four
// of its files changed and published through the studio as version 2, a
// draft 3 on top; the 版本历史 tab lists them with names and times and
// says what changed in plain words; bad version numbers and users out of
// scope are refused.
func TestStudioVersions(t *testing.T) {
	e := newEnv(t, Config{})
	author := e.user("author", ownUnit, engine.RoleAuthor)
	e.user("neighbour", siblingUnit, engine.RoleAuthor)
	e.user("township", childUnit, engine.RoleAuthor)
	e.user("worker", grandUnit, engine.RoleFieldWorker)
	e.publishSubsidyExample(author)

	// Version 2 of four files, saved as drafts at 01:30 China time and
	// published with the studio's one button.
	e.clock.Add(90 * time.Minute)
	ctx, a := context.Background(), asActor(author)
	dir := filepath.Join("..", "examples", "subsidy-review")
	change := func(kind, id, file string, pairs ...string) {
		t.Helper()
		src, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		s := strings.Replace(string(src), `org_scope: "341299"`, `org_scope: "`+ownUnit+`"`, 1)
		for i := 0; i < len(pairs); i += 2 {
			if !strings.Contains(s, pairs[i]) {
				t.Fatalf("%s lacks %q", file, pairs[i])
			}
			s = strings.Replace(s, pairs[i], pairs[i+1], 1)
		}
		if _, err := e.eng.SaveDraft(ctx, a, kind, id, file, []byte(s)); err != nil {
			t.Fatalf("save %s: %v", file, err)
		}
	}
	change(engine.KindForm, "subsidy-application", "subsidy-application.form.json",
		`"required": ["applicant", "idNumber", "subsidyType", "hukouRural", "household"]`, `"required": ["applicant", "idNumber", "mobile", "subsidyType", "hukouRural", "household"]`)
	change(engine.KindWorkflow, "subsidy-review", "subsidy-review.workflow.yaml", "    due: P7D\n", "    due: P10D\n")
	change(engine.KindPayTable, "subsidy-review-pay", "subsidy-review-pay.paytable.yaml", "amount: 500\n", "amount: 600\n")
	change(engine.KindCampaign, "subsidy-review-2027", "subsidy-review-2027.campaign.yaml", "closes: 2027-01-31", "closes: 2027-02-28")
	cookie, csrf := e.pageSession("author")
	if res := e.do(req{method: "POST", target: "/studio/campaigns/subsidy-review-2027/publish", cookies: pageAs(cookie),
		header: formHeader, body: form("_csrf", csrf)}); res.status != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", res.status, res.body)
	}
	// A draft 3 of the pay table, not published.
	e.clock.Add(time.Hour)
	change(engine.KindPayTable, "subsidy-review-pay", "subsidy-review-pay.paytable.yaml", "amount: 500\n", "amount: 700\n")

	sessions := map[string]string{"author": cookie}
	for _, u := range []string{"neighbour", "township", "worker"} {
		sessions[u], _ = e.pageSession(u)
	}
	const base = "/studio/campaigns/subsidy-review-2027/versions"
	for _, sc := range []struct {
		name     string
		who      string
		target   string
		status   int
		contains []string
		lacks    []string
	}{
		{name: "the history of every file, newest first", who: "author", target: base, status: http.StatusOK, contains: []string{
			`href="/studio/campaigns/subsidy-review-2027/versions" aria-current="page">版本历史</a>`,
			`id="history-campaign-subsidy-review-2027"`, `id="history-form-subsidy-application"`, `id="history-workflow-subsidy-review"`, `id="history-paytable-subsidy-review-pay"`,
			`<tr data-version="3">`, "未发布", "测试 author", "2026年12月6日 00:00", "2026年12月6日 01:30", "2026年12月6日 02:30",
			`<option value="2" selected>第 2 版</option>`, `<option value="3" selected>第 3 版（草稿）</option>`,
			`href="/studio/campaigns/subsidy-review-2027/versions/form/subsidy-application/1"`,
			"已填报的记录保留填报时所用的表单版本"},
			lacks: []string{`id="version-diff"`}},
		{name: "a form: now required", who: "author", target: base + "?kind=form&file=subsidy-application&from=1&to=2", status: http.StatusOK, contains: []string{
			`id="version-diff"`, "表单“计划生育家庭奖励扶助、特别扶助资格申请表”：第 1 版 → 第 2 版", `<li data-kind="field.required" data-path="/properties/mobile">字段「联系电话」改为必填</li>`, "共 1 处改动"}},
		{name: "picked the other way round, still older first", who: "author", target: base + "?kind=form&file=subsidy-application&from=2&to=1", status: http.StatusOK, contains: []string{
			"第 1 版 → 第 2 版", "字段「联系电话」改为必填"}},
		{name: "a workflow: the correction's time limit", who: "author", target: base + "?kind=workflow&file=subsidy-review&from=1&to=2", status: http.StatusOK, contains: []string{
			"「退回村级补正」时限由 7 天改为 10 天"}},
		{name: "a pay table: amounts in yuan, against the draft", who: "author", target: base + "?kind=paytable&file=subsidy-review-pay&from=1&to=3", status: http.StatusOK, contains: []string{
			"劳务项目「奖励对象清理核查采集」金额由 5.00 元改为 7.00 元"}},
		{name: "a campaign: the closing date", who: "author", target: base + "?kind=campaign&file=subsidy-review-2027&from=1&to=2", status: http.StatusOK, contains: []string{
			"截止日期由 2027年1月31日 改为 2027年2月28日"}},
		{name: "in English", who: "author", target: base + "?kind=form&file=subsidy-application&from=1&to=2&lang=en", status: http.StatusOK, contains: []string{
			`Field "Phone" is now required`, "version 1 → version 2", "6 Dec 2026 01:30"}, lacks: []string{"改为必填"}},
		{name: "a version's source, read-only and numbered", who: "author", target: base + "/workflow/subsidy-review/1", status: http.StatusOK, contains: []string{
			`id="version-source"`, `<tr id="v1-L1"><td class="ln">1</td>`, "    due: P7D", "测试 author 保存于 2026年12月6日 00:00", "subsidy-review.workflow.yaml"},
			lacks: []string{"due: P10D", `type="file"`}},

		{name: "letters for a version", who: "author", target: base + "?kind=form&file=subsidy-application&from=abc&to=2", status: http.StatusUnprocessableEntity, contains: []string{
			`id="versions-error"`, "请选择要比较的两个版本（版本号是从 1 开始的整数）"}},
		{name: "version 0", who: "author", target: base + "?kind=form&file=subsidy-application&from=0&to=2", status: http.StatusUnprocessableEntity, contains: []string{
			"版本号是从 1 开始的整数"}},
		{name: "one version twice", who: "author", target: base + "?kind=form&file=subsidy-application&from=2&to=2", status: http.StatusUnprocessableEntity, contains: []string{
			"请选择两个不同的版本进行比较"}},
		{name: "a version that does not exist", who: "author", target: base + "?kind=form&file=subsidy-application&from=1&to=9", status: http.StatusNotFound, contains: []string{
			"表单“计划生育家庭奖励扶助、特别扶助资格申请表”没有第 9 版"}},
		{name: "the source of a version that does not exist", who: "author", target: base + "/form/subsidy-application/9", status: http.StatusNotFound, contains: []string{
			"没有第 9 版"}},
		{name: "the source of version x", who: "author", target: base + "/form/subsidy-application/x", status: http.StatusUnprocessableEntity, contains: []string{
			"版本号是从 1 开始的整数"}},
		{name: "a file the campaign does not bind", who: "author", target: base + "?kind=form&file=another-form&from=1&to=2", status: http.StatusNotFound, contains: []string{
			"这个文件不属于本工作项目"}},

		{name: "a neighbouring district's author does not see it", who: "neighbour", target: base, status: http.StatusNotFound},
		{name: "nor its sources", who: "neighbour", target: base + "/form/subsidy-application/1", status: http.StatusNotFound},
		{name: "a township author inside it may not", who: "township", target: base, status: http.StatusForbidden},
		{name: "a field worker may not", who: "worker", target: base, status: http.StatusForbidden},
	} {
		t.Run(sc.name, func(t *testing.T) {
			res := e.do(req{method: "GET", target: sc.target, cookies: pageAs(sessions[sc.who])})
			if res.status != sc.status {
				t.Fatalf("status %d, want %d\n%s", res.status, sc.status, res.body)
			}
			body := html.UnescapeString(res.body)
			for _, want := range sc.contains {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks %q\n%s", want, body)
				}
			}
			for _, bad := range sc.lacks {
				if strings.Contains(body, bad) {
					t.Errorf("the page has %q", bad)
				}
			}
		})
	}
}
