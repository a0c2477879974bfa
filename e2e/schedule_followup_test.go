package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"canvass/engine"
)

// TestScheduledCheckOnThePhone: the immunization campaign's quarterly
// schedule fired (the demo runs its latest firing) and opened a check for
// each child registered before it; on a phone
// the village worker sees the checks among her tasks, opens one from the
// inbox, fills it in (whether the child still lives there, the
// certificate, the vaccinations) and sends it, and the check is done. The
// district supervisor's dashboard has the block of overdue scheduled
// checks, the one left undone listed, at an office screen and on a phone.
func TestScheduledCheckOnThePhone(t *testing.T) {
	const camp = "immunization-check-2027"
	s := startSite(t)
	ctx := context.Background()
	views, _, _, err := s.eng.Inbox(ctx, s.actor(t, "worker"), engine.RecordFilter{CampaignID: camp, FormID: "immunization-check", States: []string{"check_due"}}, engine.Page{Limit: 50}, false)
	if err != nil || len(views) == 0 {
		t.Fatalf("the worker has %d checks to do: %v", len(views), err)
	}
	task := views[0].Record

	b := newBrowser(t)
	phone(t, b)
	signIn(t, b, s, "worker", "")
	if home := textOf(t, b, `section.work[data-role="field_worker"]`); !strings.Contains(home, "待办任务") {
		t.Errorf("the worker's home lacks her tasks: %s", home)
	}
	open(t, b, s, "/inbox?campaign="+camp)
	if inbox := textOf(t, b, "main"); !strings.Contains(inbox, "流动儿童计划免疫接种情况查验表") || !strings.Contains(inbox, "待季度查验") {
		t.Errorf("the inbox does not list the check: %s", inbox)
	}
	open(t, b, s, "/records/"+task.ID+"/edit")
	unlabelled(t, b, "the check")
	noOverflow(t, b, "the check")
	if err := chromedp.Do(b,
		chromedp.Click(chromedp.CSS(`input[name="stillResident"][value="yes"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="certificateChecked"][value="yes"]`)),
		chromedp.Click(chromedp.CSS(`input[name="certificateChecked"][value="yes"]`)),
		chromedp.Click(chromedp.CSS(`input[name="upToDate"][value="yes"]`)),
	); err != nil {
		t.Fatalf("fill the check: %v", err)
	}
	shot(t, b, "check-390", "")
	if err := chromedp.Do(b,
		chromedp.Click(chromedp.CSS(`button[name="_action"][value="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("record-state")), // the receipt: the edit page has an h1 too
	); err != nil {
		t.Fatalf("send the check: %v", err)
	}
	r, err := s.st.GetRecord(ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.State != "checked" || r.Answers["upToDate"] != "yes" || r.Answers["childRecord"] == nil {
		t.Errorf("the check is %s with %v", r.State, r.Answers)
	}
	if slices.ContainsFunc(r.History, func(h engine.HistoryEntry) bool { return h.Action == "submit" && h.ToState == "checked" }) == false {
		t.Errorf("the history has no submit: %+v", r.History)
	}

	o := newBrowser(t)
	desktop(t, o)
	signIn(t, o, s, "supervisor", "")
	open(t, o, s, "/campaigns/"+camp+"/dashboard")
	block := textOf(t, o, `section[data-schedule="quarterly-check"]`)
	// The demo's checks are past due: worker2's in 西柳村 is still
	// open; the worker's, just filed, is gone from the list.
	for _, want := range []string{"定期任务逾期：流动儿童计划免疫接种情况查验表", "项逾期未完成", "西柳村"} {
		if !strings.Contains(block, want) {
			t.Errorf("the dashboard's block lacks %q: %s", want, block)
		}
	}
	if strings.Contains(block, "没有逾期的定期任务") || strings.Contains(block, "东柳村") {
		t.Errorf("the dashboard's block shows no overdue check, or the filed one: %s", block)
	}
	noOverflow(t, o, "the dashboard")
	shot(t, o, "dashboard-1280", "")
	phone(t, o)
	open(t, o, s, "/campaigns/"+camp+"/dashboard")
	noOverflow(t, o, "the dashboard on a phone")
	shot(t, o, "dashboard-390", "")
}
