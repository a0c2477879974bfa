package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"canvass/xlsform/xlsformtest"
)

// TestStudioXLSFormUpload: an author replaces a blank campaign's form with
// an Excel workbook in 源文件. A workbook with a mistake is refused with
// the cell named and nothing saved; the corrected one becomes the form,
// which then offers itself for download as Excel.
func TestStudioXLSFormUpload(t *testing.T) {
	s := startSite(t)
	ctx, id := newStudioCampaign(t, s, "西河村流动人口核查")
	dir := t.TempDir()
	rows := [][]string{
		{"类型", "名称", "标题", "必填", "显示条件"},
		{"text", "personName", "姓名", "yes", ""},
		{"select_one status", "status", "现状", "yes", ""},
		{"date", "leftOn", "离开户籍地日期", "", "${status} = 'away'"},
	}
	choices := xlsformtest.Sheet{Name: "选项", Rows: [][]string{{"列表名", "值", "标题"}, {"status", "home", "在户籍地"}, {"status", "away", "外出"}}}
	bad := filepath.Join(dir, "核查表-有误.xlsx")
	rows[2][0] = "select_one statu"
	os.WriteFile(bad, xlsformtest.Workbook(t, xlsformtest.Sheet{Name: "问卷", Rows: rows}, choices), 0o600)
	good := filepath.Join(dir, "核查表.xlsx")
	rows[2][0] = "select_one status"
	os.WriteFile(good, xlsformtest.Workbook(t, xlsformtest.Sheet{Name: "问卷", Rows: rows}, choices), 0o600)

	anchor := "#file-form-" + id + "-form"
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/source"]`)),
		chromedp.WaitVisible(chromedp.CSS(anchor)),
		chromedp.SetUploadFiles(chromedp.CSS(anchor+` input[type=file]`), []string{bad}),
		chromedp.Click(chromedp.CSS(anchor+` form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.alert[role=alert]`)),
	)
	if err != nil {
		t.Fatalf("upload a workbook with a mistake: %v", err)
	}
	if got := textOf(t, ctx, `p.alert[role=alert]`); !strings.Contains(got, "Excel 问卷有错误，未保存") {
		t.Errorf("the refusal: %q", got)
	}
	if got := textOf(t, ctx, "#lint"); !strings.Contains(got, "第 3 行「现状」（问卷!A3）") || !strings.Contains(got, "选项列表「statu」") {
		t.Errorf("the refusal's list: %q", got)
	}
	if got := textOf(t, ctx, anchor); strings.Contains(got, "personName") {
		t.Errorf("the refused workbook was saved: %q", got)
	}
	shot(t, ctx, "refused-1280", "")

	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS(anchor+` input[type=file]`), []string{good}),
		chromedp.Click(chromedp.CSS(anchor+` form button[type=submit]`)),
		chromedp.WaitVisible(`//section[@id="file-form-`+id+`-form"]//code[contains(., "personName")]`),
	)
	if err != nil {
		t.Fatalf("upload the corrected workbook: %v", err)
	}
	if got := textOf(t, ctx, anchor); !strings.Contains(got, `"x-title": {"zh": "西河村流动人口核查"}`) || !strings.Contains(got, `"x-relevant": "status == 'away'"`) || !strings.Contains(got, "下载为 Excel（XLSForm）") {
		t.Errorf("the form's source after the upload: %q", got)
	}
	shot(t, ctx, "saved-1280", "")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "saved-390", "")
}
