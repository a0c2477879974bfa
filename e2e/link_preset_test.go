package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLinkPresetInSection: a surveyor picks the respondent's name — a
// field inside the questionnaire's first section — by its label as the
// preset of a QR link, prints the card (which names it by its label), and
// the respondent who opens the link finds the name filled in, masked and
// read-only, in its section.
func TestLinkPresetInSection(t *testing.T) {
	s := startSite(t)
	s.keepOpen(t, "fertility-survey-2026")
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, s, "worker", "")
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/campaigns/fertility-survey-2026/links"),
		chromedp.WaitVisible(chromedp.ID("l-field")),
	)
	if err != nil {
		t.Fatalf("open the links page: %v", err)
	}
	label := textOf(t, ctx, `#l-field option[value="personal.respondentName"]`)
	if label != "一、个人基本信息 › 被调查人姓名" {
		t.Errorf("the preset choice reads %q", label)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("l-field"), "personal.respondentName"),
		chromedp.SendKeys(chromedp.ID("l-values"), "林晓雯"),
		chromedp.ScrollIntoView(chromedp.ID("l-field")),
	); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "links-1280", "")
	phone(t, ctx)
	shot(t, ctx, "links-390", "")

	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action$="/links/print"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".qr-card")),
	); err != nil {
		t.Fatalf("make the link: %v", err)
	}
	if got := textOf(t, ctx, ".qr-card strong"); got != "被调查人姓名: 林晓雯" {
		t.Errorf("the card reads %q", got)
	}
	shot(t, ctx, "card-390", "")
	url := textOf(t, ctx, ".qr-card small")
	if !strings.Contains(url, "/p/") {
		t.Fatalf("the card's address %q", url)
	}
	if i := strings.Index(url, "/p/"); i >= 0 {
		url = s.base + url[i:]
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.ID("f-personal-respondentName")),
	); err != nil {
		t.Fatalf("open the link: %v", err)
	}
	value, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("f-personal-respondentName").value`))
	if err != nil || value != "林**" {
		t.Errorf("the preset name shows %q (%v), want 林**", value, err)
	}
	ro, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("f-personal-respondentName").readOnly`))
	if err != nil || !ro {
		t.Errorf("the preset name is not read-only (%v)", err)
	}
	shot(t, ctx, "public-form-390", "")
}
