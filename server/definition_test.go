package server

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"canvass/engine"
)

// apiStep is one request of a scenario that runs in order (each step
// may depend on the ones before), with what must come back.
type apiStep struct {
	name     string
	req      req
	status   int
	code     string   // error code; "" for success
	fields   []string // "pointer:code" of a 422, when given
	contains []string // in the body
}

func runSteps(t *testing.T, e *env, steps []apiStep) {
	t.Helper()
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			res := e.do(st.req)
			check(t, res, st.status, st.code)
			if st.fields != nil {
				if got := fieldPointers(t, res); !slices.Equal(got, st.fields) {
					t.Errorf("fields: got %v, want %v", got, st.fields)
				}
			}
			for _, want := range st.contains {
				if !strings.Contains(res.body, want) {
					t.Errorf("body: want it to contain %q:\n%s", want, res.body)
				}
			}
		})
	}
}

// tinyForm is a form without errors; typoForm the same with a misspelt
// extension on line 5.
const (
	tinyForm = `{"x-form-id": "tiny", "x-title": {"zh": "小表", "en": "Tiny"}, "type": "object",
 "properties": {"name": {"type": "string", "x-label": {"zh": "姓名", "en": "Name"}}}}`
	typoForm = "{\n  \"x-form-id\": \"tiny\",\n  \"type\": \"object\",\n  \"properties\": {\n" +
		"    \"name\": {\"type\": \"string\", \"x-relevent\": \"true\", \"x-label\": {\"zh\": \"姓名\"}}\n  }\n}\n"
)

func TestDefinitionsAPI(t *testing.T) {
	e := newFormEnv(t)
	cookie, csrf := e.session("author")
	withCookie := map[string]string{sessionCookie: cookie}
	author, worker, reviewer := e.as(e.author), e.as(e.worker), e.as(e.reviewer)
	put := "/api/v1/definitions/form/tiny"
	runSteps(t, e.env, []apiStep{
		{name: "unauthenticated", req: req{method: "PUT", target: put, body: tinyForm}, status: 401, code: engine.EUNAUTHORIZED},
		{name: "field worker may not save", req: req{method: "PUT", target: put, body: tinyForm, header: worker}, status: 403, code: engine.EFORBIDDEN},
		{name: "reviewer may not save", req: req{method: "PUT", target: put, body: tinyForm, header: reviewer}, status: 403, code: engine.EFORBIDDEN},
		{name: "cookie without CSRF token", req: req{method: "PUT", target: put, body: tinyForm, cookies: withCookie}, status: 403, code: engine.EFORBIDDEN},
		{name: "cookie with CSRF token saves version 1", req: req{method: "PUT", target: put, body: tinyForm, cookies: withCookie, header: map[string]string{headerCSRF: csrf}},
			status: 200, contains: []string{`"definition":{"kind":"form","id":"tiny","version":1,"status":"draft","checksum":"`, `"diagnostics":[]`}},
		{name: "saving again replaces the draft, lint findings with positions", req: req{method: "PUT", target: put, body: typoForm, header: author},
			status: 200, contains: []string{`"version":1,"status":"draft"`, `"file":"tiny.form.json","line":5,"col":`, `"code":"unknown_extension"`, `"severity":"error"`, `^`, `不认识的扩展设置「x-`}},
		{name: "publishing is refused while errors remain", req: req{method: "POST", target: put + "/versions/1/publish", header: author},
			status: 422, code: engine.EINVALID, contains: []string{`"code":"unknown_extension"`, `tiny.form.json:5:`}},
		{name: "unknown kind", req: req{method: "PUT", target: "/api/v1/definitions/thing/tiny", body: tinyForm, header: author}, status: 422, code: engine.EINVALID},
		{name: "bad ID", req: req{method: "PUT", target: "/api/v1/definitions/form/Tiny_Form", body: tinyForm, header: author}, status: 422, code: engine.EINVALID},
		{name: "file declares another ID", req: req{method: "PUT", target: "/api/v1/definitions/form/other", body: tinyForm, header: author}, status: 422, code: engine.EINVALID},
		{name: "empty file", req: req{method: "PUT", target: put, header: author}, status: 422, code: engine.EINVALID},
		{name: "file name with a path", req: req{method: "PUT", target: put + "?filename=..%2F..%2Fetc%2Fpasswd", body: tinyForm, header: author},
			status: 422, code: engine.EINVALID, fields: []string{"/filename:pattern"}},
		{name: "the corrected draft", req: req{method: "PUT", target: put + "?filename=tiny.form.json", body: tinyForm, header: author},
			status: 200, contains: []string{`"version":1,"status":"draft"`, `"diagnostics":[]`}},
		{name: "field worker may not publish", req: req{method: "POST", target: put + "/versions/1/publish", header: worker}, status: 403, code: engine.EFORBIDDEN},
		{name: "publish", req: req{method: "POST", target: put + "/versions/1/publish", header: author},
			status: 200, contains: []string{`"version":1,"status":"published"`, `"publishedAt":"2026-12-05T16:00:00Z"`}},
		{name: "publish again", req: req{method: "POST", target: put + "/versions/1/publish", header: author}, status: 409, code: engine.ECONFLICT},
		{name: "publish a version that does not exist", req: req{method: "POST", target: put + "/versions/9/publish", header: author}, status: 404, code: engine.ENOTFOUND},
		{name: "publish version abc", req: req{method: "POST", target: put + "/versions/abc/publish", header: author}, status: 404, code: engine.ENOTFOUND},
		{name: "saving after publishing starts version 2", req: req{method: "PUT", target: put, body: typoForm, header: author},
			status: 200, contains: []string{`"version":2,"status":"draft"`}},
		{name: "list forms", req: req{method: "GET", target: "/api/v1/definitions?kind=form", header: author},
			status: 200, contains: []string{`"id":"household-visit","version":1,"status":"published"`, `"id":"tiny","version":1,"status":"published"`, `"id":"tiny","version":2,"status":"draft"`}},
		{name: "list with a bad status", req: req{method: "GET", target: "/api/v1/definitions?status=gone", header: author},
			status: 422, code: engine.EINVALID, fields: []string{"/status:enum"}},
		{name: "field worker may not list", req: req{method: "GET", target: "/api/v1/definitions", header: worker}, status: 403, code: engine.EFORBIDDEN},
		{name: "list unauthenticated", req: req{method: "GET", target: "/api/v1/definitions"}, status: 401, code: engine.EUNAUTHORIZED},
		{name: "a published version never changes", req: req{method: "GET", target: put + "/versions/1", header: author},
			status: 200, contains: []string{`"status":"published"`, `"source":"{\"x-form-id\": \"tiny\"`}},
		{name: "get a version that does not exist", req: req{method: "GET", target: put + "/versions/3", header: author}, status: 404, code: engine.ENOTFOUND},
		{name: "field worker may not read sources", req: req{method: "GET", target: put + "/versions/1", header: worker}, status: 403, code: engine.EFORBIDDEN},
	})

	// The list holds exactly what was stored, in order.
	var list definitionsJSON
	e.do(req{method: "GET", target: "/api/v1/definitions?id=tiny", header: author}).decode(t, &list)
	var got []string
	for _, d := range list.Definitions {
		got = append(got, d.ID+"@"+string(rune('0'+d.Version))+":"+d.Status)
	}
	if want := []string{"tiny@1:published", "tiny@2:draft"}; !slices.Equal(got, want) {
		t.Errorf("list: got %v, want %v", got, want)
	}
	var one definitionJSON
	e.do(req{method: "GET", target: put + "/versions/1", header: author}).decode(t, &one)
	if one.Source == nil || *one.Source != tinyForm || one.CreatedBy != e.author.ID || one.PublishedBy != e.author.ID {
		t.Errorf("version 1: got %+v, want the first file as published", one)
	}
}

// TestDefinitionsArePlainForAdmins: admins author too (SaveDraft takes
// both roles); definitions belong to no org unit, so no scope narrows
// them and there is no out-of-scope case.
func TestDefinitionsForAdmins(t *testing.T) {
	e := newFormEnv(t)
	res := e.do(req{method: "PUT", target: "/api/v1/definitions/form/tiny", body: tinyForm, header: e.as(e.admin)})
	check(t, res, http.StatusOK, "")
	res = e.do(req{method: "GET", target: "/api/v1/definitions/form/tiny/versions/1", header: e.as(e.admin)})
	check(t, res, http.StatusOK, "")
}
