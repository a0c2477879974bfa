package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestStudioCampaignEditors: an author makes a blank campaign, sets spot
// checks to 5 % (at least 1) on 抽查, adds a budget line on 预算 and an
// indicator with a 90 % target on 指标与报表, all without typing a file,
// and the campaign then passes 检查并发布 and publishes. Screenshots of
// each tab at an office screen and on a phone.
func TestStudioCampaignEditors(t *testing.T) {
	s := startSite(t)
	ctx, id := newStudioCampaign(t, s, "东关村育龄妇女登记")
	both := func(step string) {
		t.Helper()
		shotBoth(t, ctx, step)
	}
	saved := func(what string) {
		t.Helper()
		if got, err := waitText(ctx, "p.flash", func(s string) bool { return strings.Contains(s, "已保存为草稿") }); err != nil {
			t.Fatalf("%s: flash %q %v", what, got, err)
		}
	}

	// 抽查: a refusal first, in Chinese, then 5 %, at least 1.
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/qc"]`)),
		chromedp.WaitVisible(chromedp.ID("qc_percent-new")),
		chromedp.SendKeys(chromedp.ID("qc_percent-new"), "150"),
		chromedp.Click(chromedp.ID("qc_save")),
	)
	if err != nil {
		t.Fatalf("open 抽查: %v", err)
	}
	if err := chromedp.Do(ctx, phoneView); err != nil {
		t.Fatal(err)
	}
	if got, err := waitText(ctx, "#qc_percent-new-err", func(s string) bool { return strings.Contains(s, "不超过 100") }); err != nil {
		t.Fatalf("150 %%: %q %v", got, err)
	}
	shot(t, ctx, "qc-refused-390", "")
	err = chromedp.Do(ctx, officeView,
		chromedp.SetValue(chromedp.ID("qc_percent-new"), "5"),
		chromedp.SetValue(chromedp.ID("qc_min-new"), "1"),
		chromedp.Click(chromedp.ID("qc_save")),
	)
	if err != nil {
		t.Fatalf("set spot checks: %v", err)
	}
	saved("spot checks")
	if got := textOf(t, ctx, "#qc-now"); !strings.Contains(got, "每人抽查 5% 的记录，至少 1 份") {
		t.Errorf("spot checks now: %q", got)
	}
	both("qc")

	// 预算: one line in yuan.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/budget"]`)),
		chromedp.WaitVisible(chromedp.ID("line_label_zh-new")),
		chromedp.SendKeys(chromedp.ID("line_label_zh-new"), "宣传横幅"),
		chromedp.SendKeys(chromedp.ID("line_unit-new"), "120.50"),
		chromedp.Click(chromedp.ID("line-submit")),
	)
	if err != nil {
		t.Fatalf("add a budget line: %v", err)
	}
	saved("budget line")
	if got := textOf(t, ctx, "#lines"); !strings.Contains(got, "宣传横幅：120.50 元") || !strings.Contains(textOf(t, ctx, "#budget-total"), "合计 120.50 元") {
		t.Errorf("budget lines: %q", got)
	}
	both("budget")

	// 指标与报表: records with a name, approved, of all records: ≥ 90 %.
	form := id + "-form"
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/indicators"]`)),
		chromedp.WaitVisible(chromedp.ID("ind_title_zh-new")),
		chromedp.SendKeys(chromedp.ID("ind_title_zh-new"), "登记审核通过率"),
		chromedp.SetValue(chromedp.ID("num_kind-new"), "count"),
		chromedp.SetValue(chromedp.ID("num_form-new"), form),
		chromedp.SetValue(chromedp.ID("num_field-new"), "name"),
		chromedp.SetValue(chromedp.ID("num_op-new"), "filled"),
		chromedp.Click(chromedp.CSS(`#indicator input[name=num_states][value=approved]`)),
		chromedp.SetValue(chromedp.ID("den_kind-new"), "count"),
		chromedp.SetValue(chromedp.ID("den_form-new"), form),
		chromedp.SetValue(chromedp.ID("ind_target-new"), "90"),
		chromedp.Click(chromedp.ID("indicator-submit")),
	)
	if err != nil {
		t.Fatalf("add an indicator: %v", err)
	}
	saved("indicator")
	if got := textOf(t, ctx, "#indicators"); !strings.Contains(got, "登记审核通过率：目标 90%") || !strings.Contains(got, "姓名 已填") {
		t.Errorf("indicators: %q", got)
	}
	both("indicators")

	// 检查并发布 passes and publishes.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.studio-steps`)),
		chromedp.Click(chromedp.CSS(`form[action$="/publish"] button[type=submit]`)),
	)
	if err != nil {
		t.Fatalf("check and publish: %v", err)
	}
	if got, err := waitText(ctx, "p.flash", func(s string) bool { return strings.Contains(s, "已一并发布") }); err != nil {
		t.Fatalf("flash after publishing: %q %v", got, err)
	}
	c, err := s.eng.Campaign(context.Background(), id)
	if err != nil {
		t.Fatalf("the campaign is not live: %v", err)
	}
	if q, ok := c.QC(); !ok || q.SharePPM != 50000 || q.Min != 1 {
		t.Errorf("live spot checks: %+v %v", q, ok)
	}
	if lines, total, err := c.Budget().Compute(nil); err != nil || total != 12050 || len(lines) != 1 {
		t.Errorf("live budget: %+v %d %v", lines, total, err)
	}
	if inds := c.Indicators(); len(inds) != 1 || inds[0].Target != 90 || inds[0].Factor != 100 {
		t.Errorf("live indicators: %+v", inds)
	}
}
