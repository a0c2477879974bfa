package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"canvass/engine"
)

// TestStudioFormOrgFieldsAndSections: the author adds 行政区划/村居 to the
// fertility survey picking township then village (no codes typed), a
// repeat group of one to three rows, and moves a new question into a
// section with the move control; the form is published and a field
// worker on a phone picks a township, sees only its villages, and picks
// one.
func TestStudioFormOrgFieldsAndSections(t *testing.T) {
	s := startSite(t)
	s.keepOpen(t, "fertility-survey-2026")
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, s, "author", "")
	page := s.base + "/studio/campaigns/fertility-survey-2026/forms/fertility-household"
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("add-field"))); err != nil {
		t.Fatalf("open the designer: %v", err)
	}
	current := func(label string) {
		t.Helper()
		if _, err := waitText(ctx, ".outline-list li.current .outline-label", func(s string) bool { return s == label }); err != nil {
			t.Fatalf("waiting for %s selected: %v (error %q)", label, err, textOf(t, ctx, "#designer-error"))
		}
	}
	add := func(typ, label string) {
		t.Helper()
		err := chromedp.Do(ctx,
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
	}

	// 行政区划/村居: the levels show with township and village ticked.
	err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("add-type"), "admin-code"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("add-type").dispatchEvent(new Event("change"))`),
		chromedp.WaitVisible(chromedp.ID("add-levels")),
	)
	if err != nil {
		t.Fatalf("the levels: %v", err)
	}
	for _, id := range []string{"add-level-township", "add-level-village"} {
		if on, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.getElementById(%q).checked`, id))); !on {
			t.Errorf("%s is not ticked", id)
		}
	}
	shot(t, ctx, "org-levels-1280", "")
	add("admin-code", "所在村居")
	if got, err := waitText(ctx, "#f-org-info", func(s string) bool {
		return strings.Contains(s, "村（社区）") && strings.Contains(s, "乡镇（街道）")
	}); err != nil {
		t.Errorf("the org field's panel: %q %v", got, err)
	}
	if got := textOf(t, ctx, ".outline-list"); !strings.Contains(got, "乡镇（街道）") {
		t.Errorf("no township list in the outline: %q", got)
	}
	shot(t, ctx, "org-field-1280", "")

	// A repeat group of one to three rows: first a count that is no
	// number, then min above max, each refused beside its box.
	add("repeat", "家庭成员")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("f-maxrows"), "三行"),
		chromedp.Click(chromedp.CSS(`#field-panel button[type=submit]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := waitText(ctx, `#f-maxrows ~ .field-error`, func(s string) bool { return s != "" }); err != nil || got != "请填写不小于 0 的整数" {
		t.Errorf("a row count that is no number: %q %v", got, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.getElementById("f-maxrows").value = ""`),
		chromedp.SendKeys(chromedp.ID("f-minrows"), "4"),
		chromedp.SendKeys(chromedp.ID("f-maxrows"), "3"),
		chromedp.Click(chromedp.CSS(`#field-panel button[type=submit]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := waitText(ctx, `#f-minrows ~ .field-error`, func(s string) bool { return s != "" }); err != nil || !strings.Contains(got, "最小值 4 大于最大值 3") {
		t.Errorf("min rows above max: %q %v", got, err)
	}
	// The save reloads the designer: the boxes read back from the stored form.
	reloaded(t, ctx, "save the repeat rows",
		chromedp.SetValue(chromedp.ID("f-minrows"), "1"),
		chromedp.Click(chromedp.CSS(`#field-panel button[type=submit]`)),
	)
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){var a=document.getElementById("f-minrows"),b=document.getElementById("f-maxrows");return a&&b?a.value+"-"+b.value:""})()`))
	if err != nil || rows != "1-3" {
		t.Errorf("saved rows: %q %v", rows, err)
	}
	shot(t, ctx, "repeat-rows-1280", "")
	// The preview runs forms.Evaluate: a fourth row is one too many.
	for range 4 {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#preview [data-kind=repeat]:last-of-type [data-add]`))); err != nil {
			t.Fatalf("add a row in the preview: %v", err)
		}
	}
	if got, err := waitText(ctx, `#preview [data-kind=repeat]:last-of-type`, func(s string) bool { return strings.Contains(s, "最多填写 3 项") }); err != nil {
		t.Errorf("the preview after four rows: %q %v", got, err)
	}
	shot(t, ctx, "repeat-preview-1280", "")

	// A question moved into the first section, in a fresh tab: each
	// tab has its own time budget, and the machine the tests run on is shared.
	ctx = newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, s, "author", "")
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("add-field"))); err != nil {
		t.Fatalf("open the designer again: %v", err)
	}
	add("text", "核对备注")
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("f-move-parent"), "/properties/personal"),
		chromedp.Click(chromedp.ID("f-move")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(ctx, `.outline-list li.current[data-parent="/properties/personal"] .outline-label`, func(s string) bool { return s == "核对备注" }); err != nil {
		t.Fatalf("after moving into the section: %v (error %q)", err, textOf(t, ctx, "#designer-error"))
	}
	shot(t, ctx, "moved-1280", "")

	// A birth date taken from an ID number, and a date three months after
	// it, both ready-made: no expression typed.
	add("resident-id", "儿童身份证号码")
	idKey, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("f-key").value`))
	add("date", "出生日期")
	birthKey, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("f-key").value`))
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
			t.Fatalf("after the calculation %s: %v (errors %q %q)", kind, err, textOf(t, ctx, "#designer-error"), textOf(t, ctx, "#field-panel .builder"))
		}
		if v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("calc-kind").value`)); v != kind {
			t.Errorf("the saved calculation reads back as %q, want %q", v, kind)
		}
	}
	calc("birthDate", idKey, "")
	add("date", "下次核查日期")
	calc("datePlusMonths", birthKey, "3")
	shot(t, ctx, "calculated-dates-1280", "")

	// Publish the draft; a field worker fills it on a phone.
	author := s.actor(t, "author")
	list, err := s.eng.Definitions(context.Background(), author, engine.DefinitionFilter{Kind: engine.KindForm, ID: "fertility-household"})
	if err != nil {
		t.Fatal(err)
	}
	last := list[len(list)-1]
	if _, err := s.eng.Publish(context.Background(), author, engine.KindForm, last.ID, last.Version); err != nil {
		t.Fatalf("publish the designed form: %v %v", err, engine.ErrorFields(err))
	}
	wctx := newBrowser(t)
	phone(t, wctx)
	signIn(t, wctx, s, "worker", "")
	err = chromedp.Do(wctx,
		chromedp.Navigate(s.base+"/campaigns/fertility-survey-2026/forms/fertility-household/new"),
		chromedp.WaitVisible(chromedp.ID("f-township")),
		chromedp.ScrollIntoView(chromedp.ID("f-township")),
		chromedp.SetValue(chromedp.ID("f-township"), "341299002"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("f-township").dispatchEvent(new Event("change", {bubbles: true}))`),
	)
	if err != nil {
		t.Fatalf("pick a township: %v", err)
	}
	offered := func() string {
		v, _ := chromedp.Run(wctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#f-village option")).filter(function(o){return o.value && !o.hidden}).map(function(o){return o.textContent.trim()}).join(",")`))
		return v
	}
	deadline := time.Now().Add(10 * time.Second)
	for offered() != "石桥村,南湾村,北岗村,枣林村" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if got := offered(); got != "石桥村,南湾村,北岗村,枣林村" {
		t.Fatalf("villages offered after 石桥镇: %q", got)
	}
	err = chromedp.Do(wctx,
		chromedp.SetValue(chromedp.ID("f-village"), "341299002003"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("f-village").dispatchEvent(new Event("change", {bubbles: true}))`),
		chromedp.ScrollIntoView(chromedp.ID("f-village")),
	)
	if err != nil {
		t.Fatalf("pick a village: %v", err)
	}
	if v, _ := chromedp.Run(wctx, chromedp.Evaluate[string](`document.getElementById("f-village").value`)); v != "341299002003" {
		t.Errorf("the village picked: %q", v)
	}
	if w, _ := chromedp.Run(wctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the form is %d px wide on a 390 px phone", w)
	}
	shot(t, wctx, "org-fill-390", "")
}
