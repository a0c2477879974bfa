package server

import (
	"context"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"canvass/engine"
	"canvass/examples"
	"canvass/workflows"
)

// TestStudioWorkflowTab: the 审核流程 tab of a blank campaign, its
// controls and their refusals, a campaign without a workflow, and the
// check that then passes, as scenarios run in order against one server.
func TestStudioWorkflowTab(t *testing.T) {
	e := newEnv(t, Config{})
	e.user("author", ownUnit, engine.RoleAuthor)
	e.user("neighbour", siblingUnit, engine.RoleAuthor)
	cookie, csrf := e.pageSession("author")
	ncookie, ncsrf := e.pageSession("neighbour")

	res := e.do(req{method: "POST", target: "/studio/campaigns", cookies: pageAs(cookie), header: formHeader, body: form("_csrf", csrf, "title", "东关村补助审核")})
	m := studioCampaignPath.FindStringSubmatch(res.header.Get("Location"))
	if res.status != http.StatusSeeOther || m == nil {
		t.Fatalf("new campaign: %d %s", res.status, res.header.Get("Location"))
	}
	id := m[1]
	wf := "/studio/campaigns/" + id + "/workflow"
	state := map[string]string{"id": id}
	fill := func(s string) string {
		for k, v := range state {
			s = strings.ReplaceAll(s, "{"+k+"}", v)
		}
		return s
	}
	// A level's form as the page sends it, with changes.
	township := func(changes ...string) []string {
		f := map[string]string{"base": "{base}", "title_zh": "乡镇审核", "title_en": "Township review", "role": "reviewer", "level": "township",
			"due_n": "5", "due_unit": "days", "remind_n": "", "remind_unit": "", "remind_times": "", "escalate": "", "after_n": "", "after_unit": "",
			"act_approve": "1", "to_approve": "approved", "act_return": "1", "to_return": "correction", "to_reject": "approved"}
		for i := 0; i+1 < len(changes); i += 2 {
			f[changes[i]] = changes[i+1]
		}
		var out []string
		for k, v := range f {
			if v != "-" {
				out = append(out, k, v)
			}
		}
		return out
	}

	for _, sc := range []struct {
		name     string
		neighbor bool
		method   string
		target   string
		form     []string
		status   int
		contains []string
		lacks    []string
		keepBase bool
	}{
		{name: "the tab shows the ladder and the diagram", method: "GET", target: wf, status: http.StatusOK, keepBase: true,
			contains: []string{`aria-current="page">审核流程</a>`, `id="s-village_review"`, `id="s-township_review"`, `id="s-correction"`, `id="s-approved"`,
				`<svg xmlns="http://www.w3.org/2000/svg" class="wf-diagram"`, `data-state="township_review"`, `<label for="s-township_review-due_n">办理时限</label>`,
				`<option value="township" selected>乡镇街道</option>`, `id="s-township_review-return-on" name="act_return" value="1" checked`, `id="add-level-submit"`}},
		{name: "a neighbour does not see it", neighbor: true, method: "GET", target: wf, status: http.StatusNotFound},
		{name: "the diagram alone", method: "GET", target: wf + "/diagram.svg", status: http.StatusOK,
			contains: []string{`data-from="village_review" data-to="township_review" data-action="approve"`, "村级审核", "退回补正"}},
		{name: "an empty title is refused", method: "POST", target: wf + "/states/township_review", form: township("title_zh", " "),
			status: http.StatusUnprocessableEntity, contains: []string{"请填写步骤的中文名称", `id="s-township_review-title-err"`}},
		{name: "a duplicate title is refused", method: "POST", target: wf + "/states/township_review", form: township("title_zh", "村级审核"),
			status: http.StatusUnprocessableEntity, contains: []string{"已有名为“村级审核”的步骤"}},
		{name: "zero hours are refused", method: "POST", target: wf + "/states/township_review", form: township("due_n", "0", "due_unit", "hours"),
			status: http.StatusUnprocessableEntity, contains: []string{"办理时限须是 1 到 720 之间的整数（小时）"}},
		{name: "a fraction of a day is refused", method: "POST", target: wf + "/states/township_review", form: township("due_n", "1.5"),
			status: http.StatusUnprocessableEntity, contains: []string{"办理时限须是 1 到 365 之间的整数（天）"}},
		{name: "a reminder longer than the limit is refused", method: "POST", target: wf + "/states/township_review",
			form:   township("due_n", "48", "due_unit", "hours", "remind_n", "3", "remind_unit", "days", "remind_times", "2"),
			status: http.StatusUnprocessableEntity, contains: []string{"提醒间隔（3 天）比办理时限（48 小时）还长"}},
		{name: "a hostile level is refused", method: "POST", target: wf + "/states/township_review", form: township("level", "<script>"),
			status: http.StatusUnprocessableEntity, contains: []string{"请从列表中选择办理人的层级"}, lacks: []string{"<script>"}},
		{name: "a target that does not exist is refused", method: "POST", target: wf + "/states/township_review", form: township("to_approve", "nowhere"),
			status: http.StatusUnprocessableEntity, contains: []string{"“乡镇审核”的“通过”指向的步骤不存在"}},
		{name: "deleting a state others lead to says which", method: "POST", target: wf + "/states/approved/delete", form: []string{"base", "{base}"},
			status: http.StatusUnprocessableEntity, contains: []string{"“乡镇审核”的“通过”指向“已通过”", `id="wf-force-delete"`}},
		{name: "48 hours with reminders saved", method: "POST", target: wf + "/states/township_review",
			form:   township("due_n", "48", "due_unit", "hours", "remind_n", "12", "remind_unit", "hours", "remind_times", "2", "reason_reject", "1", "act_reject", "1", "to_reject", "approved"),
			status: http.StatusSeeOther},
		{name: "a save from the stale page conflicts", method: "POST", target: wf + "/states/township_review", form: township("due_n", "3"),
			status: http.StatusConflict, contains: []string{"测试 author 在您打开此页之后修改了这个文件"}},
		{name: "the saved limit shows", method: "GET", target: wf + "?saved=1", status: http.StatusOK, keepBase: true,
			contains: []string{"审核流程已保存为草稿", `id="s-township_review-due_n" name="due_n" inputmode="numeric" value="48"`, "乡镇街道审核员 · 48 小时"}},
		{name: "add a district level at the end", method: "POST", target: wf + "/levels",
			form:   []string{"base", "{base}", "title_zh", "区县审批", "title_en", "", "role", "reviewer", "level", "district", "due_n", "3", "due_unit", "days", "position", "-1"},
			status: http.StatusSeeOther},
		{name: "it is wired in", method: "GET", target: wf + "/diagram.svg", status: http.StatusOK, keepBase: false,
			contains: []string{`data-from="township_review" data-to="district_review" data-action="approve"`, `data-from="district_review" data-to="approved" data-action="approve"`}},
		{name: "reload the base", method: "GET", target: wf, status: http.StatusOK, keepBase: true, contains: []string{`id="s-district_review"`}},
		{name: "a routing rule on a field that does not exist is refused", method: "POST", target: wf + "/states/township_review/routes",
			form:   []string{"base", "{base}", "op", "add", "join", "and", "cond_field", "ghost", "cond_op", "gt", "cond_value", "5000", "to", "approved"},
			status: http.StatusUnprocessableEntity, contains: []string{"条件第 1 行：没有这个字段"}},
		{name: "a routing rule with too many conditions is refused", method: "POST", target: wf + "/states/township_review/routes",
			form:   append([]string{"base", "{base}", "op", "add", "to", "approved"}, strings.Split(strings.Repeat("cond_field,name,cond_op,eq,cond_value,x,", 11), ",")[:66]...),
			status: http.StatusUnprocessableEntity, contains: []string{"一条分流规则最多 10 个条件"}},
		{name: "a routing rule through the builder", method: "POST", target: wf + "/states/township_review/routes",
			form:   []string{"base", "{base}", "op", "add", "join", "and", "cond_field", "name", "cond_op", "eq", "cond_value", "张三", "to", "approved"},
			status: http.StatusSeeOther},
		{name: "the rule reads as a sentence", method: "GET", target: wf, status: http.StatusOK, keepBase: true,
			contains: []string{"当 姓名 等于 张三 时，转到“已通过”", `data-action="approve"`}},
		{name: "move the district level up", method: "POST", target: wf + "/states/district_review/move", form: []string{"base", "{base}", "dir", "up"},
			status: http.StatusSeeOther},
		{name: "in English", method: "GET", target: wf + "?lang=en", status: http.StatusOK,
			contains: []string{"Review levels", "Time limit", "Return for correction", `lang="en"`}, lacks: []string{"办理时限"}},
		{name: "back in Chinese", method: "GET", target: wf + "?lang=zh-CN", status: http.StatusOK, contains: []string{"办理时限"}},
		{name: "the check passes and links the workflow", method: "GET", target: "/studio/campaigns/{id}/publish", status: http.StatusOK,
			contains: []string{"检查通过，可以发布 3 份草稿"}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			c, x := cookie, csrf
			if sc.neighbor {
				c, x = ncookie, ncsrf
			}
			r := req{method: sc.method, target: fill(sc.target), cookies: pageAs(c)}
			if sc.method == "POST" {
				fields := append([]string{"_csrf", x}, sc.form...)
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
				if strings.Contains(res.body, bad) {
					t.Errorf("the page has %q", bad)
				}
			}
			if sc.keepBase {
				bm := basePattern.FindStringSubmatch(res.body)
				if bm == nil {
					t.Fatal("the page's forms carry no base")
				}
				state["base"] = bm[1]
			}
		})
	}

	// What was saved loads, and says what the author set.
	ctx := context.Background()
	author, err := e.store.GetUserByUsername(ctx, "author")
	if err != nil {
		t.Fatal(err)
	}
	a := &engine.Actor{User: author}
	v := newestDefinition(t, e, a, engine.KindWorkflow, id+"-review")
	w, diags := workflows.Load("x.workflow.yaml", v.Source)
	if w == nil {
		t.Fatalf("the saved workflow does not load: %v\n%s", diags, v.Source)
	}
	if got := strings.Join(w.States(), " "); got != "village_review district_review township_review correction approved rejected" {
		t.Errorf("states %q\n%s", got, v.Source)
	}
	if w.Start() != "village_review" || !w.ReasonRequired("township_review", "reject") {
		t.Errorf("start %q, reason on reject %v\n%s", w.Start(), w.ReasonRequired("township_review", "reject"), v.Source)
	}
	for _, want := range []string{"due: PT48H", "remind: {every: PT12H, times: 2}", `when: "answers.name == '张三'"`, "approve: township_review"} {
		if !strings.Contains(string(v.Source), want) {
			t.Errorf("the saved file lacks %q\n%s", want, v.Source)
		}
	}
}

// TestStudioWorkflowCreate: a campaign whose workflow does not exist gets
// the default ladder, linked in its campaign file, and then checks clean;
// a workflow problem on 检查并发布 links to the tab.
func TestStudioWorkflowCreate(t *testing.T) {
	e := newEnv(t, Config{})
	e.user("author", ownUnit, engine.RoleAuthor)
	cookie, csrf := e.pageSession("author")
	res := e.do(req{method: "POST", target: "/studio/campaigns", cookies: pageAs(cookie), header: formHeader, body: form("_csrf", csrf, "title", "东关村登记")})
	id := studioCampaignPath.FindStringSubmatch(res.header.Get("Location"))[1]
	ctx := context.Background()
	author, _ := e.store.GetUserByUsername(ctx, "author")
	a := &engine.Actor{User: author}
	camp := newestDefinition(t, e, a, engine.KindCampaign, id)
	src := strings.Replace(string(camp.Source), "workflow: "+id+"-review", "workflow: "+id+"-gone", 1)
	if src == string(camp.Source) {
		t.Fatalf("no workflow key to change:\n%s", camp.Source)
	}
	// The first ID the designer would pick is taken by another workflow.
	if _, err := e.eng.SaveDraft(ctx, a, engine.KindWorkflow, id+"-review", id+"-review.workflow.yaml", newestDefinition(t, e, a, engine.KindWorkflow, id+"-review").Source); err != nil {
		t.Fatal(err)
	}
	if _, err := e.eng.SaveDraft(ctx, a, engine.KindCampaign, id, camp.Filename, []byte(src)); err != nil {
		t.Fatal(err)
	}
	get := func(target string) (int, string) {
		r := e.do(req{method: "GET", target: target, cookies: pageAs(cookie)})
		return r.status, html.UnescapeString(r.body)
	}
	status, body := get("/studio/campaigns/" + id + "/publish")
	if status != http.StatusOK || !strings.Contains(body, `href="/studio/campaigns/`+id+`/workflow"`) {
		t.Errorf("the check does not link the missing workflow to the tab: %d\n%s", status, body)
	}
	status, body = get("/studio/campaigns/" + id + "/workflow")
	if status != http.StatusOK || !strings.Contains(body, `id="wf-create"`) {
		t.Fatalf("no offer to create: %d\n%s", status, body)
	}
	base := basePattern.FindStringSubmatch(body)[1]
	r := e.do(req{method: "POST", target: "/studio/campaigns/" + id + "/workflow/create", cookies: pageAs(cookie), header: formHeader, body: form("_csrf", csrf, "base", "stale")})
	if r.status != http.StatusConflict {
		t.Errorf("a stale create: %d", r.status)
	}
	r = e.do(req{method: "POST", target: "/studio/campaigns/" + id + "/workflow/create", cookies: pageAs(cookie), header: formHeader, body: form("_csrf", csrf, "base", base)})
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	status, body = get("/studio/campaigns/" + id + "/workflow?created=1")
	if status != http.StatusOK || !strings.Contains(body, "已创建审核流程") || !strings.Contains(body, `id="s-village_review"`) || !strings.Contains(body, `data-state="rejected"`) {
		t.Errorf("after create: %d\n%s", status, body)
	}
	status, body = get("/studio/campaigns/" + id + "/publish")
	if status != http.StatusOK || !strings.Contains(body, "检查通过，可以发布 3 份草稿") {
		t.Errorf("the check after create: %d\n%s", status, body)
	}
	c := newestDefinition(t, e, a, engine.KindCampaign, id)
	if !strings.Contains(string(c.Source), "workflow: "+id+"-review-2") {
		t.Errorf("the campaign is not linked (the first ID was taken):\n%s", c.Source)
	}

	// A workflow that does not lint: its problem links to its state.
	w := newestDefinition(t, e, a, engine.KindWorkflow, id+"-review-2")
	broken := strings.Replace(string(w.Source), "role: reviewer, level: township", "role: reviewer, level: townshp", 1)
	if _, err := e.eng.SaveDraft(ctx, a, engine.KindWorkflow, w.ID, w.Filename, []byte(broken)); err != nil {
		t.Fatal(err)
	}
	status, body = get("/studio/campaigns/" + id + "/publish")
	if status != http.StatusOK || !strings.Contains(body, `href="/studio/campaigns/`+id+`/workflow#s-township_review"`) {
		t.Errorf("the check does not link the workflow problem to its state: %d\n%s", status, body)
	}
}

func TestWorkflowAnchor(t *testing.T) {
	for path, want := range map[string]string{"states.township_check.due": "#s-township_check", "states.a.actions.approve.routes[0].when": "#s-a", "start": "", "": ""} {
		if got := workflowAnchor(path); got != want {
			t.Errorf("%q: %q, want %q", path, got, want)
		}
	}
}

// newestDefinition returns the newest version of a definition, draft or
// published.
func newestDefinition(t *testing.T, e *env, a *engine.Actor, kind, id string) *engine.DefinitionVersion {
	t.Helper()
	ctx := context.Background()
	list, err := e.eng.Definitions(ctx, a, engine.DefinitionFilter{Kind: kind, ID: id})
	if err != nil || len(list) == 0 {
		t.Fatalf("%s %s: %v %v", kind, id, list, err)
	}
	newest := list[0]
	for _, d := range list {
		if d.Version > newest.Version {
			newest = d
		}
	}
	v, err := e.eng.DefinitionVersion(ctx, a, kind, id, newest.Version)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var (
	wfFormRe   = regexp.MustCompile(`(?s)<form method="post" action="([^"]+/workflow/(?:title|states/[a-z_0-9]+))"[^>]*>(.*?)</form>`)
	wfInputRe  = regexp.MustCompile(`<input ([^>]*)>`)
	wfSelectRe = regexp.MustCompile(`(?s)<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>`)
	wfOptionRe = regexp.MustCompile(`<option value="([^"]*)"( selected)?>`)
	wfAttrRe   = regexp.MustCompile(`([a-z_-]+)="([^"]*)"`)
)

// pageForms returns every state form (and the title form) of the tab as
// the browser would post it unchanged: inputs with their values,
// checkboxes that are checked, selects with their selected option.
func pageForms(body string) map[string][]string {
	out := map[string][]string{}
	for _, m := range wfFormRe.FindAllStringSubmatch(body, -1) {
		var fields []string
		inner := m[2]
		for _, in := range wfInputRe.FindAllStringSubmatch(inner, -1) {
			attrs := map[string]string{}
			for _, a := range wfAttrRe.FindAllStringSubmatch(in[1], -1) {
				attrs[a[1]] = html.UnescapeString(a[2])
			}
			if attrs["name"] == "" || attrs["type"] == "checkbox" && !strings.Contains(in[1], " checked") {
				continue
			}
			fields = append(fields, attrs["name"], attrs["value"])
		}
		for _, sel := range wfSelectRe.FindAllStringSubmatch(inner, -1) {
			opts := wfOptionRe.FindAllStringSubmatch(sel[2], -1)
			if len(opts) == 0 {
				continue
			}
			v := opts[0][1]
			for _, o := range opts {
				if o[2] != "" {
					v = o[1]
				}
			}
			fields = append(fields, sel[1], html.UnescapeString(v))
		}
		out[html.UnescapeString(m[1])] = fields
	}
	return out
}

// TestStudioWorkflowExamplesRoundTrip: each example's workflow, opened in
// the tab and every form of it saved as the page shows it, is the same
// workflow.
func TestStudioWorkflowExamplesRoundTrip(t *testing.T) {
	e := newEnv(t, Config{})
	e.user("author", ownUnit, engine.RoleAuthor)
	cookie, csrf := e.pageSession("author")
	ctx := context.Background()
	author, _ := e.store.GetUserByUsername(ctx, "author")
	a := &engine.Actor{User: author}
	files, err := filepath.Glob(filepath.Join("..", "examples", "*", "*.workflow.yaml"))
	if err != nil || len(files) != len(examples.Dirs) {
		t.Fatalf("the examples' workflows, one per example: %v %v", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			res := e.do(req{method: "POST", target: "/studio/campaigns", cookies: pageAs(cookie), header: formHeader, body: form("_csrf", csrf, "title", "示例 "+filepath.Base(f))})
			id := studioCampaignPath.FindStringSubmatch(res.header.Get("Location"))[1]
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			wfID := id + "-review"
			src = regexp.MustCompile(`(?m)^id: .*$`).ReplaceAll(src, []byte("id: "+wfID))
			if _, err := e.eng.SaveDraft(ctx, a, engine.KindWorkflow, wfID, wfID+".workflow.yaml", src); err != nil {
				t.Fatal(err)
			}
			page := e.do(req{method: "GET", target: "/studio/campaigns/" + id + "/workflow", cookies: pageAs(cookie)})
			forms := pageForms(page.body)
			if len(forms) < 5 {
				t.Fatalf("%d forms on the page", len(forms))
			}
			for action, fields := range forms {
				base := basePattern.FindStringSubmatch(e.do(req{method: "GET", target: "/studio/campaigns/" + id + "/workflow", cookies: pageAs(cookie)}).body)[1]
				for i := 0; i+1 < len(fields); i += 2 {
					if fields[i] == "base" {
						fields[i+1] = base
					}
					if fields[i] == "_csrf" {
						fields[i+1] = csrf
					}
				}
				r := e.do(req{method: "POST", target: action, cookies: pageAs(cookie), header: formHeader, body: form(fields...)})
				if r.status != http.StatusSeeOther {
					t.Fatalf("saving %s unchanged: %d\n%v\n%s", action, r.status, fields, r.body)
				}
			}
			saved := newestDefinition(t, e, a, engine.KindWorkflow, wfID)
			if string(saved.Source) == string(src) {
				t.Fatalf("nothing was saved (the example's comments are still there)")
			}
			wa, da := workflows.Load("a.workflow.yaml", src)
			wb, db := workflows.Load("b.workflow.yaml", saved.Source)
			if wa == nil || wb == nil {
				t.Fatalf("does not load: %v %v\n%s", da, db, saved.Source)
			}
			if !reflect.DeepEqual(plainWorkflow(t, src), plainWorkflow(t, saved.Source)) {
				t.Errorf("not the same workflow:\n%s\n---\n%s", src, saved.Source)
			}
			if !slices.Equal(wa.States(), wb.States()) || wa.Start() != wb.Start() {
				t.Errorf("states or start differ: %v %v", wa.States(), wb.States())
			}
		})
	}
}

// plainWorkflow decodes a workflow file with its shorthands spelled out
// (approve: x is {to: x}, one role is a list), so files that mean the
// same compare equal.
func plainWorkflow(t *testing.T, src []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := yaml.Unmarshal(src, &v); err != nil {
		t.Fatal(err)
	}
	states, _ := v["states"].(map[string]any)
	for _, sv := range states {
		s, _ := sv.(map[string]any)
		if step, ok := s["step"].(map[string]any); ok {
			if r, ok := step["role"].(string); ok {
				step["role"] = []any{r}
			}
		}
		if acts, ok := s["actions"].(map[string]any); ok {
			for k, act := range acts {
				if to, ok := act.(string); ok {
					acts[k] = map[string]any{"to": to}
				}
			}
		}
	}
	return v
}
