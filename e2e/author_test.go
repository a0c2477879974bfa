package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestAuthorChecksAndPublishesACampaign: the author uploads a new campaign
// file as a draft, then checks and publishes the whole campaign with one
// button; the list shows it published. Screenshots at an office screen
// and on a phone.
func TestAuthorChecksAndPublishesACampaign(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, s, "author", "")

	// A copy of the trainer sign-up campaign under a new ID: its form and
	// workflow are published already, the district's own.
	src, err := os.ReadFile(filepath.Join("..", "examples", "trainer-signup", "census-training-2026.campaign.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	copySrc := strings.Replace(string(src), "id: census-training-2026", "id: census-training-copy", 1)
	file := filepath.Join(t.TempDir(), "census-training-copy.campaign.yaml")
	if err := os.WriteFile(file, []byte(copySrc), 0o600); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/author"),
		chromedp.WaitVisible(chromedp.ID("upload")),
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{file}),
		chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("campaign-publish")),
	)
	if err != nil {
		t.Fatalf("upload the campaign draft: %v", err)
	}
	if got := textOf(t, ctx, "#campaign-publish"); !strings.Contains(got, "census-training-copy") || !strings.Contains(got, "检查并发布") {
		t.Fatalf("the check-and-publish section: %q", got)
	}
	shot(t, ctx, "author-draft-1280", "")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "author-draft-390", "")
	// The upload's page has a flash too: wait for the redirect to the
	// list that says what was published, then read its flash.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#campaign-publish form[action="/author/campaigns/census-training-copy/publish"] button`))); err != nil {
		t.Fatalf("check and publish: %v", err)
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.Contains(loc, "published=") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after check and publish: at %s (%v), want the list with what was published", loc, err)
		}
	}
	if got := textOf(t, ctx, "p.flash"); !strings.Contains(got, "census-training-copy") {
		t.Errorf("flash: %q, want the campaign published", got)
	}
	shot(t, ctx, "author-published-390", "")
	if _, err := s.eng.Campaign(context.Background(), "census-training-copy"); err != nil {
		t.Errorf("the campaign is not live: %v", err)
	}
}
