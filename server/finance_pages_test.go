package server

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"canvass/engine"
	"canvass/engine/pay"
)

var tagPattern = regexp.MustCompile(`(?s)<[^>]*>`)

// visibleText is a page's text as a person reads it: no tags, no
// attributes.
func visibleText(body string) string {
	return html.UnescapeString(tagPattern.ReplaceAllString(body, " "))
}

// financePages is the finance env with a finance session for the pages.
type financePages struct {
	*financeEnv
	cookie, csrf string
}

func newFinancePages(t *testing.T) *financePages {
	fe := newFinanceEnv(t)
	cookie, csrf := fe.session("finance")
	return &financePages{financeEnv: fe, cookie: cookie, csrf: csrf}
}

func (fp *financePages) get(target string) result {
	return fp.do(req{method: "GET", target: target, cookies: pageAs(fp.cookie)})
}

func (fp *financePages) post(target string, fields ...string) result {
	return fp.do(req{method: "POST", target: target, cookies: pageAs(fp.cookie), header: formHeader, body: form(append([]string{"_csrf", fp.csrf}, fields...)...)})
}

// paidEntry is one of the worker's household payments in 2026-12 that
// stands (not a reversal, not reversed).
func (fp *financePages) paidEntry(t *testing.T) *pay.LedgerEntry {
	t.Helper()
	page, err := fp.srv.pay.PaymentEntries(context.Background(), asActor(fp.finance), "survey-2026", "", "", fp.worker.ID, "household_surveyed", engine.Page{})
	if err != nil {
		t.Fatal(err)
	}
	reversed := map[string]bool{}
	for _, e := range page.Entries {
		reversed[e.Reverses] = true
	}
	for _, e := range page.Entries {
		if e.Reverses == "" && !reversed[e.ID] {
			return e
		}
	}
	t.Fatalf("no payment stands: %+v", page.Entries)
	return nil
}

func (fp *financePages) total(t *testing.T, period string) int64 {
	t.Helper()
	tab, err := fp.srv.pay.Payments(context.Background(), asActor(fp.finance), pay.PaymentQuery{CampaignID: "survey-2026", Period: period})
	if err != nil {
		t.Fatal(err)
	}
	return tab.Total.TotalFen
}

func (fp *financePages) audit(t *testing.T, action string) []*engine.AuditEvent {
	t.Helper()
	page, err := fp.store.ListAudit(context.Background(), engine.AuditFilter{Action: action}, engine.Page{Limit: engine.MaxPageLimit})
	if err != nil {
		t.Fatal(err)
	}
	return page.Events
}

func wantText(t *testing.T, res result, status int, contains []string, lacks ...string) {
	t.Helper()
	if res.status != status {
		t.Errorf("status %d, want %d", res.status, status)
	}
	text := visibleText(res.body)
	for _, want := range contains {
		if !strings.Contains(text, want) {
			t.Errorf("the page lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range lacks {
		if strings.Contains(text, bad) {
			t.Errorf("the page shows %q", bad)
		}
	}
}

// TestFinanceReversalPage: preview with the new totals, a reason
// required, one reversal whatever the clicks, the totals changed.
func TestFinanceReversalPage(t *testing.T) {
	fp := newFinancePages(t)
	le := fp.paidEntry(t)
	target := "/finance/entries/" + le.ID + "/reverse"

	res := fp.get(target)
	wantText(t, res, http.StatusOK, []string{"冲销一笔劳务报酬", "入户调查：每条 50.00 元", "-50.00 元", "记入 2026-12 期",
		"本工作项目 2026-12 期合计", "100.00", "50.00", "确认冲销 -50.00 元"}, "reversal of", "reverses_key", "original_fen")
	if !strings.Contains(res.body, `name="target" value="2026-12"`) {
		t.Errorf("the form does not carry the period it showed")
	}

	for _, sc := range []struct {
		name     string
		fields   []string
		status   int
		contains []string
	}{
		{"without a reason", []string{"target", "2026-12", "reason", "  "}, http.StatusUnprocessableEntity, []string{"请填写原因"}},
		{"with a reason too long", []string{"target", "2026-12", "reason", strings.Repeat("长", pay.MaxReason+1)}, http.StatusUnprocessableEntity, []string{"原因太长"}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			wantText(t, fp.post(target, sc.fields...), sc.status, sc.contains)
		})
	}
	if got := fp.total(t, "2026-12"); got != 10000 {
		t.Fatalf("a refused reversal changed the total to %d", got)
	}

	res = fp.post(target, "target", "2026-12", "reason", "同一户重复登记", "back", "/finance?campaign=survey-2026&period=2026-12")
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/finance?") || !strings.Contains(res.header.Get("Location"), "done=reversed") {
		t.Fatalf("reverse: %d %s", res.status, res.header.Get("Location"))
	}
	if got := fp.total(t, "2026-12"); got != 5000 {
		t.Errorf("total after the reversal %d, want 5000", got)
	}
	// The second click of a double click, and a stale page: said, not posted.
	res = fp.post(target, "target", "2026-12", "reason", "同一户重复登记")
	wantText(t, res, http.StatusConflict, []string{"这笔已由 测试 finance 于", "没有重复冲销"})
	if got := fp.total(t, "2026-12"); got != 5000 {
		t.Errorf("total after the second click %d, want 5000", got)
	}
	if got := len(fp.audit(t, "ledger.reverse")); got != 1 {
		t.Errorf("%d reversal audit events, want 1", got)
	}
	// Two at once: one reversal.
	other := fp.paidEntry(t)
	results := fp.doAtOnce(4, func(int) req {
		return req{method: "POST", target: "/finance/entries/" + other.ID + "/reverse", cookies: pageAs(fp.cookie), header: formHeader,
			body: form("_csrf", fp.csrf, "target", "2026-12", "reason", "重复")}
	})
	ok := 0
	for _, r := range results {
		switch r.status {
		case http.StatusSeeOther:
			ok++
		case http.StatusConflict:
		default:
			t.Errorf("at once: status %d: %s", r.status, visibleText(r.body))
		}
	}
	if ok != 1 || fp.total(t, "2026-12") != 0 {
		t.Errorf("at once: %d reversals, total %d", ok, fp.total(t, "2026-12"))
	}
	// A reversal is not reversed.
	page, _ := fp.srv.pay.PaymentEntries(context.Background(), asActor(fp.finance), "survey-2026", "2026-12", "", fp.worker.ID, "household_surveyed", engine.Page{})
	for _, e := range page.Entries {
		if e.Reverses != "" {
			wantText(t, fp.get("/finance/entries/"+e.ID+"/reverse"), http.StatusUnprocessableEntity, []string{"这是一笔冲销记录，不能再冲销"})
			break
		}
	}
}

// TestFinanceReversalStalePeriod: the period the page showed was locked
// meanwhile: the page says who locked it and where the reversal goes now,
// and posts nothing until confirmed again.
func TestFinanceReversalStalePeriod(t *testing.T) {
	fp := newFinancePages(t)
	le := fp.paidEntry(t)
	target := "/finance/entries/" + le.ID + "/reverse"
	wantText(t, fp.get(target), http.StatusOK, []string{"记入 2026-12 期"})
	check(t, fp.api(fp.finance, "POST", "/api/v1/campaigns/survey-2026/periods/2026-12/lock", map[string]string{"reason": "已核对"}), http.StatusCreated, "")

	res := fp.post(target, "target", "2026-12", "reason", "同一户重复登记")
	wantText(t, res, http.StatusConflict, []string{"2026-12 期刚由 测试 finance 于", "冲销将改记入 2027-01 期", "没有记账", "记入 2027-01 期"})
	if fp.total(t, "2026-12") != 10000 || fp.total(t, "2027-01") != 0 {
		t.Fatalf("a stale page posted")
	}
	res = fp.post(target, "target", "2027-01", "reason", "同一户重复登记")
	if res.status != http.StatusSeeOther {
		t.Fatalf("confirm again: %d", res.status)
	}
	if fp.total(t, "2026-12") != 10000 || fp.total(t, "2027-01") != -5000 {
		t.Errorf("totals %d, %d", fp.total(t, "2026-12"), fp.total(t, "2027-01"))
	}
	// The drill-down says where it went and why.
	res = fp.get("/finance?campaign=survey-2026&period=2027-01&worker=" + fp.worker.ID + "&item=household_surveyed")
	wantText(t, res, http.StatusOK, []string{"冲销 2026-12 期的一笔 50.00 元（2026-12 期已锁定，记入 2027-01 期）；原因：同一户重复登记"})
}

// TestFinanceReversalScope: finance of another district neither sees nor
// reverses the entry; a field worker has no such page.
func TestFinanceReversalScope(t *testing.T) {
	fp := newFinancePages(t)
	le := fp.paidEntry(t)
	target := "/finance/entries/" + le.ID + "/reverse"
	oc, ocsrf := fp.session("otherfinance")
	check(t, fp.do(req{method: "GET", target: target, cookies: pageAs(oc)}), http.StatusNotFound, "")
	check(t, fp.do(req{method: "POST", target: target, cookies: pageAs(oc), header: formHeader,
		body: form("_csrf", ocsrf, "target", "2026-12", "reason", "x")}), http.StatusNotFound, "")
	wc, _ := fp.session("worker")
	check(t, fp.do(req{method: "GET", target: target, cookies: pageAs(wc)}), http.StatusForbidden, "")
	check(t, fp.do(req{method: "GET", target: "/finance/entries/not-an-id/reverse", cookies: pageAs(fp.cookie)}), http.StatusNotFound, "")
	if fp.total(t, "2026-12") != 10000 {
		t.Errorf("the total changed")
	}
}

// TestFinanceLockUnlockPages: reasons required, audited; a second lock
// names who locked first; an unlock of an open period says so.
func TestFinanceLockUnlockPages(t *testing.T) {
	fp := newFinancePages(t)
	keep := []string{"campaign", "survey-2026", "period", "2026-12"}
	wantText(t, fp.get("/finance?campaign=survey-2026&period=2026-12"), http.StatusOK, []string{"锁定 2026-12 期的原因"})
	for _, sc := range []struct {
		name     string
		target   string
		fields   []string
		status   int
		contains []string
	}{
		{"lock without a reason", "/finance/lock", append(keep, "reason", ""), http.StatusUnprocessableEntity, []string{"请填写原因"}},
		{"unlock of an open period", "/finance/unlock", append(keep, "reason", "补记"), http.StatusConflict, []string{"2026-12 期已经不是锁定状态"}},
		{"lock a period not begun", "/finance/lock", []string{"campaign", "survey-2026", "period", "2030-01", "reason", "x"}, http.StatusUnprocessableEntity, []string{"期间“2030-01”不对"}},
		{"lock", "/finance/lock", append(keep, "reason", "十二月已核对"), http.StatusSeeOther, nil},
		{"lock again (a stale page)", "/finance/lock", append(keep, "reason", "十二月已核对"), http.StatusConflict, []string{"2026-12 期已由 测试 finance 于", "无需再次锁定"}},
		{"unlock without a reason", "/finance/unlock", append(keep, "reason", " "), http.StatusUnprocessableEntity, []string{"请填写原因"}},
		{"unlock", "/finance/unlock", append(keep, "reason", "漏记一户，需补记"), http.StatusSeeOther, nil},
		{"unlock again", "/finance/unlock", append(keep, "reason", "漏记一户，需补记"), http.StatusConflict, []string{"已经不是锁定状态"}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			wantText(t, fp.post(sc.target, sc.fields...), sc.status, sc.contains)
		})
	}
	locks := fp.audit(t, "period.lock")
	unlocks := fp.audit(t, "period.unlock")
	if len(locks) != 1 || locks[0].Detail["reason"] != "十二月已核对" || len(unlocks) != 1 || unlocks[0].Detail["reason"] != "漏记一户，需补记" {
		t.Errorf("audit: locks %+v, unlocks %+v", locks, unlocks)
	}
	res := fp.get("/finance?campaign=survey-2026&period=2026-12&done=unlocked")
	wantText(t, res, http.StatusOK, []string{"已解锁 2026-12 期"})

	// The API: a reviewer may not; a reason is required.
	check(t, fp.api(fp.township, "POST", "/api/v1/campaigns/survey-2026/periods/2026-12/unlock", map[string]string{"reason": "x"}), http.StatusForbidden, engine.EFORBIDDEN)
	check(t, fp.api(fp.finance, "POST", "/api/v1/campaigns/survey-2026/periods/2026-12/lock", nil), http.StatusCreated, "")
	check(t, fp.api(fp.finance, "POST", "/api/v1/campaigns/survey-2026/periods/2026-12/unlock", map[string]string{"reason": ""}), http.StatusUnprocessableEntity, engine.EINVALID)
	check(t, fp.api(fp.otherFinance, "POST", "/api/v1/campaigns/survey-2026/periods/2026-12/unlock", map[string]string{"reason": "x"}), http.StatusNotFound, engine.ENOTFOUND)
	check(t, fp.api(fp.finance, "POST", "/api/v1/campaigns/survey-2026/periods/2026-12/unlock", map[string]string{"reason": "x"}), http.StatusNoContent, "")
	check(t, fp.api(fp.finance, "POST", "/api/v1/campaigns/survey-2026/periods/2026-12/unlock", map[string]string{"reason": "x"}), http.StatusConflict, engine.ECONFLICT)
}

// TestFinancePayrollExport re-reads the 发放表 with excelize: the title,
// the header, numeric counts and money, the totals.
func TestFinancePayrollExport(t *testing.T) {
	fp := newFinancePages(t)
	check(t, fp.api(fp.supervisor, "POST", "/api/v1/campaigns/survey-2026/attendance", map[string]string{"date": "2026-12-05", "worker": fp.supervisor.ID}), http.StatusOK, "")
	le := fp.paidEntry(t)
	if _, err := fp.srv.pay.ReverseEntry(context.Background(), asActor(fp.finance), le.ID, "重复"); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/finance/payroll.xlsx?campaign=survey-2026&period=2026-12", "/api/v1/campaigns/survey-2026/payroll.xlsx?period=2026-12"} {
		var res result
		if strings.HasPrefix(target, "/api/") {
			res = fp.api(fp.finance, "GET", target, nil)
		} else {
			res = fp.get(target)
		}
		check(t, res, http.StatusOK, "")
		f, err := excelize.OpenReader(strings.NewReader(res.body))
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetName(0)
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 6 || rows[0][0] != "劳务报酬发放表" {
			t.Fatalf("rows %q", rows)
		}
		if !strings.Contains(rows[1][0], "期间：2026-12") || !slices.Equal(rows[2], pay.PayrollHeader[:len(rows[2])]) {
			t.Errorf("subtitle %q, header %q", rows[1], rows[2])
		}
		// Numbers, not text: 数量 (F), 单价 (G), 金额 (H), 合计 (I).
		for _, cell := range []string{"F4", "G4", "H4", "I4", "F5", "H5", "I5", "F6", "H6", "I6"} {
			typ, err := f.GetCellType(sheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			v, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
			if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
				t.Errorf("%s is %v (%q), want a number", cell, typ, v)
			}
		}
		total, _ := f.GetCellValue(sheet, "H6", excelize.Options{RawCellValue: true})
		count, _ := f.GetCellValue(sheet, "F6", excelize.Options{RawCellValue: true})
		if rows[5][0] != "合计" || total != "100" || count != "2" {
			t.Errorf("totals row %q: total %q, count %q", rows[5], total, count)
		}
		// Two people: the supervisor (50, one day) and the worker (100 - 50).
		names := []string{rows[3][1], rows[4][1]}
		if rows[3][0] != "1" || rows[4][0] != "2" || !slices.Contains(names, "测试 worker") {
			t.Errorf("lines %q %q", rows[3], rows[4])
		}
	}
	res := fp.get("/finance/payroll?campaign=survey-2026&period=2026-12")
	wantText(t, res, http.StatusOK, []string{"劳务报酬发放表", "序号", "身份证号码", "签字", "100.00", "期间：2026-12"})
	if !strings.Contains(res.body, "finance.css") {
		t.Errorf("the print view has no print style")
	}
	if got := len(fp.audit(t, "export.payroll")); got != 3 {
		t.Errorf("%d payroll export audit events, want 3", got)
	}
	wc, _ := fp.session("worker")
	check(t, fp.do(req{method: "GET", target: "/finance/payroll?campaign=survey-2026", cookies: pageAs(wc)}), http.StatusForbidden, "")
}

// TestFinanceBudgetInWords: the budget box reads in words and yuan with
// the labels, against what the ledger paid; no expression shows.
func TestFinanceBudgetInWords(t *testing.T) {
	fp := newFinancePages(t)
	res := fp.get("/finance?campaign=census-2026")
	wantText(t, res, http.StatusOK, []string{"资料费：单价 5.00 元 × 计划培训人数 200 = 1,000.00 元",
		"午餐：单价 10.00 元 × 培训天数 2 × 已报名人数 0（按记录统计） = 0.00 元", "横幅：100.00 元",
		"预算合计（按当前记录）", "1,900.00", "已记入劳务报酬（台账）", "预算余额"}, "fen(", "* planned", "signups")
}
