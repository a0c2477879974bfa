package server

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"canvass/engine"
)

const evaluatePath = "/api/v1/campaigns/" + householdCampaign + "/forms/" + householdForm + "/evaluate"

func TestEvaluateAPI(t *testing.T) {
	e := newFormEnv(t)
	cookie, csrf := e.session("worker")
	worker := e.as(e.worker)
	// Skip logic (children only with hasChildren), a calculation per row
	// and a bad ID number.
	answers := map[string]any{"answers": map[string]any{
		"respondentId": badCheckID, "hasChildren": true,
		"children": []any{map[string]any{"childBirthDate": "2020-03-01"}},
		"address":  map[string]any{"township": "370102002"},
	}}
	runSteps(t, e.env, []apiStep{
		{name: "skip logic, calculation and a bad ID in Chinese", req: req{method: "POST", target: evaluatePath, json: answers, header: worker},
			status: 200, contains: []string{
				`"/children":true`, `"/children/0/childAge":6`, `"/children/0/childName":true`,
				`{"pointer":"/respondentId","code":"format_resident_id","message":"身份证号码校验位不对，请逐位核对"}`,
				`"/address/village":["370102002001"]`, `"reasons":{"/respondentId":"check_digit"}`,
			}},
		{name: "English on request", req: req{method: "POST", target: evaluatePath, json: answers, header: mergeHeaders(worker, map[string]string{"Accept-Language": "en-US,en;q=0.9"})},
			status: 200, contains: []string{`"pointer":"/respondentId","code":"format_resident_id","message":"`}},
		{name: "children do not apply without children", req: req{method: "POST", target: evaluatePath, header: worker,
			json: map[string]any{"answers": map[string]any{"hasChildren": false, "respondentId": headID}}},
			status: 200, contains: []string{`"/children":false`, `"/respondentAge":46`}},
		{name: "no answers at all", req: req{method: "POST", target: evaluatePath, header: worker, json: map[string]any{}},
			status: 200, contains: []string{`"pointer":"/respondentName","code":"required"`}},
		{name: "an admin may evaluate", req: req{method: "POST", target: evaluatePath, json: answers, header: e.as(e.admin)}, status: 200},
		{name: "a reviewer fills in no forms", req: req{method: "POST", target: evaluatePath, json: answers, header: e.as(e.reviewer)}, status: 403, code: engine.EFORBIDDEN},
		{name: "another district's worker", req: req{method: "POST", target: evaluatePath, json: answers, header: e.as(e.outsider)}, status: 404, code: engine.ENOTFOUND},
		{name: "unknown campaign", req: req{method: "POST", target: "/api/v1/campaigns/nope/forms/" + householdForm + "/evaluate", json: answers, header: worker}, status: 404, code: engine.ENOTFOUND},
		{name: "a form the campaign does not collect", req: req{method: "POST", target: "/api/v1/campaigns/" + householdCampaign + "/forms/tiny/evaluate", json: answers, header: worker}, status: 404, code: engine.ENOTFOUND},
		{name: "a version that does not exist", req: req{method: "POST", target: evaluatePath + "?version=7", json: answers, header: worker}, status: 404, code: engine.ENOTFOUND},
		{name: "a version that is no number", req: req{method: "POST", target: evaluatePath + "?version=x", json: answers, header: worker}, status: 422, code: engine.EINVALID},
		{name: "unauthenticated", req: req{method: "POST", target: evaluatePath, json: answers}, status: 401, code: engine.EUNAUTHORIZED},
		{name: "cookie without CSRF token", req: req{method: "POST", target: evaluatePath, json: answers, cookies: map[string]string{sessionCookie: cookie}}, status: 403, code: engine.EFORBIDDEN},
		{name: "cookie with CSRF token", req: req{method: "POST", target: evaluatePath, json: answers, cookies: map[string]string{sessionCookie: cookie}, header: map[string]string{headerCSRF: csrf}}, status: 200},
		{name: "malformed JSON", req: req{method: "POST", target: evaluatePath, body: `{"answers": {`, header: mergeHeaders(worker, jsonHeader)}, status: 422, code: engine.EINVALID},
		{name: "unknown top-level field", req: req{method: "POST", target: evaluatePath, body: `{"answer": {}}`, header: mergeHeaders(worker, jsonHeader)}, status: 422, code: engine.EINVALID},
		{name: "answers of the wrong type", req: req{method: "POST", target: evaluatePath, body: `{"answers": [1]}`, header: mergeHeaders(worker, jsonHeader)}, status: 422, code: engine.EINVALID},
	})
	if n := e.records(); n != 0 {
		t.Errorf("evaluate stored %d records, want none", n)
	}
}

var jsonHeader = map[string]string{"Content-Type": "application/json"}

func mergeHeaders(hs ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, h := range hs {
		for k, v := range h {
			out[k] = v
		}
	}
	return out
}

// TestEvaluateEnglish checks the English message itself, which the
// scenario above only finds by its code.
func TestEvaluateEnglish(t *testing.T) {
	e := newFormEnv(t)
	for _, tt := range []struct {
		name   string
		target string
		header map[string]string
	}{
		{name: "Accept-Language", target: evaluatePath, header: map[string]string{"Accept-Language": "en"}},
		{name: "?lang=en", target: evaluatePath + "?lang=en", header: map[string]string{"Accept-Language": "zh-CN"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(req{method: "POST", target: tt.target, header: mergeHeaders(e.as(e.worker), tt.header),
				json: map[string]any{"answers": map[string]any{"respondentId": badCheckID}}})
			check(t, res, 200, "")
			var st stateJSON
			res.decode(t, &st)
			i := slices.IndexFunc(st.Errors, func(f engine.FieldError) bool { return f.Pointer == "/respondentId" })
			if i < 0 || !strings.Contains(strings.ToLower(st.Errors[i].Message), "check") {
				t.Errorf("errors: got %+v, want an English message about the check character", st.Errors)
			}
		})
	}
}

func TestSubmitAPI(t *testing.T) {
	e := newFormEnv(t)
	cookie, csrf := e.session("worker")
	worker := e.as(e.worker)
	const id = "6f1c2b7e-0d4a-4e8b-9c3f-5a2d1e0b7c94"
	body := func(id string, answers map[string]any) map[string]any {
		return map[string]any{"id": id, "campaign": householdCampaign, "form": householdForm, "answers": answers}
	}
	changed := validAnswers()
	changed["householdSize"] = 4
	invalid := validAnswers()
	invalid["respondentId"] = badCheckID
	invalid["householdSize"] = 0
	delete(invalid, "respondentName")
	longNote := validAnswers()
	longNote["note"] = strings.Repeat("长", 100_000)
	deep := strings.Repeat(`{"a":`, 5_000) + `1` + strings.Repeat(`}`, 5_000)

	runSteps(t, e.env, []apiStep{
		{name: "invalid answers: every field error, in Chinese", req: req{method: "POST", target: "/api/v1/records", json: body(id, invalid), header: worker},
			status: 422, code: engine.EINVALID,
			fields:   []string{"/householdSize:min", "/respondentId:format_resident_id", "/respondentName:required"},
			contains: []string{"身份证号码校验位不对，请逐位核对"}},
		{name: "invalid answers in English", req: req{method: "POST", target: "/api/v1/records", json: body(id, invalid), header: mergeHeaders(worker, map[string]string{"Accept-Language": "en"})},
			status: 422, code: engine.EINVALID, fields: []string{"/householdSize:min", "/respondentId:format_resident_id", "/respondentName:required"}},
		{name: "created", req: req{method: "POST", target: "/api/v1/records", json: body(id, validAnswers()), header: worker},
			status: 201, contains: []string{`{"id":"` + id + `","state":"township_review","version":1,"formVersion":1,"replayed":false}`}},
		{name: "the same again is a replay", req: req{method: "POST", target: "/api/v1/records", json: body(id, validAnswers()), header: worker},
			status: 200, contains: []string{`{"id":"` + id + `","state":"township_review","version":1,"formVersion":1,"replayed":true}`}},
		{name: "the same ID with other answers", req: req{method: "POST", target: "/api/v1/records", json: body(id, changed), header: worker},
			status: 409, code: engine.ECONFLICT},
		{name: "a draft", req: req{method: "POST", target: "/api/v1/records", header: worker,
			json: map[string]any{"id": "01JF0000000000000000000001", "campaign": householdCampaign, "form": householdForm, "answers": map[string]any{"respondentName": "钱"}, "draft": true}},
			status: 201, contains: []string{`"state":"draft"`}},
		{name: "an admin submits for a unit in scope", req: req{method: "POST", target: "/api/v1/records", header: e.as(e.admin),
			json: map[string]any{"campaign": householdCampaign, "form": householdForm, "orgUnit": grandUnit, "answers": validAnswers()}},
			status: 201},
		{name: "a unit outside the worker's scope", req: req{method: "POST", target: "/api/v1/records", header: worker,
			json: map[string]any{"campaign": householdCampaign, "form": householdForm, "orgUnit": nephewUnit, "answers": validAnswers()}},
			status: 404, code: engine.ENOTFOUND},
		{name: "a worker whose unit the campaign does not cover", req: req{method: "POST", target: "/api/v1/records", json: body("", validAnswers()), header: e.as(e.outsider)},
			status: 422, code: engine.EINVALID, fields: []string{"/orgUnit:out_of_campaign"}},
		{name: "unknown campaign", req: req{method: "POST", target: "/api/v1/records", header: worker,
			json: map[string]any{"campaign": "nope", "form": householdForm, "answers": validAnswers()}}, status: 404, code: engine.ENOTFOUND},
		{name: "a reviewer submits nothing", req: req{method: "POST", target: "/api/v1/records", json: body("", validAnswers()), header: e.as(e.reviewer)},
			status: 403, code: engine.EFORBIDDEN},
		{name: "an author submits nothing", req: req{method: "POST", target: "/api/v1/records", json: body("", validAnswers()), header: e.as(e.author)},
			status: 403, code: engine.EFORBIDDEN},
		{name: "unauthenticated", req: req{method: "POST", target: "/api/v1/records", json: body("", validAnswers())}, status: 401, code: engine.EUNAUTHORIZED},
		{name: "cookie without CSRF token", req: req{method: "POST", target: "/api/v1/records", json: body("", validAnswers()), cookies: map[string]string{sessionCookie: cookie}},
			status: 403, code: engine.EFORBIDDEN},
		{name: "cookie with CSRF token", req: req{method: "POST", target: "/api/v1/records", json: body("", validAnswers()), cookies: map[string]string{sessionCookie: cookie}, header: map[string]string{headerCSRF: csrf}},
			status: 201},
		// Hostile input: a clear 4xx, never a 500.
		{name: "an ID that is no UUID or ULID", req: req{method: "POST", target: "/api/v1/records", json: body(strings.Repeat("x", 5000), validAnswers()), header: worker},
			status: 422, code: engine.EINVALID, fields: []string{"/id:pattern"}},
		{name: "malformed JSON", req: req{method: "POST", target: "/api/v1/records", body: `{"campaign": "household-2026",,}`, header: mergeHeaders(worker, jsonHeader)},
			status: 422, code: engine.EINVALID, contains: []string{"malformed JSON"}},
		{name: "JSON cut short", req: req{method: "POST", target: "/api/v1/records", body: `{"campaign": "household-2026",`, header: mergeHeaders(worker, jsonHeader)},
			status: 422, code: engine.EINVALID, contains: []string{"cut short"}},
		{name: "not JSON at all", req: req{method: "POST", target: "/api/v1/records", body: `campaign=household-2026`, header: mergeHeaders(worker, formHeader)},
			status: 422, code: engine.EINVALID},
		{name: "unknown top-level field", req: req{method: "POST", target: "/api/v1/records", body: `{"campaign": "household-2026", "answerz": {}}`, header: mergeHeaders(worker, jsonHeader)},
			status: 422, code: engine.EINVALID, contains: []string{`unknown field \"answerz\"`}},
		{name: "answers of the wrong type", req: req{method: "POST", target: "/api/v1/records", body: `{"campaign": "household-2026", "form": "household-visit", "answers": "all"}`, header: mergeHeaders(worker, jsonHeader)},
			status: 422, code: engine.EINVALID, contains: []string{"answers has the wrong type"}},
		{name: "draft of the wrong type", req: req{method: "POST", target: "/api/v1/records", body: `{"campaign": "household-2026", "draft": "yes"}`, header: mergeHeaders(worker, jsonHeader)},
			status: 422, code: engine.EINVALID},
		{name: "answers of the wrong types inside", req: req{method: "POST", target: "/api/v1/records", header: worker,
			json: body("", map[string]any{"respondentName": 7, "respondentId": []any{headID}, "hasChildren": "yes", "children": "many", "address": 3})},
			status: 422, code: engine.EINVALID, fields: []string{"/address:type", "/hasChildren:type", "/respondentId:type", "/respondentName:type"}},
		{name: "deeply nested JSON", req: req{method: "POST", target: "/api/v1/records", body: `{"campaign": "household-2026", "answers": {"note": ` + deep + `}}`, header: mergeHeaders(worker, jsonHeader)},
			status: 422, code: engine.EINVALID, contains: []string{"nests deeper than 32 levels"}},
		{name: "nested junk in a draft, which is stored unchecked", req: req{method: "POST", target: "/api/v1/records", header: mergeHeaders(worker, jsonHeader),
			body: `{"campaign": "household-2026", "form": "household-visit", "draft": true, "answers": {"note": ` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}}`},
			status: 422, code: engine.EINVALID},
		{name: "a huge string where the form allows 200 characters", req: req{method: "POST", target: "/api/v1/records", json: body("", longNote), header: worker},
			status: 422, code: engine.EINVALID, fields: []string{"/note:max_length"}},
		{name: "unknown answers are dropped, not stored", req: req{method: "POST", target: "/api/v1/records", header: worker,
			json: body("7d3e8f60-1b2c-4d5e-8f90-a1b2c3d4e5f6", mergeAnswers(validAnswers(), map[string]any{"password": "x", "children2": []any{1}}))},
			status: 201},
	})
	if n := e.records(); n != 5 {
		t.Errorf("records stored: got %d, want 5 (the good ones only)", n)
	}
	view, err := e.eng.GetRecord(t.Context(), &engine.Actor{User: e.worker}, "7d3e8f60-1b2c-4d5e-8f90-a1b2c3d4e5f6")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := view.Answers["password"]; ok {
		t.Errorf("an unknown answer was stored: %v", view.Answers)
	}
	if got := view.Answers["respondentId"]; got != "3701**********1237" {
		t.Errorf("stored ID number shows as %v, want it masked", got)
	}
}

func mergeAnswers(a, b map[string]any) map[string]any {
	for k, v := range b {
		a[k] = v
	}
	return a
}

// TestSubmitClosedCampaign: after the campaign's last day the API answers
// the status the table gives closed (409) with the code closed and a
// message that says when it closed.
func TestSubmitClosedCampaign(t *testing.T) {
	e := newFormEnv(t)
	e.clock.Add(30 * 24 * time.Hour) // 4 January 2027
	res := e.do(req{method: "POST", target: "/api/v1/records", header: e.as(e.worker),
		json: map[string]any{"campaign": householdCampaign, "form": householdForm, "answers": validAnswers()}})
	check(t, res, http.StatusConflict, engine.ECLOSED)
	if !strings.Contains(res.body, "closed on 2026-12-31") {
		t.Errorf("message: got %s, want it to say when the campaign closed", res.body)
	}
	if n := e.records(); n != 0 {
		t.Errorf("records: got %d, want none", n)
	}
}

// TestBodyLimitOnFormRoutes sends bodies over the limit through a real
// socket: app.Test reports fasthttp's refusal as an error instead of the
// response. The limit is small so the body stays within fasthttp's read
// buffer (see TestBodyLimit).
func TestBodyLimitOnFormRoutes(t *testing.T) {
	e := newFormEnv(t)
	e.srv = New(Config{App: e.eng, Now: e.clock.Now, BodyLimit: 2048})
	addr := serveOnSocket(t, e.srv, nil)
	big := `{"campaign": "household-2026", "form": "household-visit", "answers": {"note": "` + strings.Repeat("x", 3000) + `"}}`
	for _, tt := range []struct{ method, path, ctype string }{
		{"POST", "/api/v1/records", "application/json"},
		{"POST", evaluatePath, "application/json"},
		{"PUT", "/api/v1/definitions/form/tiny", "application/json"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			r, err := http.NewRequest(tt.method, "http://"+addr+tt.path, strings.NewReader(big))
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("Content-Type", tt.ctype)
			r.Header.Set("Authorization", "Bearer "+e.tokens["worker"])
			client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			res, err := client.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			var got errorBody
			if err := json.Unmarshal(b, &got); err != nil || res.StatusCode != http.StatusRequestEntityTooLarge || got.Error.Code != engine.ETOOLARGE {
				t.Errorf("got %d %s, want 413 too_large", res.StatusCode, b)
			}
		})
	}
	if n := e.records(); n != 0 {
		t.Errorf("records: got %d, want none", n)
	}
}

func TestJSONDepth(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{``, 0}, {`1`, 0}, {`{}`, 1}, {`{"a": [1, {"b": []}]}`, 4}, {`[[[]]] [[]]`, 3},
		{`{"a": "[[[[{{{{"}`, 1}, {`{"a": "\\"}`, 1}, {`{"a": "\"[[["}`, 1}, {`["\\", [[]]]`, 3},
		{`]]]][`, 0}, // not JSON: the decoder refuses it after
	}
	for _, tt := range tests {
		if got := jsonDepth([]byte(tt.in)); got != tt.want {
			t.Errorf("jsonDepth(%s): got %d, want %d", tt.in, got, tt.want)
		}
	}
}

// TestSubmitTwinsAtOnce: the same submission sent 50 times at once (a
// phone's sync queue retrying over a flaky link) makes one record, one
// 201 and one audit event; the 49 others are 200 replays of it. The
// fixture clock stands still, so every twin reads the same instant.
func TestSubmitTwinsAtOnce(t *testing.T) {
	e := newFormEnv(t)
	const n = 50
	const id = "0b8e4f7a-3c21-4d9e-8a6b-2f1c0d9e8a7b"
	body := map[string]any{"id": id, "campaign": householdCampaign, "form": householdForm, "answers": validAnswers()}
	results := e.doAtOnce(n, func(int) req {
		return req{method: "POST", target: "/api/v1/records", json: body, header: e.as(e.worker)}
	})
	statuses := map[int]int{}
	for i, res := range results {
		statuses[res.status]++
		var got receiptJSON
		if err := json.Unmarshal([]byte(res.body), &got); err != nil || got.ID != id {
			t.Errorf("answer %d: %d %s, want a receipt for %s", i, res.status, res.body, id)
			continue
		}
		if want := res.status == http.StatusOK; got.Replayed != want {
			t.Errorf("answer %d: status %d with replayed %v", i, res.status, got.Replayed)
		}
	}
	if want := map[int]int{http.StatusCreated: 1, http.StatusOK: n - 1}; !maps.Equal(statuses, want) {
		t.Errorf("statuses: got %v, want %v", statuses, want)
	}
	if got := e.records(); got != 1 {
		t.Errorf("records stored: got %d, want 1", got)
	}
	if got := auditCount(t, e.env, "record.submit", id); got != 1 {
		t.Errorf("record.submit audit events: got %d, want 1", got)
	}
}

// auditCount is how many audit events of action name the object id.
func auditCount(t *testing.T, e *env, action, id string) int {
	t.Helper()
	page, err := e.store.ListAudit(context.Background(), engine.AuditFilter{Action: action, ObjectID: id}, engine.Page{Limit: engine.MaxPageLimit})
	if err != nil {
		t.Fatal(err)
	}
	return len(page.Events)
}
