package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"canvass/demo"
	"canvass/engine"
	"canvass/engine/pay"
	"canvass/rules"
)

// TestPayrollIDNumbers: on a phone, the admin sees a worker's ID number
// masked in the user list and on the user page, is told in Chinese that a
// mistyped check digit is wrong, and reveals the full number (audited).
// Finance then prints the 劳务报酬发放表 and downloads it: each person's
// 身份证号码 in full, money as numbers, the engine's total; each sheet is
// one audited reveal naming how many people it shows.
func TestPayrollIDNumbers(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	phone(t, ctx)
	worker := s.actor(t, "worker").User
	full := demo.UserPersonal("worker").IDNumber
	masked := engine.Mask(engine.PIIIDNumber, full)

	signIn(t, ctx, s, "admin", "")
	open(t, ctx, s, "/admin/users")
	list := textOf(t, ctx, "main table")
	if !strings.Contains(list, masked) || strings.Contains(list, full) {
		t.Errorf("the user list shows %q, want only the mask %s", list, masked)
	}
	noOverflow(t, ctx, "the user list")
	unlabelled(t, ctx, "the user list")

	reloaded(t, ctx, "open the worker's page", chromedp.Click(chromedp.CSS(`main table a[href="/admin/users/`+worker.ID+`"]`)))
	if got := textOf(t, ctx, "#stored-id"); got != masked {
		t.Errorf("stored ID number shown as %q, want %s", got, masked)
	}
	noOverflow(t, ctx, "the user page")
	unlabelled(t, ctx, "the user page")

	// A mistyped check digit: refused beside the field, in Chinese.
	wrong := full[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", full[17])+1)%11])
	reloaded(t, ctx, "save a mistyped ID number",
		chromedp.Clear(chromedp.ID("idNumber")),
		chromedp.SendKeys(chromedp.ID("idNumber"), wrong),
		chromedp.Click(chromedp.CSS(`form[action$="/personal"] button[type=submit]`)),
	)
	if got := textOf(t, ctx, "#personal .field-error"); !strings.Contains(got, "校验位不对") {
		t.Errorf("the error beside the ID number: %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.ID("idNumber"))); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "user-id-check", "30-user-id-number")
	if u, err := s.st.GetUser(context.Background(), worker.ID); err != nil || u.SealedIDNumber != worker.SealedIDNumber {
		t.Errorf("the refused number was stored (%v)", err)
	}

	// Reveal: the full number in the form, audited.
	reloaded(t, ctx, "reveal", chromedp.Click(chromedp.CSS(`form[action$="/reveal"] button`)))
	if got, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("idNumber"))); err != nil || got != full {
		t.Errorf("revealed %q (%v), want %s", got, err, full)
	}
	if n := auditCount(t, s, "pii.reveal", worker.ID); n != 1 {
		t.Errorf("%d reveals of the worker audited, want 1", n)
	}

	// Finance: the print view at a desktop's width, and the XLSX.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form.logout button`)), chromedp.WaitVisible(chromedp.ID("username"))); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, s, "finance", "")
	const campaign = "fertility-survey-2026"
	table, err := s.eng.Pay.Payments(context.Background(), s.actor(t, "finance"), pay.PaymentQuery{CampaignID: campaign, Lang: "zh-CN"})
	if err != nil {
		t.Fatal(err)
	}
	open(t, ctx, s, "/finance/payroll?campaign="+campaign)
	noOverflow(t, ctx, "the payroll print view on a phone")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	open(t, ctx, s, "/finance/payroll?campaign="+campaign)
	noOverflow(t, ctx, "the payroll print view at 1280 px")
	sheet := textOf(t, ctx, ".payroll-table")
	for _, want := range []string{"身份证号码", "签字", full, yuan(table.Total.TotalFen)} {
		if !strings.Contains(sheet, want) {
			t.Errorf("the print view lacks %q: %s", want, sheet)
		}
	}
	if strings.Contains(sheet, "*") {
		t.Errorf("the print view shows a masked number to finance: %s", sheet)
	}
	shot(t, ctx, "payroll-print", "29-finance-payroll")

	file := downloadPayroll(t, ctx, s, campaign)
	x, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatalf("open the payroll XLSX: %v", err)
	}
	defer x.Close()
	name := x.GetSheetName(0)
	rows, err := x.GetRows(name)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 5 || rows[0][0] != "劳务报酬发放表" || rows[2][2] != "身份证号码" {
		t.Fatalf("payroll rows %q", rows)
	}
	last := len(rows) // the totals row, 1-based
	if rows[last-1][0] != "合计" {
		t.Fatalf("no totals row: %q", rows[last-1])
	}
	for _, col := range []string{"F", "H", "I"} {
		cell := col + itoa(int64(last))
		typ, err := x.GetCellType(name, cell)
		if err != nil || typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s is %v (%v), want a number", cell, typ, err)
		}
	}
	if got, _ := x.GetCellValue(name, "H"+itoa(int64(last))); got != yuan(table.Total.TotalFen) {
		t.Errorf("payroll total %q, the engine says %s", got, yuan(table.Total.TotalFen))
	}
	ids := map[string]string{}
	for _, r := range rows[3 : last-1] {
		if len(r) > 2 && r[0] != "" { // a person's first line (序号)
			ids[r[1]] = r[2]
		} else if len(r) > 2 && r[2] != ids[r[1]] {
			t.Errorf("%s's further line has 身份证号码 %q, the first %q", r[1], r[2], ids[r[1]])
		}
	}
	if ids[worker.DisplayName] != full {
		t.Errorf("the worker's 身份证号码 in the XLSX is %q, want %s (all: %v)", ids[worker.DisplayName], full, ids)
	}
	for who, id := range ids {
		if _, err := rules.ParseResidentID(id, time.Time{}); err != nil {
			t.Errorf("%s's 身份证号码 %q: %v", who, id, err)
		}
	}
	reveals := 0
	page, err := s.st.ListAudit(context.Background(), engine.AuditFilter{Action: "pii.reveal", ObjectID: campaign}, engine.Page{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range page.Events {
		if ev.Detail["purpose"] == "payroll" && ev.Detail["people"] == float64(len(ids)) {
			reveals++
		}
	}
	if reveals != 3 { // two print views, one XLSX
		t.Errorf("%d payroll reveals naming %d people, want 3: %+v", reveals, len(ids), page.Events)
	}
}

// auditCount is how many audit events of action name objectID.
func auditCount(t *testing.T, s *site, action, objectID string) int {
	t.Helper()
	page, err := s.st.ListAudit(context.Background(), engine.AuditFilter{Action: action, ObjectID: objectID}, engine.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	return len(page.Events)
}

// downloadPayroll clicks the 发放表 link of the campaign's payment page
// and returns the downloaded file.
func downloadPayroll(t *testing.T, ctx context.Context, s *site, campaign string) string {
	t.Helper()
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: new(true),
	}); err != nil {
		t.Fatalf("set the download folder: %v", err)
	}
	open(t, ctx, s, "/finance?campaign="+campaign)
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[download][href*="payroll.xlsx"]`))); err != nil {
		t.Fatalf("click the payroll link: %v", err)
	}
	deadline := time.AfterFunc(30*time.Second, func() { t.Error("no completed download within 30s") })
	defer deadline.Stop()
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download events: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatalf("the download was cancelled")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file := filepath.Join(downloads, ev.GUID)
			if _, err := os.Stat(file); err != nil {
				t.Fatalf("downloaded file: %v", err)
			}
			return file
		}
	}
	t.Fatal("the download events ended without a file")
	return ""
}
