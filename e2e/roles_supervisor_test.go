package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"canvass/engine/pay"
)

// open navigates to path and fails the test unless it answers 200.
func open(t *testing.T, ctx context.Context, s *site, path string) {
	t.Helper()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(s.base+path))
	if err != nil || res.Status != 200 {
		t.Fatalf("%s: status %v, %v", path, res, err)
	}
}

// noOverflow fails when the page is wider than the viewport: at 390 px
// nothing may need sideways scrolling but the tables that scroll in their
// own box.
func noOverflow(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
	if err != nil || w > 1 {
		t.Errorf("%s is %d px wider than the screen (%v)", what, w, err)
	}
}

// unlabelled counts the form controls of main without a label.
func unlabelled(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("main input:not([type=hidden]), main select, main textarea")).filter(function (e) {
		return !(e.labels && e.labels.length) && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby");
	}).length`))
	if err != nil || n != 0 {
		t.Errorf("%s has %d controls without a label (%v)", what, n, err)
	}
}

// wide looks at pages at 1280 px: nothing wider than the screen.
func wide(t *testing.T, ctx context.Context, s *site, paths ...string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	for _, p := range paths {
		open(t, ctx, s, p)
		noOverflow(t, ctx, p+" at 1280 px")
		shot(t, ctx, "wide"+strings.ReplaceAll(p, "/", "-"), "")
	}
}

// TestRolesSupervisor: on a phone, the district supervisor's home page
// lists the spot checks and days in the field to log; the spot-check
// page draws the month's sample with its seed and who was sampled why,
// takes 发现问题 with a note on one record and 通过 on another, and shows
// what each outcome withheld or paid; the attendance page logs today,
// which pays the supervisor's day.
func TestRolesSupervisor(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	phone(t, ctx)
	signIn(t, ctx, s, "supervisor", "")

	home := textOf(t, ctx, `section.work[data-role="supervisor"]`)
	for _, want := range []string{"抽查", "登记入户指导天数", "查看工作进度图表"} {
		if !strings.Contains(home, want) {
			t.Errorf("the supervisor's home lacks %q: %s", want, home)
		}
	}
	noOverflow(t, ctx, "home")
	shot(t, ctx, "home", "13-supervisor-home")

	// The demo sampled this month already and left one check open. Last
	// month has no sample yet: draw it.
	const qc = "/campaigns/fertility-survey-2026/qc"
	china := time.FixedZone("CST", 8*3600)
	now := time.Now().In(china)
	lastMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, china).AddDate(0, -1, 0).Format("2006-01")
	open(t, ctx, s, qc+"?period="+lastMonth)
	unlabelled(t, ctx, "the spot-check page")
	noOverflow(t, ctx, "the spot-check page before drawing")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("qc-draw")), chromedp.WaitVisible(chromedp.CSS("code.seed"))); err != nil {
		t.Fatalf("draw the sample: %v", err)
	}
	if flash := textOf(t, ctx, "p.flash"); !strings.Contains(flash, "已完成抽样") {
		t.Errorf("after drawing: %q", flash)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#qc-draw").length`)); err != nil || n != 0 {
		t.Errorf("the page still offers to draw a recorded sample (%d, %v)", n, err)
	}
	shot(t, ctx, "qc-drawn", "")

	open(t, ctx, s, qc)
	why := textOf(t, ctx, "table.qc-workers")
	if !strings.Contains(why, "抽中") || !strings.Contains(why, "至少 1 条") {
		t.Errorf("the sample does not say who was sampled why: %s", why)
	}
	if seed := textOf(t, ctx, "code.seed"); seed == "" {
		t.Error("the recorded seed is not shown")
	}
	passed := textOf(t, ctx, "li.qc-record .outcome.pass")
	if !strings.Contains(passed, "通过") {
		t.Errorf("a passed check: %q", passed)
	}
	bonus, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("ul.pay-lines li.bonus")).map(function(e){return e.textContent}).join("|")`))
	if err != nil || !strings.Contains(bonus, "发放 抽查无问题奖励 50.00 元（抽查通过）") {
		t.Errorf("the bonus of a passed check is not shown: %q %v", bonus, err)
	}
	noOverflow(t, ctx, "the spot-check page")
	shot(t, ctx, "qc-sample", "14-spot-check")

	// 发现问题 without a note is refused in words; with one it withholds.
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("li.qc-record.open")||{}).id||""`))
	if err != nil || first == "" {
		t.Fatalf("an open spot check: %q %v", first, err)
	}
	problem := `#` + first + ` button[value=problem]`
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(problem)), chromedp.WaitVisible(chromedp.CSS("#"+first+" .field-error"))); err != nil {
		t.Fatalf("problem without a note: %v", err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#"+first+" textarea"), "户内人数与登记不符"),
		chromedp.Click(chromedp.CSS(problem)),
		chromedp.WaitVisible(chromedp.CSS("#"+first+" .outcome.problem")),
	); err != nil {
		t.Fatalf("record a problem: %v", err)
	}
	lines := textOf(t, ctx, "#"+first+" ul.pay-lines")
	if !strings.Contains(lines, "扣发 入户调查劳务补助 50.00 元") {
		t.Errorf("the problem's withholding is not shown: %s", lines)
	}
	shot(t, ctx, "qc-problem", "15-spot-check-outcome")

	// The finance page counts the same bonus and withholding.
	table, err := s.eng.Pay.Payments(context.Background(), s.actor(t, "finance"), pay.PaymentQuery{CampaignID: "fertility-survey-2026"})
	if err != nil {
		t.Fatal(err)
	}
	if table.Total.BonusFen < 5000 || table.Total.DeductionFen > -2*5000 {
		t.Errorf("payments after the spot checks: bonus %d, deductions %d fen", table.Total.BonusFen, table.Total.DeductionFen)
	}

	// The demo logged the last three days; a day before them pays once
	// more, and logging it again pays nothing.
	open(t, ctx, s, "/campaigns/fertility-survey-2026/attendance")
	unlabelled(t, ctx, "the attendance page")
	noOverflow(t, ctx, "the attendance page")
	day := now.AddDate(0, 0, -3).Format(time.DateOnly)
	for i, want := range []string{"已登记 " + day, day + " 此前已登记过"} {
		if i > 0 {
			open(t, ctx, s, "/campaigns/fertility-survey-2026/attendance")
		}
		if err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.ID("att-date"), day),
			chromedp.Click(chromedp.CSS(`form[action$="/attendance"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS("p.flash")),
		); err != nil {
			t.Fatalf("log a day: %v", err)
		}
		if flash := textOf(t, ctx, "p.flash"); !strings.Contains(flash, want) {
			t.Errorf("logging %s (%d): %q, want %q", day, i+1, flash, want)
		}
	}
	days := textOf(t, ctx, "table.attendance-days tbody")
	if !strings.Contains(days, day) || !strings.Contains(days, "指导员入户指导核查补助") || !strings.Contains(days, "50.00") || !strings.Contains(days, "吴海") {
		t.Errorf("the logged day does not show its pay: %s", days)
	}
	shot(t, ctx, "attendance", "16-attendance")
	sup := s.actor(t, "supervisor")
	table, err = s.eng.Pay.Payments(context.Background(), s.actor(t, "finance"), pay.PaymentQuery{CampaignID: "fertility-survey-2026", WorkerID: sup.User.ID})
	if err != nil {
		t.Fatal(err)
	}
	if table.Total.Count != 4 || table.Total.TotalFen != 4*5000 {
		t.Errorf("the supervisor's pay after logging a fourth day: %d days, %d fen", table.Total.Count, table.Total.TotalFen)
	}
	wide(t, ctx, s, "/", qc, "/campaigns/fertility-survey-2026/attendance")
}
