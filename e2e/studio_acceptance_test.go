package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"canvass/engine/pay"
)

// TestStudioBuildsImmunizationCampaign is issue #16's acceptance test. An
// author starts a blank campaign in the studio and builds the
// migrant-child immunization check without typing any JSON, YAML or
// expression: child's name, resident ID, a birth date taken from the ID,
// the village picked from the org tree after the township, 已接种 yes/no
// and the next check date three months after the birth date; a village →
// township review with 48 hours on each level and return for correction;
// 1.00 yuan per accepted record to the field worker. It publishes; the
// field worker of 东柳村 fills it on a phone; the village and township
// reviewers approve it; the finance page shows 1.00 yuan for her. With
// -docs-screenshots each step is written to docs/screenshots/studio-*.png
// for docs/studio.md.
func TestStudioBuildsImmunizationCampaign(t *testing.T) {
	s := startSite(t)
	const title = "2026年流动儿童预防接种核查"
	china := time.FixedZone("CST", 8*3600)

	// 1. The author: a new blank campaign from the studio's list.
	ctx := newBrowser(t)
	office := chromedp.EmulateViewport(1280, 900)
	if err := chromedp.Do(ctx, office); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, s, "author", "")
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.nav a[href="/studio"]`)),
		chromedp.WaitVisible(chromedp.ID("new-title")),
		chromedp.SendKeys(chromedp.ID("new-title"), title),
		chromedp.ScrollIntoView(chromedp.ID("new-title")),
	)
	if err != nil {
		t.Fatalf("the studio's list: %v", err)
	}
	shot(t, ctx, "new", "studio-01-new")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/studio/campaigns"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("f-title_zh")),
	)
	if err != nil {
		t.Fatalf("new blank campaign: %v", err)
	}
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`/studio/campaigns/([a-z0-9-]+)`).FindStringSubmatch(location)
	if m == nil {
		t.Fatalf("after creating the campaign the browser is at %s", location)
	}
	id := m[1]
	if got := textOf(t, ctx, "h1"); got != title {
		t.Errorf("the new campaign's heading: %q, want %q", got, title)
	}
	shot(t, ctx, "basics", "studio-02-basics")

	// 2. 表单: the blank form, opened from the forms tab in its designer.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="?tab=forms"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.studio-files a`)),
	)
	if err != nil {
		t.Fatalf("open the forms tab: %v", err)
	}
	shot(t, ctx, "forms", "studio-03-forms")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`ul.studio-files a`)),
		chromedp.WaitVisible(chromedp.ID("add-field")),
	)
	if err != nil {
		t.Fatalf("open the form designer: %v", err)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/studio/campaigns/"+id+"/forms/"+id+"-form") {
		t.Fatalf("the designer is at %s, want the blank form %s-form", loc, id)
	}
	current := func(label string) {
		t.Helper()
		if _, err := waitText(ctx, ".outline-list li.current .outline-label", func(s string) bool { return s == label }); err != nil {
			t.Fatalf("waiting for %s selected: %v (error %q)", label, err, textOrEmpty(ctx, "#designer-error"))
		}
	}
	keyNow := func(label string) string {
		t.Helper()
		key, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("f-key").value`))
		if err != nil || key == "" {
			t.Fatalf("the key of %s: %q %v", label, key, err)
		}
		return key
	}
	add := func(typ, label string) string {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.WaitVisible(chromedp.ID("add-field")),
			chromedp.SetValue(chromedp.ID("add-type"), typ),
			chromedp.Evaluate[chromedp.Void](`document.getElementById("add-type").dispatchEvent(new Event("change"))`),
			chromedp.SetValue(chromedp.ID("add-where"), "end"),
			chromedp.SendKeys(chromedp.ID("add-label"), label),
			chromedp.Click(chromedp.CSS(`#add-field button[type=submit]`)),
		)
		if err != nil {
			t.Fatalf("add %s: %v", label, err)
		}
		current(label)
		return keyNow(label)
	}
	calc := func(kind, field, n string) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.ID("calc-kind"), kind),
			chromedp.Evaluate[chromedp.Void](`document.getElementById("calc-kind").dispatchEvent(new Event("change"))`),
			chromedp.SetValue(chromedp.ID("calc-field"), field),
		)
		if err == nil && n != "" {
			err = chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("calc-n"), n))
		}
		if err == nil {
			err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#field-panel button[type=submit]`)))
		}
		if err != nil {
			t.Fatalf("calculation %s: %v", kind, err)
		}
		if _, err := waitText(ctx, ".outline-list li.current", func(s string) bool { return strings.Contains(s, "计算项") }); err != nil {
			t.Fatalf("after the calculation %s: %v (error %q)", kind, err, textOrEmpty(ctx, "#designer-error"))
		}
		if v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("calc-kind").value`)); v != kind {
			t.Errorf("the saved calculation reads back as %q, want %q", v, kind)
		}
	}

	// The blank form's 姓名 becomes 儿童姓名.
	err = chromedp.Do(ctx,
		chromedp.Click(`//ol[@class="outline-list"]//a[contains(., "姓名")]`),
		chromedp.WaitVisible(chromedp.ID("f-label-zh")),
		chromedp.Clear(chromedp.ID("f-label-zh")),
		chromedp.SendKeys(chromedp.ID("f-label-zh"), "儿童姓名"),
		chromedp.Click(chromedp.CSS(`#field-panel button[type=submit]`)),
	)
	if err != nil {
		t.Fatalf("relabel 姓名: %v", err)
	}
	current("儿童姓名")
	nameKey := keyNow("儿童姓名")
	idKey := add("resident-id", "儿童身份证号码")
	birthKey := add("date", "出生日期")
	calc("birthDate", idKey, "")
	shot(t, ctx, "birth-date", "studio-04-birth-date")
	add("admin-code", "现居住村居")
	if got, err := waitText(ctx, "#f-org-info", func(s string) bool {
		return strings.Contains(s, "村（社区）") && strings.Contains(s, "乡镇（街道）")
	}); err != nil {
		t.Errorf("the org field's panel: %q %v", got, err)
	}
	shot(t, ctx, "village", "studio-05-village")
	vaccKey := add("yesno", "已接种")
	nextKey := add("date", "下次核查日期")
	calc("datePlusMonths", birthKey, "3")
	shot(t, ctx, "next-check", "studio-06-next-check")
	outline := textOf(t, ctx, ".outline-list")
	for _, want := range []string{"儿童姓名", "儿童身份证号码", "出生日期", "乡镇（街道）", "现居住村居", "已接种", "下次核查日期"} {
		if !strings.Contains(outline, want) {
			t.Errorf("the outline lacks %s: %q", want, outline)
		}
	}

	// 3. 审核流程: both levels of the blank ladder from 5 days to 48 hours,
	// in a fresh tab (each has its own time budget; the test machine is shared).
	ctx = newBrowser(t)
	if err := chromedp.Do(ctx, office); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, s, "author", "")
	err = chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/studio/campaigns/"+id),
		chromedp.WaitVisible(chromedp.ID("f-title_zh")),
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/workflow"]`)),
		chromedp.WaitVisible(chromedp.ID("s-village_review")),
	)
	if err != nil {
		t.Fatalf("open 审核流程: %v", err)
	}
	diagram := func() string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#wf-diagram .wf-node")).map(n => n.dataset.state + ":" + n.querySelector("title").textContent).join(" | ") + " || " +
			Array.from(document.querySelectorAll("#wf-diagram .wf-edge")).map(e => e.dataset.from + ">" + e.dataset.action + ">" + e.dataset.to).join(" ")`))
		if err != nil {
			t.Fatalf("read the diagram: %v", err)
		}
		return got
	}
	waitDiagram := func(what string, ok func(string) bool) string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		last := ""
		for time.Now().Before(deadline) {
			if last = diagram(); ok(last) {
				return last
			}
			time.Sleep(150 * time.Millisecond)
		}
		t.Fatalf("the diagram does not show %s: %s (error %q)", what, last, textOrEmpty(ctx, "#wf-error"))
		return ""
	}
	waitDiagram("the blank ladder", func(d string) bool { return strings.Contains(d, "village_review>approve>township_review") })
	const (
		village48  = "village_review:村级审核：村居审核员 · 48 小时"
		township48 = "township_review:乡镇审核：乡镇街道审核员 · 48 小时"
	)
	for _, level := range []struct{ state, want string }{{"township_review", township48}, {"village_review", village48}} {
		err = chromedp.Do(ctx,
			chromedp.SetValue(chromedp.ID("s-"+level.state+"-due_n"), "48"),
			chromedp.SetValue(chromedp.ID("s-"+level.state+"-due_unit"), "hours"),
			chromedp.Click(chromedp.ID("s-"+level.state+"-save")),
		)
		if err != nil {
			t.Fatalf("save %s: %v", level.state, err)
		}
		waitDiagram(level.state+" at 48 hours", func(d string) bool { return strings.Contains(d, level.want) })
	}
	d := waitDiagram("48 hours on both levels", func(d string) bool { return strings.Contains(d, village48) && strings.Contains(d, township48) })
	for _, want := range []string{"village_review>approve>township_review", "township_review>approve>approved",
		"village_review>return>correction", "township_review>return>correction", "correction>submit>village_review"} {
		if !strings.Contains(d, want) {
			t.Errorf("the diagram lacks %q: %s", want, d)
		}
	}
	for _, box := range []string{"s-village_review-return-on", "s-township_review-return-on"} {
		if on, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("`+box+`").checked`)); err != nil || !on {
			t.Errorf("%s is not checked (%v)", box, err)
		}
	}
	if got := textOf(t, ctx, "p.flash"); !strings.Contains(got, "审核流程已保存为草稿") {
		t.Errorf("flash after saving the ladder: %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "workflow", "studio-07-workflow")

	// 4. 劳务报酬: a new pay table with one item, 1.00 yuan per accepted
	// record to the field worker who filled it.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/pay"]`)),
		chromedp.WaitVisible(chromedp.ID("pay-create")),
		chromedp.SendKeys(chromedp.ID("item-label-zh"), "接种核查补助"),
		chromedp.SendKeys(chromedp.ID("item-label-en"), "Immunization check"),
		chromedp.SetValue(chromedp.ID("item-on"), "record.accepted"),
		chromedp.SetValue(chromedp.ID("item-pays"), "creator"),
		chromedp.SetValue(chromedp.ID("item-role"), "field_worker"),
		chromedp.SendKeys(chromedp.ID("item-amount"), "1.00"),
		chromedp.Click(chromedp.ID("pay-create-submit")),
	)
	if err != nil {
		t.Fatalf("create the pay table: %v", err)
	}
	if got, err := waitText(ctx, "p.flash", func(s string) bool { return strings.Contains(s, "已新建劳务报酬表") }); err != nil {
		t.Fatalf("flash after creating the pay table: %q %v", got, err)
	}
	if got := textOf(t, ctx, "#pay-items"); !strings.Contains(got, "接种核查补助：每条 1.00 元") || !strings.Contains(got, "记录通过时，付给记录填报人（须为调查员）") {
		t.Errorf("the item in words: %q", got)
	}
	if got := textOf(t, ctx, "#pay-example-summary"); got != "完成 10 条记录、抽查 1 条无问题：共 10.00 元" {
		t.Errorf("the worked example: %q", got)
	}
	shot(t, ctx, "pay", "studio-08-pay")

	// 5. 检查并发布: no problems, every draft listed, all published at once.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.studio-steps`)),
	)
	if err != nil {
		t.Fatalf("open 检查并发布: %v (problems: %s)", err, textOrEmpty(ctx, "#problems"))
	}
	steps := textOf(t, ctx, "ol.studio-steps")
	for _, want := range []string{"表单", "审核流程", "劳务报酬表", "工作项目“" + title + "”"} {
		if !strings.Contains(steps, want) {
			t.Errorf("the drafts to publish lack %s: %q", want, steps)
		}
	}
	shot(t, ctx, "check", "studio-09-check")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action$="/publish"] button[type=submit]`))); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if got, err := waitText(ctx, "p.flash", func(s string) bool { return strings.Contains(s, "已一并发布") }); err != nil {
		t.Fatalf("flash after publishing: %q %v", got, err)
	}
	shot(t, ctx, "published", "studio-10-published")
	camp, err := s.eng.Campaign(context.Background(), id)
	if err != nil {
		t.Fatalf("the campaign is not live: %v", err)
	}
	if camp.PayTable() != id+"-pay" || camp.Workflow() != id+"-review" || camp.Title("zh") != title {
		t.Errorf("the live campaign: pay table %q, workflow %q, title %q", camp.PayTable(), camp.Workflow(), camp.Title("zh"))
	}
	if !camp.OpenAt(s.eng.Now()) {
		t.Fatalf("the new campaign is not open today")
	}

	// 6. The field worker of 东柳村 fills it on a phone. The child was born
	// two years and a few days before today (the campaign's reference
	// time), on a day every month has.
	wctx := newBrowser(t)
	phone(t, wctx)
	signIn(t, wctx, s, "worker", "")
	born := time.Date(s.eng.Now().In(china).Year()-2, s.eng.Now().In(china).Month(), 12, 0, 0, 0, 0, china)
	birth := born.Format(time.DateOnly)
	next := born.AddDate(0, 3, 0).Format(time.DateOnly)
	childID := residentID(birth, 31)
	fill := s.base + "/campaigns/" + id + "/forms/" + id + "-form/new"
	err = chromedp.Do(wctx,
		chromedp.Navigate(fill),
		chromedp.WaitVisible(chromedp.ID("f-"+nameKey)),
		chromedp.SendKeys(chromedp.ID("f-"+nameKey), "李小满"),
		chromedp.SendKeys(chromedp.ID("f-"+idKey), childID),
	)
	if err != nil {
		t.Fatalf("open the form and type the child's name and ID: %v", err)
	}
	if got, err := waitText(wctx, "#f-"+birthKey, func(s string) bool { return s != "" }); err != nil || !strings.Contains(got, birth) {
		t.Errorf("the birth date computed from %s: %q %v, want %s", childID, got, err, birth)
	}
	if got, err := waitText(wctx, "#f-"+nextKey, func(s string) bool { return s != "" }); err != nil || !strings.Contains(got, next) {
		t.Errorf("the next check date: %q %v, want %s", got, err, next)
	}
	err = chromedp.Do(wctx,
		chromedp.ScrollIntoView(chromedp.ID("f-township")),
		chromedp.SetValue(chromedp.ID("f-township"), "341299001"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("f-township").dispatchEvent(new Event("change", {bubbles: true}))`),
	)
	if err != nil {
		t.Fatalf("pick 柳泉镇: %v", err)
	}
	offered := func() string {
		v, _ := chromedp.Run(wctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#f-village option")).filter(function(o){return o.value && !o.hidden}).map(function(o){return o.textContent.trim()}).join(",")`))
		return v
	}
	const liuquan = "东柳村,西柳村,泉口村,杏花村"
	for deadline := time.Now().Add(10 * time.Second); offered() != liuquan && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	if got := offered(); got != liuquan {
		t.Fatalf("villages offered after 柳泉镇: %q, want %s", got, liuquan)
	}
	err = chromedp.Do(wctx,
		chromedp.SetValue(chromedp.ID("f-village"), "341299001001"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("f-village").dispatchEvent(new Event("change", {bubbles: true}))`),
		chromedp.Click(chromedp.ID("f-"+vaccKey+"-yes")),
		chromedp.ScrollIntoView(chromedp.ID("f-"+birthKey)),
	)
	if err != nil {
		t.Fatalf("pick 东柳村 and 已接种 是: %v", err)
	}
	if w, _ := chromedp.Run(wctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the form is %d px wide on a 390 px phone", w)
	}
	shot(t, wctx, "fill-390", "studio-11-fill")
	if err := chromedp.Do(wctx, chromedp.ScrollIntoView(chromedp.CSS(".form-actions"))); err != nil {
		t.Fatal(err)
	}
	shot(t, wctx, "fill-next-390", "studio-11-fill-next")
	if err := chromedp.Do(wctx, chromedp.Click(chromedp.CSS(`.form-actions button[name="_action"][value="submit"]`))); err != nil {
		t.Fatalf("submit: %v", err)
	}
	tctx, cancel := context.WithTimeout(wctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.WaitVisible(chromedp.ID("record-state"))); err != nil {
		problems := textOrEmpty(wctx, ".alert")
		shot(t, wctx, "not-submitted", "")
		t.Fatalf("no receipt after submitting: %v; page says: %s", err, problems)
	}
	if got := textOf(t, wctx, "#record-state"); got != "村级审核" {
		t.Errorf("receipt state: got %q, want 村级审核", got)
	}
	shot(t, wctx, "receipt-390", "studio-12-receipt")
	recordID := textOf(t, wctx, "#record-id")
	view, err := s.eng.RevealRecord(context.Background(), s.actor(t, "admin"), recordID)
	if err != nil {
		t.Fatalf("reveal %s: %v", recordID, err)
	}
	want := map[string]any{nameKey: "李小满", idKey: childID, birthKey: birth, nextKey: next, vaccKey: true, "township": "341299001", "village": "341299001001"}
	for k, v := range want {
		if got := view.Answers[k]; fmt.Sprint(got) != fmt.Sprint(v) {
			t.Errorf("stored answer %s: got %v, want %v", k, got, v)
		}
	}
	r, err := s.st.GetRecord(context.Background(), recordID)
	if err != nil {
		t.Fatal(err)
	}
	if worker := s.actor(t, "worker"); r.State != "village_review" || r.CreatedBy != worker.User.ID || r.OrgUnit != "341299001001" {
		t.Errorf("stored record: state %s, by %s, unit %s; want village_review by the worker in 东柳村", r.State, r.CreatedBy, r.OrgUnit)
	}
	if due := r.DueAt.Sub(r.History[len(r.History)-1].At); due != 48*time.Hour {
		t.Errorf("the village's task is due %s after submission, want 48h", due)
	}

	// 7. The village reviewer, then the township reviewer, approve it from
	// their inboxes.
	approve := func(username, before, after, stored, doc string) {
		t.Helper()
		rctx := newBrowser(t)
		desktop(t, rctx)
		signIn(t, rctx, s, username, "")
		err := chromedp.Do(rctx,
			chromedp.Navigate(s.base+"/inbox?campaign="+id),
			chromedp.WaitVisible(chromedp.CSS(`ul.tasks a.task[href="/records/`+recordID+`"]`)),
			chromedp.Click(chromedp.CSS(`ul.tasks a.task[href="/records/`+recordID+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`button[name="action"][value="approve"]`)),
		)
		if err != nil {
			t.Fatalf("%s opens the record from the inbox: %v", username, err)
		}
		if got := textOf(t, rctx, "span.state"); got != before {
			t.Errorf("%s sees the state %q, want %q", username, got, before)
		}
		if err := chromedp.Do(rctx, chromedp.Click(chromedp.CSS(`button[name="action"][value="approve"]`))); err != nil {
			t.Fatalf("%s approves: %v", username, err)
		}
		if got, err := waitText(rctx, "span.state", func(s string) bool { return s == after }); err != nil {
			t.Fatalf("state after %s approves: %q %v, want %s", username, got, err, after)
		}
		shot(t, rctx, "approved-"+username, doc)
		r, err := s.st.GetRecord(context.Background(), recordID)
		if err != nil {
			t.Fatal(err)
		}
		last := r.History[len(r.History)-1]
		if r.State != stored || last.Action != "approve" || last.Actor != s.actor(t, username).User.ID {
			t.Errorf("stored after %s approves: state %s, last step %+v; want %s", username, r.State, last, stored)
		}
		// The township's task is due 48 hours after the village passed it.
		if stored == "township_review" && r.DueAt.Sub(last.At) != 48*time.Hour {
			t.Errorf("the township's task is due %s after it arrived, want 48h", r.DueAt.Sub(last.At))
		}
	}
	approve("village-reviewer", "村级审核", "乡镇审核", "township_review", "studio-13-village-approves")
	approve("township-reviewer", "乡镇审核", "已通过", "approved", "studio-14-township-approves")

	// 8. Finance: 1.00 yuan for 陈小雨, the worker who filled it.
	fctx := newBrowser(t)
	desktop(t, fctx)
	signIn(t, fctx, s, "finance", "")
	err = chromedp.Do(fctx,
		chromedp.Navigate(s.base+"/finance?campaign="+id),
		chromedp.WaitVisible(chromedp.CSS("table.finance-table tfoot tr.total")),
	)
	if err != nil {
		t.Fatalf("the campaign's payment table: %v", err)
	}
	row, err := chromedp.Run(fctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("table.finance-table tbody tr")).filter(function(r){return r.cells.length > 9}).map(function(r){return Array.from(r.cells).map(function(c){return c.textContent.trim()}).join("|")}).join("\n")`))
	if err != nil {
		t.Fatal(err)
	}
	cells := strings.Split(row, "|")
	if strings.Contains(row, "\n") || len(cells) != 10 || !strings.Contains(cells[1], "陈小雨") || cells[3] != "接种核查补助" || cells[4] != "1" || cells[9] != "1.00" {
		t.Errorf("the payment rows: %q; want one row, 陈小雨, 接种核查补助, 1 record, 1.00", row)
	}
	if got := textOf(t, fctx, "table.finance-table tfoot tr.total td:last-child"); got != "1.00" {
		t.Errorf("the total on the page: %q, want 1.00", got)
	}
	shot(t, fctx, "finance", "studio-15-finance")
	table, err := s.eng.Pay.Payments(context.Background(), s.actor(t, "finance"), pay.PaymentQuery{CampaignID: id, Lang: "zh-CN"})
	if err != nil {
		t.Fatal(err)
	}
	if table.Total.TotalFen != 100 || table.Total.Count != 1 {
		t.Errorf("engine totals: %d payments, %d fen; want 1, 100", table.Total.Count, table.Total.TotalFen)
	}
}
