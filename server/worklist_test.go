package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"canvass/engine"
	"canvass/engine/worklist"
)

// worklistEnv is a server whose engine has a PII vault and the
// migrant-cleanup campaign (server/testdata/reconcile) published.
type worklistEnv struct {
	*env
	author, worker, township, supervisor *engine.User
	outsider, outsiderWorker             *engine.User // in the sibling district
	tokens                               map[string]string
}

func newWorklistEnv(t *testing.T) *worklistEnv { return newWorklistEnvLimit(t, 0) }

// newWorklistEnvLimit is newWorklistEnv with a request body limit.
func newWorklistEnvLimit(t *testing.T, bodyLimit int) *worklistEnv {
	t.Helper()
	e := newEnv(t, Config{})
	e.withVault(bodyLimit)
	we := &worklistEnv{
		env:            e,
		author:         e.user("author", rootUnit, engine.RoleAuthor),
		worker:         e.user("worker", grandUnit, engine.RoleFieldWorker),
		township:       e.user("township", childUnit, engine.RoleReviewer),
		supervisor:     e.user("super", ownUnit, engine.RoleSupervisor),
		outsider:       e.user("outsider", siblingUnit, engine.RoleSupervisor, engine.RoleReviewer),
		outsiderWorker: e.user("outworker", nephewUnit, engine.RoleFieldWorker),
		tokens:         map[string]string{},
	}
	e.publishFiles(we.author, filepath.Join("testdata", "reconcile"),
		definitionFile{engine.KindForm, "migrant-person", "migrant-person.form.json"},
		definitionFile{engine.KindWorkflow, "registry-check", "registry-check.workflow.yaml"},
		definitionFile{engine.KindCampaign, "migrant-cleanup", "migrant-cleanup.campaign.yaml"})
	return we
}

func (e *worklistEnv) api(u *engine.User, method, target string, body any) result {
	e.t.Helper()
	token, ok := e.tokens[u.ID]
	if !ok {
		token = e.apiToken(u)
		e.tokens[u.ID] = token
	}
	return e.do(req{method: method, target: target, json: body, header: bearer(token)})
}

func (e *worklistEnv) person(name, id, flow, address string) *engine.Record {
	e.t.Helper()
	e.clock.Add(60e9)
	res, err := e.eng.Submit(context.Background(), asActor(e.worker), engine.Submission{CampaignID: "migrant-cleanup", FormID: "migrant-person",
		Answers: map[string]any{"name": name, "idNumber": id, "flow": flow, "address": address}})
	if err != nil {
		e.t.Fatalf("submit %s: %v %v", name, err, engine.ErrorFields(err))
	}
	return res.Record
}

const (
	idWang = "370102198001011237"
	idLi   = "370102197512034524"
	idSun  = "370102198507073312"
)

func TestWorklistAPIDuplicates(t *testing.T) {
	e := newWorklistEnv(t)
	first := e.person("王建国", idWang, "outflow", "东关村1号")
	second := e.person("王建国", idWang, "inflow", "东关村1号")

	var list worklistJSON
	res := e.api(e.worker, "GET", "/api/v1/campaigns/migrant-cleanup/worklist?kind=duplicate", nil)
	check(t, res, http.StatusOK, "")
	res.decode(t, &list)
	if len(list.Items) != 1 || len(list.Items[0].Records) != 2 || list.Items[0].OrgUnit != grandUnit {
		t.Fatalf("worklist %+v", list)
	}
	if strings.Contains(res.body, idWang) || !strings.Contains(res.body, "3701**********1237") {
		t.Fatalf("worklist shows the ID number unmasked or not at all: %s", res.body)
	}
	item := list.Items[0]
	if len(list.Counts) != 1 || list.Counts[0] != (worklistCountJSON{Kind: "duplicate", Status: "open", Count: 1}) {
		t.Fatalf("counts %+v", list.Counts)
	}

	tests := []struct {
		name   string
		u      *engine.User
		method string
		target string
		body   any
		status int
		code   string
	}{
		{"list_bad_kind", e.worker, "GET", "/api/v1/campaigns/migrant-cleanup/worklist?kind=nope", nil, http.StatusUnprocessableEntity, engine.EINVALID},
		{"list_bad_limit", e.worker, "GET", "/api/v1/campaigns/migrant-cleanup/worklist?limit=9999", nil, http.StatusUnprocessableEntity, engine.EINVALID},
		{"list_org_outside_scope", e.worker, "GET", "/api/v1/campaigns/migrant-cleanup/worklist?org=" + siblingUnit, nil, http.StatusNotFound, engine.ENOTFOUND},
		{"item_outside_scope", e.outsider, "GET", "/api/v1/worklist/" + item.ID, nil, http.StatusNotFound, engine.ENOTFOUND},
		{"item_bad_id", e.worker, "GET", "/api/v1/worklist/..%2Fetc", nil, http.StatusNotFound, engine.ENOTFOUND},
		{"merge_outside_scope", e.outsider, "POST", "/api/v1/worklist/" + item.ID + "/merge", decisionJSON{Survivor: first.ID}, http.StatusNotFound, engine.ENOTFOUND},
		{"merge_by_field_worker", e.worker, "POST", "/api/v1/worklist/" + item.ID + "/merge", decisionJSON{Survivor: first.ID}, http.StatusForbidden, engine.EFORBIDDEN},
		{"merge_unknown_field", e.township, "POST", "/api/v1/worklist/" + item.ID + "/merge", map[string]any{"survivor": first.ID, "keep": true}, http.StatusUnprocessableEntity, engine.EINVALID},
		{"merge_stale", e.township, "POST", "/api/v1/worklist/" + item.ID + "/merge", decisionJSON{Survivor: first.ID, Version: 7}, http.StatusConflict, engine.ECONFLICT},
		{"resolve_a_duplicate", e.township, "POST", "/api/v1/worklist/" + item.ID + "/resolve", decisionJSON{Side: "ours"}, http.StatusUnprocessableEntity, engine.EINVALID},
		{"scan_by_field_worker", e.worker, "POST", "/api/v1/campaigns/migrant-cleanup/duplicates/scan", nil, http.StatusForbidden, engine.EFORBIDDEN},
		{"scan_unknown_campaign", e.supervisor, "POST", "/api/v1/campaigns/no-such/duplicates/scan", nil, http.StatusNotFound, engine.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, e.api(tt.u, tt.method, tt.target, tt.body), tt.status, tt.code)
		})
	}

	var scan scanJSON
	res = e.api(e.supervisor, "POST", "/api/v1/campaigns/migrant-cleanup/duplicates/scan", nil)
	check(t, res, http.StatusOK, "")
	res.decode(t, &scan)
	if scan.Groups != 1 {
		t.Fatalf("scan found %d groups, want 1", scan.Groups)
	}

	// The survivor chosen, the other record is marked merged, not deleted.
	var merged worklistItemJSON
	res = e.api(e.township, "POST", "/api/v1/worklist/"+item.ID+"/merge", decisionJSON{Survivor: first.ID, Version: item.Version, Note: "同一人"})
	check(t, res, http.StatusOK, "")
	res.decode(t, &merged)
	if merged.Status != "resolved" || merged.Resolution == nil || merged.Resolution.Survivor != first.ID {
		t.Fatalf("merged %+v", merged)
	}
	rec, err := e.store.GetRecord(context.Background(), second.ID)
	if err != nil || rec.State != engine.StateMerged {
		t.Fatalf("second record after merge: %v %v", rec.State, err)
	}
	check(t, e.api(e.township, "POST", "/api/v1/worklist/"+item.ID+"/dismiss", decisionJSON{Note: "x"}), http.StatusConflict, engine.ECONFLICT)
}

// reconcileUpload is the multipart body of a reconciliation upload.
func reconcileUpload(t *testing.T, file string, content []byte, mapping any) *multipartBody {
	t.Helper()
	m, ok := mapping.(string)
	if !ok {
		b, err := json.Marshal(mapping)
		if err != nil {
			t.Fatal(err)
		}
		m = string(b)
	}
	return &multipartBody{fields: map[string]string{"mapping": m}, field: "file", filename: file, content: content}
}

var policeMapping = worklist.ReconcileMapping{IDNumber: "公民身份号码", Name: "姓名", BirthDate: "出生日期", VillageCode: "村居代码",
	Fields: map[string]string{"flow": "流动类别", "address": "现住址"}}

func TestReconcileAPI(t *testing.T) {
	e := newWorklistEnv(t)
	e.person("王建国", idWang, "outflow", "东关村1号")
	e.person("李秀英", idLi, "outflow", "东关村2号")
	sun := e.person("孙明", idSun, "inflow", "东关村5号")
	police, err := os.ReadFile(filepath.Join("testdata", "reconcile", "police.gb18030.csv"))
	if err != nil {
		t.Fatal(err)
	}
	token := e.apiToken(e.supervisor)
	upload := func(t *testing.T, u string, file string, content []byte, mapping any, lang string) result {
		t.Helper()
		h := bearer(u)
		h["Accept-Language"] = lang
		return e.do(req{method: "POST", target: "/api/v1/campaigns/migrant-cleanup/reconcile", header: h, multipart: reconcileUpload(t, file, content, mapping)})
	}
	missing := policeMapping
	missing.Fields = map[string]string{"flow": "类别"}
	bad := []struct {
		name    string
		token   string
		file    string
		content []byte
		mapping any
		status  int
		code    string
		pointer string
		message string // the field message in the user's language (zh-CN)
	}{
		{"malformed_mapping", token, "p.csv", police, "{not json", http.StatusUnprocessableEntity, engine.EINVALID, "/mapping", ""},
		{"unknown_mapping_key", token, "p.csv", police, `{"id_number":"x","village_code":"y","extra":1}`, http.StatusUnprocessableEntity, engine.EINVALID, "/mapping", ""},
		{"missing_mapped_column", token, "p.csv", police, missing, http.StatusUnprocessableEntity, engine.EINVALID, "/mapping/fields/flow", "文件中没有这一列"},
		{"malformed_file", token, "p.xlsx", []byte("not a zip at all"), policeMapping, http.StatusUnprocessableEntity, engine.EINVALID, "/file", ""},
		{"no_file", token, "", nil, policeMapping, http.StatusUnprocessableEntity, engine.EINVALID, "/file", ""},
		{"field_worker", e.apiToken(e.worker), "p.csv", police, policeMapping, http.StatusForbidden, engine.EFORBIDDEN, "", ""},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			var res result
			if tt.file == "" {
				h := bearer(tt.token)
				res = e.do(req{method: "POST", target: "/api/v1/campaigns/migrant-cleanup/reconcile", header: h,
					multipart: &multipartBody{fields: map[string]string{"mapping": `{"id_number":"a","village_code":"b"}`}}})
			} else {
				res = upload(t, tt.token, tt.file, tt.content, tt.mapping, "en")
			}
			check(t, res, tt.status, tt.code)
			if tt.pointer != "" {
				var body errorBody
				res.decode(t, &body)
				found := false
				for _, f := range body.Error.Fields {
					if f.Pointer == tt.pointer {
						found = true
						if tt.message != "" && f.Message != tt.message {
							t.Errorf("field %s message %q, want %q", f.Pointer, f.Message, tt.message)
						}
					}
				}
				if !found {
					t.Errorf("fields %+v, want one at %s", body.Error.Fields, tt.pointer)
				}
			}
		})
	}
	var runs reconcileRunsJSON
	e.api(e.supervisor, "GET", "/api/v1/campaigns/migrant-cleanup/reconcile/runs", nil).decode(t, &runs)
	if len(runs.Runs) != 0 {
		t.Fatalf("refused uploads stored %d runs", len(runs.Runs))
	}

	res := upload(t, token, "公安户籍.csv", police, policeMapping, "zh-CN")
	check(t, res, http.StatusCreated, "")
	var out reconcileResultJSON
	res.decode(t, &out)
	want := worklist.ReconcileCounts{Rows: 5, Refused: 2, Matched: 2, Same: 1, Differences: 1, OnlyOurs: 1, OnlyTheirs: 1}
	if out.Run.Counts != want || out.Run.Status != worklist.RunDone || out.Run.FileName != "公安户籍.csv" {
		t.Fatalf("run %+v, want counts %+v", out.Run, want)
	}
	if len(out.Problems) != 2 || out.Problems[0].Code != "out_of_scope" || out.Problems[0].Row != 5 ||
		out.Problems[0].Message != "村居不在您的管辖范围内" || out.Problems[1].Code != "unknown_village" {
		t.Fatalf("problems %+v", out.Problems)
	}
	t.Run("same_file_again_is_409", func(t *testing.T) {
		res := upload(t, token, "again.csv", police, policeMapping, "en")
		check(t, res, http.StatusConflict, engine.ECONFLICT)
		if !strings.Contains(res.body, "这个文件已经比对过") {
			t.Errorf("duplicate run message not localized: %s", res.body)
		}
	})

	var list worklistJSON
	e.api(e.worker, "GET", "/api/v1/campaigns/migrant-cleanup/worklist?run="+out.Run.ID, nil).decode(t, &list)
	kinds := map[string]worklistItemJSON{}
	for _, it := range list.Items {
		kinds[it.Kind] = it
	}
	if len(list.Items) != 3 || kinds["only_ours"].Records[0] != sun.ID || kinds["only_theirs"].ExternalRow != 4 || kinds["field_diff"].MatchedBy != "id_number" {
		t.Fatalf("the village's worklist %+v", list.Items)
	}
	var outsiderList worklistJSON
	e.api(e.outsider, "GET", "/api/v1/campaigns/migrant-cleanup/worklist", nil).decode(t, &outsiderList)
	if len(outsiderList.Items) != 0 {
		t.Fatalf("the sibling district sees %d items", len(outsiderList.Items))
	}
	check(t, e.api(e.outsider, "GET", "/api/v1/reconcile/runs/"+out.Run.ID, nil), http.StatusNotFound, engine.ENOTFOUND)

	diff := kinds["field_diff"]
	res = e.api(e.worker, "POST", "/api/v1/worklist/"+diff.ID+"/resolve", decisionJSON{Side: "theirs", Version: diff.Version})
	check(t, res, http.StatusOK, "")
	res = e.api(e.worker, "POST", "/api/v1/worklist/"+kinds["only_theirs"].ID+"/resolve", decisionJSON{Side: "bogus"})
	check(t, res, http.StatusUnprocessableEntity, engine.EINVALID)
	var sum reconcileSummaryJSON
	e.api(e.supervisor, "GET", "/api/v1/reconcile/runs/"+out.Run.ID, nil).decode(t, &sum)
	if sum.Open != 2 || sum.ResolvedBySide["theirs"] != 1 || len(sum.ResolvedBySide) != 1 {
		t.Fatalf("summary %+v", sum)
	}
}

func TestWorklistPages(t *testing.T) {
	e := newWorklistEnv(t)
	e.person("王建国", idWang, "outflow", "东关村1号")
	e.person("王建国", idWang, "inflow", "东关村1号")
	page, err := e.eng.Worklist.Items(context.Background(), asActor(e.worker), worklist.WorklistFilter{}, engine.Page{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("worklist: %v %v", page, err)
	}
	item := page.Items[0]
	workerCookie, workerCSRF := e.session("worker")
	townCookie, townCSRF := e.session("township")
	outCookie, _ := e.session("outsider")
	superCookie, superCSRF := e.session("super")
	get := func(cookie, target string) result {
		return e.do(req{method: "GET", target: target, cookies: map[string]string{sessionCookie: cookie}, header: map[string]string{"Accept-Language": "zh-CN"}})
	}
	post := func(cookie, csrf, target, body string) result {
		if csrf != "" {
			body += "&_csrf=" + csrf
		}
		return e.do(req{method: "POST", target: target, body: body, cookies: map[string]string{sessionCookie: cookie},
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "zh-CN"}})
	}
	views := []struct {
		name   string
		res    result
		status int
		want   []string
	}{
		{"list", get(workerCookie, "/worklist?campaign=migrant-cleanup"), http.StatusOK, []string{"重复登记", "东关村", "/worklist/" + item.ID}},
		{"list_bad_filter", get(workerCookie, "/worklist?campaign=migrant-cleanup&status=nope"), http.StatusOK, []string{"提交的内容有误"}},
		{"item_side_by_side", get(workerCookie, "/worklist/"+item.ID), http.StatusOK, []string{"3701**********1237", "outflow", "inflow", "不一致"}},
		{"item_with_merge_form", get(townCookie, "/worklist/"+item.ID), http.StatusOK, []string{`action="/worklist/` + item.ID + `/merge"`, `name="_csrf"`}},
		{"item_outside_scope", get(outCookie, "/worklist/"+item.ID), http.StatusNotFound, nil},
		{"reconcile_form", get(superCookie, "/reconcile?campaign=migrant-cleanup"), http.StatusOK, []string{`enctype="multipart/form-data"`, `name="field.flow"`}},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			if v.res.status != v.status {
				t.Fatalf("status %d, want %d: %s", v.res.status, v.status, v.res.body)
			}
			for _, s := range v.want {
				if !strings.Contains(v.res.body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			if strings.Contains(v.res.body, idWang) || strings.Contains(v.res.body, "王建国") {
				t.Error("page shows personal data in plain text")
			}
		})
	}
	if res := get(workerCookie, "/worklist/"+item.ID); strings.Contains(res.body, `/merge"`) {
		t.Error("a field worker is offered the merge form")
	}

	decisions := []struct {
		name   string
		cookie string
		csrf   string
		target string
		body   string
		status int
		want   string
	}{
		{"no_csrf", townCookie, "", "/worklist/" + item.ID + "/dismiss", "note=x", http.StatusForbidden, ""},
		{"dismiss_without_reason", townCookie, townCSRF, "/worklist/" + item.ID + "/dismiss", "note=+", http.StatusUnprocessableEntity, "请填写"},
		{"merge_without_survivor", townCookie, townCSRF, "/worklist/" + item.ID + "/merge", "note=x", http.StatusUnprocessableEntity, "请选择一条重复记录"},
		{"field_worker_merge", workerCookie, workerCSRF, "/worklist/" + item.ID + "/merge", "survivor=" + item.RecordIDs[0], http.StatusForbidden, "您的角色不能进行此操作"},
		{"unknown_decision", townCookie, townCSRF, "/worklist/" + item.ID + "/delete", "", http.StatusNotFound, ""},
	}
	for _, d := range decisions {
		t.Run(d.name, func(t *testing.T) {
			res := post(d.cookie, d.csrf, d.target, d.body)
			if res.status != d.status || !strings.Contains(res.body, d.want) {
				t.Fatalf("status %d (want %d), body lacks %q: %s", res.status, d.status, d.want, res.body)
			}
		})
	}
	res := post(townCookie, townCSRF, "/worklist/"+item.ID+"/merge", "version=1&survivor="+item.RecordIDs[0]+"&note=%E5%90%8C%E4%B8%80%E4%BA%BA")
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/worklist/"+item.ID+"?done=merge" {
		t.Fatalf("merge: %d %s", res.status, res.header.Get("Location"))
	}
	if res := get(townCookie, "/worklist/"+item.ID+"?done=merge"); !strings.Contains(res.body, "已合并") || strings.Contains(res.body, `/merge"`) {
		t.Fatalf("after merge the page shows: %s", res.body)
	}

	t.Run("reconcile_upload_page", func(t *testing.T) {
		police, err := os.ReadFile(filepath.Join("testdata", "reconcile", "police.gb18030.csv"))
		if err != nil {
			t.Fatal(err)
		}
		form := func(csrf string) *multipartBody {
			return &multipartBody{fields: map[string]string{"_csrf": csrf, "campaign": "migrant-cleanup", "id_number": "公民身份号码", "name": "姓名",
				"birth_date": "出生日期", "village_code": "村居代码", "field.flow": "流动类别", "field.address": "现住址"},
				field: "file", filename: "<b>名单</b>.csv", content: police}
		}
		res := e.do(req{method: "POST", target: "/reconcile", multipart: form(superCSRF), cookies: map[string]string{sessionCookie: superCookie},
			header: map[string]string{"Accept-Language": "zh-CN"}})
		if res.status != http.StatusOK || !strings.Contains(res.body, "比对结果") || !strings.Contains(res.body, "村居不在您的管辖范围内") {
			t.Fatalf("upload page: %d %s", res.status, res.body)
		}
		if strings.Contains(res.body, "<b>名单</b>") || strings.Contains(res.body, "<script>alert") {
			t.Fatal("a hostile file name or cell reached the page unescaped")
		}
		res = e.do(req{method: "POST", target: "/reconcile", multipart: form(superCSRF), cookies: map[string]string{sessionCookie: superCookie},
			header: map[string]string{"Accept-Language": "zh-CN"}})
		if res.status != http.StatusConflict || !strings.Contains(res.body, "这个文件已经比对过") {
			t.Fatalf("same file again: %d %s", res.status, res.body)
		}
		if res := e.do(req{method: "POST", target: "/reconcile", multipart: form(""), cookies: map[string]string{sessionCookie: superCookie}}); res.status != http.StatusForbidden {
			t.Fatalf("upload without CSRF: %d", res.status)
		}
		runs, _ := e.eng.Worklist.ReconcileRuns(context.Background(), asActor(e.supervisor), "migrant-cleanup")
		if len(runs) != 1 {
			t.Fatalf("%d runs, want 1", len(runs))
		}
		if res := get(outCookie, "/reconcile/runs/"+runs[0].ID); res.status != http.StatusNotFound {
			t.Fatalf("run page outside scope: %d", res.status)
		}
		if res := get(superCookie, "/reconcile/runs/"+runs[0].ID); res.status != http.StatusOK || !strings.Contains(res.body, "仅对方有") {
			t.Fatalf("run page: %d", res.status)
		}

		// The village's field worker verifies the difference on its page.
		diffs, err := e.eng.Worklist.Items(context.Background(), asActor(e.worker), worklist.WorklistFilter{RunID: runs[0].ID, Kinds: []string{worklist.WorkFieldDiff}}, engine.Page{})
		if err != nil || len(diffs.Items) != 1 {
			t.Fatalf("field differences: %v %v", diffs, err)
		}
		diff := diffs.Items[0]
		res = get(workerCookie, "/worklist/"+diff.ID)
		for _, want := range []string{`action="/worklist/` + diff.ID + `/resolve"`, `name="corrected.flow"`, "outflow", "inflow", "对方正确"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("the difference's page lacks %q", want)
			}
		}
		res = post(workerCookie, workerCSRF, "/worklist/"+diff.ID+"/resolve", "side=neither&corrected.flow=away&note=x")
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `<p class="field-error">不是可选的值</p>`) || !strings.Contains(res.body, `value="away"`) {
			t.Fatalf("a bad correction: %d %s", res.status, res.body)
		}
		res = post(workerCookie, workerCSRF, "/worklist/"+diff.ID+"/resolve", "side=theirs&version=1&note=%E5%85%A5%E6%88%B7%E6%A0%B8%E5%AE%9E")
		if res.status != http.StatusSeeOther {
			t.Fatalf("resolve: %d %s", res.status, res.body)
		}
		rec, err := e.store.GetRecord(context.Background(), diff.RecordIDs[0])
		if err != nil || rec.Answers["flow"] != "inflow" || rec.History[len(rec.History)-1].Action != worklist.ActionCorrect {
			t.Fatalf("record after the verification: %v %v", rec.Answers["flow"], err)
		}
		if res := get(workerCookie, "/worklist/"+diff.ID+"?done=resolve&lang=en"); !strings.Contains(res.body, "Theirs was right") || !strings.Contains(res.body, "Flow") {
			t.Fatalf("resolved page in English: %s", res.body)
		}
	})
}

// TestReconcileOversizedUpload sends an upload over the body limit through
// a real socket (Fiber's in-process test refuses such a body itself): 413
// too_large, and no run.
func TestReconcileOversizedUpload(t *testing.T) {
	e := newWorklistEnvLimit(t, 2048)
	token := e.apiToken(e.supervisor)
	addr := serveOnSocket(t, e.srv, nil)
	// Under fasthttp's 4 KiB read buffer, as TestBodyLimit explains.
	body, ctype := reconcileUpload(t, "big.csv", []byte(strings.Repeat("姓名,公民身份号码,村居代码\n", 80)), policeMapping).encode(t)
	r, err := http.NewRequest("POST", "http://"+addr+"/api/v1/campaigns/migrant-cleanup/reconcile", body)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", ctype)
	r.Header.Set("Authorization", "Bearer "+token)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var got errorBody
	if err := json.Unmarshal(b, &got); err != nil || res.StatusCode != http.StatusRequestEntityTooLarge || got.Error.Code != engine.ETOOLARGE {
		t.Fatalf("got %d %s, want 413 too_large", res.StatusCode, b)
	}
	if runs, _ := e.eng.Worklist.ReconcileRuns(context.Background(), asActor(e.supervisor), "migrant-cleanup"); len(runs) != 0 {
		t.Fatalf("an oversized upload stored %d runs", len(runs))
	}
}
