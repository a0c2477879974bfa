package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestStudioCopyRenamePublish: an author opens the campaign studio, copies
// the published trainer sign-up campaign, renames the copy in 基本信息,
// then checks and publishes it. Screenshots at an office screen and on a
// phone.
func TestStudioCopyRenamePublish(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, officeView); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, s, "author", "")

	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.nav a[href="/studio"]`)),
		chromedp.WaitVisible(chromedp.ID("copy-source")),
	)
	if err != nil {
		t.Fatalf("open the studio from the navigation: %v", err)
	}
	shot(t, ctx, "list-1280", "")
	if err := chromedp.Do(ctx, phoneView); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "list-390", "")
	if err := chromedp.Do(ctx, officeView); err != nil {
		t.Fatal(err)
	}

	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("copy-source"), "census-training-2026"),
		chromedp.Click(chromedp.CSS(`form[action="/studio/copies"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("f-title_zh")),
	)
	if err != nil {
		t.Fatalf("copy the campaign: %v", err)
	}
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`/studio/campaigns/([a-z0-9-]+)`).FindStringSubmatch(location)
	if m == nil {
		t.Fatalf("after the copy the browser is at %s", location)
	}
	id := m[1]
	if got := textOf(t, ctx, "p.flash"); !strings.Contains(got, "已复制") {
		t.Errorf("flash after the copy: %q", got)
	}
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.getElementById("f-title_zh").value = ""`),
		chromedp.SendKeys(chromedp.ID("f-title_zh"), "2027年东关街道人口普查培训报名"),
		chromedp.Click(chromedp.CSS(`form.studio-basics button[type=submit]`)),
	)
	if err != nil {
		t.Fatalf("save the basics: %v", err)
	}
	// The copy's flash is on the page until the save's replaces it.
	if got, err := waitText(ctx, "p.flash", func(s string) bool { return strings.Contains(s, "基本信息已保存") }); err != nil {
		t.Fatalf("flash after saving the basics: %q %v", got, err)
	}
	if got := textOf(t, ctx, "h1"); got != "2027年东关街道人口普查培训报名" {
		t.Errorf("heading after the rename: %q", got)
	}
	shot(t, ctx, "basics-1280", "")
	if err := chromedp.Do(ctx, phoneView); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "basics-390", "")
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
	if got := textOf(t, ctx, "ol.studio-steps"); !strings.Contains(got, "工作项目“2027年东关街道人口普查培训报名”") {
		t.Errorf("the drafts to publish: %q", got)
	}
	shot(t, ctx, "check-1280", "")
	if err := chromedp.Do(ctx, phoneView); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "check-390", "")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action$="/publish"] button[type=submit]`))); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if got, err := waitText(ctx, "p.flash", func(s string) bool { return strings.Contains(s, "已一并发布") }); err != nil {
		t.Errorf("flash after publishing: %q %v", got, err)
	}
	shot(t, ctx, "published-390", "")
	c, err := s.eng.Campaign(context.Background(), id)
	if err != nil {
		t.Fatalf("the copy is not live: %v", err)
	}
	if got := c.Title("zh"); got != "2027年东关街道人口普查培训报名" {
		t.Errorf("the live campaign's title: %q", got)
	}

	// The source view, for a look at a long file on an office screen.
	if err := chromedp.Do(ctx, officeView, chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/source"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.source`))); err != nil {
		t.Fatalf("open 源文件: %v", err)
	}
	shot(t, ctx, "source-1280", "")
}

// TestStudioBlankCampaignProblems: an author makes a blank campaign,
// replaces its form in 源文件 with a broken one, and 检查并发布 lists what
// is wrong, each problem linking to where it is fixed.
func TestStudioBlankCampaignProblems(t *testing.T) {
	s := startSite(t)
	ctx, id := newStudioCampaign(t, s, "东关村育龄妇女登记")
	broken := filepath.Join(t.TempDir(), id+"-form.form.json")
	src := `{"x-form-id": "` + id + `-form", "x-title": {"zh": "育龄妇女登记表"}, "type": "object",
  "properties": {"name": {"type": "strin", "x-label": {"zh": "姓名"}}}}`
	if err := os.WriteFile(broken, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	anchor := "#file-form-" + id + "-form"
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/source"]`)),
		chromedp.WaitVisible(chromedp.CSS(anchor)),
		chromedp.SetUploadFiles(chromedp.CSS(anchor+` input[type=file]`), []string{broken}),
		chromedp.Click(chromedp.CSS(anchor+` form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("lint")),
	)
	if err != nil {
		t.Fatalf("upload a broken form: %v", err)
	}
	shot(t, ctx, "upload-1280", "")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/publish"]`)),
		chromedp.WaitVisible(chromedp.ID("problems")),
	)
	if err != nil {
		t.Fatalf("open 检查并发布: %v", err)
	}
	if got := textOf(t, ctx, "#problems"); !strings.Contains(got, "表单“育龄妇女登记表”") || !strings.Contains(got, "去修改") {
		t.Errorf("the problems: %q", got)
	}
	shot(t, ctx, "problems-1280", "")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "problems-390", "")
}
