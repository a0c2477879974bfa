package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"canvass/engine"
)

// userPages is an env with a vault, an admin (pages) and a worker.
type userPages struct {
	*env
	admin, worker *engine.User
	cookie, csrf  string
}

func newUserPages(t *testing.T) *userPages {
	e := newEnv(t, Config{})
	e.withVault(0)
	up := &userPages{env: e, admin: e.user("admin", ownUnit, engine.RoleAdmin), worker: e.user("worker", grandUnit, engine.RoleFieldWorker)}
	up.cookie, up.csrf = e.pageSession("admin")
	return up
}

func (up *userPages) post(target string, fields ...string) result {
	return up.do(req{method: "POST", target: target, cookies: pageAs(up.cookie), header: formHeader, body: form(append([]string{"_csrf", up.csrf}, fields...)...)})
}

func (up *userPages) get(target string) result {
	return up.do(req{method: "GET", target: target, cookies: pageAs(up.cookie)})
}

func (up *userPages) stored(t *testing.T) *engine.User {
	t.Helper()
	u, err := up.store.GetUser(context.Background(), up.worker.ID)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestUserPersonalPages: the admin sets a worker's ID number and mobile
// on the user page (checked in Chinese, masked, revealed on request and
// audited); a double click saves once, a second admin's stale page
// conflicts in words and saves nothing.
func TestUserPersonalPages(t *testing.T) {
	up := newUserPages(t)
	page := "/admin/users/" + up.worker.ID
	v := func(u *engine.User) string { return strconv.FormatInt(u.Version, 10) }

	for _, sc := range []struct {
		name     string
		fields   []string
		status   int
		contains []string
	}{
		{"check_digit", []string{"idNumber", "370102199007072028", "mobile", ""}, http.StatusUnprocessableEntity, []string{"未保存，请修改标出的项目。", "身份证号码校验位不对，请逐位核对"}},
		{"short", []string{"idNumber", "3701021990", "mobile", ""}, http.StatusUnprocessableEntity, []string{"身份证号码应为 18 位"}},
		{"mobile", []string{"idNumber", "", "mobile", "2390552"}, http.StatusUnprocessableEntity, []string{"手机号码应为 11 位数字，以 13–19 开头"}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			res := up.post(page+"/personal", append(sc.fields, "version", v(up.worker))...)
			wantText(t, res, sc.status, sc.contains)
			if u := up.stored(t); u.SealedIDNumber != "" || u.Version != up.worker.Version {
				t.Errorf("a refused form changed the user: %+v", u)
			}
		})
	}

	// Saved, twice (a double click): one change, one audit event.
	for range 2 {
		res := up.post(page+"/personal", "idNumber", "370102199007072027", "mobile", "13905520001", "version", v(up.worker))
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), page+"?done=") {
			t.Fatalf("save: %d %s", res.status, res.header.Get("Location"))
		}
	}
	saved := up.stored(t)
	if saved.Version != up.worker.Version+1 || !engine.IsEncrypted(saved.SealedIDNumber) {
		t.Fatalf("after the double click: version %d, id %q", saved.Version, saved.SealedIDNumber)
	}
	wantText(t, up.get(page+"?done=saved"), http.StatusOK, []string{"已保存 测试 worker 的身份证号码和手机号码。", "3701**********2027", "139****0001"}, "370102199007072027")
	wantText(t, up.get("/admin/users"), http.StatusOK, []string{"3701**********2027"}, "370102199007072027")

	// A second admin's page from before the save: a different number
	// conflicts, says so, shows the current values and saves nothing.
	res := up.post(page+"/personal", "idNumber", "370102198503121014", "mobile", "", "version", v(up.worker))
	wantText(t, res, http.StatusConflict, []string{"其他人修改了这个用户", "3701**********2027"})
	if u := up.stored(t); u.SealedIDNumber != saved.SealedIDNumber || u.Version != saved.Version {
		t.Errorf("the stale form saved")
	}

	// Reveal: the full numbers in the form, audited; saving them back
	// unchanged changes nothing.
	res = up.post(page + "/reveal")
	wantText(t, res, http.StatusOK, []string{"已显示完整号码，本次查看已记入审计日志。"})
	if !strings.Contains(res.body, `value="370102199007072027"`) {
		t.Errorf("the revealed form lacks the full number")
	}
	events, err := up.store.ListAudit(context.Background(), engine.AuditFilter{Action: "pii.reveal", ObjectID: up.worker.ID}, engine.Page{Limit: 10})
	if err != nil || len(events.Events) != 1 {
		t.Errorf("reveals audited: %+v %v", events, err)
	}
	res = up.post(page+"/personal", "idNumber", "370102199007072027", "mobile", "13905520001", "version", v(saved))
	if res.status != http.StatusSeeOther || res.header.Get("Location") != page+"?done=unchanged" {
		t.Errorf("saving the revealed values back: %d %s", res.status, res.header.Get("Location"))
	}

	// Nobody else: a worker gets no user page and cannot reveal.
	wc, wcsrf := up.pageSession("worker")
	for _, r := range []req{
		{method: "GET", target: page, cookies: pageAs(wc)},
		{method: "POST", target: page + "/reveal", cookies: pageAs(wc), header: formHeader, body: form("_csrf", wcsrf)},
	} {
		if res := up.do(r); res.status != http.StatusForbidden || strings.Contains(res.body, "370102199007072027") {
			t.Errorf("%s %s as a worker: %d", r.method, r.target, res.status)
		}
	}

	// In English for an en admin.
	wantText(t, up.get(page+"?lang=en"), http.StatusOK, []string{"ID number and mobile", "Save ID number and mobile", "Show the full numbers"}, "身份证号码")
}

// TestUserCreateWithIDNumber: the new-user form takes an ID number,
// checks its check digit in Chinese, and keeps what was typed.
func TestUserCreateWithIDNumber(t *testing.T) {
	up := newUserPages(t)
	fields := []string{"username", "zhao", "displayName", "赵六", "password", testPassword, "roles", engine.RoleFieldWorker, "orgUnit", grandUnit, "locale", "zh-CN"}
	res := up.post("/admin/users", append(fields, "idNumber", "11010519491231002Y", "mobile", "13905520002")...)
	wantText(t, res, http.StatusUnprocessableEntity, []string{"身份证号码前 17 位应为数字，最后一位为数字或 X"})
	if !strings.Contains(res.body, `value="11010519491231002Y"`) {
		t.Errorf("the form lost what was typed")
	}
	res = up.post("/admin/users", append(fields, "idNumber", "11010519491231002x", "mobile", "13905520002")...)
	if res.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.status, visibleText(res.body))
	}
	u, err := up.store.GetUserByUsername(context.Background(), "zhao")
	if err != nil {
		t.Fatal(err)
	}
	if got := up.eng.MaskedUserPersonal(u); got.IDNumber != "1101**********002X" || got.Mobile != "139****0002" {
		t.Errorf("stored %+v", got)
	}
}

// TestPayrollIDNumbers: the 发放表 (XLSX and print) carries each
// person's ID number in full for finance, and the export is audited as
// one reveal naming how many people it shows.
func TestPayrollIDNumbers(t *testing.T) {
	fp := newFinancePages(t)
	fp.withVault(0)
	admin := asActor(fp.user("admin", ownUnit, engine.RoleAdmin))
	w, err := fp.store.GetUser(context.Background(), fp.worker.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fp.eng.SetUserPersonal(context.Background(), admin, w.ID, w.Version, engine.UserPersonal{IDNumber: "370102199007072027"}); err != nil {
		t.Fatal(err)
	}
	res := fp.get("/finance/payroll.xlsx?campaign=survey-2026&period=2026-12")
	check(t, res, http.StatusOK, "")
	f, err := excelize.OpenReader(strings.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows[3:] {
		if len(r) > 2 && r[1] == "测试 worker" {
			found = r[2] == "370102199007072027"
		}
	}
	if !found {
		t.Errorf("the worker's line lacks the full ID number: %q", rows)
	}
	wantText(t, fp.get("/finance/payroll?campaign=survey-2026&period=2026-12"), http.StatusOK, []string{"370102199007072027"})
	reveals := fp.audit(t, "pii.reveal")
	if len(reveals) != 2 {
		t.Fatalf("%d reveals, want one per sheet: %+v", len(reveals), reveals)
	}
	for _, ev := range reveals {
		if ev.ObjectID != "survey-2026" || ev.Detail["people"] != float64(1) || ev.Detail["purpose"] != "payroll" {
			t.Errorf("reveal %+v", ev)
		}
	}
}
