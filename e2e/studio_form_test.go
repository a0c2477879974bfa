package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"canvass/engine"
	"canvass/engine/studio"
	"canvass/forms"
)

// TestStudioFormDesigner: the author opens the designer of the fertility
// survey's published form, adds a single-line text question and a yes/no
// question, gives the text question a show-when condition on the yes/no
// one with the builder, and sees the phone preview show and hide it as
// they answer. Screenshots at an office screen and on a phone.
func TestStudioFormDesigner(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, s, "author", "")
	page := s.base + "/studio/campaigns/fertility-survey-2026/forms/fertility-household"

	// addField adds a field of type at the place the add form offers
	// first, and waits for the page to show it selected.
	addField := func(typ, label string) string {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.WaitVisible(chromedp.ID("add-field")),
			chromedp.SetValue(chromedp.ID("add-type"), typ),
			chromedp.SendKeys(chromedp.ID("add-label"), label),
			chromedp.Click(chromedp.CSS(`#add-field button[type=submit]`)),
		)
		if err != nil {
			t.Fatalf("add %s: %v", label, err)
		}
		if _, err := waitText(ctx, ".outline-list li.current .outline-label", func(s string) bool { return s == label }); err != nil {
			t.Fatalf("after adding %s: %v", label, err)
		}
		key, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("f-key").value`))
		if err != nil || key == "" {
			t.Fatalf("the key of %s: %q %v", label, key, err)
		}
		return key
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("preview"))); err != nil {
		t.Fatalf("open the designer: %v", err)
	}
	if got := textOf(t, ctx, "h1"); !strings.Contains(got, "表单设计") {
		t.Errorf("heading: %q", got)
	}
	textKey := addField("text", "联系人备注")
	yesKey := addField("yesno", "是否留联系人")

	// Back to the text question; show it when the yes/no one is 是.
	err := chromedp.Do(ctx,
		chromedp.Click(`//ol[@class="outline-list"]//a[contains(., "联系人备注")]`),
		chromedp.WaitVisible(chromedp.ID("cond-add")),
		chromedp.Click(chromedp.ID("cond-add")),
		chromedp.SetValue(chromedp.CSS(`#cond-rows li:last-child select[name=condField]`), yesKey),
		chromedp.SetValue(chromedp.CSS(`#cond-rows li:last-child select[name=condOp]`), "eq"),
		chromedp.SendKeys(chromedp.CSS(`#cond-rows li:last-child input[name=condValue]`), "是"),
	)
	if err != nil {
		t.Fatalf("the condition builder: %v", err)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#cond-rows li:last-child input[name=condValue]').value`)); v != "是" {
		t.Errorf("the condition's value: %q", v)
	}
	shot(t, ctx, "condition-1280", "")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#field-panel button[type=submit]`))); err != nil {
		t.Fatal(err)
	}
	// The saved page reopens the rule as builder rows.
	if _, err := waitText(ctx, `#cond-rows`, func(s string) bool { return strings.Contains(s, "等于") }); err != nil {
		t.Fatalf("after saving the condition: %v (error %q)", err, textOf(t, ctx, "#field-panel"))
	}
	relevant := func() string {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(
			`(function(){var w=document.querySelector('#preview [data-key=%q]');return w?w.getAttribute("data-relevant")+"/"+(w.offsetParent!==null):"missing"})()`, textKey)))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	waitRelevant := func(want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for relevant() != want && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if got := relevant(); got != want {
			t.Fatalf("the text question in the preview: got %s, want %s", got, want)
		}
	}
	waitRelevant("false/false")
	if v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#cond-rows input[name=condValue]').value`)); v != "是" {
		t.Errorf("the saved condition's value reads %q, want 是", v)
	}
	shot(t, ctx, "saved-1280", "")
	clickAnswer := func(value string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#preview [data-key=%q] input[value=%q]`, yesKey, value)))); err != nil {
			t.Fatalf("answer %s: %v", value, err)
		}
	}
	clickAnswer("true")
	waitRelevant("true/true")
	shot(t, ctx, "preview-shown-1280", "")
	clickAnswer("false")
	waitRelevant("false/false")

	// An empty Chinese label is refused beside its box, in Chinese.
	err = chromedp.Do(ctx,
		chromedp.Clear(chromedp.ID("f-label-zh")),
		chromedp.Click(chromedp.CSS(`#field-panel button[type=submit]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := waitText(ctx, `#f-label-zh ~ .field-error`, func(s string) bool { return s != "" }); err != nil || !strings.Contains(got, "请填写中文标题") {
		t.Errorf("the empty label's error: %q %v", got, err)
	}
	shot(t, ctx, "label-error-1280", "")

	// Meanwhile another save adds a question: the page's save is a
	// conflict that names the change, and what the author typed stays.
	author := s.actor(t, "author")
	versions, err := s.eng.Definitions(context.Background(), author, engine.DefinitionFilter{Kind: engine.KindForm, ID: "fertility-household"})
	if err != nil || len(versions) == 0 {
		t.Fatalf("versions: %v", err)
	}
	last := versions[len(versions)-1]
	d, err := s.eng.DefinitionVersion(context.Background(), author, engine.KindForm, last.ID, last.Version)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := studio.OpenForm(d.Source)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := doc.AddField("", -1, studio.FieldSpec{Type: studio.TypeText, Label: forms.Text{ZH: "同事加的问题"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.eng.SaveDraft(context.Background(), author, engine.KindForm, d.ID, d.Filename, doc.Bytes()); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("f-label-zh"), "联系人备注（改）"),
		chromedp.Click(chromedp.CSS(`#field-panel button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("designer-conflict")),
	)
	if err != nil {
		t.Fatalf("a save after another: %v", err)
	}
	if got := textOf(t, ctx, "#designer-conflict"); !strings.Contains(got, "对方新增了：同事加的问题") || !strings.Contains(got, "林秋") {
		t.Errorf("the conflict: %q", got)
	}
	if v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("f-label-zh").value`)); v != "联系人备注（改）" {
		t.Errorf("the label typed: %q", v)
	}
	shot(t, ctx, "conflict-1280", "")
	// Saving again applies the author's change to the newest version.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#field-panel button[type=submit]`))); err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(ctx, ".outline-list li.current .outline-label", func(s string) bool { return s == "联系人备注（改）" }); err != nil {
		t.Fatalf("save after the conflict: %v", err)
	}

	// The advanced box checks an expression as the author types, in
	// Chinese, beside the palette of functions.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`details.advanced > summary`)),
		chromedp.WaitVisible(chromedp.ID("adv-relevant")),
		chromedp.SendKeys(chromedp.ID("adv-relevant"), "beizhu == '1'"),
	)
	if err != nil {
		t.Fatalf("the advanced box: %v", err)
	}
	if got, err := waitText(ctx, "#adv-relevant-diag", func(s string) bool { return s != "" }); err != nil || !strings.Contains(got, "没有名为「beizhu」的字段或变量") {
		t.Errorf("the expression check: %q %v", got, err)
	}
	if got, err := waitText(ctx, "#func-list", func(s string) bool { return strings.Contains(s, "addMonths") }); err != nil {
		t.Errorf("the functions palette: %q %v", got, err)
	}
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.ID("adv-relevant"))); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "advanced-1280", "")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.getElementById("adv-relevant").value = "") === ""`)); err != nil {
		t.Fatal(err)
	}

	// Deleting the yes/no question names the rule that reads it, and
	// cancelling keeps both.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`.outline-list li[data-pointer="/properties/%s"] button[data-op=delete]`, yesKey))),
		chromedp.WaitVisible(chromedp.ID("delete-refs")),
	)
	if err != nil {
		t.Fatalf("delete the yes/no question: %v", err)
	}
	if got := textOf(t, ctx, "#delete-refs"); !strings.Contains(got, "联系人备注") || !strings.Contains(got, "一并删除这些规则") {
		t.Errorf("the references: %q", got)
	}
	shot(t, ctx, "delete-refs-1280", "")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("delete-cancel")), chromedp.WaitNotVisible(chromedp.ID("delete-refs"))); err != nil {
		t.Fatal(err)
	}

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch), chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("field-panel"))); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "top-390", "")
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.ID("panel-h"))); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "panel-390", "")
	if body := textOf(t, ctx, "main"); strings.Contains(body, "studio.form.") {
		t.Errorf("a message key shows instead of its text: %q", body)
	}
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.ID("preview-h"))); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "preview-390", "")
}
