package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"canvass/engine"
	"canvass/engine/pay"
)

// rolePages is a financeEnv with page sessions by username.
type rolePages struct {
	*financeEnv
	sessions map[string][2]string
}

func newRolePages(t *testing.T) *rolePages {
	t.Helper()
	return &rolePages{financeEnv: newFinanceEnv(t), sessions: map[string][2]string{}}
}

// page sends a page request as username: a GET, or a form POST with the
// session's CSRF token and the given fields.
func (rp *rolePages) page(username, method, target string, fields ...string) result {
	rp.t.Helper()
	s, ok := rp.sessions[username]
	if !ok {
		cookie, csrf := rp.pageSession(username)
		s = [2]string{cookie, csrf}
		rp.sessions[username] = s
	}
	r := req{method: method, target: target, cookies: pageAs(s[0])}
	if method == "POST" {
		r.header, r.body = formHeader, form(append([]string{"_csrf", s[1]}, fields...)...)
	}
	return rp.do(r)
}

// pageScenario is one page request and what its answer must hold.
type pageScenario struct {
	name           string
	who            string
	method, target string
	fields         []string
	status         int
	location       string // prefix of the redirect, for a 303
	has, lacks     []string
}

func (rp *rolePages) run(t *testing.T, scs []pageScenario) {
	t.Helper()
	for _, sc := range scs {
		t.Run(sc.name, func(t *testing.T) {
			res := rp.page(sc.who, sc.method, sc.target, sc.fields...)
			if res.status != sc.status {
				t.Fatalf("status %d, want %d: %.600s", res.status, sc.status, res.body)
			}
			if sc.location != "" && !strings.HasPrefix(res.header.Get("Location"), sc.location) {
				t.Errorf("Location %q, want %q…", res.header.Get("Location"), sc.location)
			}
			for _, want := range sc.has {
				if !strings.Contains(res.body, want) {
					t.Errorf("the page lacks %q", want)
				}
			}
			for _, not := range sc.lacks {
				if strings.Contains(res.body, not) {
					t.Errorf("the page has %q", not)
				}
			}
		})
	}
}

// deductions is the survey's withheld total in fen, as finance reads it.
func (rp *rolePages) totals(t *testing.T) pay.PaymentAmounts {
	t.Helper()
	table, err := rp.eng.Pay.Payments(context.Background(), asActor(rp.finance), pay.PaymentQuery{CampaignID: "survey-2026"})
	if err != nil {
		t.Fatal(err)
	}
	return table.Total
}

func TestRolePagesSpotCheck(t *testing.T) {
	rp := newRolePages(t)
	rp.user("othersuper", siblingUnit, engine.RoleSupervisor)
	const qc = "/campaigns/survey-2026/qc"
	rp.run(t, []pageScenario{
		{name: "before the draw", who: "super", method: "GET", target: qc + "?period=2026-12", status: http.StatusOK,
			has: []string{"抽查规则", "抽取 5%，至少 1 条", "本期尚未抽样", "抽取 2026-12 的样本", "完成 2 条，按 5%、至少 1 条，将抽取 1 条"}},
		{name: "a field worker may not", who: "worker", method: "GET", target: qc, status: http.StatusForbidden},
		{name: "a supervisor of another district: not found", who: "othersuper", method: "GET", target: qc, status: http.StatusNotFound},
		{name: "a bad period is named", who: "super", method: "POST", target: qc + "/sample", fields: []string{"period", "2026-13"},
			status: http.StatusUnprocessableEntity, has: []string{"期间格式不对"}},
		{name: "draw", who: "super", method: "POST", target: qc + "/sample", fields: []string{"period", "2026-12"},
			status: http.StatusSeeOther, location: qc + "?period=2026-12&done=drawn"},
		{name: "a second click shows the recorded sample", who: "super", method: "POST", target: qc + "/sample", fields: []string{"period", "2026-12"},
			status: http.StatusSeeOther, location: qc + "?period=2026-12&done=recorded"},
	})
	o, err := rp.eng.Pay.QCOverview(context.Background(), asActor(rp.supervisor), "survey-2026", "2026-12")
	if err != nil || o.Sample == nil || len(o.Sample.Records[rp.worker.ID]) != 1 {
		t.Fatalf("the recorded sample: %+v %v", o, err)
	}
	sampled := o.Sample.Records[rp.worker.ID][0]
	other := rp.households[0]
	if other == sampled {
		other = rp.households[1]
	}
	r, err := rp.store.GetRecord(context.Background(), sampled)
	if err != nil {
		t.Fatal(err)
	}
	version := strconv.FormatInt(r.Version, 10)
	outcome := qc + "/records/" + sampled
	before := rp.totals(t)
	rp.run(t, []pageScenario{
		{name: "the sample is listed with its seed", who: "super", method: "GET", target: qc + "?period=2026-12", status: http.StatusOK,
			has:   []string{strconv.FormatUint(o.Sample.Seed, 10), `id="r-` + sampled + `"`, "发放 入户调查 50.00 元", "待记录结果"},
			lacks: []string{"qc-draw"}},
		{name: "a problem needs a note", who: "super", method: "POST", target: outcome,
			fields: []string{"version", version, "period", "2026-12", "outcome", "problem"},
			status: http.StatusUnprocessableEntity, has: []string{"发现问题时请写明是什么问题"}},
		{name: "neither pass nor problem", who: "super", method: "POST", target: outcome,
			fields: []string{"version", version, "period", "2026-12", "outcome", "maybe"},
			status: http.StatusUnprocessableEntity, has: []string{"请选择“通过”或“发现问题”"}},
		{name: "a stale page", who: "super", method: "POST", target: outcome,
			fields: []string{"version", "1", "period", "2026-12", "outcome", "pass"},
			status: http.StatusConflict, has: []string{"页面已更新"}},
		{name: "a record not sampled has no spot check", who: "super", method: "POST", target: qc + "/records/" + other,
			fields: []string{"version", "3", "period", "2026-12", "outcome", "pass"},
			status: http.StatusConflict},
		{name: "an unknown record", who: "super", method: "POST", target: qc + "/records/01JAAAAAAAAAAAAAAAAAAAAAAA",
			fields: []string{"version", "1", "period", "2026-12", "outcome", "pass"},
			status: http.StatusNotFound, has: []string{"没有找到这条记录"}},
		{name: "a field worker may not record", who: "worker", method: "POST", target: outcome,
			fields: []string{"version", version, "period", "2026-12", "outcome", "pass"},
			status: http.StatusForbidden},
	})
	if after := rp.totals(t); after != before {
		t.Fatalf("refused outcomes changed the pay: %+v → %+v", before, after)
	}
	rp.run(t, []pageScenario{
		{name: "problem with a note", who: "super", method: "POST", target: outcome,
			fields: []string{"version", version, "period", "2026-12", "outcome", "problem", "reason", "户内人数不符"},
			status: http.StatusSeeOther, location: qc + "?period=2026-12&done=problem"},
		{name: "the withholding is shown", who: "super", method: "GET", target: qc + "?period=2026-12&done=problem", status: http.StatusOK,
			has: []string{"已记录抽查结果：发现问题", "户内人数不符", "扣发 入户调查 50.00 元"}},
		{name: "a double click says who recorded what", who: "super", method: "POST", target: outcome,
			fields: []string{"version", version, "period", "2026-12", "outcome", "problem", "reason", "户内人数不符"},
			status: http.StatusConflict, has: []string{"已记录抽查结果“发现问题”", "没有重复记录"}},
		{name: "in English", who: "super", method: "GET", target: qc + "?period=2026-12&lang=en", status: http.StatusOK,
			has: []string{"Spot checks", "Withholds Household surveyed: 50.00 yuan", "Problem found"}},
	})
	after := rp.totals(t)
	if after.DeductionFen != before.DeductionFen-5000 || after.TotalFen != before.TotalFen-5000 {
		t.Errorf("pay after one problem: %+v, before %+v; want exactly one 50-yuan withholding", after, before)
	}
}

func TestRolePagesAttendance(t *testing.T) {
	rp := newRolePages(t)
	const att = "/campaigns/survey-2026/attendance"
	rp.run(t, []pageScenario{
		{name: "the form lists the supervisors", who: "super", method: "GET", target: att, status: http.StatusOK,
			has: []string{`<option value="` + rp.supervisor.ID + `" selected>`, `name="date"`, "还没有登记"}},
		{name: "finance may not log", who: "finance", method: "GET", target: att, status: http.StatusForbidden},
		{name: "a day in the future", who: "super", method: "POST", target: att, fields: []string{"worker", rp.supervisor.ID, "date", "2026-12-09"},
			status: http.StatusUnprocessableEntity, has: []string{"请选择今天或以前的日期"}},
		{name: "not a date", who: "super", method: "POST", target: att, fields: []string{"worker", rp.supervisor.ID, "date", "5 Dec"},
			status: http.StatusUnprocessableEntity, has: []string{"请选择今天或以前的日期"}},
		{name: "a worker outside the scope", who: "super", method: "POST", target: att, fields: []string{"worker", rp.otherFinance.ID, "date", "2026-12-05"},
			status: http.StatusUnprocessableEntity, has: []string{"请从列表中选择人员"}},
		{name: "log a day", who: "super", method: "POST", target: att, fields: []string{"worker", rp.supervisor.ID, "date", "2026-12-05"},
			status: http.StatusSeeOther, location: att + "?done=logged"},
		{name: "again: paid once", who: "super", method: "POST", target: att, fields: []string{"worker", rp.supervisor.ID, "date", "2026-12-05"},
			status: http.StatusSeeOther, location: att + "?done=again"},
		{name: "the day and its pay are listed", who: "super", method: "GET", target: att + "?done=again&date=2026-12-05", status: http.StatusOK,
			has: []string{"2026-12-05 此前已登记过，没有重复计酬", "<td>2026-12-05</td>", "发放 指导员入户指导 50.00 元"}},
	})
	table, err := rp.eng.Pay.Payments(context.Background(), asActor(rp.finance), pay.PaymentQuery{CampaignID: "survey-2026", WorkerID: rp.supervisor.ID})
	if err != nil {
		t.Fatal(err)
	}
	if table.Total.Count != 1 || table.Total.TotalFen != 5000 {
		t.Errorf("the supervisor's pay: %+v, want one day of 50 yuan", table.Total)
	}
}

func TestRolePagesDataEntry(t *testing.T) {
	rp := newRolePages(t)
	rp.user("clerk", grandUnit, engine.RoleFieldWorker)
	rp.user("otherclerk", siblingUnit, engine.RoleFieldWorker)
	a, b := rp.households[0], rp.households[1]
	ver := func(id string) string {
		r, err := rp.store.GetRecord(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(r.Version, 10)
	}
	va, vb := ver(a), ver(b)
	const entry = "/entry?campaign=survey-2026"
	rp.run(t, []pageScenario{
		{name: "the list", who: "clerk", method: "GET", target: entry, status: http.StatusOK,
			has: []string{`value="` + a + ":" + va + `"`, `value="` + b + ":" + vb + `"`, "待标记 2 条", "全选本页"}},
		{name: "a reviewer may not", who: "township", method: "GET", target: entry, status: http.StatusForbidden},
		{name: "nothing ticked", who: "clerk", method: "POST", target: entry, status: http.StatusUnprocessableEntity, has: []string{"请先勾选"}},
		{name: "a stale item is refused and named", who: "clerk", method: "POST", target: entry, fields: []string{"one", a + ":1"},
			status: http.StatusOK, has: []string{"已标记 0 条，未标记 1 条", "该记录已被他人办理"}},
		{name: "out of scope: not found", who: "otherclerk", method: "POST", target: entry, fields: []string{"item", a + ":" + va},
			status: http.StatusOK, has: []string{"已标记 0 条，未标记 1 条"}},
		{name: "one by one", who: "clerk", method: "POST", target: entry, fields: []string{"one", a + ":" + va, "item", b + ":" + vb},
			status: http.StatusOK, has: []string{"已标记 1 条，未标记 0 条", "已标记为已录入"}},
		{name: "in bulk, one already entered", who: "clerk", method: "POST", target: entry, fields: []string{"item", a + ":" + va, "item", b + ":" + vb},
			status: http.StatusOK, has: []string{"已标记 1 条，未标记 1 条", "没有重复标记"}},
		{name: "none left", who: "clerk", method: "GET", target: entry, status: http.StatusOK, has: []string{"没有待标记的记录"}},
	})
	for _, id := range []string{a, b} {
		r, err := rp.store.GetRecord(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, h := range r.History {
			if h.Action == pay.ActionEnter {
				n++
			}
		}
		if n != 1 {
			t.Errorf("record %s was entered %d times", id, n)
		}
	}
}

func TestRolePagesHome(t *testing.T) {
	rp := newRolePages(t)
	rp.user("admin", ownUnit, engine.RoleAdmin)
	// The township reviewer returns one household with a reason; the
	// worker's home names it with the reason.
	r, err := rp.eng.Submit(context.Background(), asActor(rp.worker), engine.Submission{CampaignID: "survey-2026", FormID: "fertility-household", Answers: map[string]any{"household": "H9"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rp.eng.Act(context.Background(), asActor(rp.township), r.Record.ID, engine.Action{Name: "return", Reason: "门牌号缺失"}); err != nil {
		t.Fatal(err)
	}
	if _, err := rp.eng.Submit(context.Background(), asActor(rp.worker), engine.Submission{CampaignID: "survey-2026", FormID: "fertility-household", Answers: map[string]any{"household": "H10"}}); err != nil {
		t.Fatal(err)
	}
	rp.run(t, []pageScenario{
		{name: "field worker", who: "worker", method: "GET", target: "/", status: http.StatusOK,
			has:   []string{`data-role="field_worker"`, "待办任务", "被退回待修改的记录", "退回原因：门牌号缺失", `href="/records/` + r.Record.ID + `/edit"`, `href="/entry"`},
			lacks: []string{"以后", "later version", "后续版本"}},
		{name: "reviewer", who: "township", method: "GET", target: "/", status: http.StatusOK,
			has: []string{`data-role="reviewer"`, `href="/inbox?campaign=survey-2026"`, "人口监测基线调查：待审核", `<span class="badge count">1 项</span>`}},
		{name: "supervisor", who: "super", method: "GET", target: "/", status: http.StatusOK,
			has: []string{`data-role="supervisor"`, `href="/campaigns/survey-2026/qc"`, `href="/campaigns/survey-2026/attendance"`, `href="/dashboard"`}},
		{name: "finance", who: "finance", method: "GET", target: "/", status: http.StatusOK,
			has: []string{`data-role="finance"`, `href="/finance?campaign=survey-2026"`, "2026-11 期间尚未锁定"}},
		{name: "admin", who: "admin", method: "GET", target: "/", status: http.StatusOK,
			has: []string{`data-role="admin"`, `href="/admin/users"`, `href="/admin/locks"`, `href="/admin/orgunits"`, `href="/admin/campaigns"`, `href="/admin/audit"`}},
		{name: "in English", who: "worker", method: "GET", target: "/?lang=en", status: http.StatusOK,
			has: []string{"Tasks to do", "Reason for return: 门牌号缺失"}},
	})
}

func TestRolePagesAdminActions(t *testing.T) {
	rp := newRolePages(t)
	rp.user("admin", ownUnit, engine.RoleAdmin)
	rp.user("otheradmin", siblingUnit, engine.RoleAdmin)
	links, err := rp.eng.CreateLinks(context.Background(), asActor(rp.supervisor), engine.LinkSpec{Campaign: "survey-2026", Form: "fertility-household", OrgUnit: grandUnit})
	if err != nil {
		t.Fatal(err)
	}
	link := links[0].Link.ID
	revoke := "/campaigns/survey-2026/links/" + link + "/revoke"

	// Five wrong passwords lock the worker out from this address.
	for range 5 {
		rp.do(req{method: "POST", target: "/api/v1/login", json: map[string]string{"username": "worker", "password": "wrong-password-1"}})
	}
	rp.run(t, []pageScenario{
		{name: "revoke", who: "super", method: "POST", target: revoke, status: http.StatusSeeOther, location: "/campaigns/survey-2026/links?done=revoked"},
		{name: "revoke again", who: "super", method: "POST", target: revoke, status: http.StatusSeeOther, location: "/campaigns/survey-2026/links?done=revokedBefore"},
		{name: "the link shows revoked", who: "super", method: "GET", target: "/campaigns/survey-2026/links?done=revokedBefore", status: http.StatusOK,
			has: []string{"这个二维码此前已被收回", `id="link-` + link + `"`}},
		{name: "revoke: a reviewer may not", who: "township", method: "POST", target: revoke, status: http.StatusForbidden},

		{name: "campaigns page", who: "admin", method: "GET", target: "/admin/campaigns", status: http.StatusOK,
			has: []string{"人口监测基线调查", "提前结束这个工作项目", "进行中"}},
		{name: "close without confirming", who: "admin", method: "POST", target: "/campaigns/survey-2026/close", fields: []string{"reason", "经费调整"},
			status: http.StatusUnprocessableEntity, has: []string{"请勾选确认后再提交"}},
		{name: "close without a reason", who: "admin", method: "POST", target: "/campaigns/survey-2026/close", fields: []string{"reason", " ", "confirm", "on"},
			status: http.StatusUnprocessableEntity, has: []string{"请写明结束原因"}},
		{name: "close: a finance user may not", who: "finance", method: "POST", target: "/campaigns/survey-2026/close", fields: []string{"reason", "x", "confirm", "on"},
			status: http.StatusForbidden},
		{name: "close", who: "admin", method: "POST", target: "/campaigns/survey-2026/close", fields: []string{"reason", "经费调整", "confirm", "on"},
			status: http.StatusSeeOther, location: "/admin/campaigns?done=closed"},
		{name: "close again", who: "admin", method: "POST", target: "/campaigns/survey-2026/close", fields: []string{"reason", "经费调整", "confirm", "on"},
			status: http.StatusSeeOther, location: "/admin/campaigns?done=closedBefore"},
		{name: "the campaign shows closed", who: "admin", method: "GET", target: "/admin/campaigns", status: http.StatusOK,
			has: []string{"已提前结束", "结束原因：经费调整"}},

		{name: "locks", who: "admin", method: "GET", target: "/admin/locks", status: http.StatusOK,
			has: []string{"<code>worker</code>", `action="/admin/users/` + rp.worker.ID + `/unlock"`}},
		{name: "locks of another district", who: "otheradmin", method: "GET", target: "/admin/locks", status: http.StatusOK,
			has: []string{"没有被锁定的账号"}},
		{name: "unlock outside the scope", who: "otheradmin", method: "POST", target: "/admin/users/" + rp.worker.ID + "/unlock", status: http.StatusNotFound},
		{name: "unlock: a supervisor may not", who: "super", method: "POST", target: "/admin/users/" + rp.worker.ID + "/unlock", status: http.StatusForbidden},
		{name: "unlock", who: "admin", method: "POST", target: "/admin/users/" + rp.worker.ID + "/unlock", fields: []string{"username", "worker"},
			status: http.StatusSeeOther, location: "/admin/locks?done=unlocked&user=worker"},
		{name: "unlock again", who: "admin", method: "POST", target: "/admin/users/" + rp.worker.ID + "/unlock", fields: []string{"username", "worker"},
			status: http.StatusSeeOther, location: "/admin/locks?done=notlocked&user=worker"},
	})
	if res := rp.do(req{method: "POST", target: "/api/v1/login", json: map[string]string{"username": "worker", "password": testPassword}}); res.status != http.StatusOK {
		t.Errorf("the unlocked worker cannot sign in: %d %s", res.status, res.body)
	}
	if _, err := rp.eng.Submit(context.Background(), asActor(rp.worker), engine.Submission{CampaignID: "survey-2026", FormID: "fertility-household", Answers: map[string]any{"household": "H7"}}); engine.ErrorCode(err) != engine.ECLOSED {
		t.Errorf("submit to the closed campaign: %v, want %s", err, engine.ECLOSED)
	}
}
