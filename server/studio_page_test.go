package server

import (
	"html"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"canvass/engine"
)

// publishSubsidyExample publishes the subsidy-review example, scoped to
// ownUnit, as author: the template the studio copies.
func (e *env) publishSubsidyExample(author *engine.User) {
	e.t.Helper()
	dir := filepath.Join("..", "examples", "subsidy-review")
	for _, f := range []definitionFile{
		{engine.KindForm, "subsidy-application", "subsidy-application.form.json"},
		{engine.KindWorkflow, "subsidy-review", "subsidy-review.workflow.yaml"},
		{engine.KindPayTable, "subsidy-review-pay", "subsidy-review-pay.paytable.yaml"},
		{engine.KindCampaign, "subsidy-review-2027", "subsidy-review-2027.campaign.yaml"},
	} {
		src, err := os.ReadFile(filepath.Join(dir, f.file))
		if err != nil {
			e.t.Fatal(err)
		}
		src = []byte(strings.Replace(string(src), `org_scope: "341299"`, `org_scope: "`+ownUnit+`"`, 1))
		e.publishSource(author, f.kind, f.id, f.file, src)
	}
}

var (
	studioCampaignPath = regexp.MustCompile(`^/studio/campaigns/([a-z0-9-]+)\?`)
	basePattern        = regexp.MustCompile(`name="base" value="([0-9a-f]*)"`)
)

// TestStudioPages: the studio list, a blank campaign, a copy of an
// example published with one click, and the 基本信息 form's refusals, as
// scenarios run in order against one server.
func TestStudioPages(t *testing.T) {
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
	// What the scenarios learn as they go: the blank campaign, the copy,
	// and the base (checksum) the 基本信息 form carries.
	state := map[string]string{}
	fill := func(s string) string {
		for k, v := range state {
			s = strings.ReplaceAll(s, "{"+k+"}", v)
		}
		return s
	}
	basics := func(title, scope, opens, closes string) []string {
		return []string{"base", "{base}", "title_zh", title, "title_en", "", "org_scope", scope, "opens", opens, "closes", closes, "reference_time", opens}
	}
	spoiledForm := `{"x-form-id": "{blank}-form", "x-title": {"zh": "坏表单"}, "type": "object", "properties": {"name": {"type": "strin", "x-label": {"zh": "姓名"}}}}`

	for _, sc := range []struct {
		name      string
		who       string
		method    string
		target    string
		form      []string // urlencoded fields (the CSRF token is added)
		upload    string   // a multipart file instead
		status    int
		contains  []string
		lacks     []string
		remember  string // the key under which to remember the campaign a redirect names
		keepBase  bool   // remember the page's base
		afterBody func(t *testing.T, body string)
	}{
		{name: "a field worker may not open the studio", who: "worker", method: "GET", target: "/studio", status: http.StatusForbidden},
		{name: "the list offers the example to copy", who: "author", method: "GET", target: "/studio", status: http.StatusOK,
			contains: []string{"新建空白工作项目", "复制已发布的工作项目", `<option value="subsidy-review-2027">2027年奖励扶助特别扶助资格审核（示例区）</option>`, "2027年奖励扶助特别扶助资格审核</a>", "已发布", `href="/studio" aria-current="page"`}},
		{name: "a new campaign needs a title", who: "author", method: "POST", target: "/studio/campaigns", form: []string{"title", " "},
			status: http.StatusUnprocessableEntity, contains: []string{"请填写中文名称"}},
		{name: "new blank campaign", who: "author", method: "POST", target: "/studio/campaigns", form: []string{"title", "东关村育龄妇女登记"},
			status: http.StatusSeeOther, remember: "blank"},
		{name: "the blank campaign's 基本信息", who: "author", method: "GET", target: "/studio/campaigns/{blank}?created=1", status: http.StatusOK, keepBase: true,
			contains: []string{"已新建工作项目“东关村育龄妇女登记”", `value="东关村育龄妇女登记"`, `<option value="370102" selected>示例区（区县）</option>`, "　　东关村（村居）", ">表单</a>", ">源文件</a>", ">检查并发布</a>"},
			lacks:    []string{"以后", "later version"}},
		{name: "its forms link to the designer", who: "author", method: "GET", target: "/studio/campaigns/{blank}?tab=forms", status: http.StatusOK,
			contains: []string{`href="/studio/campaigns/{blank}/forms/{blank}-form"`}},
		{name: "its check: three drafts ready", who: "author", method: "GET", target: "/studio/campaigns/{blank}/publish", status: http.StatusOK,
			contains: []string{"检查通过，可以发布 3 份草稿", "表单“东关村育龄妇女登记”", "审核流程“村级审核、乡镇审核”"}},
		{name: "a neighbour does not see it", who: "neighbour", method: "GET", target: "/studio/campaigns/{blank}", status: http.StatusNotFound},
		{name: "the source view numbers lines", who: "author", method: "GET", target: "/studio/campaigns/{blank}/source", status: http.StatusOK,
			contains: []string{`id="file-campaign-{blank}-L1"`, `<td class="ln">1</td><td><code>id: {blank}</code>`, `href="/studio/campaigns/{blank}/files/form/{blank}-form"`}},
		{name: "a file downloads", who: "author", method: "GET", target: "/studio/campaigns/{blank}/files/workflow/{blank}-review", status: http.StatusOK,
			contains: []string{"start: village_review"}},
		{name: "a spoiled form uploaded over the source", who: "author", method: "POST", target: "/studio/campaigns/{blank}/files/form/{blank}-form",
			upload: spoiledForm, status: http.StatusOK, contains: []string{"已保存为草稿", "diag-error", "字段「姓名」的定义不符合 JSON Schema 2020-12 规范"}},
		{name: "an upload from a stale page conflicts", who: "author", method: "POST", target: "/studio/campaigns/{blank}/files/form/{blank}-form",
			upload: spoiledForm, status: http.StatusConflict, contains: []string{"测试 author 在您打开此页之后修改了这个文件"}},
		{name: "a file of another campaign is not this one's", who: "author", method: "GET", target: "/studio/campaigns/{blank}/files/form/subsidy-application", status: http.StatusNotFound},
		{name: "the check shows what is wrong and where", who: "author", method: "GET", target: "/studio/campaigns/{blank}/publish", status: http.StatusOK,
			contains: []string{"发现 2 个问题", "<strong>表单“坏表单”</strong>", `href="/studio/campaigns/{blank}/forms/{blank}-form"`, "字段「姓名」的定义不符合 JSON Schema 2020-12 规范", "<span class=\"muted\">表单列表</span>",
				"引用的文件「坏表单」还没有发布，也没有可一并发布的草稿"}, lacks: []string{">发布</button>", "有错误"}},
		{name: "the check in English", who: "author", method: "GET", target: "/studio/campaigns/{blank}/publish?lang=en", status: http.StatusOK,
			contains: []string{"Field 姓名: The definition is not valid JSON Schema 2020-12", "is neither published nor a draft"}, lacks: []string{"字段「姓名」"}},
		{name: "publishing it is refused, nothing published", who: "author", method: "POST", target: "/studio/campaigns/{blank}/publish",
			status: http.StatusUnprocessableEntity, contains: []string{"未能发布"}},

		{name: "basics: empty title", who: "author", method: "POST", target: "/studio/campaigns/{blank}/basics", form: basics("", ownUnit, "2027-01-01", "2027-02-01"),
			status: http.StatusUnprocessableEntity, contains: []string{"请填写中文名称", `id="f-title_zh" name="title_zh" type="text" value="" required maxlength="100" aria-invalid="true"`}},
		{name: "basics: closes before opens", who: "author", method: "POST", target: "/studio/campaigns/{blank}/basics", form: basics("登记", ownUnit, "2027-01-01", "2026-12-01"),
			status: http.StatusUnprocessableEntity, contains: []string{"截止日期须晚于开始日期"}},
		{name: "basics: scope outside the subtree", who: "author", method: "POST", target: "/studio/campaigns/{blank}/basics", form: basics("登记", siblingUnit, "2027-01-01", "2027-02-01"),
			status: http.StatusUnprocessableEntity, contains: []string{"请从您辖区内的单位中选择"}},
		{name: "basics: saved", who: "author", method: "POST", target: "/studio/campaigns/{blank}/basics", form: basics("东关村登记", childUnit, "2027-01-01", "2027-02-01"),
			status: http.StatusSeeOther},
		{name: "basics: a save from the stale page conflicts", who: "author", method: "POST", target: "/studio/campaigns/{blank}/basics", form: basics("又一个标题", childUnit, "2027-01-01", "2027-02-01"),
			status: http.StatusConflict, contains: []string{"测试 author 在您打开此页之后修改了这个文件"}},
		{name: "basics: the saved values show", who: "author", method: "GET", target: "/studio/campaigns/{blank}?saved=1", status: http.StatusOK,
			contains: []string{"基本信息已保存为草稿", `value="东关村登记"`, `<option value="370102001" selected>`, `value="2027-02-01"`}},

		{name: "copy the example", who: "author", method: "POST", target: "/studio/copies", form: []string{"source", "subsidy-review-2027"},
			status: http.StatusSeeOther, remember: "copy"},
		{name: "the copy is a draft of the author's unit", who: "author", method: "GET", target: "/studio/campaigns/{copy}?copied=1", status: http.StatusOK,
			contains: []string{"2027年奖励扶助特别扶助资格审核（副本）", `<option value="370102" selected>`}},
		{name: "the copy checks clean", who: "author", method: "GET", target: "/studio/campaigns/{copy}/publish", status: http.StatusOK,
			contains: []string{"检查通过，可以发布 4 份草稿", "劳务报酬表“奖励对象清理核查劳务补助”"}},
		{name: "a neighbour may not publish it", who: "neighbour", method: "POST", target: "/studio/campaigns/{copy}/publish", status: http.StatusNotFound},
		{name: "the copy publishes with one click", who: "author", method: "POST", target: "/studio/campaigns/{copy}/publish", status: http.StatusSeeOther},
		{name: "and says so", who: "author", method: "GET", target: "/studio/campaigns/{copy}/publish?published=4", status: http.StatusOK,
			contains: []string{"已一并发布 4 份草稿", "没有待发布的草稿"}},
		{name: "the list shows both, scoped", who: "author", method: "GET", target: "/studio", status: http.StatusOK,
			contains: []string{"东关村登记</a>", "2027年奖励扶助特别扶助资格审核（副本）</a>", "东关街道"}},
		{name: "in English", who: "author", method: "GET", target: "/studio/campaigns/{copy}/publish?lang=en", status: http.StatusOK,
			contains: []string{"Check and publish", "Basics", "Source files"}, lacks: []string{"检查通过"}},
		{name: "the neighbour's list is empty", who: "neighbour", method: "GET", target: "/studio", status: http.StatusOK,
			contains: []string{"还没有可以修改的工作项目"}, lacks: []string{"东关村登记"}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			s := sessions[sc.who]
			r := req{method: sc.method, target: fill(sc.target), cookies: pageAs(s.cookie)}
			switch {
			case sc.upload != "":
				r.multipart = &multipartBody{fields: map[string]string{"_csrf": s.csrf, "base": state["formbase"]}, field: "file", filename: "x.form.json", content: []byte(fill(sc.upload))}
			case sc.method == "POST":
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
			if sc.keepBase {
				m := basePattern.FindStringSubmatch(res.body)
				if m == nil {
					t.Fatal("the 基本信息 form carries no base")
				}
				state["base"] = m[1]
				// and the form's, for the upload
				src := e.do(req{method: "GET", target: fill("/studio/campaigns/{blank}/source"), cookies: pageAs(s.cookie)})
				all := basePattern.FindAllStringSubmatch(src.body, -1)
				if len(all) < 2 {
					t.Fatal("the source view carries no bases")
				}
				state["formbase"] = all[1][1]
			}
		})
	}
}
