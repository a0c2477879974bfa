package e2e

import (
	"context"
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"
)

// The screens the page tests look at: an office screen and a phone.
var (
	officeView = chromedp.EmulateViewport(1280, 900)
	phoneView  = chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)
)

// studioCampaignID finds a campaign's ID in a studio address.
var studioCampaignID = regexp.MustCompile(`/studio/campaigns/([a-z0-9-]+)`)

// newStudioCampaign opens a fresh tab at an office screen, signs the demo
// author in and makes a blank campaign titled title in the studio. It
// returns the tab, showing the campaign's 基本信息, and the campaign's ID.
func newStudioCampaign(t *testing.T, s *site, title string) (context.Context, string) {
	t.Helper()
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, officeView); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, s, "author", "")
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/studio"),
		chromedp.SendKeys(chromedp.ID("new-title"), title),
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
	m := studioCampaignID.FindStringSubmatch(location)
	if m == nil {
		t.Fatalf("after creating the campaign the browser is at %s", location)
	}
	return ctx, m[1]
}

// shotBoth takes the step's screenshot at an office screen and on a phone,
// and leaves the tab at the office screen.
func shotBoth(t *testing.T, ctx context.Context, step string) {
	t.Helper()
	shot(t, ctx, step+"-1280", "")
	if err := chromedp.Do(ctx, phoneView); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, step+"-390", "")
	if err := chromedp.Do(ctx, officeView); err != nil {
		t.Fatal(err)
	}
}
