package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"canvass/engine"
)

const newFormURL = "/campaigns/" + householdCampaign + "/forms/" + householdForm + "/new"

// pageAs is the cookie of a signed-in page session.
func pageAs(cookie string) map[string]string { return map[string]string{sessionCookie: cookie} }

// submissionID finds the _id a form page carries.
var submissionIDField = regexp.MustCompile(`name="_id" value="([^"]+)"`)

func TestFormPageRenders(t *testing.T) {
	e := newFormEnv(t)
	cookie, _ := e.pageSession("worker")
	widgets := []string{
		`<fieldset class="section" id="f-address" data-key="address" data-kind="section"`,
		`<select id="f-address-township" name="address.township"`,
		`<input id="f-respondentName" name="respondentName" value="" type="text" autocomplete="off"`,
		`<output id="f-respondentAge" class="calculated" data-calculated>`,
		`<input id="f-householdSize" name="householdSize" value="" type="text" inputmode="numeric"`,
		`<input id="f-monthlyIncome" name="monthlyIncome" value="" type="text" inputmode="decimal"`,
		`<input id="f-visitDate" name="visitDate" value="" type="date"`,
		`<input type="radio" id="f-housing-0" name="housing" value="own">`,
		`<input type="checkbox" id="f-benefits-0" name="benefits" value="reward">`,
		`<input type="radio" id="f-hasChildren-yes" name="hasChildren" value="true">`,
		`data-kind="repeat" data-pointer="/children" data-relevant="false"`,
		`<template data-row-template><div class="row" data-row data-name="children.__row__">`,
		`name="_action" value="add:children" data-add>`,
		`<textarea id="f-note" name="note"`,
		`data-evaluate="/api/v1/campaigns/household-2026/forms/household-visit/evaluate?lang=`,
		`<script src="/static/form.js?v=`,
		`<link rel="stylesheet" href="/static/form.css?v=`,
		`name="_action" value="draft"`,
	}
	tests := []struct {
		name   string
		target string
		header map[string]string
		want   []string
	}{
		{name: "Chinese by default", target: newFormURL, want: append([]string{
			`<h1>入户走访登记表</h1>`, `<legend>住址</legend>`,
			`<label for="f-respondentName">户主姓名 <span class="req" title="必填" data-required-mark>*</span></label>`,
			`<label for="f-householdSize">家庭人口数 <span class="req" title="必填" data-required-mark hidden>*</span></label>`,
			`<small class="tip" id="f-respondentId-hint">18 位，末位可为 X</small>`, `> 自有住房</label>`, `> 是</label>`,
		}, widgets...)},
		{name: "English with ?lang=en", target: newFormURL + "?lang=en", want: append([]string{
			`<h1>Household visit</h1>`, `<legend>Address</legend>`, `Head of household <span class="req" title="required"`,
			`> Owned</label>`, `> Yes</label>`, `evaluate?lang=en`,
		}, widgets...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(req{method: "GET", target: tt.target, cookies: pageAs(cookie), header: tt.header})
			check(t, res, 200, "")
			for _, want := range tt.want {
				if !strings.Contains(res.body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if m := submissionIDField.FindStringSubmatch(res.body); m == nil || !engine.ValidID(m[1]) {
				t.Errorf("page carries no valid submission ID: %v", m)
			}
			if t.Failed() {
				t.Log(res.body)
			}
		})
	}
}

func TestFormPageAccess(t *testing.T) {
	e := newFormEnv(t)
	sessions := map[string]string{}
	for _, name := range []string{"worker", "admin", "reviewer", "author", "outsider"} {
		sessions[name], _ = e.pageSession(name)
	}
	tests := []struct {
		name, user, target string
		status             int
		location           string
	}{
		{name: "field worker", user: "worker", target: newFormURL, status: 200},
		{name: "admin", user: "admin", target: newFormURL, status: 200},
		{name: "reviewer", user: "reviewer", target: newFormURL, status: 403},
		{name: "author", user: "author", target: newFormURL, status: 403},
		{name: "another district", user: "outsider", target: newFormURL, status: 404},
		{name: "unknown campaign", user: "worker", target: "/campaigns/nope/forms/" + householdForm + "/new", status: 404},
		{name: "a form the campaign does not collect", user: "worker", target: "/campaigns/" + householdCampaign + "/forms/tiny/new", status: 404},
		{name: "signed out", target: newFormURL, status: 303, location: "/login?next=" + url.QueryEscape(newFormURL)},
		{name: "receipt of no record", user: "worker", target: "/records/01JF0000000000000000000009/receipt", status: 404},
		{name: "receipt of junk", user: "worker", target: "/records/junk/receipt", status: 404},
		{name: "edit of no record", user: "worker", target: "/records/01JF0000000000000000000009/edit", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := req{method: "GET", target: tt.target}
			if tt.user != "" {
				r.cookies = pageAs(sessions[tt.user])
			}
			res := e.do(r)
			if res.status != tt.status {
				t.Errorf("status: got %d, want %d", res.status, tt.status)
			}
			if got := res.header.Get("Location"); got != tt.location {
				t.Errorf("Location: got %q, want %q", got, tt.location)
			}
			if tt.status >= 400 && !strings.Contains(res.body, `class="alert"`) {
				t.Errorf("want an HTML error page, got %s", res.body)
			}
		})
	}
}

func TestFormPageClosed(t *testing.T) {
	e := newFormEnv(t)
	e.clock.Add(30 * 24 * time.Hour) // 4 January 2027
	cookie, csrf := e.pageSession("worker")
	res := e.do(req{method: "GET", target: newFormURL, cookies: pageAs(cookie)})
	if res.status != http.StatusConflict || !strings.Contains(res.body, "该项工作已关闭") {
		t.Errorf("closed campaign: got %d, want 409 with the closed message:\n%s", res.status, res.body)
	}
	res = e.do(req{method: "POST", target: newFormURL, cookies: pageAs(cookie), header: formHeader,
		body: form("_csrf", csrf, "_action", "submit", "respondentName", "赵丽华")})
	if res.status != http.StatusConflict {
		t.Errorf("posting to a closed campaign: got %d, want 409", res.status)
	}
	if n := e.records(); n != 0 {
		t.Errorf("records: got %d, want none", n)
	}
}

// householdPost is a filled household form as a browser posts it.
func householdPost(csrf, id, action string, extra ...string) string {
	v := []string{
		"_csrf", csrf, "_id", id, "_action", action,
		"address.township", "370102001", "address.village", "370102001001", "address.street", "幸福路 12 号",
		"respondentName", "赵丽华", "respondentId", headID, "householdSize", "3", "monthlyIncome", "2500.5",
		"visitDate", "2026-12-05", "housing", "own", "benefits", "reward", "benefits", "special", "hasChildren", "true",
		"children.0.childName", "赵小明", "children.0.childBirthDate", "2020-03-01",
	}
	// Later values replace earlier ones of the same name.
	for i := 0; i+1 < len(extra); i += 2 {
		for j := 0; j+1 < len(v); j += 2 {
			if v[j] == extra[i] {
				v[j+1] = extra[i+1]
			}
		}
	}
	return form(v...)
}

func TestFormPageSubmitWithoutScript(t *testing.T) {
	e := newFormEnv(t)
	cookie, csrf := e.pageSession("worker")
	id := engine.NewID(e.clock.Now())

	t.Run("errors beside their fields, answers kept", func(t *testing.T) {
		res := e.do(req{method: "POST", target: newFormURL, cookies: pageAs(cookie), header: formHeader,
			body: householdPost(csrf, id, "submit", "respondentId", badCheckID, "householdSize", "abc", "children.0.childName", "")})
		check(t, res, http.StatusUnprocessableEntity, "")
		errs := map[string]string{
			"/respondentId":              "身份证号码校验位不对，请逐位核对",
			"/children/0/childName":      "此项必填",
			"/householdSize":             "*",
			"/respondentName":            "",
			"/children/0/childBirthDate": "",
		}
		for ptr, want := range errs {
			got, ok := fieldErrorText(res.body, ptr)
			switch {
			case !ok:
				t.Errorf("%s: no error slot on the page", ptr)
			case want == "*" && got == "", want != "*" && got != want:
				t.Errorf("%s: error %q, want %q", ptr, got, want)
			}
		}
		for _, kept := range []string{
			`name="respondentName" value="赵丽华"`, `name="respondentId" value="` + badCheckID + `"`, `name="householdSize" value="abc"`,
			`name="monthlyIncome" value="2500.5"`, `name="visitDate" value="2026-12-05"`, `name="housing" value="own" checked>`,
			`name="benefits" value="reward" checked>`, `name="benefits" value="special" checked>`, `name="benefits" value="lowincome">`,
			`name="hasChildren" value="true" checked>`, `<option value="370102001001" selected>`,
			`name="children.0.childBirthDate" value="2020-03-01"`, `data-pointer="/children" data-relevant="true"`,
			`<output id="f-children-0-childAge" class="calculated" data-calculated>6</output>`,
			`name="_id" value="` + id + `"`, "未能提交，请改正标出的内容。",
		} {
			if !strings.Contains(res.body, kept) {
				t.Errorf("page lacks %q", kept)
			}
		}
		if n := e.records(); n != 0 {
			t.Errorf("records: got %d, want none", n)
		}
		if t.Failed() {
			t.Log(res.body)
		}
	})

	t.Run("errors in English", func(t *testing.T) {
		res := e.do(req{method: "POST", target: newFormURL + "?lang=en", cookies: pageAs(cookie), header: formHeader,
			body: householdPost(csrf, id, "submit", "children.0.childName", "")})
		check(t, res, http.StatusUnprocessableEntity, "")
		if got, _ := fieldErrorText(res.body, "/children/0/childName"); got == "" || got == "此项必填" {
			t.Errorf("error: got %q, want it in English", got)
		}
	})

	t.Run("without the CSRF token nothing is stored", func(t *testing.T) {
		res := e.do(req{method: "POST", target: newFormURL, cookies: pageAs(cookie), header: formHeader, body: householdPost("", id, "submit")})
		if res.status != http.StatusForbidden {
			t.Errorf("status: got %d, want 403", res.status)
		}
		if n := e.records(); n != 0 {
			t.Errorf("records: got %d, want none", n)
		}
	})

	t.Run("a check stores nothing", func(t *testing.T) {
		res := e.do(req{method: "POST", target: newFormURL, cookies: pageAs(cookie), header: formHeader, body: householdPost(csrf, id, "check", "respondentId", "")})
		check(t, res, http.StatusOK, "")
		if got, _ := fieldErrorText(res.body, "/respondentId"); got != "此项必填" {
			t.Errorf("check: error %q, want the required message", got)
		}
		if n := e.records(); n != 0 {
			t.Errorf("records: got %d, want none", n)
		}
	})

	t.Run("success redirects to the receipt", func(t *testing.T) {
		for range 2 { // posting twice (a double tap, a reload) stores one record
			res := e.do(req{method: "POST", target: newFormURL, cookies: pageAs(cookie), header: formHeader, body: householdPost(csrf, id, "submit")})
			if res.status != http.StatusSeeOther || res.header.Get("Location") != "/records/"+id+"/receipt" {
				t.Fatalf("got %d to %q, want 303 to the receipt:\n%s", res.status, res.header.Get("Location"), res.body)
			}
		}
		if n := e.records(); n != 1 {
			t.Errorf("records: got %d, want 1", n)
		}
		res := e.do(req{method: "GET", target: "/records/" + id + "/receipt", cookies: pageAs(cookie)})
		check(t, res, http.StatusOK, "")
		for _, want := range []string{`<code id="record-id">` + id + `</code>`, `data-state="township_review">乡镇审核</span>`, "入户走访登记表", "已提交",
			`href="` + newFormURL + `"`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("receipt lacks %q:\n%s", want, res.body)
			}
		}
		if strings.Contains(res.body, "/edit") {
			t.Errorf("a submitted record offers to be resumed")
		}
	})

	t.Run("another district may not read the receipt", func(t *testing.T) {
		other, _ := e.pageSession("outsider")
		res := e.do(req{method: "GET", target: "/records/" + id + "/receipt", cookies: pageAs(other)})
		if res.status != http.StatusNotFound {
			t.Errorf("status: got %d, want 404", res.status)
		}
	})
}

func TestFormPageRows(t *testing.T) {
	e := newFormEnv(t)
	cookie, csrf := e.pageSession("worker")
	post := func(body string) result {
		t.Helper()
		res := e.do(req{method: "POST", target: newFormURL, cookies: pageAs(cookie), header: formHeader, body: body})
		check(t, res, http.StatusOK, "")
		return res
	}
	id := engine.NewID(e.clock.Now())
	res := post(form("_csrf", csrf, "_id", id, "_action", "add:children", "hasChildren", "true"))
	if !strings.Contains(res.body, `name="children.0.childName" value=""`) || strings.Contains(res.body, `name="children.1.childName"`) {
		t.Errorf("add to no rows: want one row:\n%s", res.body)
	}
	res = post(form("_csrf", csrf, "_id", id, "_action", "add:children", "hasChildren", "true", "children.0.childName", "甲"))
	if !strings.Contains(res.body, `name="children.0.childName" value="甲"`) || !strings.Contains(res.body, `name="children.1.childName" value=""`) {
		t.Errorf("add a second row: want row 0 kept and row 1 empty:\n%s", res.body)
	}
	if got, _ := fieldErrorText(res.body, "/children/1/childName"); got != "" {
		t.Errorf("adding a row shows errors: %q", got)
	}
	res = post(form("_csrf", csrf, "_id", id, "_action", "remove:children.0", "hasChildren", "true",
		"children.0.childName", "甲", "children.1.childName", "乙"))
	if !strings.Contains(res.body, `name="children.0.childName" value="乙"`) || strings.Contains(res.body, `name="children.1.childName"`) ||
		!strings.Contains(res.body, `name="_action" value="remove:children.0"`) {
		t.Errorf("remove row 0: want 乙 alone as row 0:\n%s", res.body)
	}
	res = post(form("_csrf", csrf, "_id", id, "_action", "remove:children.5", "hasChildren", "true", "children.0.childName", "乙"))
	if !strings.Contains(res.body, `name="children.0.childName" value="乙"`) {
		t.Errorf("removing a row that does not exist changed the rows:\n%s", res.body)
	}
	post(form("_csrf", csrf, "_id", id, "_action", "add:nosuch.0.x"))
	if n := e.records(); n != 0 {
		t.Errorf("records: got %d, want none", n)
	}
}

func TestFormPageDraftAndResume(t *testing.T) {
	e := newFormEnv(t)
	cookie, csrf := e.pageSession("worker")
	id := engine.NewID(e.clock.Now())

	// A draft is stored unchecked: the child's birth date is missing.
	res := e.do(req{method: "POST", target: newFormURL, cookies: pageAs(cookie), header: formHeader,
		body: householdPost(csrf, id, "draft", "children.0.childBirthDate", "")})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/records/"+id+"/receipt" {
		t.Fatalf("draft: got %d %q:\n%s", res.status, res.header.Get("Location"), res.body)
	}
	res = e.do(req{method: "GET", target: "/records/" + id + "/receipt", cookies: pageAs(cookie)})
	for _, want := range []string{"草稿已保存", `data-state="draft">草稿</span>`, `href="/records/` + id + `/edit"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("receipt lacks %q:\n%s", want, res.body)
		}
	}

	edit := "/records/" + id + "/edit"
	page := e.do(req{method: "GET", target: edit, cookies: pageAs(cookie)})
	check(t, page, http.StatusOK, "")
	for _, want := range []string{
		`action="` + edit + `"`, `name="_version" value="1"`, `name="respondentName" value="赵**"`,
		`name="respondentId" value="3701**********1237"`, `name="children.0.childName" value="赵**"`,
		`name="householdSize" value="3"`, `name="benefits" value="special" checked>`,
		`evaluate?lang=zh-CN&amp;version=1`, `value="draft"`,
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("edit page lacks %q", want)
		}
	}

	// Others cannot resume it.
	reviewer, _ := e.pageSession("reviewer")
	if res := e.do(req{method: "GET", target: edit, cookies: pageAs(reviewer)}); res.status != http.StatusForbidden {
		t.Errorf("reviewer: got %d, want 403", res.status)
	}
	outsider, _ := e.pageSession("outsider")
	if res := e.do(req{method: "GET", target: edit, cookies: pageAs(outsider)}); res.status != http.StatusNotFound {
		t.Errorf("outsider: got %d, want 404", res.status)
	}

	// Saved again as a draft with the masked values posted back as shown:
	// it stays a draft (version 2) and the stored values are kept.
	masked := form("_csrf", csrf, "_version", "1", "_action", "draft", "respondentName", "赵**", "respondentId", "3701**********1237",
		"hasChildren", "true", "children.0.childName", "赵**", "children.0.childBirthDate", "")
	res = e.do(req{method: "POST", target: edit, cookies: pageAs(cookie), header: formHeader, body: masked})
	if res.status != http.StatusSeeOther {
		t.Fatalf("save the draft again: got %d:\n%s", res.status, res.body)
	}
	v, err := e.eng.GetRecord(t.Context(), &engine.Actor{User: e.worker}, id)
	if err != nil || v.State != engine.StateDraft || v.Version != 2 || v.Answers["respondentId"] != "3701**********1237" {
		t.Fatalf("after saving the draft again: %+v %v", v, err)
	}

	// Invalid answers: errors beside the fields, still a draft.
	res = e.do(req{method: "POST", target: edit, cookies: pageAs(cookie), header: formHeader,
		body: householdPost(csrf, id, "submit", "children.0.childBirthDate", "") + "&_version=2"})
	check(t, res, http.StatusUnprocessableEntity, "")
	if got, _ := fieldErrorText(res.body, "/children/0/childBirthDate"); got != "此项必填" {
		t.Errorf("missing birth date: error %q", got)
	}

	// Completed, it is submitted into the workflow.
	res = e.do(req{method: "POST", target: edit, cookies: pageAs(cookie), header: formHeader, body: householdPost(csrf, id, "submit") + "&_version=2"})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/records/"+id+"/receipt" {
		t.Fatalf("resume: got %d %q:\n%s", res.status, res.header.Get("Location"), res.body)
	}
	v, err = e.eng.GetRecord(t.Context(), &engine.Actor{User: e.worker}, id)
	if err != nil || v.State != "township_review" || v.Answers["respondentName"] != "赵**" {
		t.Fatalf("resumed record: %+v %v", v, err)
	}
	// Submitted, it can no longer be edited here.
	if res := e.do(req{method: "GET", target: edit, cookies: pageAs(cookie)}); res.status != http.StatusForbidden {
		t.Errorf("edit after submit: got %d, want 403", res.status)
	}
}

func TestFormPreview(t *testing.T) {
	e := newFormEnv(t)
	author, _ := e.pageSession("author")
	worker, _ := e.pageSession("worker")
	ctx, a := t.Context(), &engine.Actor{User: e.author}
	if _, err := e.eng.SaveDraft(ctx, a, engine.KindForm, "tiny", "tiny.form.json", []byte(typoForm)); err != nil {
		t.Fatal(err)
	}
	preview := "/author/forms/" + householdForm + "/versions/1/preview"
	tests := []struct {
		name, cookie, target string
		status               int
		want                 []string
		notWant              []string
	}{
		{name: "author", cookie: author, target: preview, status: 200,
			want: []string{"预览：这是设计中的表单", `<button type="button" class="primary" disabled data-stay-disabled>提交</button>`, `data-preview`,
				`data-evaluate="/api/v1/definitions/form/household-visit/versions/1/evaluate?lang=zh-CN"`, `<legend>住址</legend>`,
				`<button type="button" class="add" data-add>`},
			notWant: []string{`name="_action"`, `name="_id"`}},
		{name: "field worker", cookie: worker, target: preview, status: 403},
		{name: "a version that does not exist", cookie: author, target: "/author/forms/" + householdForm + "/versions/5/preview", status: 404},
		{name: "a draft with lint errors", cookie: author, target: "/author/forms/tiny/versions/1/preview", status: 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(req{method: "GET", target: tt.target, cookies: pageAs(tt.cookie)})
			if res.status != tt.status {
				t.Errorf("status: got %d, want %d", res.status, tt.status)
			}
			for _, want := range tt.want {
				if !strings.Contains(res.body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			for _, bad := range tt.notWant {
				if strings.Contains(res.body, bad) {
					t.Errorf("page has %q", bad)
				}
			}
		})
	}

	// The preview's live feedback: authors only, nothing stored.
	target := "/api/v1/definitions/form/" + householdForm + "/versions/1/evaluate"
	body := map[string]any{"answers": map[string]any{"hasChildren": true, "respondentId": badCheckID}}
	runSteps(t, e.env, []apiStep{
		{name: "evaluate a preview", req: req{method: "POST", target: target, json: body, header: e.as(e.author)}, status: 200,
			contains: []string{`"/children":true`, `"code":"format_resident_id"`}},
		{name: "a field worker may not", req: req{method: "POST", target: target, json: body, header: e.as(e.worker)}, status: 403, code: engine.EFORBIDDEN},
		{name: "a draft with lint errors", req: req{method: "POST", target: "/api/v1/definitions/form/tiny/versions/1/evaluate", json: body, header: e.as(e.author)},
			status: 422, code: engine.EINVALID},
		{name: "unauthenticated", req: req{method: "POST", target: target, json: body}, status: 401, code: engine.EUNAUTHORIZED},
	})
}

func TestAuthorPages(t *testing.T) {
	e := newFormEnv(t)
	cookie, csrf := e.pageSession("author")
	worker, workerCSRF := e.pageSession("worker")
	upload := func(content, filename string, fields map[string]string) result {
		t.Helper()
		f := map[string]string{"_csrf": csrf}
		for k, v := range fields {
			f[k] = v
		}
		return e.do(req{method: "POST", target: "/author/definitions", cookies: pageAs(cookie),
			multipart: &multipartBody{fields: f, field: "file", filename: filename, content: []byte(content)}})
	}
	contains := func(t *testing.T, res result, wants ...string) {
		t.Helper()
		for _, want := range wants {
			if !strings.Contains(res.body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if t.Failed() {
			t.Log(res.body)
		}
	}

	t.Run("the list", func(t *testing.T) {
		res := e.do(req{method: "GET", target: "/author", cookies: pageAs(cookie)})
		check(t, res, 200, "")
		contains(t, res, `<code>household-visit</code>`, `<span class="badge published">已发布</span>`, `href="/author/forms/household-visit/versions/1/preview"`,
			`enctype="multipart/form-data"`)
	})
	t.Run("a field worker may not", func(t *testing.T) {
		if res := e.do(req{method: "GET", target: "/author", cookies: pageAs(worker)}); res.status != http.StatusForbidden {
			t.Errorf("status: got %d, want 403", res.status)
		}
	})
	t.Run("signed out", func(t *testing.T) {
		if res := e.do(req{method: "GET", target: "/author"}); res.status != http.StatusSeeOther {
			t.Errorf("status: got %d, want 303", res.status)
		}
	})
	t.Run("upload without the CSRF token", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/author/definitions", cookies: pageAs(cookie),
			multipart: &multipartBody{field: "file", filename: "tiny.form.json", content: []byte(tinyForm)}})
		if res.status != http.StatusForbidden {
			t.Errorf("status: got %d, want 403", res.status)
		}
	})
	t.Run("upload without a file", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/author/definitions", cookies: pageAs(cookie), multipart: &multipartBody{fields: map[string]string{"_csrf": csrf}}})
		check(t, res, http.StatusUnprocessableEntity, "")
		contains(t, res, "请选择要导入的文件")
	})
	t.Run("upload with lint errors: positions and a caret, no publish", func(t *testing.T) {
		res := upload(typoForm, "tiny.form.json", nil)
		check(t, res, http.StatusOK, "")
		contains(t, res, "已保存为草稿：表单 tiny 第 1 版。", `<code class="loc">tiny.form.json:5:`, `<code>unknown_extension</code>`,
			`<pre class="snippet">`, "^", "请先改正上面的错误")
		if strings.Contains(res.body, `action="/author/definitions/form/tiny/versions/1/publish"><input`) {
			t.Errorf("a draft with errors offers to publish from the lint report")
		}
	})
	t.Run("publishing it is refused with the errors", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/author/definitions/form/tiny/versions/1/publish", cookies: pageAs(cookie), header: formHeader, body: form("_csrf", csrf)})
		check(t, res, http.StatusUnprocessableEntity, "")
		contains(t, res, "未能发布", `<ul class="alert problems" id="publish-errors">`, "tiny.form.json:5:")
	})
	t.Run("upload a clean file: kind and ID from its name", func(t *testing.T) {
		res := upload(tinyForm, "tiny.form.json", nil)
		check(t, res, http.StatusOK, "")
		contains(t, res, "没有发现问题。", `action="/author/definitions/form/tiny/versions/1/publish"`, `href="/author/forms/tiny/versions/1/preview"`)
	})
	t.Run("upload with a kind and ID that do not fit", func(t *testing.T) {
		res := upload(tinyForm, "upload.json", map[string]string{"kind": "form", "id": "other"})
		check(t, res, http.StatusUnprocessableEntity, "")
		contains(t, res, "文件未保存。")
	})
	t.Run("publish", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/author/definitions/form/tiny/versions/1/publish", cookies: pageAs(cookie), header: formHeader, body: form("_csrf", csrf)})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/author?published=form%2Ftiny%2F1" {
			t.Fatalf("got %d %q", res.status, res.header.Get("Location"))
		}
		res = e.do(req{method: "GET", target: res.header.Get("Location"), cookies: pageAs(cookie)})
		contains(t, res, "已发布：表单 tiny 第 1 版。")
	})
	t.Run("a crafted success message is not shown", func(t *testing.T) {
		res := e.do(req{method: "GET", target: "/author?published=form%2Fnope%2F1", cookies: pageAs(cookie)})
		if strings.Contains(res.body, "nope") {
			t.Errorf("the page claims an unpublished version was published")
		}
	})
	t.Run("publish again", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/author/definitions/form/tiny/versions/1/publish", cookies: pageAs(cookie), header: formHeader, body: form("_csrf", csrf)})
		check(t, res, http.StatusConflict, "")
		contains(t, res, "该版本已经发布")
	})
	t.Run("publish without the CSRF token", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/author/definitions/form/tiny/versions/1/publish", cookies: pageAs(cookie), header: formHeader, body: form()})
		if res.status != http.StatusForbidden {
			t.Errorf("status: got %d, want 403", res.status)
		}
	})
	t.Run("a field worker may not publish", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/author/definitions/form/tiny/versions/2/publish", cookies: pageAs(worker), header: formHeader, body: form("_csrf", workerCSRF)})
		if res.status != http.StatusForbidden {
			t.Errorf("status: got %d, want 403", res.status)
		}
	})
}

// TestFormAssets: the pages link form.js and form.css by their versioned
// addresses; both are served from the binary.
func TestFormAssets(t *testing.T) {
	e := newFormEnv(t)
	for _, tt := range []struct{ name, ctype, want string }{
		{"form.js", "text/javascript", `data-evaluate`},
		{"form.css", "text/css", `.js-form [data-relevant="false"]`},
	} {
		res := e.do(req{method: "GET", target: uiAssets().url(tt.name)})
		check(t, res, 200, "")
		if got := res.header.Get("Content-Type"); !strings.HasPrefix(got, tt.ctype) {
			t.Errorf("%s: Content-Type %q, want %s", tt.name, got, tt.ctype)
		}
		if !strings.Contains(res.body, tt.want) {
			t.Errorf("%s: want it to contain %q", tt.name, tt.want)
		}
	}
}
