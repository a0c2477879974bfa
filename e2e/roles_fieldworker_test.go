package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"canvass/engine"
	"canvass/engine/pay"
)

// enteredPay is what the worker earned for entering vital events.
func enteredPay(t *testing.T, s *site, worker *engine.Actor) (count, fen int64) {
	t.Helper()
	table, err := s.eng.Pay.Payments(context.Background(), s.actor(t, "finance"), pay.PaymentQuery{CampaignID: "vital-events-2027", WorkerID: worker.User.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range table.Rows {
		if strings.HasSuffix(r.Item, "_entered") {
			count += r.Count
			fen += r.TotalFen
		}
	}
	return count, fen
}

// TestRolesFieldWorker: on a phone, the village worker's home lists her
// tasks, the record returned to her with the reviewer's reason, the
// forms to fill with their QR links, and data entry; the returned
// record's edit page shows the reason and her own answers in full; the
// data-entry page marks every listed vital event 已录入 at once, which
// pays her for entering them.
func TestRolesFieldWorker(t *testing.T) {
	s := startSite(t)
	s.keepOpen(t, "fertility-survey-2026")
	ctx := context.Background()
	worker := s.actor(t, "worker")

	// The township returns one of her households with a reason.
	views, _, _, err := s.eng.Inbox(ctx, s.actor(t, "township-reviewer"), engine.RecordFilter{CampaignID: "fertility-survey-2026"}, engine.Page{Limit: 50}, false)
	if err != nil {
		t.Fatal(err)
	}
	var returned *engine.Record
	for _, v := range views {
		if v.CreatedBy == worker.User.ID && v.Assignee == "" {
			if _, err := s.eng.Act(ctx, s.actor(t, "township-reviewer"), v.ID, engine.Action{Name: "return", Reason: "门牌号缺失，请补充"}); err != nil {
				t.Fatal(err)
			}
			returned = v.Record
			break
		}
	}
	if returned == nil {
		t.Fatal("the demo has no household of the worker waiting in the township")
	}

	b := newBrowser(t)
	phone(t, b)
	signIn(t, b, s, "worker", "")
	home := textOf(t, b, `section.work[data-role="field_worker"]`)
	for _, want := range []string{"待办任务", "被退回待修改的记录", "退回原因：门牌号缺失，请补充", "可填报的表单", "二维码", "标记为已录入"} {
		if !strings.Contains(home, want) {
			t.Errorf("the worker's home lacks %q: %s", want, home)
		}
	}
	noOverflow(t, b, "home")
	shot(t, b, "home", "17-worker-home")

	if err := chromedp.Do(b,
		chromedp.Click(chromedp.CSS(`a[href="/records/`+returned.ID+`/edit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".returned-box")),
	); err != nil {
		t.Fatalf("open the returned record: %v", err)
	}
	if box := textOf(t, b, ".returned-box"); !strings.Contains(box, "门牌号缺失，请补充") || !strings.Contains(box, "孙志强") {
		t.Errorf("the edit page's return box: %s", box)
	}
	masked, err := chromedp.Run(b, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("form.canvass-form input")).filter(function(e){return e.value.indexOf("*")>=0}).length`))
	if err != nil || masked != 0 {
		t.Errorf("the creator's own answers show %d masked values (%v)", masked, err)
	}
	if own := textOf(t, b, ".own-answers"); !strings.Contains(own, "您本人填写") {
		t.Errorf("the own-answers note: %q", own)
	}
	noOverflow(t, b, "the edit page")
	shot(t, b, "returned", "18-returned-record")

	// Data entry: tick all, mark them entered, and she is paid for it.
	count, fen := enteredPay(t, s, worker)
	open(t, b, s, "/entry?campaign=vital-events-2027")
	unlabelled(t, b, "the data-entry page")
	noOverflow(t, b, "the data-entry page")
	n, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("input.entry-item").length`))
	if err != nil || n == 0 {
		t.Fatalf("records to mark entered: %d (%v)", n, err)
	}
	shot(t, b, "entry", "")
	if err := chromedp.Do(b, chromedp.Click(chromedp.CSS("input.select-all"))); err != nil {
		t.Fatal(err)
	}
	ticked, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("input.entry-item:checked").length`))
	if err != nil || ticked != n {
		t.Fatalf("select all ticked %d of %d (%v)", ticked, n, err)
	}
	if err := chromedp.Do(b, chromedp.Click(chromedp.ID("entry-bulk")), chromedp.WaitVisible(chromedp.ID("results"))); err != nil {
		t.Fatalf("mark entered: %v", err)
	}
	results := textOf(t, b, "#results")
	if !strings.Contains(results, "已标记 "+strconv.Itoa(n)+" 条，未标记 0 条") {
		t.Errorf("the results: %s", results)
	}
	shot(t, b, "entered", "19-data-entry")
	count2, fen2 := enteredPay(t, s, worker)
	if count2 <= count || fen2 <= fen {
		t.Errorf("the worker's entry pay did not grow: %d lines %d fen → %d lines %d fen", count, fen, count2, fen2)
	}
	wide(t, b, s, "/", "/entry?campaign=vital-events-2027", "/records/"+returned.ID+"/edit")
}
