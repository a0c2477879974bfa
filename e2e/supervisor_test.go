package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSupervisorReadsIndicatorsAndLists: the district supervisor opens the
// vital-events dashboard, where the coverage indicators are drawn as SVG
// bars against the 90 % target — met in one township, missed in another,
// marked ✓ and ✗ as well as coloured —, then the indicator table, and the
// registry and worklist pages of the migrant cleanup.
func TestSupervisorReadsIndicatorsAndLists(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	desktop(t, ctx)
	signIn(t, ctx, s, "supervisor", "")

	open := func(path string) {
		t.Helper()
		res, err := chromedp.Run(ctx, chromedp.NavigateResponse(s.base+path))
		if err != nil || res.Status != 200 {
			t.Fatalf("%s: status %v, %v", path, res, err)
		}
	}

	open("/campaigns/vital-events-2027/dashboard")
	svgs, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("main svg").length`))
	if err != nil || svgs < 3 {
		t.Errorf("dashboard charts: %d SVGs (%v), want at least 3", svgs, err)
	}
	main := textOf(t, ctx, "main")
	for _, want := range []string{"出生登记率", "死亡登记率", "✓", "✗", "90"} {
		if !strings.Contains(main, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
	shot(t, ctx, "vital-dashboard", "09-indicators-dashboard")

	open("/indicators?campaign=vital-events-2027&granularity=year&period=2026")
	table := textOf(t, ctx, "table.indicator-table")
	for _, want := range []string{"清河区", "出生登记率", "≥ 90", "清河区统计局"} {
		if !strings.Contains(table, want) {
			t.Errorf("the indicator table lacks %q: %s", want, table)
		}
	}
	shot(t, ctx, "indicators", "10-indicators")

	open("/registry?campaign=migrant-cleanup-2027")
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("input[type=file]").length`)); err != nil || n == 0 {
		t.Errorf("the registry page has no file input (%v)", err)
	}
	shot(t, ctx, "registry", "11-registry")

	open("/worklist?campaign=migrant-cleanup-2027")
	if h := textOf(t, ctx, "main h1"); h == "" {
		t.Error("the worklist page has no heading")
	}
	shot(t, ctx, "worklist", "12-worklist")
}
