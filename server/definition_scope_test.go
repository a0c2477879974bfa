package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"canvass/engine"
)

// scopeWorld is a server with definitions owned by ownUnit (the district)
// and authors, admins and other roles placed at ownUnit and around it.
type scopeWorld struct {
	*env
	owner   *engine.User            // the author at ownUnit who made everything
	actors  map[string]*engine.User // "<role>/<position>"
	tokens  map[string]string       // username → API token
	cookies map[string][2]string    // username → session cookie, CSRF token
}

// positions place a user relative to the owner, ownUnit.
var positions = []struct{ name, unit string }{
	{"own", ownUnit}, {"child", childUnit}, {"sibling", siblingUnit}, {"parent", parentUnit},
}

func newScopeWorld(t *testing.T) *scopeWorld {
	t.Helper()
	e := newEnv(t, Config{})
	e.withVault(0)
	w := &scopeWorld{env: e, actors: map[string]*engine.User{}, tokens: map[string]string{}, cookies: map[string][2]string{}}
	w.owner = e.user("owner", ownUnit, engine.RoleAuthor)
	for _, role := range []string{engine.RoleAuthor, engine.RoleAdmin} {
		for _, p := range positions {
			w.actors[role+"/"+p.name] = e.user(role+"-"+p.name, p.unit, role)
		}
	}
	w.actors["field_worker/own"] = e.user("worker-own", ownUnit, engine.RoleFieldWorker)
	w.actors["finance/own"] = e.user("finance-own", ownUnit, engine.RoleFinance)
	for _, u := range w.actors {
		w.tokens[u.Username] = e.apiToken(u)
		cookie, csrf := e.pageSession(u.Username)
		w.cookies[u.Username] = [2]string{cookie, csrf}
	}
	w.tokens[w.owner.Username] = e.apiToken(w.owner)
	// The district's own form, workflow and campaign.
	e.publishSource(w.owner, engine.KindForm, "scoped", "scoped.form.json", []byte(strings.ReplaceAll(tinyForm, `"tiny"`, `"scoped"`)))
	e.publishSource(w.owner, engine.KindForm, householdForm, "household-visit.form.json", readTestdata(t, "household-visit.form.json"))
	e.publishSource(w.owner, engine.KindWorkflow, householdWorkflow, "household-review.workflow.yaml", readTestdata(t, "household-review.workflow.yaml"))
	return w
}

// draft saves the next draft of the owner's form "scoped" and returns its
// version.
func (w *scopeWorld) draft(t *testing.T) int {
	t.Helper()
	res, err := w.eng.SaveDraft(t.Context(), asActor(w.owner), engine.KindForm, "scoped", "scoped.form.json",
		[]byte(strings.ReplaceAll(tinyForm, `"tiny"`, `"scoped"`)))
	if err != nil {
		t.Fatal(err)
	}
	return res.Definition.Version
}

// campaign publishes a new campaign of the owner over ownUnit and returns
// its ID.
func (w *scopeWorld) campaign(t *testing.T, id string) string {
	t.Helper()
	src := strings.Replace(string(readTestdata(t, "household-2026.campaign.yaml")), "id: household-2026", "id: "+id, 1)
	w.publishSource(w.owner, engine.KindCampaign, id, id+".campaign.yaml", []byte(src))
	return id
}

// TestDefinitionScopeMatrix tries every definition route as every role at
// every position around the owner of the definition: the owner's unit, a
// unit below it, a sibling and the unit above. Authors and admins see what
// overlaps their subtree, change only what lies in it; a sibling learns
// nothing (404); other roles are refused (403).
func TestDefinitionScopeMatrix(t *testing.T) {
	w := newScopeWorld(t)
	// expected status by position, for authors and admins.
	see := map[string]int{"own": 200, "child": 200, "sibling": 404, "parent": 200}
	edit := map[string]int{"own": 200, "child": 403, "sibling": 404, "parent": 200}
	publishPage := map[string]int{"own": 303, "child": 403, "sibling": 404, "parent": 303}
	listed := map[string]bool{"own": true, "child": true, "sibling": false, "parent": true}

	n := 0
	routes := []struct {
		name string
		// try runs the route as u and returns the response; expect is the
		// status for an author or admin at pos.
		try    func(t *testing.T, u *engine.User) result
		expect func(pos string) int
		check  func(t *testing.T, pos string, res result)
	}{
		{"GET /api/v1/definitions", func(t *testing.T, u *engine.User) result {
			return w.do(req{method: "GET", target: "/api/v1/definitions?kind=form&id=scoped", header: bearer(w.tokens[u.Username])})
		}, func(string) int { return 200 }, func(t *testing.T, pos string, res result) {
			if got := strings.Contains(res.body, `"scoped"`); got != listed[pos] {
				t.Errorf("lists the district's form: got %v, want %v", got, listed[pos])
			}
		}},
		{"GET /api/v1/definitions/:kind/:id/versions/:version", func(t *testing.T, u *engine.User) result {
			return w.do(req{method: "GET", target: "/api/v1/definitions/form/scoped/versions/1", header: bearer(w.tokens[u.Username])})
		}, func(pos string) int { return see[pos] }, nil},
		{"PUT /api/v1/definitions/:kind/:id", func(t *testing.T, u *engine.User) result {
			return w.do(req{method: "PUT", target: "/api/v1/definitions/form/scoped?filename=scoped.form.json", header: bearer(w.tokens[u.Username]),
				body: strings.ReplaceAll(tinyForm, `"tiny"`, `"scoped"`)})
		}, func(pos string) int { return edit[pos] }, nil},
		{"POST /api/v1/definitions/:kind/:id/versions/:version/publish", func(t *testing.T, u *engine.User) result {
			v := w.draft(t)
			return w.do(req{method: "POST", target: fmt.Sprintf("/api/v1/definitions/form/scoped/versions/%d/publish", v), header: bearer(w.tokens[u.Username])})
		}, func(pos string) int { return edit[pos] }, nil},
		{"POST /api/v1/definitions/form/:id/versions/:version/evaluate", func(t *testing.T, u *engine.User) result {
			return w.do(req{method: "POST", target: "/api/v1/definitions/form/scoped/versions/1/evaluate", header: bearer(w.tokens[u.Username]),
				json: map[string]any{"answers": map[string]any{"name": "测试"}}})
		}, func(pos string) int { return see[pos] }, nil},
		{"POST /api/v1/campaigns/:id/close", func(t *testing.T, u *engine.User) result {
			n++
			id := w.campaign(t, fmt.Sprintf("scope-close-%d", n))
			return w.do(req{method: "POST", target: "/api/v1/campaigns/" + id + "/close", header: bearer(w.tokens[u.Username]), json: map[string]string{"reason": "测试关闭"}})
		}, func(pos string) int { return edit[pos] }, nil},
		{"GET /author", func(t *testing.T, u *engine.User) result {
			return w.do(req{method: "GET", target: "/author", cookies: pageAs(w.cookies[u.Username][0])})
		}, func(string) int { return 200 }, func(t *testing.T, pos string, res result) {
			if got := strings.Contains(res.body, "<code>scoped</code>"); got != listed[pos] {
				t.Errorf("the author page lists the district's form: got %v, want %v", got, listed[pos])
			}
		}},
		{"GET /author/forms/:id/versions/:version/preview", func(t *testing.T, u *engine.User) result {
			return w.do(req{method: "GET", target: "/author/forms/scoped/versions/1/preview", cookies: pageAs(w.cookies[u.Username][0])})
		}, func(pos string) int { return see[pos] }, nil},
		{"POST /author/definitions", func(t *testing.T, u *engine.User) result {
			c := w.cookies[u.Username]
			return w.do(req{method: "POST", target: "/author/definitions", cookies: pageAs(c[0]),
				multipart: &multipartBody{fields: map[string]string{"_csrf": c[1]}, field: "file", filename: "scoped.form.json",
					content: []byte(strings.ReplaceAll(tinyForm, `"tiny"`, `"scoped"`))}})
		}, func(pos string) int { return edit[pos] }, func(t *testing.T, pos string, res result) {
			if pos == "child" && !strings.Contains(res.body, "属于上级单位") {
				t.Errorf("the page does not say the form belongs to the unit above:\n%s", res.body)
			}
		}},
		{"POST /author/definitions/:kind/:id/versions/:version/publish", func(t *testing.T, u *engine.User) result {
			v := w.draft(t)
			c := w.cookies[u.Username]
			return w.do(req{method: "POST", target: fmt.Sprintf("/author/definitions/form/scoped/versions/%d/publish", v), cookies: pageAs(c[0]),
				header: formHeader, body: form("_csrf", c[1])})
		}, func(pos string) int { return publishPage[pos] }, nil},
	}
	for _, r := range routes {
		for key, u := range w.actors {
			role, pos, _ := strings.Cut(key, "/")
			t.Run(r.name+"/"+key, func(t *testing.T) {
				res := r.try(t, u)
				wantStatus := r.expect(pos)
				if role != engine.RoleAuthor && role != engine.RoleAdmin {
					wantStatus = http.StatusForbidden
				}
				if res.status != wantStatus {
					t.Fatalf("status: got %d, want %d\n%s", res.status, wantStatus, res.body)
				}
				if r.check != nil && (role == engine.RoleAuthor || role == engine.RoleAdmin) {
					r.check(t, pos, res)
				}
			})
		}
	}
}
