package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"canvass/engine"
	"canvass/xlsform"
	"canvass/xlsform/xlsformtest"
)

// TestXLSFormAuthorRoundTrip: on /author an author uploads an Excel
// (XLSForm) workbook that imports with warnings; the draft is saved and the
// page lists each warning by row and label. The form downloads back as a
// workbook that imports to the same form. Bad files — not a workbook, an
// empty workbook, a duplicate name, an oversized file — are each refused
// with a Chinese message that says what to do, and nothing is saved.
// Then the same in the studio's 源文件 tab.
func TestXLSFormAuthorRoundTrip(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: new(true),
	}); err != nil {
		t.Fatalf("set the download folder: %v", err)
	}
	signIn(t, ctx, s, "author", "")
	dir := t.TempDir()
	file := func(name string, content []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	saved := func(id string) int {
		list, err := s.eng.Definitions(context.Background(), s.actor(t, "author"), engine.DefinitionFilter{ID: id})
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	upload := func(what, path string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/author"), chromedp.WaitVisible(chromedp.ID("upload"))); err != nil {
			t.Fatalf("%s: the author page: %v", what, err)
		}
		reloaded(t, ctx, what,
			chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{path}),
			chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)),
		)
	}

	// A workbook with warnings is saved, and the warnings are listed.
	upload("upload a workbook with warnings", file("household-notes.xlsx", xlsformtest.WithWarnings(t)))
	got := textOf(t, ctx, "#workbook-warnings")
	for _, want := range []string{"Excel 问卷导入提示", "表单已保存",
		"第 3 行「出生日期」（survey!E3）：列「备注栏」未识别，Canvass 不用它；内容作为备注保留，导出时写回",
		"第 4 行「started」（survey!A4）：「start」由 Canvass 自动记录在每条记录上，这一行已跳过",
		"表头（survey!F1）：列「label::Français (fr)」的语言不受支持"} {
		if !strings.Contains(got, want) {
			t.Errorf("the warnings: %q, want %q", got, want)
		}
	}
	if n := saved("household-notes"); n != 1 {
		t.Fatalf("the workbook with warnings: %d versions saved, want 1", n)
	}
	shot(t, ctx, "warnings-1280", "")

	// It downloads back as a workbook that imports to the same form.
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/author"), chromedp.WaitVisible(chromedp.ID("definitions"))); err != nil {
		t.Fatal(err)
	}
	wb := download(t, ctx, downloads, `a[href="/author/forms/household-notes/versions/1/xlsx"]`)
	back, err := xlsform.Import(bytes.NewReader(wb), xlsform.Options{ID: "household-notes"})
	if err != nil {
		t.Fatalf("the downloaded workbook does not import: %v", err)
	}
	v, err := s.eng.DefinitionVersion(context.Background(), s.actor(t, "author"), engine.KindForm, "household-notes", 1)
	if err != nil {
		t.Fatal(err)
	}
	if string(back.JSON) != string(v.Source) {
		t.Errorf("the downloaded workbook imports as\n%s\nwant the saved form\n%s", back.JSON, v.Source)
	}

	// Bad files: each refused in Chinese, nothing saved.
	bad := []struct {
		name, id string
		content  []byte
		want     []string
	}{
		{"notes-xlsx.xlsx", "notes-xlsx", []byte("姓名,年龄\n王五,30\n"), []string{"Excel 问卷有错误，未保存", "这不是 Excel 工作簿（.xlsx）；请在 Excel 或 WPS 中另存为 .xlsx 后再上传"}},
		{"blank-book.xlsx", "blank-book", xlsformtest.Workbook(t, xlsformtest.Sheet{Name: "survey"}),
			[]string{"Excel 问卷有错误，未保存", "工作表「survey」：问卷表是空的；请按模板在第 1 行写表头"}},
		{"twice-named.xlsx", "twice-named", xlsformtest.Workbook(t, xlsformtest.Sheet{Name: "survey", Rows: [][]string{
			{"type", "name", "label"}, {"text", "personName", "姓名"}, {"integer", "age", "年龄"}, {"text", "personName", "曾用名"},
		}}), []string{"Excel 问卷有错误，未保存", "第 4 行「曾用名」（survey!B4）：名称「personName」与第 2 行重复"}},
	}
	for _, b := range bad {
		upload("upload "+b.name, file(b.name, b.content))
		got := textOf(t, ctx, "main")
		for _, want := range b.want {
			if !strings.Contains(got, want) {
				t.Errorf("%s: the page says %q, want %q", b.name, got, want)
			}
		}
		if n := saved(b.id); n != 0 {
			t.Errorf("%s: %d versions saved, want none", b.name, n)
		}
	}
	shot(t, ctx, "duplicate-name-1280", "")

	// An oversized file is refused in the browser before it is sent …
	big := make([]byte, 3<<20)
	copy(big, "PK\x03\x04")
	rand.Read(big[4:])
	bigFile := file("huge-book.xlsx", big)
	err = chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/author"),
		chromedp.WaitVisible(chromedp.ID("upload")),
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{bigFile}),
		chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("file-limit")),
	)
	if err != nil {
		t.Fatalf("an oversized file: %v", err)
	}
	if got := textOf(t, ctx, "#file-limit"); !regexp.MustCompile(`^文件太大：最多 \d+ KB，未上传、未保存。请删减后再上传`).MatchString(got) {
		t.Errorf("the oversized file: %q", got)
	}
	shot(t, ctx, "oversized-1280", "")
	// … and by the server when the browser check is bypassed.
	reloaded(t, ctx, "post an oversized file without the browser check",
		chromedp.Evaluate[chromedp.Void](`(function(){var f=document.getElementById("file");f.removeAttribute("data-max-bytes");f.setCustomValidity("");document.querySelector("#upload form").submit()})()`),
	)
	if got := textOf(t, ctx, "main"); !strings.Contains(got, "文件太大：最多") || !strings.Contains(got, "未保存") {
		t.Errorf("the server's refusal of an oversized file: %q", got)
	}
	if n := saved("huge-book"); n != 0 {
		t.Errorf("the oversized file: %d versions saved, want none", n)
	}

	// The studio: a blank campaign's form replaced by the workbook with
	// warnings; they are listed with the saved file, which downloads as Excel.
	err = chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/studio"),
		chromedp.SendKeys(chromedp.ID("new-title"), "东湾村户籍核查"),
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
	id := regexp.MustCompile(`/studio/campaigns/([a-z0-9-]+)`).FindStringSubmatch(location)[1]
	anchor := "#file-form-" + id + "-form"
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/studio/campaigns/"+id+"/source"), chromedp.WaitVisible(chromedp.CSS(anchor))); err != nil {
		t.Fatal(err)
	}
	reloaded(t, ctx, "studio upload with warnings",
		chromedp.SetUploadFiles(chromedp.CSS(anchor+` input[type=file]`), []string{file("studio-notes.xlsx", xlsformtest.WithWarnings(t))}),
		chromedp.Click(chromedp.CSS(anchor+` form button[type=submit]`)),
	)
	if got := textOf(t, ctx, "p.flash"); !strings.Contains(got, "已保存") {
		t.Errorf("the studio's flash: %q", got)
	}
	got = textOf(t, ctx, "#lint")
	for _, want := range []string{"第 3 行「出生日期」（survey!E3）", "列「备注栏」未识别", "第 4 行「started」（survey!A4）"} {
		if !strings.Contains(got, want) {
			t.Errorf("the studio's list: %q, want %q", got, want)
		}
	}
	if got := textOf(t, ctx, anchor); !strings.Contains(got, "birthDate") {
		t.Errorf("the studio's form after the upload: %q", got)
	}
	shot(t, ctx, "studio-warnings-1280", "")
	wb = download(t, ctx, downloads, anchor+` a[href$="?format=xlsx"]`)
	if back, err := xlsform.Import(bytes.NewReader(wb), xlsform.Options{}); err != nil || back.Form.Field("birthDate") == nil {
		t.Errorf("the studio's workbook download: %v", err)
	}
	// A bad workbook in the studio: every error listed, nothing saved.
	reloaded(t, ctx, "studio upload of a workbook with a duplicate name",
		chromedp.SetUploadFiles(chromedp.CSS(anchor+` input[type=file]`), []string{file("twice-named.xlsx", bad[2].content)}),
		chromedp.Click(chromedp.CSS(anchor+` form button[type=submit]`)),
	)
	if got := textOf(t, ctx, `p.alert[role=alert]`); !strings.Contains(got, "Excel 问卷有错误，未保存") {
		t.Errorf("the studio's refusal: %q", got)
	}
	if got := textOf(t, ctx, "#lint"); !strings.Contains(got, "第 4 行「曾用名」（survey!B4）") {
		t.Errorf("the studio's list of errors: %q", got)
	}
	if got := textOf(t, ctx, anchor); strings.Contains(got, "personName") || !strings.Contains(got, "birthDate") {
		t.Errorf("the refused workbook changed the form: %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "studio-refused-390", "")
}

// download clicks the link at css and returns the file the browser saved.
func download(t *testing.T, ctx context.Context, dir, css string) []byte {
	t.Helper()
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
		t.Fatalf("click %s: %v", css, err)
	}
	deadline := time.AfterFunc(30*time.Second, func() { t.Error("no completed download within 30s") })
	defer deadline.Stop()
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download events: %v", err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCanceled:
			t.Fatalf("the download of %s was cancelled", css)
		case browser.DownloadProgressStateCompleted:
			b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no download from %s", css)
	return nil
}
