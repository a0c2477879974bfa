package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"canvass/engine"
)

// Link management: roles × the unit the links are for.
func TestLinkAuthorization(t *testing.T) {
	e := newLinkEnv(t)
	for _, tc := range []struct {
		name       string
		user       func() *engine.User
		org        string
		wantStatus int
		wantCode   string
	}{
		{"worker_own_unit", func() *engine.User { return e.worker }, "", http.StatusCreated, ""},
		{"supervisor_child_unit", func() *engine.User { return e.supervisor }, grandUnit, http.StatusCreated, ""},
		{"admin_child_unit", func() *engine.User { return e.admin }, childUnit, http.StatusCreated, ""},
		{"admin_sibling_unit", func() *engine.User { return e.admin }, siblingUnit, http.StatusNotFound, engine.ENOTFOUND},
		{"outsider_other_unit", func() *engine.User { return e.outsider }, grandUnit, http.StatusNotFound, engine.ENOTFOUND},
		// The campaign lies outside the outsider's scope: 404 before the unit is looked at.
		{"outsider_own_unit_outside_campaign", func() *engine.User { return e.outsider }, "", http.StatusNotFound, engine.ENOTFOUND},
		{"reviewer", func() *engine.User { return e.reviewer }, "", http.StatusForbidden, engine.EFORBIDDEN},
		{"author", func() *engine.User { return e.author }, "", http.StatusForbidden, engine.EFORBIDDEN},
	} {
		t.Run("create/"+tc.name, func(t *testing.T) {
			check(t, e.makeLinks(tc.user(), map[string]any{"form": householdForm, "orgUnit": tc.org}), tc.wantStatus, tc.wantCode)
		})
	}
	l := e.mustLinks(e.worker, map[string]any{"form": householdForm})[0]
	for _, tc := range []struct {
		name       string
		user       func() *engine.User
		wantStatus int
		wantCode   string
	}{
		{"outsider", func() *engine.User { return e.outsider }, http.StatusNotFound, engine.ENOTFOUND},
		{"reviewer", func() *engine.User { return e.reviewer }, http.StatusForbidden, engine.EFORBIDDEN},
		{"admin_above", func() *engine.User { return e.admin }, http.StatusOK, ""},
		{"again", func() *engine.User { return e.worker }, http.StatusConflict, engine.ECONFLICT},
	} {
		t.Run("revoke/"+tc.name, func(t *testing.T) {
			check(t, e.do(req{method: "POST", target: "/api/v1/links/" + l.ID + "/revoke", header: e.as(tc.user())}), tc.wantStatus, tc.wantCode)
		})
	}
	t.Run("list_scoped", func(t *testing.T) {
		for _, tc := range []struct {
			user *engine.User
			want int
		}{{e.admin, 4}, {e.worker, 3}} {
			res := e.do(req{method: "GET", target: "/api/v1/campaigns/" + householdCampaign + "/links", header: e.as(tc.user)})
			check(t, res, http.StatusOK, "")
			var body struct{ Links []linkJSON }
			res.decode(t, &body)
			if got := len(body.Links); got != tc.want {
				t.Errorf("%s sees %d links, want %d", tc.user.Username, got, tc.want)
			}
		}
		// The outsider's scope and the campaign's do not meet.
		check(t, e.do(req{method: "GET", target: "/api/v1/campaigns/" + householdCampaign + "/links", header: e.as(e.outsider)}), http.StatusNotFound, engine.ENOTFOUND)
	})
}

func TestCloseCampaign(t *testing.T) {
	e := newLinkEnv(t)
	closeAs := func(u *engine.User, reason string) result {
		return e.do(req{method: "POST", target: "/api/v1/campaigns/" + householdCampaign + "/close", json: map[string]string{"reason": reason}, header: e.as(u)})
	}
	check(t, closeAs(e.reviewer, "x"), http.StatusForbidden, engine.EFORBIDDEN)
	check(t, closeAs(e.author, "  "), http.StatusUnprocessableEntity, engine.EINVALID)
	check(t, closeAs(e.author, "样本已满"), http.StatusOK, "")
	check(t, closeAs(e.author, "again"), http.StatusConflict, engine.ECONFLICT)
	// The campaign belongs to the author's unit, above the admin's: the
	// definition-scope rule keeps the admin from closing it.
	check(t, closeAs(e.admin, "again"), http.StatusForbidden, engine.EFORBIDDEN)
	res := e.do(req{method: "POST", target: "/api/v1/records", header: e.as(e.worker),
		json: map[string]any{"campaign": householdCampaign, "form": householdForm, "answers": validAnswers()}})
	check(t, res, http.StatusConflict, engine.ECLOSED)
	if !strings.Contains(res.body, "was closed on 2026-12-06: 样本已满") {
		t.Errorf("message does not say when and why: %s", res.body)
	}
	check(t, e.makeLinks(e.worker, map[string]any{"form": householdForm}), http.StatusConflict, engine.ECLOSED)
	// The signed-in form page says so too, instead of showing the form.
	cookie, _ := e.session("worker")
	page := e.do(req{method: "GET", target: newFormPath(householdCampaign, householdForm), cookies: map[string]string{sessionCookie: cookie}})
	if page.status != http.StatusConflict || strings.Contains(page.body, `name="_action"`) {
		t.Errorf("form page of a closed campaign: got %d, want 409 and no form", page.status)
	}
	if got := e.records(); got != 0 {
		t.Errorf("records: got %d, want 0", got)
	}
}

func TestLinksPrintPageAndNav(t *testing.T) {
	e := newLinkEnv(t)
	cookie, csrf := e.session("worker")
	form := url.Values{"_csrf": {csrf}, "form": {householdForm}, "oneTime": {"on"}, "field": {"respondentName"}, "values": {"户 A-01\n户 A-02\n\n户 A-03\n"}}
	res := e.do(req{method: "POST", target: "/campaigns/" + householdCampaign + "/links/print", body: form.Encode(),
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, cookies: map[string]string{sessionCookie: cookie}})
	check(t, res, http.StatusCreated, "")
	if got, want := strings.Count(res.body, "<svg "), 3; got != want {
		t.Errorf("QR codes: got %d, want %d", got, want)
	}
	for _, v := range []string{"户 A-01", "户 A-02", "户 A-03"} {
		if !strings.Contains(res.body, v) {
			t.Errorf("the sheet lacks %s", v)
		}
	}
	list := e.do(req{method: "GET", target: "/campaigns/" + householdCampaign + "/links", cookies: map[string]string{sessionCookie: cookie}})
	check(t, list, http.StatusOK, "")
	if got := strings.Count(list.body, `data-status="open"`); got != 3 {
		t.Errorf("links listed: got %d, want 3", got)
	}
	for _, tc := range []struct {
		user      string
		want, not []string
	}{
		{"worker", []string{`href="/inbox"`, `href="` + newFormPath(householdCampaign, householdForm) + `"`, `href="/campaigns/` + householdCampaign + `/links"`}, []string{`href="/author"`, `href="/admin/users"`}},
		{"author", []string{`href="/author"`}, []string{`href="/inbox"`, `href="/admin/users"`, newFormPath(householdCampaign, householdForm)}},
		{"admin", []string{`href="/admin/users"`, `href="/admin/audit"`, `href="/finance"`, `href="/author"`}, nil},
	} {
		c, _ := e.session(tc.user)
		home := e.do(req{method: "GET", target: "/", cookies: map[string]string{sessionCookie: c}})
		check(t, home, http.StatusOK, "")
		for _, w := range tc.want {
			if !strings.Contains(home.body, w) {
				t.Errorf("%s home lacks %s", tc.user, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(home.body, n) {
				t.Errorf("%s home shows %s", tc.user, n)
			}
		}
	}
}
