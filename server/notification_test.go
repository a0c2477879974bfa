package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"canvass/engine"
)

// notificationsOf lists u's notifications through the API.
func (e *subsidyEnv) notificationsOf(u *engine.User, query string) notificationsJSON {
	e.t.Helper()
	res := e.api(u, "GET", "/api/v1/notifications"+query, nil)
	check(e.t, res, http.StatusOK, "")
	var out notificationsJSON
	res.decode(e.t, &out)
	return out
}

func TestNotificationsAPI(t *testing.T) {
	e := newSubsidyEnv(t)
	ctx := context.Background()
	r := e.submit(e.worker, "", subsidyAnswers(300))
	if _, err := e.eng.Act(ctx, asActor(e.township), r.ID, engine.Action{Name: "return", Reason: "电话有误"}); err != nil {
		t.Fatal(err)
	}
	// One more of the worker's, made by the store directly, to page over.
	if _, err := e.store.AddNotifications(ctx, []engine.Notification{{ID: "0000000000-old-" + e.worker.ID, UserID: e.worker.ID,
		RecordID: r.ID, Kind: engine.NotifyReminder, Message: "old", CreatedAt: e.clock.Now().Add(-1)}}); err != nil {
		t.Fatal(err)
	}

	got := e.notificationsOf(e.worker, "")
	if len(got.Notifications) != 2 || got.Unread != 2 {
		t.Fatalf("worker: got %+v, want 2 notifications, 2 unread", got)
	}
	returned := got.Notifications[0]
	if returned.Kind != engine.NotifyReturned || returned.RecordID != r.ID || returned.ReadAt != nil {
		t.Errorf("newest: got %+v, want the unread return of %s", returned, r.ID)
	}
	if strings.Contains(returned.Message, "周建华") || strings.Contains(returned.Message, applicantID) {
		t.Errorf("message %q carries personal data", returned.Message)
	}
	if page := e.notificationsOf(e.worker, "?limit=1"); len(page.Notifications) != 1 || page.Next == "" ||
		page.Notifications[0].ID != returned.ID {
		t.Errorf("first page of one: got %+v", page)
	} else if page2 := e.notificationsOf(e.worker, "?limit=1&after="+page.Next); len(page2.Notifications) != 1 ||
		page2.Notifications[0].Message != "old" || page2.Next != "" {
		t.Errorf("second page of one: got %+v", page2)
	}
	if got := e.notificationsOf(e.township, ""); len(got.Notifications) != 0 || got.Unread != 0 {
		t.Errorf("township sees %+v, want none of the worker's", got)
	}

	tests := []struct {
		name       string
		user       *engine.User
		method     string
		target     string
		body       any
		wantStatus int
		wantCode   string
		wantMarked float64
	}{
		{"another user's id marks nothing", e.township, "POST", "/api/v1/notifications/read", map[string]any{"ids": []string{returned.ID}}, 200, "", 0},
		{"another user's mark-all leaves it", e.township, "POST", "/api/v1/notifications/read", map[string]any{}, 200, "", 0},
		{"bad limit", e.worker, "GET", "/api/v1/notifications?limit=many", nil, 422, engine.EINVALID, 0},
		{"unknown field", e.worker, "POST", "/api/v1/notifications/read", map[string]any{"user": e.township.ID}, 422, engine.EINVALID, 0},
		{"own id", e.worker, "POST", "/api/v1/notifications/read", map[string]any{"ids": []string{returned.ID}}, 200, "", 1},
		{"own id again", e.worker, "POST", "/api/v1/notifications/read", map[string]any{"ids": []string{returned.ID}}, 200, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.api(tt.user, tt.method, tt.target, tt.body)
			check(t, res, tt.wantStatus, tt.wantCode)
			if tt.wantStatus == 200 && tt.method == "POST" {
				var out map[string]any
				res.decode(t, &out)
				if out["marked"] != tt.wantMarked {
					t.Errorf("marked: got %v, want %v", out["marked"], tt.wantMarked)
				}
			}
		})
	}
	unread := e.notificationsOf(e.worker, "?unread=1")
	if len(unread.Notifications) != 1 || unread.Notifications[0].Message != "old" || unread.Unread != 1 {
		t.Errorf("worker unread after marking one: got %+v", unread)
	}
	if res := e.do(req{method: "GET", target: "/api/v1/notifications"}); res.status != http.StatusUnauthorized {
		t.Errorf("signed out: got %d, want 401", res.status)
	}
}

func TestNotificationsPage(t *testing.T) {
	e := newSubsidyEnv(t)
	ctx := context.Background()
	r := e.submit(e.worker, "", subsidyAnswers(300))
	if _, err := e.eng.Act(ctx, asActor(e.township), r.ID, engine.Action{Name: "return", Reason: "电话有误"}); err != nil {
		t.Fatal(err)
	}
	cookie, csrf := e.session("worker")
	jar := map[string]string{sessionCookie: cookie}

	res := e.do(req{method: "GET", target: "/notifications?lang=en", cookies: jar})
	check(t, res, http.StatusOK, "")
	for _, want := range []string{`href="/records/` + r.ID + `"`, "Returned for correction", `class="badge"`, "Mark all read"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	tcookie, _ := e.session("township")
	if res := e.do(req{method: "GET", target: "/notifications", cookies: map[string]string{sessionCookie: tcookie}}); strings.Contains(res.body, r.ID) {
		t.Errorf("the township's page shows the worker's notification")
	}

	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantUnread int64
	}{
		{"without the CSRF token", "", http.StatusForbidden, 1},
		{"with the CSRF token", "_csrf=" + csrf, http.StatusSeeOther, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(req{method: "POST", target: "/notifications/read", body: tt.body, cookies: jar,
				header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
			if res.status != tt.wantStatus {
				t.Errorf("status: got %d, want %d", res.status, tt.wantStatus)
			}
			n, err := e.eng.UnreadNotifications(ctx, asActor(e.worker))
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.wantUnread {
				t.Errorf("unread: got %d, want %d", n, tt.wantUnread)
			}
		})
	}
	res = e.do(req{method: "GET", target: "/notifications", cookies: jar})
	if strings.Contains(res.body, `class="badge"`) {
		t.Errorf("the badge shows after marking all read")
	}
}
