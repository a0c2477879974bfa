package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"canvass/engine"
)

// TestStudioVersions: an author makes a blank campaign and publishes it
// (version 1 of each file), shortens the name field and moves the closing
// date, publishes again, then opens 版本历史, compares the form's two
// versions and the campaign's, and reads version 1's source. Screenshots
// at an office screen and on a phone.
func TestStudioVersions(t *testing.T) {
	s := startSite(t)
	ctx, id := newStudioCampaign(t, s, "东关村流动儿童接种核查")
	publish := func(step string) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/publish"]`)),
			chromedp.WaitVisible(chromedp.CSS(`ol.studio-steps`)),
			chromedp.Click(chromedp.CSS(`form[action$="/publish"] button[type=submit]`)),
		)
		if err != nil {
			t.Fatalf("%s: publish: %v", step, err)
		}
		if got, err := waitText(ctx, "p.flash", func(s string) bool { return strings.Contains(s, "已一并发布") }); err != nil {
			t.Fatalf("%s: flash after publishing: %q %v", step, got, err)
		}
	}
	publish("version 1")

	// Version 2: the name field shortened (saved behind the browser's
	// back, as the designer would), the closing date moved in 基本信息.
	bctx := context.Background()
	author := s.actor(t, "author")
	formID := id + "-form"
	v1, err := s.st.GetDefinition(bctx, engine.KindForm, formID, 0)
	if err != nil {
		t.Fatal(err)
	}
	shorter := strings.Replace(string(v1.Source), `"maxLength": 50`, `"maxLength": 30`, 1)
	if shorter == string(v1.Source) {
		t.Fatalf("the blank form has no maxLength 50:\n%s", v1.Source)
	}
	if _, err := s.eng.SaveDraftBased(bctx, author, engine.KindForm, formID, v1.Filename, []byte(shorter), v1.Checksum); err != nil {
		t.Fatalf("save form version 2: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href="/studio/campaigns/`+id+`"]`)),
		chromedp.WaitVisible(chromedp.ID("f-closes")),
		chromedp.SetValue(chromedp.ID("f-closes"), "2099-12-31"),
		chromedp.Click(chromedp.CSS(`form.studio-basics button[type=submit]`)),
	)
	if err != nil {
		t.Fatalf("move the closing date: %v", err)
	}
	if got, err := waitText(ctx, "p.flash", func(s string) bool { return strings.Contains(s, "基本信息已保存") }); err != nil {
		t.Fatalf("flash after saving the basics: %q %v", got, err)
	}
	publish("version 2")

	// 版本历史: the form's two versions are preselected; compare them.
	formHistory := "#history-form-" + formID
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/versions"]`)),
		chromedp.WaitVisible(chromedp.CSS(formHistory+` table.versions`)),
	)
	if err != nil {
		t.Fatalf("open 版本历史: %v", err)
	}
	if got := textOf(t, ctx, formHistory+` tr[data-version="2"]`); !strings.Contains(got, "已发布") || !strings.Contains(got, "年") {
		t.Errorf("the form's version 2 row: %q", got)
	}
	shot(t, ctx, "history-1280", "")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(formHistory+` form.version-compare button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("version-changes")),
	)
	if err != nil {
		t.Fatalf("compare the form's versions: %v", err)
	}
	if got := textOf(t, ctx, "#version-changes"); got != "字段「姓名」的长度限制由不超过 50 字改为不超过 30 字" {
		t.Errorf("the form's changes: %q", got)
	}
	shot(t, ctx, "form-diff-1280", "")
	if err := chromedp.Do(ctx, phoneView); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "form-diff-390", "")
	if err := chromedp.Do(ctx, officeView); err != nil {
		t.Fatal(err)
	}

	// The campaign's versions, picked by keyboard-reachable selects.
	campHistory := "#history-campaign-" + id
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(campHistory+` select[name=from]`), "1"),
		chromedp.SetValue(chromedp.CSS(campHistory+` select[name=to]`), "2"),
		chromedp.Click(chromedp.CSS(campHistory+` form.version-compare button[type=submit]`)),
	)
	if err != nil {
		t.Fatalf("compare the campaign's versions: %v", err)
	}
	if got, err := waitText(ctx, "#version-changes", func(s string) bool { return strings.Contains(s, "截止日期由") }); err != nil || !strings.Contains(got, "改为 2099年12月31日") {
		t.Errorf("the campaign's changes: %q %v", got, err)
	}

	// Version 1's source, read-only and line-numbered, and back.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("version-diff-from")),
		chromedp.WaitVisible(chromedp.ID("version-source")),
	)
	if err != nil {
		t.Fatalf("open version 1's source: %v", err)
	}
	if got := textOf(t, ctx, "#v1-L1"); !strings.HasPrefix(got, "1") || !strings.Contains(got, "id: "+id) {
		t.Errorf("line 1 of the campaign's version 1: %q", got)
	}
	uploads, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#version-source input, #version-source textarea").length`))
	if err != nil || uploads != 0 {
		t.Errorf("the source view has %d inputs (%v), want none", uploads, err)
	}
	shot(t, ctx, "source-1280", "")
	if err := chromedp.Do(ctx, phoneView); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "source-390", "")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("version-source-back")),
		chromedp.WaitVisible(chromedp.CSS(formHistory)),
	)
	if err != nil {
		t.Fatalf("back to the history: %v", err)
	}
	shot(t, ctx, "history-390", "")

	// The same comparison for an English-speaking author.
	err = chromedp.Do(ctx, officeView,
		chromedp.Navigate(s.base+"/studio/campaigns/"+id+"/versions?kind=form&file="+formID+"&from=1&to=2&lang=en"),
		chromedp.WaitVisible(chromedp.ID("version-changes")),
	)
	if err != nil {
		t.Fatalf("the comparison in English: %v", err)
	}
	if got := textOf(t, ctx, "#version-changes"); got != `Field "Name": length limit changed from at most 50 to at most 30` {
		t.Errorf("the form's changes in English: %q", got)
	}
	shot(t, ctx, "form-diff-en-1280", "")
}
