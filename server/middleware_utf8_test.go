package server

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"canvass/engine"
	"canvass/engine/registry"
	"canvass/ui"
)

// TestInvalidUTF8IsRefused sends bytes that are not UTF-8 in every place a
// value arrives — a JSON string, a JSON key, a query value and name, an
// urlencoded and a multipart form field — through the real app: each gets
// 422 invalid with the field's pointer and the code invalid_utf8, in the
// user's language, and the store is left as it was. Files in a multipart
// upload are bytes, not form values: a GB18030 CSV still imports.
func TestInvalidUTF8IsRefused(t *testing.T) {
	e := newRegistryEnv(t)
	english, err := e.eng.CreateUser(t.Context(), nil, engine.NewUser{Username: "english", DisplayName: "Test english",
		Password: testPassword, Roles: []string{engine.RoleFieldWorker}, OrgUnit: grandUnit, Locale: ui.LangEN})
	if err != nil {
		t.Fatal(err)
	}
	cookie, csrf := e.session(e.worker.Username)
	page := map[string]string{sessionCookie: cookie}
	formPost := func(body string) req {
		return req{method: "POST", target: "/campaigns/registry-2026/forms/registry-person/new", cookies: page,
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			body:   "_csrf=" + url.QueryEscape(csrf) + "&" + body}
	}
	submit := func(u *engine.User, raw string) req {
		return req{method: "POST", target: "/api/v1/records", body: raw,
			header: map[string]string{"Authorization": e.token(u)["Authorization"], "Content-Type": "application/json"}}
	}
	const good = `"campaign":"registry-2026","form":"registry-person"`
	// rest completes a valid set of answers: without the check, a name
	// with a bad byte would be stored, with U+FFFD in its place.
	rest := `,"idNumber":"` + registryID("37010219800101123") + `","maritalStatus":"married"`

	for _, tc := range []struct {
		name        string
		r           req
		wantPointer string
		lang        string // of the field message; default zh-CN
		page        bool   // an HTML error page rather than JSON
	}{
		{name: "json string value",
			r: submit(e.worker, `{`+good+`,"answers":{"personName":"王`+"\xff"+`明"`+rest+`}}`), wantPointer: "/answers/personName"},
		{name: "json key",
			r: submit(e.worker, `{`+good+`,"answers":{"person`+"\xfe"+`Name":"王小明"}}`), wantPointer: "/answers/person\uFFFDName"},
		{name: "json array element",
			r: submit(e.worker, `{`+good+`,"answers":{"personName":"王小明","tags":["a","b`+"\xc3"+`"]}}`), wantPointer: "/answers/tags/1"},
		{name: "json key with pointer escapes",
			r: submit(e.worker, `{`+good+`,"answers":{"a/b~c":{"x":"`+"\x80"+`"}}}`), wantPointer: "/answers/a~1b~0c/x"},
		{name: "json in English for an English user",
			r: submit(english, `{`+good+`,"answers":{"personName":"`+"\xff"+`"`+rest+`}}`), wantPointer: "/answers/personName", lang: ui.LangEN},
		{name: "json sign-in, signed out",
			r:           req{method: "POST", target: "/api/v1/login", body: `{"username":"worker` + "\xff" + `","password":"x"}`, header: map[string]string{"Content-Type": "application/json"}},
			wantPointer: "/username"},
		{name: "query value",
			r: req{method: "GET", target: "/api/v1/records?q=%E7%8E%8B%FF", header: e.token(e.worker)}, wantPointer: "/q"},
		{name: "query name",
			r: req{method: "GET", target: "/api/v1/records?a%FFb=1", header: e.token(e.worker)}, wantPointer: "/a\uFFFDb"},
		{name: "query on a page",
			r: req{method: "GET", target: "/registry?campaign=%FF", cookies: page}, wantPointer: "/campaign", page: true},
		{name: "urlencoded form post",
			r: formPost("personName=%E7%8E%8B%FF&maritalStatus=married&idNumber=" + registryID("37010219800101123")), wantPointer: "/personName", page: true},
		{name: "multipart form field beside a file",
			r: req{method: "POST", target: "/api/v1/campaigns/registry-2026/imports", header: e.token(e.super),
				multipart: &multipartBody{fields: map[string]string{"mode": "good\xffrows"}, field: "file", filename: "名单.csv", content: registryList()}},
			wantPointer: "/mode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := storeSnapshot(t, e.dbPath)
			res := e.do(tc.r)
			if res.status != http.StatusUnprocessableEntity {
				t.Fatalf("status: got %d, want 422 (body %.300s)", res.status, res.body)
			}
			lang := tc.lang
			if lang == "" {
				lang = ui.LangZH
			}
			if tc.page {
				want := `data-error-for="` + tc.wantPointer + `"`
				if !strings.Contains(res.body, want) {
					t.Errorf("the page lacks %s: %.2000s", want, res.body)
				}
			} else {
				if got := res.errorCode(); got != engine.EINVALID {
					t.Errorf("code: got %q, want %q", got, engine.EINVALID)
				}
				var body errorBody
				res.decode(t, &body)
				want := []engine.FieldError{{Pointer: tc.wantPointer, Code: codeInvalidUTF8, Message: ui.Message(lang, "field.invalid_utf8")}}
				if !slices.Equal(body.Error.Fields, want) {
					t.Errorf("fields: got %+v, want %+v", body.Error.Fields, want)
				}
			}
			if changed := before.diff(storeSnapshot(t, e.dbPath)); len(changed) > 0 {
				t.Errorf("a refused request changed the tables %v", changed)
			}
		})
	}

	t.Run("GB18030 CSV upload still imports", func(t *testing.T) {
		res := e.upload(e.super, "名单.csv", gb18030(t, string(registryList())), map[string]string{"mode": "good_rows"})
		check(t, res, http.StatusAccepted, "")
		id := e.jobID(res)
		e.runJobs()
		j := e.job(e.super, id)
		if j.State != registry.ImportDone || j.Rows != 3 || j.Valid != 2 || j.Written != 2 {
			t.Fatalf("job: %+v", j)
		}
		if j.Mapping["姓名"] != "personName" {
			t.Errorf("the GB18030 header was not decoded: mapping %v", j.Mapping)
		}
	})
	t.Run("valid UTF-8 passes", func(t *testing.T) {
		res := e.do(req{method: "GET", target: "/api/v1/records?q=" + url.QueryEscape("王小明"), header: e.token(e.worker)})
		check(t, res, http.StatusOK, "")
	})
}
