package server

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"canvass/engine"
	"canvass/xlsform"
	"canvass/xlsform/xlsformtest"
)

// TestDefinitionsXLSForm: a form goes in as an XLSForm workbook through the
// API and /author, comes out as one, and a workbook with errors saves
// nothing and names every problem by sheet!cell.
func TestDefinitionsXLSForm(t *testing.T) {
	e := newFormEnv(t)
	author, worker := e.as(e.author), e.as(e.worker)
	xlsx := func(h map[string]string) map[string]string {
		out := map[string]string{"Content-Type": mimeXLSX}
		for k, v := range h {
			out[k] = v
		}
		return out
	}
	good := string(xlsformtest.Simple(t))
	bad := string(xlsformtest.Workbook(t,
		xlsformtest.Sheet{Name: "survey", Rows: [][]string{
			{"type", "name", "label", "relevant"},
			{"select_one nolist", "a", "甲", ""},
			{"text", "b", "乙", "${nobody} = 'x'"},
		}},
	))
	put := "/api/v1/definitions/form/tinyx"
	runSteps(t, e.env, []apiStep{
		{name: "a field worker may not save a workbook", req: req{method: "PUT", target: put, body: good, header: xlsx(worker)}, status: 403, code: engine.EFORBIDDEN},
		{name: "a workbook with errors saves nothing and lists every problem by cell",
			req:    req{method: "PUT", target: put, body: bad, header: xlsx(author)},
			status: 422, code: engine.EINVALID, fields: []string{"/survey/A2:undefined_list", "/survey/D3:bad_expression"},
			contains: []string{"第 2 行「甲」（survey!A2）：选项列表「nolist」在选项表（choices）里不存在", "第 3 行「乙」（survey!D3）：${nobody} 引用的题目不存在"}},
		{name: "nothing was saved", req: req{method: "GET", target: put + "/versions/1", header: author}, status: 404, code: engine.ENOTFOUND},
		{name: "not a workbook", req: req{method: "PUT", target: put, body: "hello", header: xlsx(author)}, status: 422, code: engine.EINVALID, fields: []string{"/workbook:not_xlsx"}},
		{name: "a good workbook is saved as the form's JSON", req: req{method: "PUT", target: put, body: good, header: xlsx(author)},
			status: 200, contains: []string{`"kind":"form","id":"tinyx","version":1,"status":"draft"`, `"diagnostics":[]`, `"workbookWarnings":[]`}},
		{name: "the source is the converted form", req: req{method: "GET", target: put + "/versions/1", header: author},
			status: 200, contains: []string{`\"x-form-id\": \"tinyx\"`, `\"x-constraint\": \"years \u003e= 0 \u0026\u0026 years \u003c 120\"`}},
		{name: "a field worker may not download a workbook", req: req{method: "GET", target: put + "/versions/1/xlsx", header: worker}, status: 403, code: engine.EFORBIDDEN},
		{name: "no such version", req: req{method: "GET", target: put + "/versions/7/xlsx", header: author}, status: 404, code: engine.ENOTFOUND},
		{name: "the template", req: req{method: "GET", target: "/api/v1/xlsform/template", header: author}, status: 200},
		{name: "a workbook with warnings is saved, and the answer lists them by row and label",
			req:    req{method: "PUT", target: "/api/v1/definitions/form/warned", body: string(xlsformtest.WithWarnings(t)), header: xlsx(author)},
			status: 200, contains: []string{`"id":"warned","version":1`,
				`{"sheet":"survey","cell":"F1","row":1,"code":"language","message":"表头（survey!F1）：列「label::Français (fr)」的语言不受支持（只支持中文和英文），已忽略"}`,
				`{"sheet":"survey","cell":"E3","row":3,"label":"出生日期","code":"unknown_column","message":"第 3 行「出生日期」（survey!E3）：列「备注栏」未识别`,
				`{"sheet":"survey","cell":"A4","row":4,"label":"started","code":"metadata","message":"第 4 行「started」（survey!A4）：「start」由 Canvass 自动记录`}},
	})

	// The download is a workbook that imports back to the same form.
	res := e.do(req{method: "GET", target: put + "/versions/1/xlsx", header: author})
	if res.status != http.StatusOK || res.header.Get("Content-Type") != mimeXLSX || !strings.Contains(res.header.Get("Content-Disposition"), "tinyx.xlsx") {
		t.Fatalf("download: %d %v", res.status, res.header)
	}
	back, err := xlsform.Import(strings.NewReader(res.body), xlsform.Options{ID: "tinyx"})
	if err != nil {
		t.Fatalf("the download does not import: %v", err)
	}
	var src definitionJSON
	e.do(req{method: "GET", target: put + "/versions/1", header: author}).decode(t, &src)
	if string(back.JSON) != *src.Source {
		t.Errorf("the downloaded workbook imports as\n%s\nwant\n%s", back.JSON, *src.Source)
	}
	// An existing JSON form downloads too.
	res = e.do(req{method: "GET", target: "/api/v1/definitions/form/" + householdForm + "/versions/1/xlsx", header: author})
	if res.status != http.StatusOK || !bytes.HasPrefix([]byte(res.body), []byte("PK")) {
		t.Errorf("household form as xlsx: %d %.200s", res.status, res.body)
	}
}

// TestAuthorUploadsWorkbook: /author takes an .xlsx as a form draft; kind
// and ID come from the file name.
func TestAuthorUploadsWorkbook(t *testing.T) {
	e := newFormEnv(t)
	cookie, csrf := e.session("author")
	up := func(name string, content []byte) result {
		return e.do(req{method: "POST", target: "/author/definitions", cookies: pageAs(cookie), header: map[string]string{headerCSRF: csrf},
			multipart: &multipartBody{fields: map[string]string{"_csrf": csrf}, field: "file", filename: name, content: content}})
	}
	res := up("survey-a.xlsx", xlsformtest.Simple(t))
	if res.status != http.StatusOK || !strings.Contains(res.body, "survey-a") {
		t.Fatalf("upload: %d %s", res.status, res.body)
	}
	var list definitionsJSON
	e.do(req{method: "GET", target: "/api/v1/definitions?id=survey-a", header: e.as(e.author)}).decode(t, &list)
	if len(list.Definitions) != 1 || list.Definitions[0].Kind != engine.KindForm {
		t.Errorf("stored: %+v", list.Definitions)
	}
	res = up("broken.xlsx", []byte("PK\x03\x04 not really"))
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "无法打开工作簿") {
		t.Errorf("broken upload: %d %s", res.status, res.body)
	}
	// Warnings are shown with the saved draft, by row and label.
	res = up("warned.xlsx", xlsformtest.WithWarnings(t))
	if res.status != http.StatusOK || !strings.Contains(res.body, `id="workbook-warnings"`) ||
		!strings.Contains(res.body, "第 3 行「出生日期」（survey!E3）</span>：列「备注栏」未识别") ||
		!strings.Contains(res.body, "第 4 行「started」（survey!A4）</span>：「start」由 Canvass 自动记录") {
		t.Errorf("upload with warnings: %d %s", res.status, res.body)
	}
	e.do(req{method: "GET", target: "/api/v1/definitions?id=warned", header: e.as(e.author)}).decode(t, &list)
	if len(list.Definitions) != 1 {
		t.Errorf("the workbook with warnings was not saved: %+v", list.Definitions)
	}
	// Errors: every one listed by row and label, nothing saved.
	res = up("dupes.xlsx", xlsformtest.Workbook(t, xlsformtest.Sheet{Name: "survey", Rows: [][]string{
		{"type", "name", "label"}, {"text", "a", "甲"}, {"text", "a", "乙"}, {"integer", "b", "丙"}, {"select_one none", "c", "丁"},
	}}))
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Excel 问卷有错误，未保存") ||
		!strings.Contains(res.body, "第 3 行「乙」（survey!B3）</span>：名称「a」与第 2 行重复") ||
		!strings.Contains(res.body, "第 5 行「丁」（survey!A5）</span>：选项列表「none」在选项表（choices）里不存在") {
		t.Errorf("refused upload: %d %s", res.status, res.body)
	}
	e.do(req{method: "GET", target: "/api/v1/definitions?id=dupes", header: e.as(e.author)}).decode(t, &list)
	if len(list.Definitions) != 0 {
		t.Errorf("a refused workbook was saved: %+v", list.Definitions)
	}
	page := e.do(req{method: "GET", target: "/author", cookies: pageAs(cookie)})
	if !strings.Contains(page.body, `href="/author/xlsform-template.xlsx"`) || !strings.Contains(page.body, ".xlsx") {
		t.Errorf("the author page offers no template")
	}
	tpl := e.do(req{method: "GET", target: "/author/xlsform-template.xlsx", cookies: pageAs(cookie)})
	if _, err := xlsform.Import(strings.NewReader(tpl.body), xlsform.Options{}); tpl.status != 200 || err != nil {
		t.Errorf("template: %d %v", tpl.status, err)
	}
}
