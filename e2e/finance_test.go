package e2e

import (
	"canvass/engine/pay"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
)

// TestFinanceDownloadsPayments: the finance officer opens the fertility
// survey's payment table, downloads it as XLSX, and the file's totals
// row carries the figures the engine computes — the demo's 300 yuan.
func TestFinanceDownloadsPayments(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	desktop(t, ctx)
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: new(true),
	}); err != nil {
		t.Fatalf("set the download folder: %v", err)
	}
	signIn(t, ctx, s, "finance", "")

	err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/finance?campaign=fertility-survey-2026"),
		chromedp.WaitVisible(chromedp.CSS("table.finance-table tfoot tr.total")),
	)
	if err != nil {
		t.Fatalf("payment table: %v", err)
	}
	shot(t, ctx, "payments", "07-finance")
	if got, want := textOf(t, ctx, "table.finance-table tfoot tr.total td:last-child"), "300.00"; got != want {
		t.Errorf("total on the page: got %q, want %q", got, want)
	}

	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[download][href*=".xlsx"]`))); err != nil {
		t.Fatalf("click the XLSX link: %v", err)
	}
	var file string
	deadline := time.AfterFunc(30*time.Second, func() { t.Error("no completed download within 30s") })
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download events: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatalf("the download was cancelled")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(downloads, ev.GUID)
			break
		}
	}
	deadline.Stop()
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("downloaded file: %v", err)
	}

	x, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatalf("open the XLSX: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows("劳务报酬")
	if err != nil {
		t.Fatalf("sheet 劳务报酬: %v", err)
	}
	var total []string
	for _, r := range rows {
		if len(r) > 0 && r[0] == "合计" {
			total = r
		}
	}
	if len(total) < 10 {
		t.Fatalf("no totals row in %v", rows)
	}
	table, err := s.eng.Pay.Payments(context.Background(), s.actor(t, "finance"), pay.PaymentQuery{CampaignID: "fertility-survey-2026", Lang: "zh-CN"})
	if err != nil {
		t.Fatal(err)
	}
	// 3 households × 50, one passed spot check +50 and one problem −50,
	// three supervisor days × 50: 7 payments, 300 yuan.
	tests := []struct {
		name   string
		col    int
		want   string
		engine string // the engine's figure, formatted as the sheet does
	}{
		{"count", 4, "7", strconv.FormatInt(table.Total.Count, 10)},
		{"amount", 6, "300.00", yuan(table.Total.AmountFen)},
		{"bonus", 7, "50.00", yuan(table.Total.BonusFen)},
		{"deduction", 8, "-50.00", yuan(table.Total.DeductionFen)},
		{"total", 9, "300.00", yuan(table.Total.TotalFen)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := total[tc.col]; got != tc.want || got != tc.engine {
				t.Errorf("XLSX totals row, column %d: got %q, want %q (the engine says %q)", tc.col+1, got, tc.want, tc.engine)
			}
		})
	}
	if table.Total.TotalFen != 30000 || table.Total.Count != 7 {
		t.Errorf("engine totals: got %d payments, %d fen; want 7, 30000", table.Total.Count, table.Total.TotalFen)
	}

}

// yuan formats fen as the payment sheet does: "-50.00".
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return sign + strconv.FormatInt(fen/100, 10) + "." + strconv.FormatInt(100+fen%100, 10)[1:]
}
