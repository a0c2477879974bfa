package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestStudioPayEditor: on a blank campaign the author opens 劳务报酬,
// creates the pay table with one item — 1.00 yuan per accepted record to
// the field worker who filled it — reads it back in words, sees the
// worked example follow the sample as they change it, and the campaign
// passes 检查并发布 and publishes. Screenshots at an office screen and on
// a phone.
func TestStudioPayEditor(t *testing.T) {
	s := startSite(t)
	ctx, id := newStudioCampaign(t, s, "流动儿童预防接种核查")

	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/pay"]`)),
		chromedp.WaitVisible(chromedp.ID("pay-create")),
	)
	if err != nil {
		t.Fatalf("open 劳务报酬: %v", err)
	}
	shot(t, ctx, "create-1280", "")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("item-label-zh"), "核查补助"),
		chromedp.SendKeys(chromedp.ID("item-label-en"), "Record checked"),
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
		t.Fatalf("flash after creating: %q %v", got, err)
	}
	if got := textOf(t, ctx, "#pay-items"); !strings.Contains(got, "核查补助：每条 1.00 元") || !strings.Contains(got, "记录通过时，付给记录填报人（须为调查员）") {
		t.Errorf("the item in words: %q", got)
	}
	if got := textOf(t, ctx, "#pay-example-summary"); got != "完成 10 条记录、抽查 1 条无问题：共 10.00 元" {
		t.Errorf("the worked example: %q", got)
	}
	if got := textOf(t, ctx, "#pay-example-lines tbody"); !strings.Contains(got, "核查补助") || !strings.Contains(got, "10") || !strings.Contains(got, "1.00") {
		t.Errorf("the example's lines: %q", got)
	}
	shot(t, ctx, "table-1280", "")

	// The example follows the sample as it is typed (studio_pay.js).
	err = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](
		`(function(){var e=document.getElementById("sample-records");e.value="3";e.dispatchEvent(new Event("input",{bubbles:true}))})()`))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := waitText(ctx, "#pay-example-summary", func(s string) bool { return strings.Contains(s, "完成 3 条记录") }); err != nil || !strings.Contains(got, "共 3.00 元") {
		t.Errorf("the example after changing the sample: %q %v", got, err)
	}
	if got := textOf(t, ctx, "#pay-example-total"); got != "3.00" {
		t.Errorf("the example's total: %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.ID("pay-example"))); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "example-1280", "")
	if err := chromedp.Do(ctx, phoneView, chromedp.ScrollIntoView(chromedp.ID("pay-example"))); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "example-390", "")
	if err := chromedp.Do(ctx, officeView); err != nil {
		t.Fatal(err)
	}

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.studio-steps`)),
	)
	if err != nil {
		t.Fatalf("open 检查并发布: %v", err)
	}
	if got := textOf(t, ctx, "ol.studio-steps"); !strings.Contains(got, "劳务报酬表“流动儿童预防接种核查劳务报酬”") {
		t.Errorf("the drafts to publish: %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action$="/publish"] button[type=submit]`))); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if got, err := waitText(ctx, "p.flash", func(s string) bool { return strings.Contains(s, "已一并发布") }); err != nil {
		t.Errorf("flash after publishing: %q %v", got, err)
	}
	c, err := s.eng.Campaign(context.Background(), id)
	if err != nil {
		t.Fatalf("the campaign is not live: %v", err)
	}
	if c.PayTable() != id+"-pay" {
		t.Errorf("the live campaign's pay table: %q", c.PayTable())
	}

	// The survey's published table, as the example: ten households
	// surveyed, one spot check without a problem.
	err = chromedp.Do(ctx, officeView,
		chromedp.Navigate(s.base+"/studio/campaigns/fertility-survey-2026/pay?records=10&qc_pass=1&days=2"),
		chromedp.WaitVisible(chromedp.ID("pay-items")),
	)
	if err != nil {
		t.Fatalf("open the survey's 劳务报酬: %v", err)
	}
	if got := textOf(t, ctx, "#pay-item-household_surveyed .pay-explain"); got != "入户调查劳务补助：每户 50.00 元；抽查发现问题则扣发" {
		t.Errorf("the survey's first item: %q", got)
	}
	if got := textOf(t, ctx, "#pay-example-summary"); got != "完成 10 条记录、抽查 1 条无问题、出勤 2 天：共 650.00 元" {
		t.Errorf("the survey's worked example: %q", got)
	}
	if got := textOf(t, ctx, "#pay-example-roles"); got != "调查员 550.00 元、督导员 100.00 元" {
		t.Errorf("by role: %q", got)
	}
	shot(t, ctx, "survey-1280", "")
}
