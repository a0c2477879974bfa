package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"canvass/engine"
	"canvass/engine/pay"
	"canvass/engine/tabular"
)

// financeEnv is a server with the pay examples of engine/testdata/pay
// published and two surveyed households accepted: 2 × 50 yuan.
type financeEnv struct {
	*env
	worker, township, supervisor, finance, otherFinance *engine.User
	households                                          []string
	tokens                                              map[string]string
}

func newFinanceEnv(t *testing.T) *financeEnv {
	t.Helper()
	e := newEnv(t, Config{})
	fe := &financeEnv{env: e,
		worker:       e.user("worker", grandUnit, engine.RoleFieldWorker),
		township:     e.user("township", childUnit, engine.RoleReviewer),
		supervisor:   e.user("super", ownUnit, engine.RoleSupervisor),
		finance:      e.user("finance", ownUnit, engine.RoleFinance),
		otherFinance: e.user("otherfinance", siblingUnit, engine.RoleFinance),
		tokens:       map[string]string{},
	}
	author := asActor(e.user("author", ownUnit, engine.RoleAuthor))
	ctx := context.Background()
	for _, f := range []struct{ kind, id, file string }{
		{engine.KindForm, "fertility-household", "fertility-household.form.json"},
		{engine.KindForm, "trainer-signup", "trainer-signup.form.json"},
		{engine.KindWorkflow, "village-review", "village-review.workflow.yaml"},
		{engine.KindPayTable, "fertility-survey-pay", "fertility-survey.paytable.yaml"},
		{engine.KindCampaign, "survey-2026", "survey-2026.campaign.yaml"},
		{engine.KindCampaign, "census-2026", "census-2026.campaign.yaml"},
	} {
		src, err := os.ReadFile(filepath.Join("..", "engine", "testdata", "pay", f.file))
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.eng.SaveDraft(ctx, author, f.kind, f.id, f.file, src)
		if err != nil {
			t.Fatalf("save %s: %v", f.file, err)
		}
		if _, err := e.eng.Publish(ctx, author, f.kind, f.id, res.Definition.Version); err != nil {
			t.Fatalf("publish %s: %v %v", f.file, err, engine.ErrorFields(err))
		}
	}
	for range 2 {
		res, err := e.eng.Submit(ctx, asActor(fe.worker), engine.Submission{CampaignID: "survey-2026", FormID: "fertility-household", Answers: map[string]any{"household": "H1"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.eng.Act(ctx, asActor(fe.township), res.Record.ID, engine.Action{Name: "approve"}); err != nil {
			t.Fatal(err)
		}
		fe.households = append(fe.households, res.Record.ID)
	}
	return fe
}

func (fe *financeEnv) api(u *engine.User, method, target string, body any) result {
	fe.t.Helper()
	tok, ok := fe.tokens[u.ID]
	if !ok {
		tok = fe.apiToken(u)
		fe.tokens[u.ID] = tok
	}
	return fe.do(req{method: method, target: target, json: body, header: bearer(tok)})
}

func TestFinanceAPIAccess(t *testing.T) {
	fe := newFinanceEnv(t)
	tests := []struct {
		name   string
		u      *engine.User
		method string
		target string
		body   any
		status int
		code   string
	}{
		{"finance reads payments", fe.finance, "GET", "/api/v1/campaigns/survey-2026/payments?period=2026-12", nil, http.StatusOK, ""},
		{"a field worker may not", fe.worker, "GET", "/api/v1/campaigns/survey-2026/payments", nil, http.StatusForbidden, engine.EFORBIDDEN},
		{"finance of another district: not found", fe.otherFinance, "GET", "/api/v1/campaigns/survey-2026/payments", nil, http.StatusNotFound, engine.ENOTFOUND},
		{"unknown campaign", fe.finance, "GET", "/api/v1/campaigns/nope-2026/payments", nil, http.StatusNotFound, engine.ENOTFOUND},
		{"bad period", fe.finance, "GET", "/api/v1/campaigns/survey-2026/payments?period=2026-13", nil, http.StatusUnprocessableEntity, engine.EINVALID},
		{"org unit outside scope", fe.finance, "GET", "/api/v1/campaigns/survey-2026/payments?org=" + siblingUnit, nil, http.StatusNotFound, engine.ENOTFOUND},
		{"lock: a reviewer may not", fe.township, "POST", "/api/v1/campaigns/survey-2026/periods/2026-12/lock", nil, http.StatusForbidden, engine.EFORBIDDEN},
		{"lock: a quarter on a monthly table", fe.finance, "POST", "/api/v1/campaigns/survey-2026/periods/2026-Q4/lock", nil, http.StatusUnprocessableEntity, engine.EINVALID},
		{"lock: a period not begun", fe.finance, "POST", "/api/v1/campaigns/survey-2026/periods/2027-01/lock", nil, http.StatusUnprocessableEntity, engine.EINVALID},
		{"budget of a campaign without one", fe.finance, "GET", "/api/v1/campaigns/survey-2026/budget", nil, http.StatusNotFound, engine.ENOTFOUND},
		{"attendance by finance", fe.finance, "POST", "/api/v1/campaigns/survey-2026/attendance", map[string]string{"date": "2026-12-05", "worker": fe.supervisor.ID}, http.StatusForbidden, engine.EFORBIDDEN},
		{"attendance: bad date", fe.supervisor, "POST", "/api/v1/campaigns/survey-2026/attendance", map[string]string{"date": "5 Dec", "worker": fe.supervisor.ID}, http.StatusUnprocessableEntity, engine.EINVALID},
		{"attendance: unknown field", fe.supervisor, "POST", "/api/v1/campaigns/survey-2026/attendance", map[string]string{"day": "2026-12-05"}, http.StatusUnprocessableEntity, engine.EINVALID},
		{"qc outcome without a spot check", fe.supervisor, "POST", "/api/v1/records/" + fe.households[0] + "/qc", map[string]any{"pass": true}, http.StatusUnprocessableEntity, engine.EINVALID},
		{"reverse: unknown entry", fe.finance, "POST", "/api/v1/ledger/01JAAAAAAAAAAAAAAAAAAAAAAA/reverse", map[string]string{"reason": "x"}, http.StatusNotFound, engine.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, fe.api(tt.u, tt.method, tt.target, tt.body), tt.status, tt.code)
		})
	}
}

// TestFinanceFlow pays, spot-checks, exports, locks and corrects over HTTP.
func TestFinanceFlow(t *testing.T) {
	fe := newFinanceEnv(t)
	var table paymentsJSON
	res := fe.api(fe.finance, "GET", "/api/v1/campaigns/survey-2026/payments?period=2026-12", nil)
	check(t, res, http.StatusOK, "")
	res.decode(t, &table)
	if table.Total.TotalFen != 10000 || table.Total.Total != "100.00" || len(table.Rows) != 1 || table.Rows[0].Count != 2 || table.Rows[0].RateFen != 5000 {
		t.Fatalf("table %+v", table)
	}

	// The supervisor's day, twice: paid once.
	for range 2 {
		res = fe.api(fe.supervisor, "POST", "/api/v1/campaigns/survey-2026/attendance", map[string]string{"date": "2026-12-05", "worker": fe.supervisor.ID})
		check(t, res, http.StatusOK, "")
	}
	var entries struct{ Entries []ledgerEntryJSON }
	res.decode(t, &entries)
	if len(entries.Entries) != 1 || entries.Entries[0].AmountFen != 5000 || entries.Entries[0].Rule != "fen(50) * count" {
		t.Fatalf("attendance entries %+v", entries)
	}

	// A spot check finds a problem with one household: its 50 is withheld.
	res = fe.api(fe.supervisor, "POST", "/api/v1/campaigns/survey-2026/qc/sample", map[string]string{"period": "2026-12"})
	check(t, res, http.StatusCreated, "")
	var sample struct {
		Records map[string][]string
	}
	res.decode(t, &sample)
	sampled := sample.Records[fe.worker.ID]
	if len(sampled) != 1 {
		t.Fatalf("sample %s", res.body)
	}
	check(t, fe.api(fe.supervisor, "POST", "/api/v1/records/"+sampled[0]+"/qc", map[string]any{"pass": false}), http.StatusUnprocessableEntity, engine.EINVALID)
	check(t, fe.api(fe.supervisor, "POST", "/api/v1/records/"+sampled[0]+"/qc", map[string]any{"pass": false, "reason": "wrong household size"}), http.StatusOK, "")

	res = fe.api(fe.finance, "GET", "/api/v1/campaigns/survey-2026/payments?period=2026-12", nil)
	res.decode(t, &table)
	if got := table.Total; got.TotalFen != 10000 || got.AmountFen != 15000 || got.DeductionFen != -5000 || got.Count != 3 {
		t.Errorf("after the spot check: %+v", got)
	}
	if len(table.OrgUnits) != 2 {
		t.Errorf("org-unit totals %+v", table.OrgUnits)
	}

	// Drill-down from the worker's amount to its entries.
	res = fe.api(fe.finance, "GET", "/api/v1/campaigns/survey-2026/payments/entries?period=2026-12&worker="+fe.worker.ID+"&item=household_surveyed", nil)
	check(t, res, http.StatusOK, "")
	res.decode(t, &entries)
	if len(entries.Entries) != 3 {
		t.Fatalf("drill-down: %s", res.body)
	}
	var paid string
	for _, le := range entries.Entries {
		if le.Reverses == "" && le.Record != sampled[0] {
			paid = le.ID
		}
	}

	t.Run("xlsx export", func(t *testing.T) {
		res := fe.api(fe.finance, "GET", "/api/v1/campaigns/survey-2026/payments.xlsx?period=2026-12", nil)
		check(t, res, http.StatusOK, "")
		r, err := tabular.Open("payments.xlsx", strings.NewReader(res.body))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if got := r.Header(); !slices.Equal(got, pay.PaymentHeader) {
			t.Errorf("header %v", got)
		}
		var last []string
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			last = row
		}
		if want := []string{"合计", "", "", "", "3", "", "150.00", "0.00", "-50.00", "100.00"}; !slices.Equal(last, want) {
			t.Errorf("totals row %q, want %q", last, want)
		}
	})
	t.Run("csv export", func(t *testing.T) {
		res := fe.api(fe.finance, "GET", "/api/v1/campaigns/survey-2026/payments.csv?period=2026-12", nil)
		check(t, res, http.StatusOK, "")
		if !bytes.HasPrefix([]byte(res.body), []byte("\xef\xbb\xbf单位,人员")) || !strings.Contains(res.body, "合计,,,,3,,150.00,0.00,-50.00,100.00") {
			t.Errorf("csv %q", res.body)
		}
	})

	// Lock December; a correction then lands in January.
	check(t, fe.api(fe.finance, "POST", "/api/v1/campaigns/survey-2026/periods/2026-12/lock", nil), http.StatusCreated, "")
	check(t, fe.api(fe.finance, "POST", "/api/v1/campaigns/survey-2026/periods/2026-12/lock", nil), http.StatusConflict, engine.ECONFLICT)
	check(t, fe.api(fe.finance, "POST", "/api/v1/ledger/"+paid+"/reverse", map[string]string{"reason": ""}), http.StatusUnprocessableEntity, engine.EINVALID)
	res = fe.api(fe.finance, "POST", "/api/v1/ledger/"+paid+"/reverse", map[string]string{"reason": "household counted twice"})
	check(t, res, http.StatusCreated, "")
	var rev ledgerEntryJSON
	res.decode(t, &rev)
	if rev.AmountFen != -5000 || rev.Period != "2027-01" || rev.Reverses != paid {
		t.Errorf("reversal %+v", rev)
	}
	for _, tt := range []struct {
		period string
		want   int64
	}{{"2026-12", 10000}, {"2027-01", -5000}} {
		res = fe.api(fe.finance, "GET", "/api/v1/campaigns/survey-2026/payments?period="+tt.period, nil)
		res.decode(t, &table)
		if table.Total.TotalFen != tt.want {
			t.Errorf("%s total %d, want %d", tt.period, table.Total.TotalFen, tt.want)
		}
	}

	t.Run("budget", func(t *testing.T) {
		res := fe.api(fe.finance, "GET", "/api/v1/campaigns/census-2026/budget", nil)
		check(t, res, http.StatusOK, "")
		var b budgetJSON
		res.decode(t, &b)
		// No sign-ups yet: materials 1,000 + water 800 + banner 100.
		if b.TotalFen != 190000 || b.Total != "1900.00" || b.Counts["signups"] != 0 || len(b.Lines) != 4 || b.Lines[0].Label != "资料费" {
			t.Errorf("budget %+v", b)
		}
	})

	t.Run("finance page", func(t *testing.T) {
		cookie, _ := fe.session("finance")
		res := fe.do(req{method: "GET", target: "/finance?campaign=survey-2026&period=2026-12&worker=" + fe.worker.ID + "&item=household_surveyed",
			cookies: map[string]string{sessionCookie: cookie}})
		check(t, res, http.StatusOK, "")
		for _, want := range []string{"100.00", "-50.00", "50.00", "/finance/export.xlsx?", "id=\"entries\"",
			"入户调查：每条 50.00 元；抽查发现问题则扣发", "记录通过时，付给记录填报人（须为调查员）", "记录通过，1 条",
			"劳务报酬表「人口监测基线调查劳务补助」第 1 版", "抽查发现问题，扣回此前发放的 50.00 元"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if strings.Contains(res.body, `action="/finance/lock"`) {
			t.Errorf("a locked period offers the lock button")
		}
		for _, code := range []string{"qc.problem", "withheld", "fen(", "qc !=", "household_surveyed", "5000"} {
			if strings.Contains(visibleText(res.body), code) {
				t.Errorf("the page shows code: %q", code)
			}
		}
		wcookie, _ := fe.session("worker")
		check(t, fe.do(req{method: "GET", target: "/finance", cookies: map[string]string{sessionCookie: wcookie}}), http.StatusForbidden, "")
	})
}

// TestFinancePageShowsARepublishedPayTable: a pay table republished while
// its campaign runs is named on the payments page, with when and by whom.
func TestFinancePageShowsARepublishedPayTable(t *testing.T) {
	fe := newFinanceEnv(t)
	cookie, _ := fe.session("finance")
	page := func() result {
		return fe.do(req{method: "GET", target: "/finance?campaign=survey-2026", cookies: map[string]string{sessionCookie: cookie}})
	}
	if res := page(); strings.Contains(res.body, "工作期间发布的新版本") {
		t.Fatalf("the page lists changes before any")
	}
	a, err := fe.store.GetUserByUsername(t.Context(), "author")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("..", "engine", "testdata", "pay", "fertility-survey.paytable.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	fe.publishSource(a, engine.KindPayTable, "fertility-survey-pay", "fertility-survey.paytable.yaml", src)
	res := page()
	check(t, res, http.StatusOK, "")
	for _, want := range []string{"工作期间发布的新版本", "劳务报酬表「", "」第 2 版", "由 测试 author 发布"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}
