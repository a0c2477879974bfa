package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestStudioSourceEditor: an author opens a new campaign's review flow in
// the 源文件 editor, types a mistake into the start state and sees the
// Chinese finding appear below the box without anything being saved,
// follows the finding's link to its line, fixes the mistake, shortens the
// correction step's time limit, saves, and sees the draft on the 源文件
// tab. Screenshots at an office screen and on a phone.
func TestStudioSourceEditor(t *testing.T) {
	s := startSite(t)
	ctx, _ := newStudioCampaign(t, s, "东关村流动儿童接种核查")
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/source"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.studio-edit-link[href*="/files/workflow/"]`)),
		chromedp.Click(chromedp.CSS(`a.studio-edit-link[href*="/files/workflow/"]`)),
		chromedp.WaitVisible(chromedp.ID("source")),
	)
	if err != nil {
		t.Fatalf("open the review flow in the source editor: %v", err)
	}
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	download := strings.TrimSuffix(regexp.MustCompile(`^https?://[^/]+`).ReplaceAllString(location, ""), "/edit")
	if !strings.Contains(download, "/files/workflow/") {
		t.Fatalf("the editor is at %s", location)
	}
	if got := textOf(t, ctx, `label[for="source"]`); !strings.Contains(got, ".workflow.yaml") {
		t.Errorf("the box's label: %q", got)
	}

	// caretAfter puts the caret after the first occurrence of text and
	// returns its line.
	caretAfter := func(text string) int {
		t.Helper()
		line, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`(function(){
			var t = document.getElementById("source"), i = t.value.indexOf(%q);
			if (i < 0) { return 0; }
			i += %d; t.focus(); t.setSelectionRange(i, i);
			return t.value.slice(0, i).split("\n").length;
		})()`, text, len(text))))
		if err != nil || line == 0 {
			t.Fatalf("the box has no %q (%v)", text, err)
		}
		return line
	}
	sourceSaved := func() string {
		t.Helper()
		src, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q, {credentials: "same-origin"}).then(function (r) { return r.text(); })`, download), chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("download the file: %v", err)
		}
		return src
	}

	// The mistake: a start state that does not exist.
	line := caretAfter("start: village_review")
	if err := chromedp.Do(ctx, chromedp.KeyEvent("zz")); err != nil {
		t.Fatal(err)
	}
	finding, err := waitText(ctx, "#src-findings li", func(s string) bool { return s != "" })
	if err != nil {
		t.Fatalf("no finding appeared after typing the mistake: %v", err)
	}
	if !regexp.MustCompile(`\p{Han}{4}`).MatchString(finding) || !strings.Contains(finding, fmt.Sprintf("第 %d 行", line)) || !strings.Contains(finding, "错误") {
		t.Errorf("the finding is %q, want a Chinese error on line %d", finding, line)
	}
	if got := textOf(t, ctx, "#src-lint-status"); !strings.Contains(got, "尚未保存") {
		t.Errorf("the lint status says %q", got)
	}
	if src := sourceSaved(); strings.Contains(src, "village_reviewzz") || !strings.Contains(src, "start: village_review\n") {
		t.Errorf("the mistake was saved while typing:\n%s", src)
	}
	shot(t, ctx, "finding-1280", "")
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.ID("lint"))); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "finding-list-1280", "")
	if err := chromedp.Do(ctx, phoneView); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "finding-390", "")
	if err := chromedp.Do(ctx, officeView); err != nil {
		t.Fatal(err)
	}

	// The finding's link takes the caret to the line.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`var t = document.getElementById("source"); t.setSelectionRange(0, 0); t.blur();`),
		chromedp.Click(chromedp.CSS(`#src-findings a[data-line]`))); err != nil {
		t.Fatal(err)
	}
	at, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){
		var t = document.getElementById("source");
		return document.activeElement.id + ":" + t.value.slice(0, t.selectionStart).split("\n").length;
	})()`))
	if err != nil || at != fmt.Sprintf("source:%d", line) {
		t.Errorf("after following the finding the caret is at %q, want source:%d (%v)", at, line, err)
	}
	if got := textOf(t, ctx, "#src-pos"); !strings.Contains(got, fmt.Sprintf("第 %d 行", line)) {
		t.Errorf("the caret's position reads %q", got)
	}

	// The fix, and a real change: the correction step gets 3 days.
	caretAfter("start: village_reviewzz")
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\b\b")); err != nil {
		t.Fatal(err)
	}
	caretAfter("due: P7")
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\b3")); err != nil {
		t.Fatal(err)
	}
	if got, err := waitText(ctx, "#src-lint-status", func(s string) bool { return strings.Contains(s, "没有发现问题") }); err != nil {
		t.Fatalf("after the fix the status says %q: %v", got, err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#src-findings li").length`)); err != nil || n != 0 {
		t.Errorf("after the fix %d findings remain (%v)", n, err)
	}
	shot(t, ctx, "fixed-1280", "")

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("src-save"))); err != nil {
		t.Fatal(err)
	}
	if got, err := waitText(ctx, "p.flash", func(s string) bool { return strings.Contains(s, "已保存为草稿：审核流程") }); err != nil {
		t.Fatalf("flash after saving: %q %v", got, err)
	}
	section, err := waitText(ctx, `section.studio-file[id^="file-workflow-"]`, func(s string) bool { return strings.Contains(s, "due: P3D") })
	if err != nil {
		t.Fatalf("the 源文件 tab does not show the saved change: %v", err)
	}
	if !strings.Contains(section, "草稿") || strings.Contains(section, "village_reviewzz") {
		t.Errorf("the review flow on the 源文件 tab:\n%s", section)
	}
	if src := sourceSaved(); !strings.Contains(src, "    due: P3D\n") || strings.Contains(src, "\r") {
		t.Errorf("the saved file:\n%q", src)
	}
	shot(t, ctx, "saved-1280", "")
}
