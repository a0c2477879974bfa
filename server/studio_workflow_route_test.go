package server

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"

	"canvass/engine"
)

// routeForm has a question in a section and one in a repeat group.
const routeForm = `{"x-form-id": "{form}", "x-title": {"zh": "补助申请"}, "type": "object", "properties": {
  "name": {"type": "string", "x-label": {"zh": "姓名"}},
  "address": {"type": "object", "x-label": {"zh": "住址"}, "properties": {
    "income": {"type": "integer", "x-label": {"zh": "月收入"}}}},
  "kids": {"type": "array", "x-label": {"zh": "子女"}, "items": {"type": "object", "properties": {
    "age": {"type": "integer", "x-label": {"zh": "年龄"}}}}}}}`

// TestStudioWorkflowRouteAnyDepth: the routing-rule builder offers every
// question of the campaign's forms by its path of titles, a section's
// included, and writes answers.<path>; a repeat group's fields are shown
// disabled with the reason, and a rule posted on one anyway is refused in
// Chinese. The campaign with the rule then checks clean.
func TestStudioWorkflowRouteAnyDepth(t *testing.T) {
	e := newEnv(t, Config{})
	author := e.user("author", ownUnit, engine.RoleAuthor)
	cookie, csrf := e.pageSession("author")
	res := e.do(req{method: "POST", target: "/studio/campaigns", cookies: pageAs(cookie), header: formHeader, body: form("_csrf", csrf, "title", "补助审核")})
	m := studioCampaignPath.FindStringSubmatch(res.header.Get("Location"))
	if res.status != http.StatusSeeOther || m == nil {
		t.Fatalf("new campaign: %d %s", res.status, res.header.Get("Location"))
	}
	id := m[1]
	formID := id + "-form"
	if _, err := e.eng.SaveDraft(context.Background(), asActor(author), engine.KindForm, formID, formID+".form.json",
		[]byte(strings.ReplaceAll(routeForm, "{form}", formID))); err != nil {
		t.Fatal(err)
	}
	wf := "/studio/campaigns/" + id + "/workflow"
	base := ""
	for _, sc := range []struct {
		name     string
		method   string
		target   string
		form     []string
		status   int
		contains []string
	}{
		{name: "the builder offers the section's question and shows the group's disabled", method: "GET", target: wf, status: http.StatusOK,
			contains: []string{`<option value="income">住址 › 月收入</option>`, `<optgroup label="重复组中的字段（不能用于分流）"><option value="age" disabled>子女 › 年龄</option></optgroup>`,
				"重复组里的字段每行一个值，不能决定转到哪一步"}},
		{name: "a rule on a repeat group's field is refused", method: "POST", target: wf + "/states/township_review/routes",
			form:     []string{"op", "add", "join", "and", "cond_field", "age", "cond_op", "gt", "cond_value", "6", "to", "approved"},
			status:   http.StatusUnprocessableEntity,
			contains: []string{"条件第 1 行：“子女 › 年龄”是重复组“子女”里的字段，一条记录有几行就有几个值，不能用来决定转到哪一步"}},
		{name: "a rule on the section's question", method: "POST", target: wf + "/states/township_review/routes",
			form:   []string{"op", "add", "join", "and", "cond_field", "income", "cond_op", "gt", "cond_value", "5000", "to", "approved"},
			status: http.StatusSeeOther},
		{name: "it reads as a sentence", method: "GET", target: wf, status: http.StatusOK,
			contains: []string{"当 住址 › 月收入 大于 5000 时，转到“已通过”"}},
		{name: "and the campaign checks clean", method: "GET", target: "/studio/campaigns/" + id + "/publish", status: http.StatusOK,
			contains: []string{"检查通过，可以发布 3 份草稿"}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			r := req{method: sc.method, target: sc.target, cookies: pageAs(cookie)}
			if sc.method == "POST" {
				r.header, r.body = formHeader, form(append([]string{"_csrf", csrf, "base", base}, sc.form...)...)
			}
			res := e.do(r)
			if res.status != sc.status {
				t.Fatalf("status %d, want %d\n%s", res.status, sc.status, res.body)
			}
			body := html.UnescapeString(res.body)
			for _, want := range sc.contains {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks %q\n%s", want, body)
				}
			}
			if bm := basePattern.FindStringSubmatch(res.body); bm != nil {
				base = bm[1]
			}
		})
	}
	v := newestDefinition(t, e, asActor(author), engine.KindWorkflow, id+"-review")
	if want := `when: "answers.address.income > 5000"`; !strings.Contains(string(v.Source), want) {
		t.Errorf("the saved workflow lacks %q\n%s", want, v.Source)
	}
}
