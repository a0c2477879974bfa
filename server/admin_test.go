package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"canvass/engine"
)

// matrixTarget is an org unit as seen from a user scoped at ownUnit.
type matrixTarget struct {
	name    string
	code    string
	inScope bool
	// newUnit is a unit to import under the target: code, level.
	newCode, newLevel string
}

var matrixTargets = []matrixTarget{
	{name: "own unit", code: ownUnit, inScope: true, newCode: "370102099", newLevel: engine.LevelTownship},
	{name: "child unit", code: childUnit, inScope: true, newCode: "370102001099", newLevel: engine.LevelVillage},
	{name: "sibling unit", code: siblingUnit, inScope: false, newCode: "370103099", newLevel: engine.LevelTownship},
	{name: "parent unit", code: parentUnit, inScope: false, newCode: "370199", newLevel: engine.LevelDistrict},
}

// scopePath is the org path of ownUnit, the scope of every matrix user.
const scopePath = "/370000/370100/370102/"

// TestAuthorizationMatrix runs every role, scoped at ownUnit, against
// every directory endpoint with a target in its own unit, a child, a
// sibling and the parent: out-of-scope objects answer 404, admin routes
// answer 403 to other roles, and lists hold only in-scope items.
func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t, Config{})
	// One user in each target unit, so lists have something to leave out.
	for _, tg := range matrixTargets {
		e.user("member."+tg.code, tg.code, engine.RoleFieldWorker)
	}
	tokens := map[string]string{}
	for _, role := range engine.Roles {
		tokens[role] = e.apiToken(e.user("as."+role, ownUnit, role))
	}

	for _, role := range engine.Roles {
		admin := role == engine.RoleAdmin
		auth := bearer(tokens[role])
		t.Run(role, func(t *testing.T) {
			for _, tg := range matrixTargets {
				t.Run(tg.name, func(t *testing.T) {
					t.Run("get org unit", func(t *testing.T) {
						res := e.do(req{method: "GET", target: "/api/v1/orgunits/" + tg.code, header: auth})
						if tg.inScope {
							check(t, res, 200, "")
							var got orgUnitJSON
							res.decode(t, &got)
							if got.Code != tg.code {
								t.Errorf("code: got %q, want %q", got.Code, tg.code)
							}
						} else {
							check(t, res, 404, engine.ENOTFOUND)
						}
					})
					t.Run("list org units under it", func(t *testing.T) {
						res := e.do(req{method: "GET", target: "/api/v1/orgunits?root=" + tg.code, header: auth})
						if !tg.inScope {
							check(t, res, 404, engine.ENOTFOUND)
							return
						}
						check(t, res, 200, "")
						var got orgUnitsJSON
						res.decode(t, &got)
						if len(got.OrgUnits) == 0 || got.OrgUnits[0].Code != tg.code {
							t.Fatalf("list: got %+v, want it to start with %s", got.OrgUnits, tg.code)
						}
						for _, u := range got.OrgUnits {
							if !strings.HasPrefix(u.Path, scopePath) || !strings.HasPrefix(u.Path, got.OrgUnits[0].Path) {
								t.Errorf("out-of-scope unit %s (%s) in the list", u.Code, u.Path)
							}
						}
					})
					t.Run("list users under it", func(t *testing.T) {
						res := e.do(req{method: "GET", target: "/api/v1/users?org=" + tg.code, header: auth})
						switch {
						case !admin:
							check(t, res, 403, engine.EFORBIDDEN)
						case !tg.inScope:
							check(t, res, 404, engine.ENOTFOUND)
						default:
							check(t, res, 200, "")
							var got usersJSON
							res.decode(t, &got)
							names := usernames(got.Users)
							if !slices.Contains(names, "member."+tg.code) {
								t.Errorf("users: got %v, want member.%s among them", names, tg.code)
							}
							for _, u := range got.Users {
								if !strings.HasPrefix(u.OrgPath, scopePath) {
									t.Errorf("out-of-scope user %s (%s) in the list", u.Username, u.OrgPath)
								}
							}
						}
					})
					t.Run("create a user in it", func(t *testing.T) {
						username := fmt.Sprintf("new.%s.%s", strings.ReplaceAll(role, "_", ""), tg.code)
						res := e.do(req{method: "POST", target: "/api/v1/users", header: auth, json: map[string]any{
							"username": username, "displayName": "新用户", "password": testPassword,
							"roles": []string{engine.RoleReviewer}, "orgUnit": tg.code,
						}})
						switch {
						case !admin:
							check(t, res, 403, engine.EFORBIDDEN)
						case !tg.inScope:
							// The engine treats an out-of-scope unit in a body as
							// an unknown one: a field error, the same as for a
							// code that does not exist.
							check(t, res, 422, engine.EINVALID)
							if !strings.Contains(res.body, `"pointer":"/orgUnit","code":"not_found"`) {
								t.Errorf("body: got %s, want the /orgUnit not_found field error", res.body)
							}
						default:
							check(t, res, 201, "")
						}
						if _, err := e.store.GetUserByUsername(context.Background(), username); (err == nil) != (admin && tg.inScope) {
							t.Errorf("user %s stored: got %v, want %v", username, err == nil, admin && tg.inScope)
						}
					})
					t.Run("import a unit under it", func(t *testing.T) {
						sheet := fmt.Sprintf("code,name,parent,level\n%s,新单位,%s,%s\n", tg.newCode, tg.code, tg.newLevel)
						res := e.do(req{method: "POST", target: "/api/v1/orgunits/import", header: auth, multipart: &multipartBody{
							field: "file", filename: "units.csv", content: []byte(sheet),
						}})
						switch {
						case !admin:
							check(t, res, 403, engine.EFORBIDDEN)
						case !tg.inScope:
							check(t, res, 422, engine.EINVALID)
							if !strings.Contains(res.body, `"code":"out_of_scope"`) {
								t.Errorf("body: got %s, want an out_of_scope row", res.body)
							}
						default:
							check(t, res, 200, "")
						}
						_, err := e.store.GetOrgUnit(context.Background(), tg.newCode)
						if got, want := err == nil, admin && tg.inScope; got != want {
							t.Errorf("unit %s stored: got %v, want %v", tg.newCode, got, want)
						}
					})
				})
			}
			t.Run("audit log", func(t *testing.T) {
				res := e.do(req{method: "GET", target: "/api/v1/audit?limit=500", header: auth})
				if !admin {
					check(t, res, 403, engine.EFORBIDDEN)
					return
				}
				check(t, res, 200, "")
				var got auditJSON
				res.decode(t, &got)
				var objects []string
				for _, ev := range got.Events {
					if !strings.HasPrefix(ev.OrgPath, scopePath) {
						t.Errorf("out-of-scope event %s %s (%s) in the log", ev.Action, ev.ObjectID, ev.OrgPath)
					}
					if ev.Action == "user.create" {
						objects = append(objects, ev.ObjectID)
					}
				}
				for _, tg := range matrixTargets {
					u, err := e.store.GetUserByUsername(context.Background(), "member."+tg.code)
					if err != nil {
						t.Fatal(err)
					}
					if got := slices.Contains(objects, u.ID); got != tg.inScope {
						t.Errorf("creation of member.%s in the log: got %v, want %v", tg.code, got, tg.inScope)
					}
				}
			})
		})
	}
}

func usernames(users []userJSON) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.Username)
	}
	return out
}

// TestListsWithoutFilter checks the default scope of each list: the
// caller's own subtree.
func TestListsWithoutFilter(t *testing.T) {
	e := newEnv(t, Config{})
	for _, tg := range matrixTargets {
		e.user("member."+tg.code, tg.code, engine.RoleFieldWorker)
	}
	admin := e.apiToken(e.user("district.admin", ownUnit, engine.RoleAdmin))
	worker := e.apiToken(e.user("district.worker", ownUnit, engine.RoleFieldWorker))
	rootAdmin := e.apiToken(e.user("province.admin", rootUnit, engine.RoleAdmin))

	tests := []struct {
		name   string
		token  string
		target string
		want   []string // codes or usernames, in order
	}{
		{name: "org units of a district admin", token: admin, target: "/api/v1/orgunits", want: []string{ownUnit, childUnit, grandUnit}},
		{name: "org units of a field worker", token: worker, target: "/api/v1/orgunits", want: []string{ownUnit, childUnit, grandUnit}},
		{name: "org units of a province admin", token: rootAdmin, target: "/api/v1/orgunits",
			want: []string{rootUnit, parentUnit, ownUnit, childUnit, grandUnit, siblingUnit, nephewUnit}},
		{name: "users of a district admin", token: admin, target: "/api/v1/users",
			want: []string{"district.admin", "district.worker", "member." + ownUnit, "member." + childUnit}},
		{name: "users by role", token: admin, target: "/api/v1/users?role=admin", want: []string{"district.admin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(req{method: "GET", target: tt.target, header: bearer(tt.token)})
			check(t, res, http.StatusOK, "")
			var got []string
			if strings.Contains(tt.target, "orgunits") {
				var body orgUnitsJSON
				res.decode(t, &body)
				for _, u := range body.OrgUnits {
					got = append(got, u.Code)
				}
			} else {
				var body usersJSON
				res.decode(t, &body)
				got = usernames(body.Users)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUnknownOrgUnit(t *testing.T) {
	e := newEnv(t, Config{})
	token := e.apiToken(e.user("province.admin", rootUnit, engine.RoleAdmin))
	for _, target := range []string{"/api/v1/orgunits/999999", "/api/v1/orgunits?root=999999", "/api/v1/users?org=999999"} {
		t.Run(target, func(t *testing.T) {
			check(t, e.do(req{method: "GET", target: target, header: bearer(token)}), 404, engine.ENOTFOUND)
		})
	}
}

func TestCreateUserValidation(t *testing.T) {
	e := newEnv(t, Config{})
	token := e.apiToken(e.user("district.admin", ownUnit, engine.RoleAdmin))
	e.user("taken.name", ownUnit, engine.RoleFieldWorker)
	valid := func() map[string]any {
		return map[string]any{"username": "chen.jing", "displayName": "陈静", "password": testPassword, "roles": []string{"reviewer"}, "orgUnit": ownUnit}
	}
	with := func(k string, v any) map[string]any { m := valid(); m[k] = v; return m }
	tests := []struct {
		name        string
		body        any
		wantStatus  int
		wantCode    string
		wantPointer string
	}{
		{name: "bad username", body: with("username", "Chen Jing!"), wantStatus: 422, wantCode: engine.EINVALID, wantPointer: "/username"},
		{name: "short password", body: with("password", "short"), wantStatus: 422, wantCode: engine.EINVALID, wantPointer: "/password"},
		{name: "unknown role", body: with("roles", []string{"mayor"}), wantStatus: 422, wantCode: engine.EINVALID, wantPointer: "/roles/0"},
		{name: "no roles", body: with("roles", []string{}), wantStatus: 422, wantCode: engine.EINVALID, wantPointer: "/roles"},
		{name: "taken username", body: with("username", "taken.name"), wantStatus: 409, wantCode: engine.ECONFLICT, wantPointer: "/username"},
		{name: "unknown field", body: with("isAdmin", true), wantStatus: 422, wantCode: engine.EINVALID},
		{name: "ok", body: valid(), wantStatus: 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(req{method: "POST", target: "/api/v1/users", json: tt.body, header: bearer(token)})
			check(t, res, tt.wantStatus, tt.wantCode)
			if tt.wantPointer != "" && !strings.Contains(res.body, `"pointer":"`+tt.wantPointer+`"`) {
				t.Errorf("body: got %s, want a field error at %s", res.body, tt.wantPointer)
			}
		})
	}
}

func TestAuditPaging(t *testing.T) {
	e := newEnv(t, Config{})
	token := e.apiToken(e.user("district.admin", ownUnit, engine.RoleAdmin))
	for i := range 5 {
		e.clock.Add(time.Second)
		e.user(fmt.Sprintf("worker.%d", i), childUnit, engine.RoleFieldWorker)
	}
	// Walk the log two events a page, newest first.
	var seen []string
	target := "/api/v1/audit?action=user.create&limit=2"
	for range 10 {
		res := e.do(req{method: "GET", target: target, header: bearer(token)})
		check(t, res, 200, "")
		var page auditJSON
		res.decode(t, &page)
		for _, ev := range page.Events {
			seen = append(seen, ev.ObjectID)
		}
		if page.Next == "" {
			break
		}
		target = "/api/v1/audit?action=user.create&limit=2&after=" + page.Next
	}
	if got, want := len(seen), 6; got != want { // the admin and five workers
		t.Fatalf("events: got %d, want %d", got, want)
	}
	if !slices.IsSortedFunc(seen, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("events are not newest first: %v", seen)
	}

	tests := []struct {
		name       string
		query      string
		wantStatus int
		wantCode   string
		wantCount  int
	}{
		{name: "by actor username", query: "actor=district.admin", wantStatus: 200, wantCount: 1}, // token.create
		{name: "by actor username and action", query: "actor=district.admin&action=user.create", wantStatus: 200, wantCount: 0},
		{name: "by unknown actor", query: "actor=nobody.here", wantStatus: 200, wantCount: 0},
		{name: "by actor system", query: "actor=system&action=user.create", wantStatus: 200, wantCount: 6},
		{name: "by object", query: "object=" + seen[0], wantStatus: 200, wantCount: 1},
		{name: "from a date", query: "from=2026-12-06&action=user.create", wantStatus: 200, wantCount: 6},
		{name: "before a date", query: "before=2026-12-06&action=user.create", wantStatus: 200, wantCount: 0},
		{name: "RFC 3339 bound", query: "before=2026-12-05T16:00:01Z&action=user.create", wantStatus: 200, wantCount: 1},
		{name: "bad date", query: "from=6/12/2026", wantStatus: 422, wantCode: engine.EINVALID},
		{name: "bad limit", query: "limit=5000", wantStatus: 422, wantCode: engine.EINVALID},
		{name: "bad cursor", query: "after=drop%20table", wantStatus: 422, wantCode: engine.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(req{method: "GET", target: "/api/v1/audit?" + tt.query, header: bearer(token)})
			check(t, res, tt.wantStatus, tt.wantCode)
			if tt.wantCode != "" {
				return
			}
			var page auditJSON
			res.decode(t, &page)
			if got := len(page.Events); got != tt.wantCount {
				t.Errorf("events: got %d, want %d (%s)", got, tt.wantCount, res.body)
			}
		})
	}
}
