package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"canvass/engine/pay"
)

// TestFinancePagesReverseAndLock: at a phone's width and at a desktop's,
// the finance officer opens the entries behind an amount, reads them in
// words, reverses one with a reason after its preview, sees the totals
// change, and locks the period with a reason.
func TestFinancePagesReverseAndLock(t *testing.T) {
	for _, width := range []int64{390, 1280} {
		t.Run(itoa(width)+"px", func(t *testing.T) {
			financeWalk(t, width)
		})
	}
}

func itoa(n int64) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func financeWalk(t *testing.T, width int64) {
	s := startSite(t)
	ctx := newBrowser(t)
	if width < 600 {
		phone(t, ctx)
	} else if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, s, "finance", "")
	const campaign = "fertility-survey-2026"
	table, err := s.eng.Pay.Payments(context.Background(), s.actor(t, "finance"), pay.PaymentQuery{CampaignID: campaign, Lang: "zh-CN"})
	if err != nil {
		t.Fatal(err)
	}
	var row *pay.PaymentRow
	for i, r := range table.Rows {
		if r.RateFen > 0 && r.NetCount() > 0 && (row == nil || r.RateFen > row.RateFen) {
			row = &table.Rows[i]
		}
	}
	if row == nil {
		t.Fatalf("no payment to reverse in %+v", table.Rows)
	}
	before := table.Total.TotalFen
	suffix := "-" + itoa(width)
	doc := func(name string) string { // docs/demo.md shows the phone's walk
		if width < 600 {
			return name
		}
		return ""
	}

	q := url.Values{"campaign": {campaign}, "worker": {row.WorkerID}, "period": {row.Period}, "item": {row.Item}}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/finance?"+q.Encode()+"#entries"),
		chromedp.WaitVisible(chromedp.CSS("#entries .finance-entry")),
	); err != nil {
		t.Fatalf("entries: %v", err)
	}
	noOverflow(t, ctx, "the ledger lines at "+itoa(width)+" px")
	unlabelled(t, ctx, "the ledger lines")
	shot(t, ctx, "finance-entries"+suffix, doc("26-finance-ledger"))
	entries := textOf(t, ctx, "#entries")
	for _, want := range []string{"每", "元", "劳务报酬表「", "版", "付给", "依据"} {
		if !strings.Contains(entries, want) {
			t.Errorf("the entries do not read in words (%q missing): %s", want, entries)
		}
	}
	for _, code := range []string{"fen(", "qc !=", "qc.problem", row.Item} {
		if strings.Contains(entries, code) {
			t.Errorf("the entries show code %q: %s", code, entries)
		}
	}

	// Reverse one: the preview shows the line and the new totals.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#entries a.button[href*="/reverse"]`)),
		chromedp.WaitVisible(chromedp.CSS("#reverse-form")),
	); err != nil {
		t.Fatalf("open the reversal: %v", err)
	}
	noOverflow(t, ctx, "the reversal preview at "+itoa(width)+" px")
	unlabelled(t, ctx, "the reversal preview")
	shot(t, ctx, "finance-reverse-preview"+suffix, doc("27-finance-reverse-preview"))
	if got := textOf(t, ctx, "#preview-amount"); !strings.HasPrefix(got, "-"+yuan(row.RateFen)) {
		t.Errorf("preview amount %q, want -%s", got, yuan(row.RateFen))
	}
	// Without a reason the browser keeps the form; with one it posts.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#reverse-reason"), "同一户重复登记"),
		chromedp.Click(chromedp.CSS(`#reverse-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	); err != nil {
		t.Fatalf("confirm the reversal: %v", err)
	}
	if got := textOf(t, ctx, ".flash"); !strings.Contains(got, "已冲销") {
		t.Errorf("after the reversal: %q", got)
	}
	shot(t, ctx, "finance-reversed"+suffix, "")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/finance?campaign="+campaign),
		chromedp.WaitVisible(chromedp.CSS("table.finance-table tfoot tr.total")),
	); err != nil {
		t.Fatal(err)
	}
	if got, want := textOf(t, ctx, "table.finance-table tfoot tr.total td:last-child"), yuan(before-row.RateFen); got != want {
		t.Errorf("total after the reversal: got %q, want %q", got, want)
	}

	// Lock the period with a reason.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/finance?campaign="+campaign+"&period="+row.Period),
		chromedp.WaitVisible(chromedp.CSS("#lock-reason")),
		chromedp.SendKeys(chromedp.CSS("#lock-reason"), "本期已核对"),
		chromedp.Click(chromedp.CSS(`#lock-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	); err != nil {
		t.Fatalf("lock: %v", err)
	}
	if got := textOf(t, ctx, ".flash"); !strings.Contains(got, "已锁定 "+row.Period) {
		t.Errorf("after the lock: %q", got)
	}
	if got := textOf(t, ctx, ".finance-locks summary"); !strings.Contains(got, row.Period) {
		t.Errorf("locked periods: %q", got)
	}
	noOverflow(t, ctx, "the locked period at "+itoa(width)+" px")
	unlabelled(t, ctx, "the locked period")
	shot(t, ctx, "finance-locked"+suffix, doc("28-finance-lock"))
	locks, err := s.eng.Pay.PeriodLocks(context.Background(), s.actor(t, "finance"), campaign)
	if err != nil || len(locks) != 1 || locks[0].Period != row.Period {
		t.Errorf("locks %+v, %v", locks, err)
	}

	// The print view of the 发放表.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/finance/payroll?campaign="+campaign),
		chromedp.WaitVisible(chromedp.CSS(".payroll-table")),
	); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "finance-payroll"+suffix, "")
	if got := textOf(t, ctx, ".payroll-table tfoot"); !strings.Contains(got, yuan(before-row.RateFen)) {
		t.Errorf("payroll totals %q, want %s", got, yuan(before-row.RateFen))
	}
	noOverflow(t, ctx, "the payroll print view at "+itoa(width)+" px")

	// An en user reads the same sheet in English.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/finance/payroll?lang=en&campaign="+campaign),
		chromedp.WaitVisible(chromedp.CSS(".payroll-table")),
	); err != nil {
		t.Fatal(err)
	}
	if got := textOf(t, ctx, ".payroll h1"); got != "Labour payment sheet" {
		t.Errorf("the English sheet's title: %q", got)
	}
	if got := textOf(t, ctx, ".payroll-table thead"); !strings.Contains(got, "ID number") || !strings.Contains(got, "Signature") || strings.Contains(got, "身份证") {
		t.Errorf("the English sheet's header: %q", got)
	}
}
