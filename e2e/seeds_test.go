package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSupervisorReadsTheSeedDashboards: the district supervisor opens the
// births-by-sex dashboard, where the sex ratio's table names its normal
// range 103–107 instead of a target, and the migrant grid's, which counts
// the registrations waiting past their 24 hours; both at an office screen
// and on a phone.
func TestSupervisorReadsTheSeedDashboards(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	desktop(t, ctx)
	signIn(t, ctx, s, "supervisor", "")

	text := func(path string) string {
		t.Helper()
		res, err := chromedp.Run(ctx, chromedp.NavigateResponse(s.base+path))
		if err != nil || res.Status != 200 {
			t.Fatalf("%s: status %v, %v", path, res, err)
		}
		body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
		if err != nil {
			t.Fatal(err)
		}
		return body
	}
	body := text("/campaigns/birth-sex-ratio-2027/dashboard")
	for _, want := range []string{"出生人口性别比", "正常范围 103–107", "出生人口性别比统计月报"} {
		if !strings.Contains(body, want) {
			t.Errorf("the births-by-sex dashboard lacks %q", want)
		}
	}
	scrollToChart(t, ctx)
	shot(t, ctx, "sex-ratio-1280", "")
	body = text("/campaigns/migrant-grid-2027/dashboard")
	for _, want := range []string{"24小时内上报率", "逾期"} {
		if !strings.Contains(body, want) {
			t.Errorf("the migrant grid dashboard lacks %q", want)
		}
	}
	shot(t, ctx, "migrant-grid-1280", "")
	phone(t, ctx)
	text("/campaigns/birth-sex-ratio-2027/dashboard")
	scrollToChart(t, ctx)
	shot(t, ctx, "sex-ratio-390", "")
}

// scrollToChart brings the indicators (the sex ratio) into view.
func scrollToChart(t *testing.T, ctx context.Context) {
	t.Helper()
	found, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const e = document.getElementById("h-indicators"); if (!e) return false; e.scrollIntoView(); return true })()`))
	if err != nil || !found {
		t.Errorf("no sex-ratio chart: %v", err)
	}
}
