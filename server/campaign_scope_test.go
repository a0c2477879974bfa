package server

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"canvass/engine"
)

// siblingTownship stands beside childUnit under ownUnit.
const siblingTownship = "370102002"

// scopeTownshipCampaign is the subsidy campaign of testdata/subsidy with
// its org scope narrowed to the township childUnit, so that users sit
// inside it, beside it and in another branch.
const scopeTownshipCampaign = "subsidy-2026"

// campaignScopeEnv publishes the township campaign and makes one user
// per place, each holding every role: only scope can keep them out.
type campaignScopeEnv struct {
	*env
	inside, outside []*engine.User
}

func newCampaignScopeEnv(t *testing.T) *campaignScopeEnv {
	t.Helper()
	e := newEnv(t, Config{})
	e.withVault(0)
	ctx := context.Background()
	if rows, err := e.eng.ImportOrgUnits(ctx, nil, []engine.OrgUnitRow{
		{Row: 2, Code: siblingTownship, Name: "西关街道", ParentCode: ownUnit, Level: engine.LevelTownship},
	}); err != nil {
		t.Fatalf("import sibling township: %v %v", err, rows)
	}
	author := e.user("author", rootUnit, engine.RoleAuthor)
	dir := filepath.Join("testdata", "subsidy")
	e.publishFiles(author, dir,
		definitionFile{engine.KindForm, "subsidy-application", "subsidy-application.form.json"},
		definitionFile{engine.KindWorkflow, "subsidy-review", "subsidy-review.workflow.yaml"})
	src, err := os.ReadFile(filepath.Join(dir, "subsidy-2026.campaign.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	narrowed := strings.Replace(string(src), `org_scope: "370000"`, `org_scope: "`+childUnit+`"`, 1)
	if narrowed == string(src) {
		t.Fatal("the campaign's org_scope line moved; update the test")
	}
	e.publishSource(author, engine.KindCampaign, scopeTownshipCampaign, "subsidy-2026.campaign.yaml", []byte(narrowed))

	every := []string{engine.RoleAdmin, engine.RoleAuthor, engine.RoleFieldWorker, engine.RoleReviewer, engine.RoleSupervisor, engine.RoleFinance}
	se := &campaignScopeEnv{env: e}
	for _, u := range []struct{ name, unit string }{
		{"in-township", childUnit}, // the campaign's own unit
		{"in-district", ownUnit},   // above it: overlaps
	} {
		se.inside = append(se.inside, e.user(u.name, u.unit, every...))
	}
	for _, u := range []struct{ name, unit string }{
		{"sibling-township", siblingTownship}, // beside it, same district
		{"sibling-district", siblingUnit},     // the neighbouring district
		{"other-branch", nephewUnit},          // a township of the other district
	} {
		se.outside = append(se.outside, e.user(u.name, u.unit, every...))
	}
	// A record in the campaign, so that in-scope answers have data.
	if _, err := e.eng.Submit(ctx, asActor(se.inside[0]), engine.Submission{
		CampaignID: scopeTownshipCampaign, FormID: "subsidy-application", OrgUnit: grandUnit, Answers: subsidyAnswers(1500),
	}); err != nil {
		t.Fatalf("submit: %v %v", err, engine.ErrorFields(err))
	}
	return se
}

// campaignRoute is one route under a campaign, as the router lists it.
type campaignRoute struct {
	method, path string
	api          bool
}

// campaignRoutes lists every route the app registers under
// /api/v1/campaigns/:… and /campaigns/:…, from the router itself.
func campaignRoutes(s *Server) []campaignRoute {
	var out []campaignRoute
	for _, r := range s.App().GetRoutes(true) {
		if r.Method == http.MethodHead || r.Method == "USE" {
			continue
		}
		switch {
		case strings.HasPrefix(r.Path, "/api/v1/campaigns/:"):
			out = append(out, campaignRoute{r.Method, r.Path, true})
		case strings.HasPrefix(r.Path, "/campaigns/:"):
			out = append(out, campaignRoute{r.Method, r.Path, false})
		}
	}
	return out
}

// credentials are how a user signs a request: an API token for the API,
// the session cookie and its CSRF token for pages.
type credentials struct{ token, cookie, csrf string }

// signIn makes credentials for every user.
func (e *campaignScopeEnv) signIn(users ...*engine.User) map[string]credentials {
	e.t.Helper()
	out := map[string]credentials{}
	for _, u := range users {
		cookie, csrf := e.session(u.Username)
		out[u.ID] = credentials{token: e.apiToken(u), cookie: cookie, csrf: csrf}
	}
	return out
}

// call sends a request to route r for campaign with credentials c: API
// routes with the API token, pages with the session cookie and the CSRF
// token. A write names the campaign's form in its body, which is all the
// routes that make links need.
func (e *campaignScopeEnv) call(c credentials, r campaignRoute, campaign string) result {
	e.t.Helper()
	target := fillRoute(r.path, map[string]string{"id": campaign, "campaign": campaign, "form": "subsidy-application",
		"report": "quarterly", "period": "2026-12"})
	q := req{method: r.method, target: target}
	if r.api {
		q.header = bearer(c.token)
		if r.method != http.MethodGet {
			q.json = map[string]any{"form": "subsidy-application"}
		}
	} else {
		q.cookies = map[string]string{sessionCookie: c.cookie}
		q.header = map[string]string{headerCSRF: c.csrf}
		if r.method != http.MethodGet {
			q.header["Content-Type"] = "application/x-www-form-urlencoded"
			q.body = "form=subsidy-application"
		}
	}
	return e.do(q)
}

// withoutRequestID blanks the response's request ID in its body, so that
// two answers can be compared.
func withoutRequestID(res result) string {
	if id := res.header.Get(headerRequestID); id != "" {
		return strings.ReplaceAll(res.body, id, "REQUEST-ID")
	}
	return res.body
}

// TestCampaignRoutesAnswer404OutsideScope calls every route under a
// campaign — API and pages, enumerated from the router, so that a route
// added later is in the matrix — as users holding every role in units
// inside the campaign's scope and outside it. Outside, every answer is
// the 404 an unknown campaign gets, body and all, and nothing in the
// store changes; inside, the scope check lets the request through.
func TestCampaignRoutesAnswer404OutsideScope(t *testing.T) {
	e := newCampaignScopeEnv(t)
	routes := campaignRoutes(e.srv)
	if len(routes) < 30 {
		t.Fatalf("found only %d campaign routes", len(routes))
	}
	creds := e.signIn(append(slices.Clone(e.inside), e.outside...)...)

	before := storeSnapshot(t, e.dbPath)
	for _, u := range e.outside {
		for _, r := range routes {
			name := fmt.Sprintf("%s %s as %s", r.method, r.path, u.Username)
			got := e.call(creds[u.ID], r, scopeTownshipCampaign)
			unknown := e.call(creds[u.ID], r, "no-such-campaign")
			if got.status != http.StatusNotFound {
				t.Errorf("%s: got %d, want 404 (body %.200s)", name, got.status, got.body)
				continue
			}
			if r.api {
				if code := got.errorCode(); code != engine.ENOTFOUND {
					t.Errorf("%s: error code %q, want %q", name, code, engine.ENOTFOUND)
				}
			}
			if withoutRequestID(got) != withoutRequestID(unknown) {
				t.Errorf("%s: the answer differs from an unknown campaign's:\n got %.300s\nwant %.300s", name, got.body, unknown.body)
			}
		}
	}
	if changed := before.diff(storeSnapshot(t, e.dbPath)); len(changed) > 0 {
		t.Errorf("requests outside the scope changed the tables %v", changed)
	}

	// Inside, a route may still answer 404 for a part the campaign lacks
	// (this one has no budget and no reports), but never the answer an
	// unknown campaign gets.
	for _, u := range e.inside {
		for _, r := range routes {
			name := fmt.Sprintf("%s %s as %s", r.method, r.path, u.Username)
			unknown := e.call(creds[u.ID], r, "no-such-campaign")
			got := e.call(creds[u.ID], r, scopeTownshipCampaign)
			if got.status >= 500 {
				t.Errorf("%s: got %d (body %.200s)", name, got.status, got.body)
			}
			if got.status == unknown.status && withoutRequestID(got) == withoutRequestID(unknown) {
				t.Errorf("%s inside the scope: got the answer of an unknown campaign, %d %.200s", name, got.status, got.body)
			}
		}
	}
}

// snapshot is a digest of every table's rows.
type snapshot map[string][32]byte

// volatileTables change on any signed-in request (a session's last use),
// whatever the request does.
var volatileTables = []string{"sessions"}

// storeSnapshot digests every table of the SQLite file at path, read
// through a connection of its own.
func storeSnapshot(t *testing.T, path string) snapshot {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(volatileTables, name) {
			tables = append(tables, name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	out := snapshot{}
	for _, table := range tables {
		out[table] = tableDigest(t, db, table)
	}
	if len(out) < 10 {
		t.Fatalf("found only %d tables in %s", len(out), path)
	}
	return out
}

func tableDigest(t *testing.T, db *sql.DB, table string) [32]byte {
	t.Helper()
	rows, err := db.Query(`SELECT * FROM "` + table + `"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%q", vals))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines)
	return sha256.Sum256([]byte(strings.Join(lines, "\n")))
}

// diff names the tables whose rows differ between s and later.
func (s snapshot) diff(later snapshot) []string {
	var out []string
	for table, sum := range later {
		if s[table] != sum {
			out = append(out, table)
		}
	}
	slices.Sort(out)
	return out
}
