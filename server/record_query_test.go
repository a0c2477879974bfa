package server

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"canvass/engine"
)

// TestRecordAPIRefusesHostileInput sends what a confused or hostile
// client might: every case gets a clear 4xx with a code, and the field at
// fault where there is one.
func TestRecordAPIRefusesHostileInput(t *testing.T) {
	e := newSubsidyEnv(t)
	id := e.submit(e.worker, "", subsidyAnswers(500)).ID
	token := bearer(e.apiToken(e.township))
	cookie, csrf := e.session("township")
	actions := "/api/v1/records/" + id + "/actions"
	manyStates := "/api/v1/records?state=" + strings.Repeat("a,", maxQueryStates) + "a"

	tests := []struct {
		name       string
		r          req
		wantStatus int
		wantCode   string
		wantFields []string
	}{
		{name: "signed out", r: req{method: "GET", target: "/api/v1/records"}, wantStatus: 401, wantCode: engine.EUNAUTHORIZED},
		{name: "limit too big", r: req{method: "GET", target: "/api/v1/records?limit=1000000"}, wantStatus: 422, wantCode: engine.EINVALID, wantFields: []string{"/limit"}},
		{name: "limit zero", r: req{method: "GET", target: "/api/v1/inbox?limit=0"}, wantStatus: 422, wantCode: engine.EINVALID, wantFields: []string{"/limit"}},
		{name: "limit not a number", r: req{method: "GET", target: "/api/v1/records?limit=ten"}, wantStatus: 422, wantCode: engine.EINVALID, wantFields: []string{"/limit"}},
		{name: "bad cursor", r: req{method: "GET", target: "/api/v1/records?after=%27%3B%20drop%20table"}, wantStatus: 422, wantCode: engine.EINVALID, wantFields: []string{"/after"}},
		{name: "bad date", r: req{method: "GET", target: "/api/v1/records?updatedFrom=yesterday&updatedBefore=2026-13-01"}, wantStatus: 422, wantCode: engine.EINVALID, wantFields: []string{"/updatedFrom", "/updatedBefore"}},
		{name: "bad flag", r: req{method: "GET", target: "/api/v1/records?total=maybe"}, wantStatus: 422, wantCode: engine.EINVALID, wantFields: []string{"/total"}},
		{name: "bad overdue flag", r: req{method: "GET", target: "/api/v1/inbox?overdue=2"}, wantStatus: 422, wantCode: engine.EINVALID, wantFields: []string{"/overdue"}},
		{name: "too many states", r: req{method: "GET", target: manyStates}, wantStatus: 422, wantCode: engine.EINVALID, wantFields: []string{"/state"}},
		{name: "long campaign", r: req{method: "GET", target: "/api/v1/records?campaign=" + strings.Repeat("x", 101)}, wantStatus: 422, wantCode: engine.EINVALID, wantFields: []string{"/campaign"}},
		{name: "unknown org unit", r: req{method: "GET", target: "/api/v1/records?org=999999"}, wantStatus: 404, wantCode: engine.ENOTFOUND},
		{name: "junk record ID", r: req{method: "GET", target: "/api/v1/records/..%2f..%2fetc"}, wantStatus: 404, wantCode: engine.ENOTFOUND},
		{name: "unknown record", r: req{method: "GET", target: "/api/v1/records/01KCA8A8DXWZ9V7NQ1J1Q0N2M3"}, wantStatus: 404, wantCode: engine.ENOTFOUND},
		{name: "action on unknown record", r: req{method: "POST", target: "/api/v1/records/01KCA8A8DXWZ9V7NQ1J1Q0N2M3/actions", json: map[string]any{"action": "approve"}}, wantStatus: 404, wantCode: engine.ENOTFOUND},
		{name: "malformed JSON", r: req{method: "POST", target: actions, body: `{"action": "approve"`, header: map[string]string{"Content-Type": "application/json"}}, wantStatus: 422, wantCode: engine.EINVALID},
		{name: "not JSON", r: req{method: "POST", target: actions, body: "action=approve", header: formHeader}, wantStatus: 422, wantCode: engine.EINVALID},
		{name: "unknown field", r: req{method: "POST", target: actions, json: map[string]any{"action": "approve", "force": true}}, wantStatus: 422, wantCode: engine.EINVALID},
		{name: "version of the wrong type", r: req{method: "POST", target: actions, json: map[string]any{"action": "approve", "version": "1"}}, wantStatus: 422, wantCode: engine.EINVALID},
		{name: "unknown action", r: req{method: "POST", target: actions, json: map[string]any{"action": "explode"}}, wantStatus: 422, wantCode: engine.EINVALID, wantFields: []string{"/action"}},
		{name: "negative version", r: req{method: "POST", target: actions, json: map[string]any{"action": "approve", "version": -1}}, wantStatus: 422, wantCode: engine.EINVALID, wantFields: []string{"/version"}},
		{name: "reassign to nobody", r: req{method: "POST", target: actions, json: map[string]any{"action": "reassign", "to": "nobody"}}, wantStatus: 422, wantCode: engine.EINVALID, wantFields: []string{"/to"}},
		{name: "stale version", r: req{method: "POST", target: actions, json: map[string]any{"action": "approve", "version": 7}}, wantStatus: 409, wantCode: engine.ECONFLICT},
		{name: "cookie without CSRF token", r: req{method: "POST", target: actions, json: map[string]any{"action": "approve"}, cookies: map[string]string{sessionCookie: cookie}}, wantStatus: 403, wantCode: engine.EFORBIDDEN},
		{name: "cookie with CSRF token, unknown action", r: req{method: "POST", target: actions, json: map[string]any{"action": "approve!"}, cookies: map[string]string{sessionCookie: cookie}, header: map[string]string{headerCSRF: csrf}}, wantStatus: 422, wantCode: engine.EINVALID, wantFields: []string{"/action"}},
		{name: "GET on actions", r: req{method: "GET", target: actions}, wantStatus: 405, wantCode: codeMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.r.cookies == nil && tt.wantStatus != 401 {
				h := map[string]string{}
				maps.Copy(h, tt.r.header)
				maps.Copy(h, token)
				tt.r.header = h
			}
			res := e.do(tt.r)
			check(t, res, tt.wantStatus, tt.wantCode)
			if got := errPointers(res); tt.wantFields != nil && !slices.Equal(got, tt.wantFields) {
				t.Errorf("fields: got %v, want %v", got, tt.wantFields)
			}
		})
	}
	// None of it changed the record.
	if r := e.record(e.township, id); r.Version != 1 || r.State != "township_review" {
		t.Fatalf("after the hostile requests: version %d state %s, want 1 township_review", r.Version, r.State)
	}
}

// TestRecordListPagingAndFilters pages through the records with a small
// limit and checks the filters and counts.
func TestRecordListPagingAndFilters(t *testing.T) {
	e := newSubsidyEnv(t)
	var all []string
	for i := range 5 {
		all = append(all, e.submit(e.worker, "", subsidyAnswers(100+i)).ID)
	}
	other := e.user("worker2", childUnit, engine.RoleFieldWorker)
	townRecord := e.submit(other, "", subsidyAnswers(700)).ID
	all = append(all, townRecord)
	slices.Sort(all)

	// Return one, so the state filter has something to tell apart.
	res := e.api(e.township, "POST", "/api/v1/records/"+all[0]+"/actions", map[string]any{"action": "return", "reason": "缺少材料"})
	check(t, res, 200, "")

	var seen []string
	target := "/api/v1/records?limit=2&total=1"
	for pages := 0; target != ""; pages++ {
		if pages > 5 {
			t.Fatalf("paging does not end: %v", seen)
		}
		res := e.api(e.district, "GET", target, nil)
		check(t, res, 200, "")
		var page recordsJSON
		res.decode(t, &page)
		if page.Total == nil || *page.Total != int64(len(all)) {
			t.Fatalf("total: got %v, want %d", page.Total, len(all))
		}
		for _, r := range page.Records {
			seen = append(seen, r.ID)
			if r.History != nil {
				t.Errorf("a list item carries its history")
			}
		}
		target = ""
		if page.Next != "" {
			target = "/api/v1/records?limit=2&total=1&after=" + page.Next
		}
	}
	if !slices.Equal(seen, all) {
		t.Fatalf("paged: got %v, want %v", seen, all)
	}

	tests := []struct {
		query string
		want  []string
	}{
		{"state=returned", all[:1]},
		{"state=returned,approved", all[:1]},
		{"state=approved&state=returned", all[:1]},
		{"org=" + grandUnit, withoutID(all, townRecord)},
		{"org=" + childUnit, all},
		{"campaign=subsidy-2026&form=subsidy-application", all},
		{"campaign=another", []string{}},
		{"updatedFrom=2026-12-06", all},
		{"updatedBefore=2026-12-06", []string{}},
		{"updatedBefore=2026-12-07T00:00:00%2B08:00", all},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res := e.api(e.district, "GET", "/api/v1/records?"+tt.query, nil)
			check(t, res, 200, "")
			if got := recordIDs(t, res); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func withoutID(ids []string, drop string) []string {
	var out []string
	for _, id := range ids {
		if id != drop {
			out = append(out, id)
		}
	}
	return out
}

// TestInboxCountsAndOverdue checks the inbox's counts and its overdue
// filter as the clock moves past the due time.
func TestInboxCountsAndOverdue(t *testing.T) {
	e := newSubsidyEnv(t)
	early := e.submit(e.worker, "", subsidyAnswers(300)).ID
	e.clock.Add(48 * time.Hour) // two days later
	late := e.submit(e.worker, "", subsidyAnswers(400)).ID
	e.clock.Add(36 * time.Hour) // the first is now overdue, the second not
	tests := []struct {
		query          string
		want           []string
		total, overdue int64
	}{
		{"", sortedIDs(early, late), 2, 1},
		{"overdue=1", []string{early}, 1, 1},
		{"limit=1", []string{early}, 2, 1},
		{"state=returned", []string{}, 0, 0},
		{"org=" + childUnit, sortedIDs(early, late), 2, 1},
		{"org=" + grandUnit, []string{}, 0, 0}, // the tasks sit at the township
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res := e.api(e.township, "GET", "/api/v1/inbox?"+tt.query, nil)
			check(t, res, 200, "")
			var box inboxJSON
			res.decode(t, &box)
			if got := recordIDs(t, res); !slices.Equal(got, tt.want) || box.Total != tt.total || box.Overdue != tt.overdue {
				t.Errorf("got %v total %d overdue %d, want %v total %d overdue %d", got, box.Total, box.Overdue, tt.want, tt.total, tt.overdue)
			}
		})
	}
	res := e.api(e.township, "GET", "/api/v1/inbox?limit=1", nil)
	var box inboxJSON
	res.decode(t, &box)
	if box.Next == "" {
		t.Fatalf("a first page of one of two tasks has no next cursor")
	}
	res = e.api(e.township, "GET", fmt.Sprintf("/api/v1/inbox?limit=1&after=%s", box.Next), nil)
	if got := recordIDs(t, res); !slices.Equal(got, []string{late}) {
		t.Errorf("second page: got %v, want %v", got, []string{late})
	}
}
