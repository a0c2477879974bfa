package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// layoutProblems measures the dashboard as the browser laid it out: the
// page must not scroll sideways, no chart text may lie outside its SVG's
// viewBox (it is clipped there: legends were), and no table may be wider
// than the card it sits in (the indicator tables were at 390 px).
const layoutProblems = `(() => {
  const out = [];
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw + 1) out.push("the page is " + document.documentElement.scrollWidth + " px wide in a " + vw + " px window");
  for (const svg of document.querySelectorAll("main svg.chart")) {
    const vb = svg.viewBox.baseVal;
    for (const t of svg.querySelectorAll("text")) {
      const b = t.getBBox();
      if (b.width === 0) continue;
      if (b.x < vb.x - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 || b.y < vb.y - 0.5 || b.y + b.height > vb.y + vb.height + 0.5)
        out.push("chart " + svg.id + (svg.getAttribute("aria-labelledby") || "") + ": text " + JSON.stringify(t.textContent) + " at x " + Math.round(b.x) + "–" + Math.round(b.x + b.width) + ", y " + Math.round(b.y) + "–" + Math.round(b.y + b.height) + " outside " + vb.width + "×" + vb.height);
    }
  }
  // A wide table may scroll inside its .scroll box, which must itself fit;
  // an indicator table must fit whole.
  for (const table of document.querySelectorAll("main .dash table")) {
    const box = table.closest(".card");
    const el = table.classList.contains("ind-table") ? table : (table.closest(".scroll") || table);
    if (el.scrollWidth > box.clientWidth + 1 && el === table || el.offsetWidth > box.clientWidth + 1) {
      const h = table.closest("section").querySelector("h2");
      out.push("a table in " + JSON.stringify(h ? h.textContent : "?") + " is " + table.scrollWidth + " px wide in a " + box.clientWidth + " px card");
    }
  }
  return JSON.stringify(out);
})()`

// TestDashboardLayout opens the dashboards with reports, indicators and a
// normal range at an office screen and a phone and measures that nothing
// is clipped or overflows (issue #18).
func TestDashboardLayout(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	signIn(t, ctx, s, "supervisor", "")
	for _, width := range []int64{1280, 390} {
		view := chromedp.EmulateViewport(width, 900)
		if width == 390 {
			view = chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		if err := chromedp.Do(ctx, view); err != nil {
			t.Fatal(err)
		}
		for _, campaign := range []string{"vital-events-2027", "birth-sex-ratio-2027", "fertility-survey-2026"} {
			t.Run(fmt.Sprintf("%s-%d", campaign, width), func(t *testing.T) {
				res, err := chromedp.Run(ctx, chromedp.NavigateResponse(s.base+"/campaigns/"+campaign+"/dashboard"))
				if err != nil || res.Status != 200 {
					t.Fatalf("dashboard: %v %v", res, err)
				}
				measure(t, ctx)
				shot(t, ctx, "top", "")
				if campaign != "fertility-survey-2026" { // it has no indicators
					scrollToChart(t, ctx)
					shot(t, ctx, "indicators", "")
				}
			})
		}
	}
}

func measure(t *testing.T, ctx context.Context) {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](layoutProblems))
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	if err := json.Unmarshal([]byte(raw), &problems); err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
