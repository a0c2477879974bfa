package server

import (
	"fmt"
	"slices"
	"testing"

	"canvass/engine"
)

// TestRecordAccessMatrix checks every role, scoped at ownUnit, against a
// record under review in its own unit, a child unit, a sibling unit and
// the parent unit: out of scope is 404 for reads and actions alike and
// never listed; in scope, what the role may do decides between the
// answer and 403.
func TestRecordAccessMatrix(t *testing.T) {
	e := newSubsidyEnv(t)
	// A field worker at the top may file records anywhere in the province.
	filer := e.user("filer", rootUnit, engine.RoleFieldWorker)
	where := map[string]string{}
	for _, unit := range []string{ownUnit, childUnit, siblingUnit, parentUnit} {
		where[unit] = e.submit(filer, unit, subsidyAnswers(500)).ID
	}
	inScope := sortedIDs(where[ownUnit], where[childUnit])

	// What each role gets for a record in its scope: reading it, revealing
	// it, and acting on its task — in its own unit, and in a unit below
	// (a step belongs to the unit it sits in: a reviewer above may read
	// the record but not take the step). The action probe is a return
	// without a reason: a role allowed to act gets as far as the missing
	// reason (422), so the record never changes and every row sees the
	// same one.
	tests := []struct {
		role         string
		reveal, act  int
		actBelow     int
		inboxOwnTask bool
	}{
		{role: engine.RoleAuthor, reveal: 403, act: 403, actBelow: 403},
		{role: engine.RoleFieldWorker, reveal: 403, act: 403, actBelow: 403},
		{role: engine.RoleReviewer, reveal: 200, act: 422, actBelow: 403, inboxOwnTask: true},
		{role: engine.RoleSupervisor, reveal: 200, act: 403, actBelow: 403},
		{role: engine.RoleFinance, reveal: 403, act: 403, actBelow: 403},
		{role: engine.RoleAdmin, reveal: 200, act: 403, actBelow: 403},
	}
	codeOf := func(status int) string {
		switch status {
		case 200:
			return ""
		case 403:
			return engine.EFORBIDDEN
		case 404:
			return engine.ENOTFOUND
		case 422:
			return engine.EINVALID
		}
		return "?"
	}
	for _, tt := range tests {
		u := e.user("m-"+tt.role, ownUnit, tt.role)
		cookie, _ := e.session(u.Username)
		for _, rel := range []struct {
			name, unit string
			visible    bool
		}{
			{"own unit", ownUnit, true},
			{"child unit", childUnit, true},
			{"sibling unit", siblingUnit, false},
			{"parent unit", parentUnit, false},
		} {
			id := where[rel.unit]
			t.Run(fmt.Sprintf("%s/%s", tt.role, rel.name), func(t *testing.T) {
				read, reveal, act := 200, tt.reveal, tt.act
				if rel.unit == childUnit {
					act = tt.actBelow
				}
				if !rel.visible {
					read, reveal, act = 404, 404, 404
				}
				res := e.api(u, "GET", "/api/v1/records/"+id, nil)
				check(t, res, read, codeOf(read))
				res = e.api(u, "POST", "/api/v1/records/"+id+"/reveal", nil)
				check(t, res, reveal, codeOf(reveal))
				res = e.api(u, "POST", "/api/v1/records/"+id+"/actions", map[string]any{"action": "return"})
				check(t, res, act, codeOf(act))
				page := e.do(req{method: "GET", target: "/records/" + id, cookies: map[string]string{sessionCookie: cookie}})
				if got := page.status; got != read {
					t.Errorf("record page: got %d, want %d", got, read)
				}
			})
		}
		t.Run(tt.role+"/lists", func(t *testing.T) {
			res := e.api(u, "GET", "/api/v1/records?total=1", nil)
			check(t, res, 200, "")
			if got := recordIDs(t, res); !slices.Equal(got, inScope) {
				t.Errorf("records: got %v, want %v", got, inScope)
			}
			wantInbox := []string{}
			if tt.inboxOwnTask {
				wantInbox = []string{where[ownUnit]}
			}
			res = e.api(u, "GET", "/api/v1/inbox", nil)
			check(t, res, 200, "")
			if got := recordIDs(t, res); !slices.Equal(got, wantInbox) {
				t.Errorf("inbox: got %v, want %v", got, wantInbox)
			}
			// Naming an org unit outside the scope does not widen it.
			for _, path := range []string{"/api/v1/records?org=" + siblingUnit, "/api/v1/inbox?org=" + parentUnit} {
				check(t, e.api(u, "GET", path, nil), 404, engine.ENOTFOUND)
			}
		})
	}
}
