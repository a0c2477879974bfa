package server

import (
	"html"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"canvass/engine"
)

var (
	campaignBasePattern = regexp.MustCompile(`name="campaign_base" value="([0-9a-f]*)"`)
	effectivePattern    = regexp.MustCompile(`id="pay-effective-from" name="effective_from" type="date" value="([0-9-]+)"`)
)

// TestStudioPayPages: the 劳务报酬 tab of a blank campaign, from creating
// its pay table to a campaign that checks clean, with the refusals on the
// way; then a copied example saved unchanged.
func TestStudioPayPages(t *testing.T) {
	e := newEnv(t, Config{})
	author := e.user("author", ownUnit, engine.RoleAuthor)
	e.user("neighbour", siblingUnit, engine.RoleAuthor)
	e.user("worker", grandUnit, engine.RoleFieldWorker)
	e.publishSubsidyExample(author)

	type session struct{ cookie, csrf string }
	sessions := map[string]session{}
	for _, u := range []string{"author", "neighbour", "worker"} {
		c, x := e.pageSession(u)
		sessions[u] = session{c, x}
	}
	state := map[string]string{}
	fill := func(s string) string {
		for k, v := range state {
			s = strings.ReplaceAll(s, "{"+k+"}", v)
		}
		return s
	}
	item := func(label, on, pays, role, amount, cond string) []string {
		return []string{"base", "{paybase}", "label_zh", label, "label_en", "", "on", on, "form", "", "pays", pays, "role", role, "amount", amount, "condition", cond, "key", ""}
	}
	create := func(amount string) []string {
		return append([]string{"campaign_base", "{campbase}", "title_zh", "登记劳务报酬", "title_en", "", "effective_from", "{opens}", "period", "month"},
			item("记录通过补助", "record.accepted", "creator", "field_worker", amount, "")[2:]...)
	}
	settings := func(day string) []string {
		return []string{"base", "{paybase}", "title_zh", "登记劳务报酬", "title_en", "Registration pay", "effective_from", day, "period", "month"}
	}

	for _, sc := range []struct {
		name      string
		who       string
		method    string
		target    string
		form      []string
		status    int
		contains  []string
		lacks     []string
		remember  string // remember the campaign a redirect names
		keep      bool   // remember the page's bases and dates
		afterBody func(t *testing.T, body string)
	}{
		{name: "new blank campaign", who: "author", method: "POST", target: "/studio/campaigns", form: []string{"title", "东关村育龄妇女登记"},
			status: http.StatusSeeOther, remember: "blank"},
		{name: "a field worker may not open the tab", who: "worker", method: "GET", target: "/studio/campaigns/{blank}/pay", status: http.StatusForbidden},
		{name: "a neighbour does not see it", who: "neighbour", method: "GET", target: "/studio/campaigns/{blank}/pay", status: http.StatusNotFound},
		{name: "no pay table yet: the tab offers one", who: "author", method: "GET", target: "/studio/campaigns/{blank}/pay", status: http.StatusOK, keep: true,
			contains: []string{"新建劳务报酬表", `value="东关村育龄妇女登记劳务报酬"`, `aria-current="page">劳务报酬</a>`, `<option value="record.accepted" data-tip="记录审核全部通过时" selected>记录通过</option>`,
				`<option value="attendance.day"`, ">出勤一天</option>", ">抽查发现问题则扣发</option>", `<label for="item-amount">金额（元）</label>`}},
		{name: "three decimals are refused", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/create", form: create("1.005"),
			status: http.StatusUnprocessableEntity, contains: []string{"金额“1.005”最多两位小数", `value="1.005"`, `value="记录通过补助"`}},
		{name: "a negative amount is refused", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/create", form: create("-1"),
			status: http.StatusUnprocessableEntity, contains: []string{"金额不能为负数"}},
		{name: "the campaign has no pay table after refusals", who: "author", method: "GET", target: "/studio/campaigns/{blank}/source", status: http.StatusOK,
			lacks: []string{"paytable"}},
		{name: "create it", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/create", form: create("1.00"), status: http.StatusSeeOther},
		{name: "the item in words, and the worked example", who: "author", method: "GET", target: "/studio/campaigns/{blank}/pay?saved=created", status: http.StatusOK, keep: true,
			contains: []string{"已新建劳务报酬表", "记录通过补助：每条 1.00 元", "记录通过时，付给记录填报人（须为调查员）", "完成 10 条记录、抽查 1 条无问题：共 10.00 元",
				`<td class="num" id="pay-example-total">10.00</td>`, "调查员 10.00 元"},
			lacks: []string{"pay-effective-warning"}},
		{name: "the campaign binds it", who: "author", method: "GET", target: "/studio/campaigns/{blank}/source", status: http.StatusOK,
			contains: []string{"paytable: {blank}-pay", "amount: 100"}},
		{name: "the check is clean with the pay table", who: "author", method: "GET", target: "/studio/campaigns/{blank}/publish", status: http.StatusOK,
			contains: []string{"检查通过，可以发布 4 份草稿", "劳务报酬表“登记劳务报酬”"}},
		{name: "create again goes to the table", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/create", form: create("2.00"), status: http.StatusSeeOther},
		{name: "a sample out of range", who: "author", method: "GET", target: "/studio/campaigns/{blank}/pay?records=-3&qc_pass=2", status: http.StatusOK,
			contains: []string{"请填写 0 到 10000 之间的整数", "完成 10 条记录、抽查 2 条无问题：共 10.00 元"}},
		{name: "more spot-checked than completed", who: "author", method: "GET", target: "/studio/campaigns/{blank}/pay?records=1&qc_problem=2", status: http.StatusOK,
			contains: []string{"已录入或抽查的记录数不能多于完成的记录数"}, lacks: []string{"pay-example-total"}},
		{name: "not an amount", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/items", form: item("抽查奖励", "qc.pass", "creator", "field_worker", "五毛", "withhold"),
			status: http.StatusUnprocessableEntity, contains: []string{"“五毛”不是金额", `value="抽查奖励"`}},
		{name: "withholding from the person acting", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/items", form: item("录入补助", "record.entered", "actor", "field_worker", "1", "withhold"),
			status: http.StatusUnprocessableEntity, contains: []string{"只适用于付给记录填报人的项目"}},
		{name: "a hostile label", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/items", form: item(strings.Repeat("长", 60), "qc.pass", "creator", "field_worker", "1", ""),
			status: http.StatusUnprocessableEntity, contains: []string{"太长，最多 50 个字"}},
		{name: "an unknown event", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/items", form: item("奖励", "record.deleted", "creator", "field_worker", "1", ""),
			status: http.StatusUnprocessableEntity, contains: []string{"请从列表中选择支付事件"}},
		{name: "add a bonus withheld on a problem", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/items", form: item("抽查奖励", "qc.pass", "creator", "field_worker", "0.5", "withhold"),
			status: http.StatusSeeOther},
		{name: "a save from the stale page conflicts", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/items", form: item("又一项", "record.submitted", "creator", "field_worker", "1", ""),
			status: http.StatusConflict, contains: []string{"测试 author 在您打开此页之后修改了这个文件"}},
		{name: "the example counts the bonus", who: "author", method: "GET", target: "/studio/campaigns/{blank}/pay?records=10&qc_pass=1&qc_problem=1", status: http.StatusOK, keep: true,
			contains: []string{"抽查奖励：每条 0.50 元；抽查发现问题则扣发", "完成 10 条记录、抽查 1 条无问题、抽查 1 条发现问题：共 10.50 元", `<td class="num" id="pay-example-total">10.50</td>`}},
		{name: "edit the first item", who: "author", method: "GET", target: "/studio/campaigns/{blank}/pay?edit=item1", status: http.StatusOK,
			contains: []string{"修改项目“记录通过补助”", `action="/studio/campaigns/{blank}/pay/items/item1"`}},
		{name: "withhold it too", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/items/item1", form: item("记录通过补助", "record.accepted", "creator", "field_worker", "1.00", "withhold"),
			status: http.StatusSeeOther},
		{name: "a problem now takes one back", who: "author", method: "GET", target: "/studio/campaigns/{blank}/pay?records=10&qc_pass=1&qc_problem=1", status: http.StatusOK, keep: true,
			contains: []string{"记录通过补助（扣发）", "共 9.50 元"}},
		{name: "a date after the opening warns", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/settings", form: settings("{later}"), status: http.StatusSeeOther},
		{name: "the warning names the days", who: "author", method: "GET", target: "/studio/campaigns/{blank}/pay", status: http.StatusOK, keep: true,
			contains: []string{"{warning}通过的记录、抽查通过的记录不计报酬"}},
		{name: "a bad cap", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/caps", form: []string{"base", "{paybase}", "cap_field_worker", "1e9"},
			status: http.StatusUnprocessableEntity, contains: []string{"“1e9”不是金额", `value="1e9"`}},
		{name: "a cap", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/caps", form: []string{"base", "{paybase}", "cap_field_worker", "5"}, status: http.StatusSeeOther},
		{name: "the cap in the example", who: "author", method: "GET", target: "/studio/campaigns/{blank}/pay", status: http.StatusOK, keep: true,
			contains: []string{"调查员每月最多 5.00 元", "（已按上限封顶）", "共 5.00 元"}},
		{name: "move the bonus up", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/items/item2/move", form: []string{"base", "{paybase}", "dir", "up"}, status: http.StatusSeeOther},
		{name: "delete the first", who: "author", method: "GET", target: "/studio/campaigns/{blank}/pay", status: http.StatusOK, keep: true,
			afterBody: func(t *testing.T, body string) {
				if strings.Index(body, `id="pay-item-item2"`) > strings.Index(body, `id="pay-item-item1"`) {
					t.Error("the bonus did not move up")
				}
			}},
		{name: "delete an item", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/items/item1/delete", form: []string{"base", "{paybase}"}, status: http.StatusSeeOther},
		{name: "the last item stays", who: "author", method: "GET", target: "/studio/campaigns/{blank}/pay", status: http.StatusOK, keep: true, lacks: []string{`id="pay-item-item1"`}},
		{name: "the last item cannot be deleted", who: "author", method: "POST", target: "/studio/campaigns/{blank}/pay/items/item2/delete", form: []string{"base", "{paybase}"},
			status: http.StatusUnprocessableEntity, contains: []string{"报酬表至少要有一个项目"}},
		{name: "in English", who: "author", method: "GET", target: "/studio/campaigns/{blank}/pay?lang=en", status: http.StatusOK,
			contains: []string{"Worked example", "抽查奖励: 0.50 yuan per record; withheld when a spot check finds a problem", "Amount (yuan)"}, lacks: []string{"算一算", "金额（元）"}},

		{name: "copy the example", who: "author", method: "POST", target: "/studio/copies", form: []string{"source", "subsidy-review-2027"}, status: http.StatusSeeOther, remember: "copy"},
		{name: "the copy's table", who: "author", method: "GET", target: "/studio/campaigns/{copy}/pay", status: http.StatusOK, keep: true,
			contains: []string{"奖励对象清理核查采集：每条 5.00 元", "奖励对象清理核查录入：每条 5.00 元", `<option value="quarter" selected>按季度</option>`}},
		{name: "its settings saved as they are", who: "author", method: "POST", target: "/studio/campaigns/{copy}/pay/settings",
			form: []string{"base", "{paybase}", "title_zh", "奖励对象清理核查劳务补助", "title_en", "Eligibility review pay", "effective_from", "2026-11-01", "period", "quarter"}, status: http.StatusSeeOther},
		{name: "and nothing was saved", who: "author", method: "GET", target: "/studio/campaigns/{copy}/pay?saved=unchanged", status: http.StatusOK,
			contains: []string{"内容没有变化，未保存新版本", "第 1 版"}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			s := sessions[sc.who]
			r := req{method: sc.method, target: fill(sc.target), cookies: pageAs(s.cookie)}
			if sc.method == "POST" {
				fields := append([]string{"_csrf", s.csrf}, sc.form...)
				for i := range fields {
					fields[i] = fill(fields[i])
				}
				r.header, r.body = formHeader, form(fields...)
			}
			res := e.do(r)
			if res.status != sc.status {
				t.Fatalf("status %d, want %d\n%s", res.status, sc.status, res.body)
			}
			body := html.UnescapeString(res.body)
			for _, want := range sc.contains {
				if !strings.Contains(body, fill(want)) {
					t.Errorf("the page lacks %q\n%s", fill(want), body)
				}
			}
			for _, bad := range sc.lacks {
				if strings.Contains(body, fill(bad)) {
					t.Errorf("the page has %q", fill(bad))
				}
			}
			if sc.remember != "" {
				m := studioCampaignPath.FindStringSubmatch(res.header.Get("Location"))
				if m == nil {
					t.Fatalf("redirect to %q, want a campaign page", res.header.Get("Location"))
				}
				state[sc.remember] = m[1]
			}
			if sc.keep {
				if m := basePattern.FindStringSubmatch(res.body); m != nil {
					state["paybase"] = m[1]
				}
				if m := campaignBasePattern.FindStringSubmatch(res.body); m != nil {
					state["campbase"] = m[1]
				}
				if m := effectivePattern.FindStringSubmatch(res.body); m != nil && state["opens"] == "" {
					state["opens"] = m[1]
					opens, err := time.Parse(time.DateOnly, m[1])
					if err != nil {
						t.Fatal(err)
					}
					later := opens.AddDate(0, 0, 3)
					state["later"] = later.Format(time.DateOnly)
					state["warning"] = opens.Format("1月2日") + "至" + later.AddDate(0, 0, -1).Format("1月2日")
					if opens.Year() != later.Year() {
						state["warning"] = opens.Format("2006年1月2日") + "至" + later.AddDate(0, 0, -1).Format("2006年1月2日")
					}
				}
			}
			if sc.afterBody != nil {
				sc.afterBody(t, body)
			}
		})
	}

	// The copy's pay table, saved through the page without a change, holds
	// the example's data.
	s := sessions["author"]
	got := e.do(req{method: "GET", target: "/studio/campaigns/" + state["copy"] + "/files/paytable/subsidy-review-pay-" + strings.TrimPrefix(state["copy"], "subsidy-review-2027-"), cookies: pageAs(s.cookie)})
	if got.status != http.StatusOK {
		t.Fatalf("download: %d %s", got.status, got.body)
	}
	want, err := os.ReadFile(filepath.Join("..", "examples", "subsidy-review", "subsidy-review-pay.paytable.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var x, y map[string]any
	if err := yaml.Unmarshal([]byte(got.body), &x); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(want, &y); err != nil {
		t.Fatal(err)
	}
	delete(x, "id")
	delete(y, "id")
	if !reflect.DeepEqual(x, y) {
		t.Errorf("the saved copy differs from the example:\n%s", got.body)
	}
	if !strings.Contains(got.body, "# Subsidy eligibility review pay") {
		t.Errorf("a save without a change rewrote the file:\n%s", got.body)
	}
}

// TestStudioPayReadOnlyItems: the published vital-events example shows its
// answer-conditioned items in words, with the form's own labels, read-only
// with a link to 源文件, and edits its other items.
func TestStudioPayReadOnlyItems(t *testing.T) {
	e := newEnv(t, Config{})
	author := e.user("author", ownUnit, engine.RoleAuthor)
	dir := filepath.Join("..", "examples", "vital-events")
	for _, f := range []definitionFile{
		{engine.KindForm, "vital-event", "vital-event.form.json"},
		{engine.KindForm, "eligibility-check", "eligibility-check.form.json"},
		{engine.KindForm, "quarterly-report", "quarterly-report.form.json"},
		{engine.KindForm, "resident-check", "resident-check.form.json"},
		{engine.KindWorkflow, "vital-review", "vital-review.workflow.yaml"},
		{engine.KindPayTable, "vital-events-pay", "vital-events-pay.paytable.yaml"},
		{engine.KindCampaign, "vital-events-2027", "vital-events-2027.campaign.yaml"},
	} {
		src, err := os.ReadFile(filepath.Join(dir, f.file))
		if err != nil {
			t.Fatal(err)
		}
		src = []byte(strings.Replace(string(src), `org_scope: "341299"`, `org_scope: "`+ownUnit+`"`, 1))
		e.publishSource(author, f.kind, f.id, f.file, src)
	}
	cookie, csrf := e.pageSession("author")
	m := []string{"", "vital-events-2027"}
	page := e.do(req{method: "GET", target: "/studio/campaigns/" + m[1] + "/pay", cookies: pageAs(cookie)})
	body := html.UnescapeString(page.body)
	if page.status != http.StatusOK {
		t.Fatalf("status %d\n%s", page.status, body)
	}
	for _, want := range []string{
		"人口出生采集：每条 5.00 元；仅限「人口变动情况登记表（婚姻、出生、死亡）」的记录；仅当「变动类型」为“出生”时",
		"此项目的条件无法在此编辑", "<code>answers.eventType == 'birth'</code>",
		`href="/studio/campaigns/` + m[1] + `/source#file-paytable-vital-events-pay"`,
		"调查员每季度最多 3000.00 元", `id="pay-item-eligibility_checked-edit"`,
		"样例中未计报酬的项目",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	if strings.Contains(body, `id="pay-item-birth_collected-edit"`) {
		t.Error("a read-only item offers to edit it")
	}
	base := basePattern.FindStringSubmatch(page.body)[1]
	res := e.do(req{method: "POST", target: "/studio/campaigns/" + m[1] + "/pay/items/birth_collected", cookies: pageAs(cookie), header: formHeader,
		body: form("_csrf", csrf, "base", base, "label_zh", "出生", "on", "record.accepted", "pays", "creator", "role", "field_worker", "amount", "9", "condition", "")})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.body), "请在源文件中修改") {
		t.Errorf("editing a read-only item: %d", res.status)
	}
}

// TestStudioPayCampaignBroken: when the campaign file does not load, the
// tab says so instead of offering a table, and a crafted create is
// refused without writing anything.
func TestStudioPayCampaignBroken(t *testing.T) {
	e := newEnv(t, Config{})
	e.user("author", ownUnit, engine.RoleAuthor)
	cookie, csrf := e.pageSession("author")
	res := e.do(req{method: "POST", target: "/studio/campaigns", cookies: pageAs(cookie), header: formHeader, body: form("_csrf", csrf, "title", "坏工作项目")})
	m := studioCampaignPath.FindStringSubmatch(res.header.Get("Location"))
	if m == nil {
		t.Fatalf("new campaign: %d %s", res.status, res.body)
	}
	id := m[1]
	page := e.do(req{method: "GET", target: "/studio/campaigns/" + id, cookies: pageAs(cookie)})
	base := basePattern.FindStringSubmatch(page.body)[1]
	broken := "id: " + id + "\ntitle: {zh: 坏工作项目}\nforms: [nope]\nworkflow: nope\nopens: 2026-13-01\n"
	res = e.do(req{method: "POST", target: "/studio/campaigns/" + id + "/files/campaign/" + id, cookies: pageAs(cookie),
		multipart: &multipartBody{fields: map[string]string{"_csrf": csrf, "base": base}, field: "file", filename: id + ".campaign.yaml", content: []byte(broken)}})
	if res.status != http.StatusOK && res.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", res.status, res.body)
	}
	page = e.do(req{method: "GET", target: "/studio/campaigns/" + id + "/pay", cookies: pageAs(cookie)})
	body := html.UnescapeString(page.body)
	if page.status != http.StatusOK || !strings.Contains(body, "工作项目文件有错误，改正后才能设置劳务报酬") || strings.Contains(body, `id="pay-create"`) {
		t.Fatalf("the tab of a broken campaign: %d\n%s", page.status, body)
	}
	source := e.do(req{method: "GET", target: "/studio/campaigns/" + id + "/source", cookies: pageAs(cookie)})
	campaignBase := basePattern.FindStringSubmatch(source.body)[1]
	res = e.do(req{method: "POST", target: "/studio/campaigns/" + id + "/pay/create", cookies: pageAs(cookie), header: formHeader,
		body: form("_csrf", csrf, "campaign_base", campaignBase, "title_zh", "报酬", "effective_from", "2026-12-01", "period", "month",
			"label_zh", "补助", "on", "record.accepted", "pays", "creator", "role", "field_worker", "amount", "1")})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(res.body), "工作项目文件有错误") {
		t.Fatalf("create on a campaign that does not load: %d\n%s", res.status, res.body)
	}
	src := e.do(req{method: "GET", target: "/studio/campaigns/" + id + "/files/campaign/" + id, cookies: pageAs(cookie)})
	if strings.Contains(src.body, "paytable") {
		t.Errorf("the campaign file changed:\n%s", src.body)
	}
}
