package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"canvass/engine"
	"canvass/engine/registry"
)

// registryEnv is the registry campaign on a server with a PII vault: a
// district supervisor, a village field worker, a township reviewer and a
// supervisor of the sibling district (outside everything here).
type registryEnv struct {
	*env
	super, worker, reviewer, outsider *engine.User
	tokens                            map[string]string
}

func newRegistryEnv(t *testing.T) *registryEnv {
	t.Helper()
	return newRegistryEnvVault(t, true)
}

// newRegistryEnvVault is newRegistryEnv, without a PII vault unless vault.
func newRegistryEnvVault(t *testing.T, vault bool) *registryEnv {
	t.Helper()
	e := newEnv(t, Config{})
	if vault {
		e.withVault(0)
	}
	re := &registryEnv{env: e, tokens: map[string]string{},
		super:    e.user("super", ownUnit, engine.RoleSupervisor),
		worker:   e.user("worker", grandUnit, engine.RoleFieldWorker),
		reviewer: e.user("reviewer", childUnit, engine.RoleReviewer),
		outsider: e.user("outsider", siblingUnit, engine.RoleSupervisor),
	}
	author := e.user("author", rootUnit, engine.RoleAuthor)
	e.publishFiles(author, filepath.Join("testdata", "registry"),
		definitionFile{engine.KindForm, "registry-person", "registry-person.form.json"},
		definitionFile{engine.KindWorkflow, "registry-review", "registry-review.workflow.yaml"},
		definitionFile{engine.KindCampaign, "registry-2026", "registry-2026.campaign.yaml"})
	return re
}

func (e *registryEnv) token(u *engine.User) map[string]string {
	if _, ok := e.tokens[u.ID]; !ok {
		e.tokens[u.ID] = e.apiToken(u)
	}
	return bearer(e.tokens[u.ID])
}

// registryID completes 17 digits with their GB 11643 check character.
func registryID(d17 string) string {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(d17[i]-'0') * weights[i]
	}
	return d17 + string("10X98765432"[sum%11])
}

// registryList is a CSV with two good rows in the village and one with a
// bad check digit.
func registryList() []byte {
	return []byte("姓名,公民身份号码,婚姻状况,家庭人数,村代码\n" +
		"王小明," + registryID("37010219800101123") + ",已婚,3," + grandUnit + "\n" +
		"李芳," + registryID("37010219850203456") + ",未婚,1," + grandUnit + "\n" +
		"赵强,370102198001011238,已婚,2," + grandUnit + "\n")
}

func (e *registryEnv) upload(u *engine.User, file string, data []byte, fields map[string]string) result {
	e.t.Helper()
	return e.do(req{method: "POST", target: "/api/v1/campaigns/registry-2026/imports", header: e.token(u),
		multipart: &multipartBody{fields: fields, field: "file", filename: file, content: data}})
}

func (e *registryEnv) jobID(res result) string {
	e.t.Helper()
	var j importJobJSON
	res.decode(e.t, &j)
	return j.ID
}

// runJobs runs every queued job as the background runner would.
func (e *registryEnv) runJobs() {
	e.t.Helper()
	if _, err := e.eng.Registry.ResumeImports(context.Background(), "test"); err != nil {
		e.t.Fatal(err)
	}
}

func (e *registryEnv) job(u *engine.User, id string) importJobJSON {
	e.t.Helper()
	res := e.do(req{method: "GET", target: "/api/v1/imports/" + id, header: e.token(u)})
	check(e.t, res, http.StatusOK, "")
	var j importJobJSON
	res.decode(e.t, &j)
	return j
}

func TestRegistryImportAPI(t *testing.T) {
	e := newRegistryEnv(t)
	good := map[string]string{"mode": "good_rows"}
	res := e.upload(e.super, "名单.csv", registryList(), good)
	check(t, res, http.StatusAccepted, "")
	id := e.jobID(res)
	if j := e.job(e.super, id); j.State != registry.ImportQueued || j.Mapping["村代码"] != registry.ColumnOrgUnit {
		t.Fatalf("after upload: %+v", j)
	}
	e.runJobs()
	if j := e.job(e.super, id); j.State != registry.ImportDone || j.Written != 2 || j.Invalid != 1 || !j.Finished {
		t.Fatalf("after the run: %+v", j)
	}

	tests := []struct {
		name       string
		r          req
		status     int
		code       string
		bodyHas    string
		bodyHasNot string
	}{
		{"report json", req{method: "GET", target: "/api/v1/imports/" + id + "/report", header: e.token(e.super)}, 200, "", `"row":4,"column":"公民身份号码","code":"format_resident_id"`, ""},
		{"job of another district", req{method: "GET", target: "/api/v1/imports/" + id, header: e.token(e.outsider)}, 404, engine.ENOTFOUND, "", ""},
		{"report of another district", req{method: "GET", target: "/api/v1/imports/" + id + "/report.xlsx", header: e.token(e.outsider)}, 404, engine.ENOTFOUND, "", ""},
		{"not a job id", req{method: "GET", target: "/api/v1/imports/..%2Fetc", header: e.token(e.super)}, 404, engine.ENOTFOUND, "", ""},
		{"signed out", req{method: "GET", target: "/api/v1/imports/" + id}, 401, engine.EUNAUTHORIZED, "", ""},
		{"jobs of the campaign", req{method: "GET", target: "/api/v1/campaigns/registry-2026/imports", header: e.token(e.super)}, 200, "", `"fileName":"名单.csv"`, ""},
		{"jobs of a campaign outside the scope", req{method: "GET", target: "/api/v1/campaigns/registry-2026/imports", header: e.token(e.outsider)}, 404, engine.ENOTFOUND, "", ""},
		{"confirm an import", req{method: "POST", target: "/api/v1/imports/" + id + "/confirm", header: e.token(e.super)}, 422, engine.EINVALID, "", ""},
		{"reviewer may not import", req{method: "POST", target: "/api/v1/campaigns/registry-2026/imports", header: e.token(e.reviewer),
			json: map[string]any{"fileName": "a.csv", "size": 10}}, 403, engine.EFORBIDDEN, "", ""},
		{"unknown campaign", req{method: "POST", target: "/api/v1/campaigns/nope-2026/imports", header: e.token(e.super),
			json: map[string]any{"fileName": "a.csv", "size": 10}}, 404, engine.ENOTFOUND, "", ""},
		{"file over the import limit", req{method: "POST", target: "/api/v1/campaigns/registry-2026/imports", header: e.token(e.super),
			json: map[string]any{"fileName": "a.csv", "size": registry.MaxImportBytes + 1}}, 413, engine.ETOOLARGE, "", ""},
		{"unknown json key", req{method: "POST", target: "/api/v1/campaigns/registry-2026/imports", header: e.token(e.super),
			json: map[string]any{"fileName": "a.csv", "size": 10, "sql": "drop"}}, 422, engine.EINVALID, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(tt.r)
			check(t, res, tt.status, tt.code)
			if tt.bodyHas != "" && !strings.Contains(res.body, tt.bodyHas) {
				t.Errorf("body lacks %s: %s", tt.bodyHas, res.body)
			}
		})
	}

	t.Run("report xlsx", func(t *testing.T) {
		res := e.do(req{method: "GET", target: "/api/v1/imports/" + id + "/report.xlsx", header: e.token(e.super)})
		check(t, res, 200, "")
		f, err := excelize.OpenReader(strings.NewReader(res.body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetList()[0])
		if len(rows) != 2 || rows[1][0] != "4" || rows[1][2] != "format_resident_id" {
			t.Fatalf("report rows %v", rows)
		}
	})
	t.Run("refused uploads", func(t *testing.T) {
		for _, tt := range []struct {
			name, file string
			data       []byte
			status     int
			field      string
		}{
			{"wrong type", "list.exe", []byte("MZ\x90\x00"), 422, "/file:file_type"},
			{"binary junk", "list.csv", bytes.Repeat([]byte{0, 0xff, 0xfe, 1}, 64), 422, "/file:bad_header"},
			{"empty", "list.csv", nil, 422, "/file:empty"},
			{"no matching column", "list.csv", []byte("甲,乙\n1,2\n"), 422, "/file:no_columns"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				res := e.upload(e.super, tt.file, tt.data, nil)
				check(t, res, tt.status, engine.EINVALID)
				if got := strings.Join(fieldCodes(res), ","); got != tt.field {
					t.Errorf("fields %s, want %s", got, tt.field)
				}
			})
		}
	})
}

func TestRegistryChunkedUpload(t *testing.T) {
	e := newRegistryEnv(t)
	data := registryList()
	res := e.do(req{method: "POST", target: "/api/v1/campaigns/registry-2026/imports", header: e.token(e.worker),
		json: map[string]any{"fileName": "list.csv", "size": len(data), "mode": "good_rows"}})
	check(t, res, http.StatusCreated, "")
	id := e.jobID(res)
	for _, tt := range []struct {
		name   string
		r      req
		status int
		code   string
	}{
		{"finish before the chunks", req{method: "POST", target: "/api/v1/imports/" + id + "/finish"}, 422, engine.EINVALID},
		{"chunk of the wrong size", req{method: "PUT", target: "/api/v1/imports/" + id + "/chunks/0", body: "short"}, 422, engine.EINVALID},
		{"chunk beyond the file", req{method: "PUT", target: "/api/v1/imports/" + id + "/chunks/1", body: string(data)}, 422, engine.EINVALID},
		{"chunk number not a number", req{method: "PUT", target: "/api/v1/imports/" + id + "/chunks/x", body: string(data)}, 404, engine.ENOTFOUND},
		{"chunk by someone outside", req{method: "PUT", target: "/api/v1/imports/" + id + "/chunks/0", body: string(data), header: e.token(e.outsider)}, 404, engine.ENOTFOUND},
		{"the chunk", req{method: "PUT", target: "/api/v1/imports/" + id + "/chunks/0", body: string(data)}, 204, ""},
		{"the chunk again (a retry)", req{method: "PUT", target: "/api/v1/imports/" + id + "/chunks/0", body: string(data)}, 204, ""},
		{"finish", req{method: "POST", target: "/api/v1/imports/" + id + "/finish"}, 202, ""},
		{"chunk after finish", req{method: "PUT", target: "/api/v1/imports/" + id + "/chunks/0", body: string(data)}, 409, engine.ECONFLICT},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.r.header == nil {
				tt.r.header = e.token(e.worker)
			}
			check(t, e.do(tt.r), tt.status, tt.code)
		})
	}
	e.runJobs()
	if j := e.job(e.worker, id); j.State != registry.ImportDone || j.Written != 2 {
		t.Fatalf("job %+v", j)
	}
}

func TestRegistryMappingAPI(t *testing.T) {
	e := newRegistryEnv(t)
	target := "/api/v1/campaigns/registry-2026/import-mapping"
	for _, tt := range []struct {
		name    string
		r       req
		status  int
		code    string
		bodyHas string
	}{
		{"targets", req{method: "GET", target: target + "?form=registry-person", header: e.token(e.super)}, 200, "", `{"key":"idNumber","label":"公民身份号码"}`},
		{"unknown form", req{method: "GET", target: target + "?form=nope", header: e.token(e.super)}, 404, engine.ENOTFOUND, ""},
		{"bad target", req{method: "PUT", target: target, header: e.token(e.super), json: map[string]any{"form": "registry-person", "columns": map[string]string{"名字": "salary"}}}, 422, engine.EINVALID, `"pointer":"/columns/名字"`},
		{"worker may not map", req{method: "PUT", target: target, header: e.token(e.worker), json: map[string]any{"form": "registry-person", "columns": map[string]string{"名字": "personName"}}}, 403, engine.EFORBIDDEN, ""},
		{"save", req{method: "PUT", target: target, header: e.token(e.super), json: map[string]any{"form": "registry-person", "columns": map[string]string{"名字": "personName"}}}, 204, "", ""},
		{"saved", req{method: "GET", target: target, header: e.token(e.worker)}, 200, "", `"columns":{"名字":"personName"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(tt.r)
			check(t, res, tt.status, tt.code)
			if tt.bodyHas != "" && !strings.Contains(res.body, tt.bodyHas) {
				t.Errorf("body lacks %s: %s", tt.bodyHas, res.body)
			}
		})
	}
}

func TestRegistryExportAndUpdateAPI(t *testing.T) {
	e := newRegistryEnv(t)
	check(t, e.upload(e.super, "a.csv", registryList(), map[string]string{"mode": "good_rows"}), 202, "")
	e.runJobs()
	exp := "/api/v1/campaigns/registry-2026/export"
	for _, tt := range []struct {
		name             string
		r                req
		status           int
		code, has, hasNo string
	}{
		{"csv masked", req{method: "GET", target: exp + "?format=csv", header: e.token(e.super)}, 200, "", "id,单位代码,单位名称,状态,姓名", registryID("37010219800101123")},
		{"csv revealed", req{method: "GET", target: exp + "?format=csv&reveal=1", header: e.token(e.super)}, 200, "", registryID("37010219800101123"), ""},
		{"worker may not reveal", req{method: "GET", target: exp + "?reveal=1", header: e.token(e.worker)}, 403, engine.EFORBIDDEN, "", ""},
		{"unit outside the scope", req{method: "GET", target: exp + "?org=" + siblingUnit, header: e.token(e.super)}, 404, engine.ENOTFOUND, "", ""},
		{"bad format", req{method: "GET", target: exp + "?format=pdf", header: e.token(e.super)}, 422, engine.EINVALID, "", ""},
		{"zip per village", req{method: "GET", target: exp + "?format=csv&split=village", header: e.token(e.super)}, 200, "", "东关村.csv", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(tt.r)
			check(t, res, tt.status, tt.code)
			if tt.has != "" && !strings.Contains(res.body, tt.has) {
				t.Errorf("body lacks %s", tt.has)
			}
			if tt.hasNo != "" && strings.Contains(res.body, tt.hasNo) {
				t.Errorf("body has %s", tt.hasNo)
			}
		})
	}

	// Export as XLSX, change one household size, re-import as an update.
	res := e.do(req{method: "GET", target: exp, header: e.token(e.super)})
	check(t, res, 200, "")
	f, err := excelize.OpenReader(strings.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	rows, _ := f.GetRows(sheet)
	col := -1
	for i, h := range rows[0] {
		if h == "家庭人数" {
			col = i
		}
	}
	cell, _ := excelize.CoordinatesToCellName(col+1, 2)
	if err := f.SetCellValue(sheet, cell, 6); err != nil {
		t.Fatal(err)
	}
	var edited bytes.Buffer
	if _, err := f.WriteTo(&edited); err != nil {
		t.Fatal(err)
	}
	res = e.upload(e.super, "edited.xlsx", edited.Bytes(), map[string]string{"kind": "update"})
	check(t, res, 202, "")
	id := e.jobID(res)
	e.runJobs()
	if j := e.job(e.super, id); j.State != registry.ImportPreview || j.Changed != 1 {
		t.Fatalf("preview %+v", j)
	}
	rep := e.do(req{method: "GET", target: "/api/v1/imports/" + id + "/report", header: e.token(e.super)})
	if !strings.Contains(rep.body, `"changes":[{"pointer":"/householdSize","before":3,"after":6}]`) {
		t.Fatalf("preview report %s", rep.body)
	}
	check(t, e.do(req{method: "POST", target: "/api/v1/imports/" + id + "/confirm", header: e.token(e.outsider)}), 404, engine.ENOTFOUND)
	check(t, e.do(req{method: "POST", target: "/api/v1/imports/" + id + "/confirm", header: e.token(e.super)}), 202, "")
	check(t, e.do(req{method: "POST", target: "/api/v1/imports/" + id + "/confirm", header: e.token(e.super)}), 409, engine.ECONFLICT)
	e.runJobs()
	if j := e.job(e.super, id); j.State != registry.ImportDone || j.Written != 1 {
		t.Fatalf("apply %+v", j)
	}
	recID := rows[1][0]
	r, err := e.store.GetRecord(context.Background(), recID)
	if err != nil || r.Version != 2 || r.History[len(r.History)-1].Action != "bulk_update" {
		t.Fatalf("record after the update: %v %+v", err, r)
	}
}

func TestRegistryPages(t *testing.T) {
	e := newRegistryEnv(t)
	cookie, csrf := e.session("super")
	cookies := map[string]string{sessionCookie: cookie}
	page := e.do(req{method: "GET", target: "/registry?campaign=registry-2026", cookies: cookies})
	check(t, page, 200, "")
	for _, want := range []string{`id="registry-upload"`, `data-api="/api/v1/campaigns/registry-2026/imports"`, `action="/registry/mapping"`, `/static/registry.js?v=`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("registry page lacks %s", want)
		}
	}
	t.Run("upload without the csrf token", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/registry/upload", cookies: cookies,
			multipart: &multipartBody{fields: map[string]string{"campaign": "registry-2026"}, field: "file", filename: "a.csv", content: registryList()}})
		if res.status != 403 {
			t.Fatalf("status %d, want 403", res.status)
		}
	})
	res := e.do(req{method: "POST", target: "/registry/upload", cookies: cookies,
		multipart: &multipartBody{fields: map[string]string{"_csrf": csrf, "campaign": "registry-2026", "mode": "good_rows"}, field: "file", filename: "a.csv", content: registryList()}})
	loc := res.header.Get("Location")
	if res.status != 303 || !strings.HasPrefix(loc, "/registry/jobs/") {
		t.Fatalf("upload: %d %s %s", res.status, loc, res.body)
	}
	job := e.do(req{method: "GET", target: loc, cookies: cookies})
	check(t, job, 200, "")
	if !strings.Contains(job.body, `data-poll="/api/v1/imports/`) {
		t.Errorf("a queued job's page does not poll")
	}
	e.runJobs()
	job = e.do(req{method: "GET", target: loc, cookies: cookies})
	if strings.Contains(job.body, "data-poll") || !strings.Contains(job.body, "完成：写入 2 条记录。") || !strings.Contains(job.body, "format_resident_id") {
		t.Errorf("the finished job's page: %s", job.body)
	}
	t.Run("a failed all-or-nothing job says why in the page's language", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/registry/upload", cookies: cookies,
			multipart: &multipartBody{fields: map[string]string{"_csrf": csrf, "campaign": "registry-2026", "mode": "all_or_nothing"}, field: "file", filename: "b.csv", content: registryList()}})
		loc := res.header.Get("Location")
		if res.status != 303 || !strings.HasPrefix(loc, "/registry/jobs/") {
			t.Fatalf("upload: %d %s %s", res.status, loc, res.body)
		}
		e.runJobs()
		for lang, want := range map[string]string{"zh-CN": "导入未完成： 有 1 行不符合表单要求", "en": "The import did not complete: Rows that do not pass the form&#39;s checks: 1;"} {
			job := e.do(req{method: "GET", target: loc + "?lang=" + lang, cookies: cookies})
			if !strings.Contains(job.body, want) {
				t.Errorf("%s: the failed job's page lacks %q", lang, want)
			}
		}
	})
	t.Run("refused upload shows why", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/registry/upload?lang=en", cookies: cookies,
			multipart: &multipartBody{fields: map[string]string{"_csrf": csrf, "campaign": "registry-2026"}, field: "file", filename: "a.pdf", content: []byte("%PDF")}})
		if res.status != 422 || !strings.Contains(res.body, "Upload an .xlsx or .csv file.") {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
	})
	t.Run("mapping saved", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/registry/mapping", cookies: cookies, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			body: "_csrf=" + csrf + "&campaign=registry-2026&form=registry-person&header=%E5%90%8D%E5%AD%97&target=personName&header=&target="})
		if res.status != 303 || !strings.Contains(res.header.Get("Location"), "saved=1") {
			t.Fatalf("status %d %s", res.status, res.body)
		}
	})
	t.Run("job page of another district", func(t *testing.T) {
		oc, _ := e.session("outsider")
		res := e.do(req{method: "GET", target: loc, cookies: map[string]string{sessionCookie: oc}})
		if res.status != 404 {
			t.Fatalf("status %d, want 404", res.status)
		}
	})
}

// Without a personal-data key a list could only be stored in plain text:
// every way in refuses it, saying why in the page's language, and no job
// is left behind.
func TestRegistryUploadWithoutVault(t *testing.T) {
	e := newRegistryEnvVault(t, false)
	cookie, csrf := e.session("super")
	cookies := map[string]string{sessionCookie: cookie}
	for _, tt := range []struct{ lang, want string }{
		{"zh-CN", "未配置个人信息加密密钥，名单不能上传"},
		{"en", "No personal-data encryption key is configured, so lists cannot be uploaded"},
	} {
		t.Run("page in "+tt.lang, func(t *testing.T) {
			res := e.do(req{method: "POST", target: "/registry/upload?lang=" + tt.lang, cookies: cookies,
				multipart: &multipartBody{fields: map[string]string{"_csrf": csrf, "campaign": "registry-2026"}, field: "file", filename: "a.csv", content: registryList()}})
			if res.status != http.StatusServiceUnavailable || !strings.Contains(res.body, tt.want) {
				t.Fatalf("status %d, want 503 with %q: %s", res.status, tt.want, res.body)
			}
		})
	}
	t.Run("api, whole file", func(t *testing.T) {
		res := e.upload(e.super, "a.csv", registryList(), nil)
		check(t, res, http.StatusServiceUnavailable, engine.EUNAVAILABLE)
		if got := strings.Join(fieldCodes(res), " "); got != "/file:no_key" {
			t.Errorf("fields %q, want /file:no_key", got)
		}
	})
	t.Run("api, chunked", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/api/v1/campaigns/registry-2026/imports", header: e.token(e.super),
			json: map[string]any{"fileName": "a.csv", "size": len(registryList())}})
		check(t, res, http.StatusServiceUnavailable, engine.EUNAVAILABLE)
	})
	if jobs, err := e.eng.Registry.ImportJobs(context.Background(), asActor(e.super), "registry-2026"); err != nil || len(jobs) != 0 {
		t.Errorf("jobs after the refusals: %d (%v), want none", len(jobs), err)
	}
}

// fieldCodes returns an error body's fields as "pointer:code".
func fieldCodes(r result) []string {
	var b errorBody
	if err := json.Unmarshal([]byte(r.body), &b); err != nil {
		return nil
	}
	var out []string
	for _, f := range b.Error.Fields {
		out = append(out, f.Pointer+":"+f.Code)
	}
	return out
}

func TestRegistryUpdatePreviewPage(t *testing.T) {
	e := newRegistryEnv(t)
	check(t, e.upload(e.super, "a.csv", registryList(), map[string]string{"mode": "good_rows"}), 202, "")
	e.runJobs()
	page, err := e.store.ListRecords(context.Background(), engine.RecordFilter{CampaignID: "registry-2026"}, engine.Page{})
	if err != nil || len(page.Records) != 2 {
		t.Fatalf("records: %v %d", err, len(page.Records))
	}
	edit := "id,家庭人数\n" + page.Records[0].ID + ",4\n"
	res := e.upload(e.super, "edit.csv", []byte(edit), map[string]string{"kind": "update"})
	check(t, res, 202, "")
	id := e.jobID(res)
	e.runJobs()
	cookie, csrf := e.session("super")
	cookies := map[string]string{sessionCookie: cookie}
	view := e.do(req{method: "GET", target: "/registry/jobs/" + id + "?lang=en", cookies: cookies})
	check(t, view, 200, "")
	for _, want := range []string{`action="/registry/jobs/` + id + `/confirm"`, "<code>/householdSize</code>: <del>3</del> → <ins>4</ins>", "Waiting for confirmation"} {
		if !strings.Contains(view.body, want) {
			t.Errorf("preview page lacks %s", want)
		}
	}
	res = e.do(req{method: "POST", target: "/registry/jobs/" + id + "/confirm", cookies: cookies,
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body: "_csrf=" + csrf})
	if res.status != 303 || res.header.Get("Location") != "/registry/jobs/"+id {
		t.Fatalf("confirm: %d %s", res.status, res.body)
	}
	e.runJobs()
	if j := e.job(e.super, id); j.State != registry.ImportDone || j.Written != 1 {
		t.Fatalf("after confirm: %+v", j)
	}
}
