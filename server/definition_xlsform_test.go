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
			contains: []string{"survey!A2: 选项列表「nolist」在选项表（choices）里不存在", "survey!D3: ${nobody} 引用的题目不存在"}},
		{name: "nothing was saved", req: req{method: "GET", target: put + "/versions/1", header: author}, status: 404, code: engine.ENOTFOUND},
		{name: "not a workbook", req: req{method: "PUT", target: put, body: "hello", header: xlsx(author)}, status: 422, code: engine.EINVALID, fields: []string{"/workbook:not_xlsx"}},
		{name: "a good workbook is saved as the form's JSON", req: req{method: "PUT", target: put, body: good, header: xlsx(author)},
			status: 200, contains: []string{`"kind":"form","id":"tinyx","version":1,"status":"draft"`, `"diagnostics":[]`}},
		{name: "the source is the converted form", req: req{method: "GET", target: put + "/versions/1", header: author},
			status: 200, contains: []string{`\"x-form-id\": \"tinyx\"`, `\"x-constraint\": \"years \u003e= 0 \u0026\u0026 years \u003c 120\"`}},
		{name: "a field worker may not download a workbook", req: req{method: "GET", target: put + "/versions/1/xlsx", header: worker}, status: 403, code: engine.EFORBIDDEN},
		{name: "no such version", req: req{method: "GET", target: put + "/versions/7/xlsx", header: author}, status: 404, code: engine.ENOTFOUND},
		{name: "the template", req: req{method: "GET", target: "/api/v1/xlsform/template", header: author}, status: 200},
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
	page := e.do(req{method: "GET", target: "/author", cookies: pageAs(cookie)})
	if !strings.Contains(page.body, `href="/author/xlsform-template.xlsx"`) || !strings.Contains(page.body, ".xlsx") {
		t.Errorf("the author page offers no template")
	}
	tpl := e.do(req{method: "GET", target: "/author/xlsform-template.xlsx", cookies: pageAs(cookie)})
	if _, err := xlsform.Import(strings.NewReader(tpl.body), xlsform.Options{}); tpl.status != 200 || err != nil {
		t.Errorf("template: %d %v", tpl.status, err)
	}
}
