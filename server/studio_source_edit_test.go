package server

import (
	"html"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"canvass/engine"
)

// TestStudioSourceEditor: the 源文件 editor's page, its save by plain form
// post (through the upload's path), and the lint endpoint it calls as the
// author types, as scenarios run in order against one server.
func TestStudioSourceEditor(t *testing.T) {
	e := newEnv(t, Config{BodyLimit: 8 << 20})
	e.user("author", ownUnit, engine.RoleAuthor)
	e.user("neighbour", siblingUnit, engine.RoleAuthor)
	e.user("worker", grandUnit, engine.RoleFieldWorker)
	sessions := map[string][2]string{}
	for _, u := range []string{"author", "neighbour", "worker"} {
		c, x := e.pageSession(u)
		sessions[u] = [2]string{c, x}
	}
	author := sessions["author"]
	res := e.do(req{method: "POST", target: "/studio/campaigns", cookies: pageAs(author[0]), header: formHeader,
		body: form("_csrf", author[1], "title", "东关村育龄妇女登记")})
	m := studioCampaignPath.FindStringSubmatch(res.header.Get("Location"))
	if m == nil {
		t.Fatalf("new campaign: %d %s", res.status, res.body)
	}
	id := m[1]
	wfURL := "/studio/campaigns/" + id + "/files/workflow/" + id + "-review"
	editURL := wfURL + "/edit"
	original := e.do(req{method: "GET", target: wfURL, cookies: pageAs(author[0])}).body
	if !strings.Contains(original, "start: village_review") {
		t.Fatalf("the blank workflow is not as expected:\n%s", original)
	}
	broken := strings.Replace(original, "start: village_review", "start: nowhere", 1)
	brokenLine := 1 + strings.Count(original[:strings.Index(original, "start: village_review")], "\n")
	renamed := strings.Replace(original, "id: "+id+"-review", "id: other-review", 1)
	edited := strings.Replace(original, "start: village_review", "start: village_review  ", 1) + "\n"

	base := ""
	lint := func(kind, src string) any {
		return map[string]any{"kind": kind, "id": id + "-review", "filename": id + "-review.workflow.yaml", "source": src}
	}
	for _, sc := range []struct {
		name     string
		who      string
		method   string
		target   string
		json     any
		form     []string // urlencoded fields; _csrf and base are added
		base     string   // "" the page's base, else this one
		noCSRF   bool
		status   int
		contains []string
		lacks    []string
		keepBase bool
	}{
		{name: "the source tab links each file to its editor", who: "author", method: "GET", target: "/studio/campaigns/" + id + "/source", status: http.StatusOK,
			contains: []string{`href="` + editURL + `"`, "编辑 " + id + "-review.workflow.yaml"}},
		{name: "the editor holds the newest version, labelled and numbered", who: "author", method: "GET", target: editURL, status: http.StatusOK, keepBase: true,
			contains: []string{`<label for="source">`, `<textarea id="source" name="source"`, "start: village_review", `aria-current="page">源文件`, "1\n2\n3\n", "studio_source.js", "保存为草稿"}},
		{name: "the editor in English", who: "author", method: "GET", target: editURL + "?lang=en", status: http.StatusOK,
			contains: []string{"Save as draft", "Contents of " + id + "-review.workflow.yaml", "Source files"}, lacks: []string{"保存为草稿"}},
		{name: "a neighbour cannot open it", who: "neighbour", method: "GET", target: editURL, status: http.StatusNotFound},
		{name: "a field worker cannot open it", who: "worker", method: "GET", target: editURL, status: http.StatusForbidden},
		{name: "a file of no campaign file kind", who: "author", method: "GET", target: "/studio/campaigns/" + id + "/files/paytable/" + id + "-review/edit", status: http.StatusNotFound},

		{name: "lint: a good file has no findings", who: "author", method: "POST", target: "/api/v1/studio/lint", json: lint("workflow", original), status: http.StatusOK,
			contains: []string{`{"diagnostics":[]}`}},
		{name: "lint: a broken file has Chinese findings with lines", who: "author", method: "POST", target: "/api/v1/studio/lint", json: lint("workflow", broken), status: http.StatusOK,
			contains: []string{`"line":` + strconv.Itoa(brokenLine), `"severity":"error"`, "nowhere", "状态"}},
		{name: "lint: another ID inside the file", who: "author", method: "POST", target: "/api/v1/studio/lint", json: lint("workflow", renamed), status: http.StatusOK,
			contains: []string{`"code":"declared_id"`, "文件里写的编号是“other-review”"}},
		{name: "lint: a wrong kind", who: "author", method: "POST", target: "/api/v1/studio/lint", json: lint("spreadsheet", original), status: http.StatusUnprocessableEntity,
			contains: []string{"文件类型不对"}},
		{name: "lint: empty source", who: "author", method: "POST", target: "/api/v1/studio/lint", json: lint("workflow", "  \n"), status: http.StatusUnprocessableEntity,
			contains: []string{"内容是空的"}},
		{name: "lint: oversized source", who: "author", method: "POST", target: "/api/v1/studio/lint", json: lint("workflow", strings.Repeat("#", engine.MaxDefinitionBytes+1)), status: http.StatusRequestEntityTooLarge,
			contains: []string{"文件太大：最多 2048 KB"}},
		{name: "lint: not for a field worker", who: "worker", method: "POST", target: "/api/v1/studio/lint", json: lint("workflow", original), status: http.StatusForbidden},
		{name: "lint: not without the CSRF token", who: "author", method: "POST", target: "/api/v1/studio/lint", json: lint("workflow", original), noCSRF: true, status: http.StatusForbidden},

		{name: "save: another ID inside is refused in Chinese, the text kept", who: "author", method: "POST", target: editURL, form: []string{"source", renamed},
			status: http.StatusUnprocessableEntity, contains: []string{"文件未保存：文件里写的编号是“other-review”", "id: other-review"}},
		{name: "save: empty is refused", who: "author", method: "POST", target: editURL, form: []string{"source", "\r\n"},
			status: http.StatusUnprocessableEntity, contains: []string{"内容是空的"}},
		{name: "save: oversized is refused", who: "author", method: "POST", target: editURL, form: []string{"source", strings.Repeat("#", engine.MaxDefinitionBytes+1)},
			status: http.StatusRequestEntityTooLarge, contains: []string{"文件太大"}},
		{name: "save: invalid UTF-8 is refused", who: "author", method: "POST", target: editURL, form: []string{"source", "id: x\xff"},
			status: http.StatusUnprocessableEntity, contains: []string{"UTF-8"}},
		{name: "nothing was saved by the refusals", who: "author", method: "GET", target: "/studio/campaigns/" + id + "/source", status: http.StatusOK,
			lacks: []string{"other-review", "已保存为草稿"}},
		{name: "a neighbour cannot save", who: "neighbour", method: "POST", target: editURL, form: []string{"source", edited}, status: http.StatusNotFound},

		{name: "save: a file with findings is saved and shows them", who: "author", method: "POST", target: editURL, form: []string{"source", strings.ReplaceAll(broken, "\n", "\r\n")},
			status: http.StatusOK, keepBase: true, contains: []string{"已保存为草稿", "错误改正后才能发布", "diag-error", `data-line="` + strconv.Itoa(brokenLine) + `"`, "start: nowhere"}, lacks: []string{"\r"}},
		{name: "save: fixed, back to the source tab", who: "author", method: "POST", target: editURL, form: []string{"source", edited}, status: http.StatusSeeOther,
			contains: nil},
		{name: "the source tab shows the draft", who: "author", method: "GET", target: "/studio/campaigns/" + id + "/source?saved=workflow/" + id + "-review", status: http.StatusOK,
			contains: []string{"已保存为草稿：审核流程", "<code>start: village_review  </code>"}},
		{name: "save: from a stale page conflicts and keeps the text", who: "author", method: "POST", target: editURL, form: []string{"source", edited + "# 我的修改\n"},
			status: http.StatusConflict, contains: []string{"测试 author 在您打开此页之后修改了这个文件", "您输入的内容仍在下面的编辑框中", "# 我的修改"}},
		{name: "save: a base that never was conflicts too", who: "author", method: "POST", target: editURL, form: []string{"source", edited}, base: "0000",
			status: http.StatusConflict, contains: []string{"在您打开此页之后修改了这个文件"}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			s := sessions[sc.who]
			r := req{method: sc.method, target: sc.target, cookies: pageAs(s[0])}
			switch {
			case sc.json != nil:
				r.json = sc.json
				if !sc.noCSRF {
					r.header = map[string]string{"X-CSRF-Token": s[1]}
				}
			case sc.method == "POST":
				b := base
				if sc.base != "" {
					b = sc.base
				}
				r.header, r.body = formHeader, form(append([]string{"_csrf", s[1], "base", b}, sc.form...)...)
			}
			res := e.do(r)
			if res.status != sc.status {
				t.Fatalf("status %d, want %d\n%.3000s", res.status, sc.status, res.body)
			}
			body := html.UnescapeString(res.body)
			for _, want := range sc.contains {
				if !strings.Contains(body, want) {
					t.Errorf("the answer lacks %q\n%.5000s", want, body)
				}
			}
			for _, bad := range sc.lacks {
				if strings.Contains(body, bad) {
					t.Errorf("the answer has %q", bad)
				}
			}
			if sc.keepBase {
				m := basePattern.FindStringSubmatch(res.body)
				if m == nil {
					t.Fatal("the editor carries no base")
				}
				if m[1] == base {
					t.Fatal("the base did not change")
				}
				base = m[1]
			}
		})
	}
	// The stale save kept nothing: the draft is the fixed text.
	if got := e.do(req{method: "GET", target: wfURL, cookies: pageAs(author[0])}).body; got != edited {
		t.Errorf("the draft is\n%s\nwant\n%s", got, edited)
	}
}
