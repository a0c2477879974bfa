package server

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"canvass/engine"
)

// TestStudioPhases: the 基本信息 tab's phase editor on a blank campaign:
// refusals in Chinese beside the box they concern (an empty name, a day
// that is no date, an overlap the linter finds), a save, a gap noted, a
// stale page, a deleted phase, and no phases at all.
func TestStudioPhases(t *testing.T) {
	e := newEnv(t, Config{})
	e.user("author", ownUnit, engine.RoleAuthor)
	cookie, csrf := e.pageSession("author")
	res := e.do(req{method: "POST", target: "/studio/campaigns", header: formHeader, cookies: pageAs(cookie),
		body: form("_csrf", csrf, "title", "东关村流动人口清理")})
	m := studioCampaignPath.FindStringSubmatch(res.header.Get("Location"))
	if res.status != http.StatusSeeOther || m == nil {
		t.Fatalf("new campaign: %d %s", res.status, res.body)
	}
	id := m[1]
	page := func(query string) string {
		t.Helper()
		r := e.do(req{method: "GET", target: "/studio/campaigns/" + id + query, cookies: pageAs(cookie)})
		if r.status != http.StatusOK {
			t.Fatalf("page: %d", r.status)
		}
		return html.UnescapeString(r.body)
	}
	base := func() string {
		t.Helper()
		m := basePattern.FindStringSubmatch(page(""))
		if m == nil {
			t.Fatal("no base")
		}
		return m[1]
	}
	if body := page(""); !strings.Contains(body, "工作阶段") || !strings.Contains(body, "这个工作项目不分阶段") || !strings.Contains(body, `name="phase_count" value="1"`) {
		t.Fatalf("the editor is not on the page:\n%s", body)
	}
	post := func(b string, fields ...string) result {
		t.Helper()
		return e.do(req{method: "POST", target: "/studio/campaigns/" + id + "/phases", header: formHeader, cookies: pageAs(cookie),
			body: form(append([]string{"_csrf", csrf, "base", b}, fields...)...)})
	}
	phase := func(i, name, from, to string, more ...string) []string {
		return append([]string{"phase." + i + ".name_zh", name, "phase." + i + ".from", from, "phase." + i + ".to", to}, more...)
	}
	two := func(secondFrom string) []string {
		f := append([]string{"phase_count", "3"}, phase("0", "入户摸底", "2027-01-01", "2027-01-10", "phase.0.forms", id+"-form", "phase.0.actions", "review")...)
		return append(f, phase("1", "比对录入", secondFrom, "2027-01-31", "phase.1.actions", "reconcile", "phase.1.actions", "enter")...)
	}
	b := base()
	for _, sc := range []struct {
		name   string
		fields []string
		status int
		want   []string
	}{
		{"an empty name", append([]string{"phase_count", "2"}, phase("0", " ", "2027-01-01", "2027-01-10")...), http.StatusUnprocessableEntity,
			[]string{"工作阶段没有保存", "请填写阶段名称", `id="f-phase-0-name_zh" type="text" name="phase.0.name_zh" value="" maxlength="100" aria-invalid="true"`}},
		{"a day that is no date", append([]string{"phase_count", "2"}, phase("0", "入户摸底", "明天", "2027-01-10")...), http.StatusUnprocessableEntity,
			[]string{"请填写开始日期（年-月-日）", `value="明天"`}},
		{"a form the campaign lacks", append([]string{"phase_count", "2"}, phase("0", "入户摸底", "2027-01-01", "2027-01-10", "phase.0.forms", "<b>x</b>")...), http.StatusUnprocessableEntity,
			[]string{"所选表单已不在本工作项目中"}},
		{"an overlap", two("2027-01-05"), http.StatusUnprocessableEntity,
			[]string{"阶段「比对录入」从 2027-01-05 开始，早于上一个阶段「入户摸底」的结束日期 2027-01-10", `value="2027-01-05" maxlength="100" aria-invalid="true"`}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			r := post(b, sc.fields...)
			body := html.UnescapeString(r.body)
			if r.status != sc.status {
				t.Fatalf("status %d, want %d\n%s", r.status, sc.status, body)
			}
			for _, w := range sc.want {
				if !strings.Contains(body, w) {
					t.Errorf("the page lacks %q\n%s", w, body)
				}
			}
		})
	}
	if b != base() {
		t.Fatal("a refused save changed the campaign")
	}

	// Saved with a gap (11 to 14 January): the page says so.
	if r := post(b, two("2027-01-15")...); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	body := page("?phases=1")
	for _, w := range []string{"工作阶段已保存为草稿", `value="入户摸底"`, `value="2027-01-15"`, "中间的日子不属于任何阶段", `name="phase.1.actions" value="enter" checked`, `name="phase_count" value="3"`} {
		if !strings.Contains(body, w) {
			t.Errorf("after the save the page lacks %q", w)
		}
	}
	src := e.do(req{method: "GET", target: "/studio/campaigns/" + id + "/files/campaign/" + id, cookies: pageAs(cookie)}).body
	if !strings.Contains(src, "phases:") || !strings.Contains(src, "name:\n      zh: 比对录入") && !strings.Contains(src, "zh: 比对录入") {
		t.Errorf("the file:\n%s", src)
	}

	// The page opened before that save is stale.
	if r := post(b, two("2027-01-11")...); r.status != http.StatusConflict || !strings.Contains(r.body, "在您打开此页之后修改了这个文件") {
		t.Errorf("stale save: %d", r.status)
	}

	// Deleting the first phase keeps the second; deleting it too leaves
	// a campaign without phases.
	b = base()
	keyOf := func(i string) string {
		m := strings.SplitN(page(""), `name="phase.`+i+`.key" value="`, 2)
		if len(m) < 2 {
			t.Fatalf("no key of phase %s", i)
		}
		return m[1][:strings.Index(m[1], `"`)]
	}
	k0, k1 := keyOf("0"), keyOf("1")
	f := append([]string{"phase_count", "3", "phase.0.key", k0, "phase.0.delete", "1", "phase.1.key", k1}, two("2027-01-15")...)
	if r := post(b, f...); r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if body := page(""); strings.Contains(body, `value="入户摸底"`) || !strings.Contains(body, `value="比对录入"`) {
		t.Error("the deleted phase is still there, or the other is gone")
	}
	if r := post(base(), "phase_count", "2", "phase.0.key", k1, "phase.0.name_zh", "比对录入", "phase.0.delete", "1"); r.status != http.StatusSeeOther {
		t.Fatalf("delete all: %d", r.status)
	}
	src = e.do(req{method: "GET", target: "/studio/campaigns/" + id + "/files/campaign/" + id, cookies: pageAs(cookie)}).body
	if strings.Contains(src, "phases") {
		t.Errorf("the file keeps phases:\n%s", src)
	}
}
