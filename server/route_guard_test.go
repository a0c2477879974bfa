package server

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"canvass/engine"
)

// publicRoutes answer without signing in. Every other route must refuse a
// stranger.
var publicRoutes = []string{
	"GET /healthz", "GET /readyz", "GET /api/v1/version", "GET /api/v1/openapi.json", "GET /login", "POST /login", "POST /api/v1/login",
	"GET /static/:name", "GET /p/:token", "POST /p/:token", "GET /p/:token/thanks", "GET /p/:token/qr.png", "GET /p/:token/qr.svg",
	"POST /api/v1/public/:token/evaluate", "POST /api/v1/public/:token/records",
	"GET /offline/evaluator.wasm", "GET /sw.js", "GET /manifest.webmanifest", // code and the app's name: no data
}

var routeParam = regexp.MustCompile(`:[A-Za-z]+|\*`)

// fillRoute puts a value from the fixture in each parameter of a route.
func fillRoute(path string, values map[string]string) string {
	return routeParam.ReplaceAllStringFunc(path, func(p string) string {
		if v, ok := values[strings.TrimPrefix(p, ":")]; ok {
			return v
		}
		return "x"
	})
}

// TestEveryRouteRefusesStrangers walks every route the app registers and
// calls it without credentials: none but the public ones may succeed, and
// none may fail with a server error. A route added without its guard
// fails here.
func TestEveryRouteRefusesStrangers(t *testing.T) {
	e := newSubsidyEnv(t)
	rec := e.submit(e.worker, "", subsidyAnswers(1500))
	values := map[string]string{"id": rec.ID, "campaign": "subsidy-2026", "form": "subsidy-application", "kind": "form",
		"version": "1", "code": ownUnit, "period": "2026-12"}
	seen := 0
	for _, r := range e.srv.App().GetRoutes(true) {
		if r.Method == http.MethodHead || r.Method == "USE" {
			continue
		}
		route := r.Method + " " + r.Path
		target := fillRoute(r.Path, values)
		res := e.do(req{method: r.Method, target: target})
		seen++
		if res.status >= 500 {
			t.Errorf("%s: %d without credentials: %s", route, res.status, res.body)
			continue
		}
		if slices.Contains(publicRoutes, route) {
			continue
		}
		refused := res.status == http.StatusUnauthorized || res.status == http.StatusForbidden ||
			(res.status == http.StatusSeeOther || res.status == http.StatusFound) && strings.HasPrefix(res.header.Get("Location"), "/login")
		if !refused {
			t.Errorf("%s (%s): %d without credentials, want 401, 403 or a redirect to /login", route, target, res.status)
		}
	}
	if seen < 40 {
		t.Fatalf("walked only %d routes", seen)
	}
	t.Logf("walked %d routes", seen)
}

// TestNoRouteShowsPlainPersonalData signs in as every role and calls every
// GET route with the fixture's values: no answer may hold the submitted ID
// number, phone or name in plain text (only reveals do, and they are POSTs,
// audited).
func TestNoRouteShowsPlainPersonalData(t *testing.T) {
	e := newSubsidyEnv(t)
	rec := e.submit(e.worker, "", subsidyAnswers(1500))
	values := map[string]string{"id": rec.ID, "campaign": "subsidy-2026", "form": "subsidy-application", "kind": "form",
		"version": "1", "code": ownUnit, "period": "2026-12"}
	users := []*engine.User{e.worker, e.township, e.district, e.author}
	for _, role := range []string{engine.RoleSupervisor, engine.RoleFinance, engine.RoleAdmin} {
		users = append(users, e.user("guard-"+strings.ReplaceAll(role, "_", "-"), ownUnit, role))
	}
	secrets := []string{applicantID, "13912345678", "周建华"}
	masked := 0 // answers that showed the record, masked: the walk saw real data
	for _, u := range users {
		cookie, _ := e.session(u.Username)
		for _, r := range e.srv.App().GetRoutes(true) {
			if r.Method != http.MethodGet {
				continue
			}
			target := fillRoute(r.Path, values)
			var res result
			if strings.HasPrefix(r.Path, "/api/") {
				res = e.api(u, "GET", target, nil)
			} else {
				res = e.do(req{method: "GET", target: target, cookies: map[string]string{sessionCookie: cookie}})
			}
			if res.status >= 500 {
				t.Errorf("%s as %s: %d: %s", target, u.Username, res.status, res.body)
			}
			if res.status == http.StatusOK && strings.Contains(res.body, "3701**********1237") {
				masked++
			}
			for _, s := range secrets {
				if strings.Contains(res.body, s) {
					t.Errorf("GET %s as %s (%v) shows %q in plain text", target, u.Username, u.Roles, s)
				}
			}
		}
	}
	if masked < len(users) {
		t.Fatalf("only %d answers showed the record masked; the walk did not reach the data", masked)
	}
	t.Logf("%d answers showed the record, all masked", masked)
}
