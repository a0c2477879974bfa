package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"canvass/engine"
)

// TestStudioRequiredMessage: the author adds a question to the fertility
// survey, makes it required with its own message for when it is left
// empty (Chinese and English), saves, reads the boxes back from the
// stored draft, and finds the message in the form's file.
func TestStudioRequiredMessage(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, officeView); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, s, "author", "")
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/studio/campaigns/fertility-survey-2026/forms/fertility-household"),
		chromedp.WaitVisible(chromedp.ID("add-field")),
		chromedp.SetValue(chromedp.ID("add-type"), "text"),
		chromedp.SendKeys(chromedp.ID("add-label"), "联系人备注"),
		chromedp.Click(chromedp.CSS(`#add-field button[type=submit]`)),
	)
	if err != nil {
		t.Fatalf("add a question: %v", err)
	}
	if _, err := waitText(ctx, ".outline-list li.current .outline-label", func(s string) bool { return s == "联系人备注" }); err != nil {
		t.Fatalf("the new question is not selected: %v", err)
	}
	const zh, en = "请写明联系人，没有写“无”", "Name a contact, or write none"
	reloaded(t, ctx, "save the required message",
		chromedp.Click(chromedp.ID("f-required")),
		chromedp.SendKeys(chromedp.ID("f-required-msg-zh"), zh),
		chromedp.SendKeys(chromedp.ID("f-required-msg-en"), en),
		chromedp.Click(chromedp.CSS(`#field-panel button[type=submit]`)),
	)
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("f-required").checked + "|" + document.getElementById("f-required-msg-zh").value + "|" + document.getElementById("f-required-msg-en").value`))
	if err != nil || got != "true|"+zh+"|"+en {
		t.Errorf("the boxes after saving: %q %v", got, err)
	}
	shot(t, ctx, "required-message-1280", "")
	// Version 0 is the published one; the studio's save is the draft after it.
	pub, err := s.st.GetDefinition(context.Background(), engine.KindForm, "fertility-household", 0)
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.st.GetDefinition(context.Background(), engine.KindForm, "fertility-household", pub.Version+1)
	if err != nil {
		t.Fatalf("the designer's draft: %v", err)
	}
	if d.Status != engine.StatusDraft || !strings.Contains(string(d.Source), `"x-required-message"`) || !strings.Contains(string(d.Source), zh) {
		t.Errorf("the saved draft (%s) lacks the message:\n%s", d.Status, d.Source)
	}
}
