package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"canvass/engine"
)

// desktop gives the tab an office screen.
func desktop(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1100, 800)); err != nil {
		t.Fatalf("viewport: %v", err)
	}
}

// TestReviewerReturnsRecord: the township reviewer opens her inbox,
// opens a survey waiting for the township check, returns it with a
// reason, and the record shows the returned state and the reason.
func TestReviewerReturnsRecord(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	desktop(t, ctx)
	signIn(t, ctx, s, "township-reviewer", "")

	err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/inbox?campaign=fertility-survey-2026"),
		chromedp.WaitVisible(chromedp.CSS("ul.tasks a.task")),
	)
	if err != nil {
		t.Fatalf("inbox: %v", err)
	}
	shot(t, ctx, "inbox", "05-inbox")
	// The seeded fertility survey has three households waiting in 柳泉镇
	// (one of them resubmitted after a correction), none elsewhere.
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("ul.tasks a.task").length`))
	if err != nil || n != 3 {
		t.Errorf("tasks in the inbox: got %d (%v), want 3", n, err)
	}

	const reason = "第二个孩子的出生日期与户口簿不一致，请入户核实后重新提交。"
	// She opens the household that was corrected once already: its
	// history shows what the surveyor changed.
	page, err := s.st.ListRecords(context.Background(), engine.RecordFilter{CampaignID: "fertility-survey-2026", States: []string{"township_check"}}, engine.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	id := ""
	for _, r := range page.Records {
		if len(r.History) > 1 {
			id = r.ID
		}
	}
	if id == "" {
		t.Fatal("the demo has no resubmitted fertility record")
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`ul.tasks a.task[href="/records/`+id+`"]`)),
		chromedp.WaitVisible(chromedp.ID("reason")),
	)
	if err != nil {
		t.Fatalf("open the task of %s: %v", id, err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "/records/"+id) {
		t.Fatalf("at %s (%v), want the record page of %s", loc, err, id)
	}
	if got := textOf(t, ctx, "table.diff tbody"); !strings.Contains(got, "复核：婆婆常住本户") {
		t.Errorf("the history's changes: got %q, want the surveyor's corrected note", got)
	}
	if got := textOf(t, ctx, "span.state"); got != "乡镇审核" {
		t.Errorf("state before: got %q, want 乡镇审核", got)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("reason"), reason),
		chromedp.Click(chromedp.CSS(`button[name="action"][value="return"]`)),
	)
	if err != nil {
		t.Fatalf("return: %v", err)
	}
	if got, err := waitText(ctx, "span.state", func(s string) bool { return s == "退回补正" }); err != nil {
		t.Fatalf("state after returning: got %q (%v), want 退回补正", got, err)
	}
	// The history lists the newest step first.
	if got := textOf(t, ctx, "ol.history li:first-child p.reason"); !strings.Contains(got, reason) {
		t.Errorf("newest history entry: got %q, want the reason %q", got, reason)
	}
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS("ol.history"))); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "returned", "06-record-history")

	// Behind the page: the record is returned to the village, by this
	// reviewer, with the reason, and no one else's task changed.
	r, err := s.st.GetRecord(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	last := r.History[len(r.History)-1]
	reviewer := s.actor(t, "township-reviewer")
	if r.State != "correction" || last.Action != "return" || last.Reason != reason || last.Actor != reviewer.User.ID {
		t.Errorf("stored: state %s, last %+v; want correction, a return by %s with the reason", r.State, last, reviewer.User.ID)
	}
	if r.TaskOrgPath != "/340000/341200/341299/341299001/"+r.OrgUnit+"/" {
		t.Errorf("the returned task sits at %s, want the record's village %s", r.TaskOrgPath, r.OrgUnit)
	}
	waiting, err := s.st.CountRecords(context.Background(), engine.RecordFilter{CampaignID: "fertility-survey-2026", States: []string{"township_check"}})
	if err != nil || waiting != 2 {
		t.Errorf("fertility records still waiting for the township: got %d (%v), want 2", waiting, err)
	}
	// The township's campaign dashboard, for the walkthrough; its own
	// tests live with it.
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(s.base+"/campaigns/fertility-survey-2026/dashboard"))
	if err != nil || res.Status != 200 {
		t.Fatalf("dashboard: %v %v", res, err)
	}
	shot(t, ctx, "dashboard", "08-dashboard")
}
