package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"canvass/engine"
)

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// formToken returns the _csrf field of a page's first form.
func formToken(t *testing.T, html string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no _csrf field in the page:\n%s", html)
	}
	return m[1]
}

func form(values ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(values); i += 2 {
		v.Add(values[i], values[i+1])
	}
	return v.Encode()
}

var formHeader = map[string]string{"Content-Type": "application/x-www-form-urlencoded"}

// pageSession signs username in through the sign-in form and returns the
// session cookie and the CSRF token of its pages.
func (e *env) pageSession(username string) (cookie, csrf string) {
	e.t.Helper()
	page := e.do(req{method: "GET", target: "/login"})
	loginToken := page.cookie(loginCookie).Value
	res := e.do(req{method: "POST", target: "/login", header: formHeader, cookies: map[string]string{loginCookie: loginToken},
		body: form("_csrf", formToken(e.t, page.body), "username", username, "password", testPassword)})
	if res.status != http.StatusSeeOther {
		e.t.Fatalf("sign in %s: got %d %s", username, res.status, res.body)
	}
	cookie = res.cookie(sessionCookie).Value
	home := e.do(req{method: "GET", target: "/", cookies: map[string]string{sessionCookie: cookie}})
	return cookie, formToken(e.t, home.body)
}

func TestLoginPage(t *testing.T) {
	e := newEnv(t, Config{})
	e.user("wang.fang", ownUnit, engine.RoleFieldWorker)
	page := e.do(req{method: "GET", target: "/login?next=/admin/audit"})
	check(t, page, 200, "")
	loginToken := page.cookie(loginCookie)
	if loginToken.Value == "" || !loginToken.HttpOnly || loginToken.Path != "/login" {
		t.Fatalf("login cookie: got %+v, want an HttpOnly cookie on /login", loginToken)
	}
	if got := formToken(t, page.body); got != loginToken.Value {
		t.Fatalf("form token %q does not echo the cookie %q", got, loginToken.Value)
	}
	if !strings.Contains(page.body, `name="next" value="/admin/audit"`) {
		t.Errorf("the form does not carry next: %s", page.body)
	}
	withCookie := map[string]string{loginCookie: loginToken.Value}

	tests := []struct {
		name         string
		cookies      map[string]string
		body         string
		header       map[string]string
		wantStatus   int
		wantText     string // in the page
		wantLocation string
	}{
		{name: "no double-submit cookie", body: form("_csrf", loginToken.Value, "username", "wang.fang", "password", testPassword),
			wantStatus: 403, wantText: "页面已过期"},
		{name: "field does not echo the cookie", cookies: withCookie, body: form("_csrf", newLoginToken(), "username", "wang.fang", "password", testPassword),
			wantStatus: 403, wantText: "页面已过期"},
		{name: "no field", cookies: withCookie, body: form("username", "wang.fang", "password", testPassword), wantStatus: 403, wantText: "页面已过期"},
		{name: "wrong password", cookies: withCookie, body: form("_csrf", loginToken.Value, "username", "wang.fang", "password", "wrong wrong"),
			wantStatus: 401, wantText: "用户名或密码错误"},
		{name: "wrong password, in English", cookies: withCookie, header: map[string]string{"Accept-Language": "en-US,en;q=0.9"},
			body: form("_csrf", loginToken.Value, "username", "wang.fang", "password", "wrong wrong"), wantStatus: 401, wantText: "Wrong username or password"},
		{name: "ok, back to next", cookies: withCookie, body: form("_csrf", loginToken.Value, "username", "wang.fang", "password", testPassword, "next", "/admin/audit?action=user.login"),
			wantStatus: 303, wantLocation: "/admin/audit?action=user.login"},
		{name: "ok, next to another site is dropped", cookies: withCookie, body: form("_csrf", loginToken.Value, "username", "wang.fang", "password", testPassword, "next", "//evil.example/x"),
			wantStatus: 303, wantLocation: "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
			for k, v := range tt.header {
				header[k] = v
			}
			res := e.do(req{method: "POST", target: "/login", header: header, cookies: tt.cookies, body: tt.body})
			if got := res.status; got != tt.wantStatus {
				t.Errorf("status: got %d, want %d (%s)", got, tt.wantStatus, res.body)
			}
			if !strings.Contains(res.body, tt.wantText) {
				t.Errorf("page: want it to contain %q:\n%s", tt.wantText, res.body)
			}
			if got := res.header.Get("Location"); got != tt.wantLocation {
				t.Errorf("Location: got %q, want %q", got, tt.wantLocation)
			}
			session := res.cookie(sessionCookie).Value
			if got, want := session != "", tt.wantStatus == 303; got != want {
				t.Errorf("session cookie set: got %v, want %v", got, want)
			}
			if tt.wantStatus != 303 && res.cookie(loginCookie).Value == "" {
				t.Errorf("a failed sign-in did not renew the form's cookie")
			}
		})
	}
}

func TestLocalPath(t *testing.T) {
	tests := []struct{ next, want string }{
		{"", "/"},
		{"/", "/"},
		{"/admin/users", "/admin/users"},
		{"/admin/audit?action=user.login&limit=5", "/admin/audit?action=user.login&limit=5"},
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x"}, // stays a path: the bytes are escaped
		{"/login", "/"},
		{"/logout", "/"},
		{"/" + strings.Repeat("a", 3000), "/"},
	}
	for _, tt := range tests {
		if got := localPath(tt.next); got != tt.want {
			t.Errorf("localPath(%q): got %q, want %q", tt.next, got, tt.want)
		}
	}
}

func TestPagesRedirectWhenSignedOut(t *testing.T) {
	e := newEnv(t, Config{})
	tests := []struct {
		method, target, wantLocation string
	}{
		{"GET", "/", "/login"},
		{"GET", "/admin/users", "/login?next=%2Fadmin%2Fusers"},
		{"GET", "/admin/orgunits?root=370102", "/login?next=%2Fadmin%2Forgunits%3Froot%3D370102"},
		{"GET", "/admin/audit", "/login?next=%2Fadmin%2Faudit"},
		{"POST", "/admin/users", "/login"},
		{"POST", "/logout", "/login"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			res := e.do(req{method: tt.method, target: tt.target, cookies: map[string]string{sessionCookie: "expired-or-garbage"}})
			if got, want := res.status, http.StatusSeeOther; got != want {
				t.Errorf("status: got %d, want %d", got, want)
			}
			if got := res.header.Get("Location"); got != tt.wantLocation {
				t.Errorf("Location: got %q, want %q", got, tt.wantLocation)
			}
			for name, want := range wantSecurityHeaders {
				if got := res.header.Get(name); got != want {
					t.Errorf("%s: got %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestPages(t *testing.T) {
	e := newEnv(t, Config{})
	e.user("zhao.lei", ownUnit, engine.RoleAdmin, engine.RoleReviewer)
	e.user("wang.fang", ownUnit, engine.RoleFieldWorker)
	e.user("sun.li", siblingUnit, engine.RoleFieldWorker)
	if _, err := e.eng.CreateUser(t.Context(), nil, engine.NewUser{Username: "english.user", DisplayName: "English User", Password: testPassword,
		Roles: []string{engine.RoleFieldWorker}, OrgUnit: ownUnit, Locale: "en"}); err != nil {
		t.Fatal(err)
	}
	admin, adminCSRF := e.pageSession("zhao.lei")
	worker, _ := e.pageSession("wang.fang")
	english, _ := e.pageSession("english.user")
	as := func(cookie string) map[string]string { return map[string]string{sessionCookie: cookie} }

	tests := []struct {
		name       string
		cookie     string
		method     string
		target     string
		body       string
		header     map[string]string
		wantStatus int
		want       []string // in the page
		notWant    []string
	}{
		{name: "home, admin", cookie: admin, target: "/", wantStatus: 200,
			want: []string{"您好，测试 zhao.lei", "示例区", `href="/admin/users"`, `href="/admin/audit"`, "审核员", `action="/logout"`, `lang="zh-CN"`}},
		{name: "home, field worker", cookie: worker, target: "/", wantStatus: 200,
			want: []string{"您好，测试 wang.fang", "调查员"}, notWant: []string{`href="/admin/users"`}},
		{name: "home in English by ?lang", cookie: worker, target: "/?lang=en", wantStatus: 200, want: []string{"Hello, 测试 wang.fang", `lang="en"`, "Field worker"}},
		{name: "home in English by the user's locale", cookie: english, target: "/", wantStatus: 200, want: []string{"Hello, English User"}},
		{name: "users", cookie: admin, target: "/admin/users", wantStatus: 200,
			want: []string{"wang.fang", "zhao.lei", "新建用户", `name="_csrf" value="` + adminCSRF + `"`}, notWant: []string{"sun.li"}},
		{name: "users, not an admin", cookie: worker, target: "/admin/users", wantStatus: 403, want: []string{"您的角色不能进行此操作"}},
		{name: "org units", cookie: admin, target: "/admin/orgunits", wantStatus: 200,
			want: []string{"示例区", "东关街道", "东关村", "导入组织机构", `enctype="multipart/form-data"`}, notWant: []string{"邻区", "示例市"}},
		{name: "org units under a child", cookie: admin, target: "/admin/orgunits?root=" + childUnit, wantStatus: 200,
			want: []string{"东关街道", "返回上级"}},
		{name: "org units, out of scope", cookie: admin, target: "/admin/orgunits?root=" + siblingUnit, wantStatus: 404, want: []string{"找不到该页面或对象"}},
		{name: "org units, not an admin", cookie: worker, target: "/admin/orgunits", wantStatus: 403},
		{name: "audit", cookie: admin, target: "/admin/audit", wantStatus: 200, want: []string{"user.create", "user.login", "zhao.lei"}, notWant: []string{"sun.li"}},
		{name: "audit, filtered", cookie: admin, target: "/admin/audit?action=user.login&actor=wang.fang", wantStatus: 200,
			want: []string{"user.login", `value="wang.fang"`}, notWant: []string{"user.create"}},
		{name: "audit, paged", cookie: admin, target: "/admin/audit?limit=1", wantStatus: 200, want: []string{`rel="next"`, "after="}},
		{name: "audit, bad filter", cookie: admin, target: "/admin/audit?from=yesterday", wantStatus: 422, want: []string{"提交的内容有误"}},
		{name: "audit, not an admin", cookie: worker, target: "/admin/audit", wantStatus: 403},
		{name: "create user without the CSRF token", cookie: admin, method: "POST", target: "/admin/users", header: formHeader,
			body: form("username", "chen.jing", "displayName", "陈静", "password", testPassword, "roles", "reviewer", "orgUnit", ownUnit), wantStatus: 403},
		{name: "create user with errors", cookie: admin, method: "POST", target: "/admin/users", header: formHeader,
			body:       form("_csrf", adminCSRF, "username", "Chen Jing", "displayName", "陈静", "password", "short", "orgUnit", siblingUnit),
			wantStatus: 422, want: []string{"用户未创建", "2–64 位小写字母", "密码需要 8–128 个字符", "至少选择一个角色", `value="陈静"`},
			notWant: []string{`value="short"`}},
		{name: "create user out of scope", cookie: admin, method: "POST", target: "/admin/users", header: formHeader,
			body:       form("_csrf", adminCSRF, "username", "chen.jing", "displayName", "陈静", "password", testPassword, "roles", "reviewer", "orgUnit", siblingUnit),
			wantStatus: 422, want: []string{"不在您的管辖范围内", `value="370103"`, `value="reviewer" checked`}},
		{name: "create user, taken name, in English", cookie: admin, method: "POST", target: "/admin/users?lang=en", header: formHeader,
			body:       form("_csrf", adminCSRF, "username", "wang.fang", "displayName", "王芳", "password", testPassword, "roles", "reviewer", "orgUnit", ownUnit),
			wantStatus: 409, want: []string{"This username is taken", "The user was not created"}},
		{name: "logout without the CSRF token", cookie: admin, method: "POST", target: "/logout", wantStatus: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = "GET"
			}
			res := e.do(req{method: method, target: tt.target, cookies: as(tt.cookie), header: tt.header, body: tt.body})
			if got := res.status; got != tt.wantStatus {
				t.Errorf("status: got %d, want %d\n%s", got, tt.wantStatus, res.body)
			}
			if got, want := res.header.Get("Content-Type"), "text/html; charset=utf-8"; got != want {
				t.Errorf("Content-Type: got %q, want %q", got, want)
			}
			if got, want := res.header.Get("Cache-Control"), "no-store"; got != want {
				t.Errorf("Cache-Control: got %q, want %q", got, want)
			}
			for name, want := range wantSecurityHeaders {
				if got := res.header.Get(name); got != want {
					t.Errorf("%s: got %q, want %q", name, got, want)
				}
			}
			for _, want := range tt.want {
				if !strings.Contains(res.body, want) {
					t.Errorf("page lacks %q:\n%s", want, res.body)
				}
			}
			for _, bad := range tt.notWant {
				if strings.Contains(res.body, bad) {
					t.Errorf("page contains %q", bad)
				}
			}
			if strings.Contains(res.body, "<script>") || strings.Contains(res.body, " style=") {
				t.Errorf("page has inline script or style")
			}
		})
	}
}

func TestPageForms(t *testing.T) {
	e := newEnv(t, Config{})
	e.user("zhao.lei", ownUnit, engine.RoleAdmin)
	cookie, csrf := e.pageSession("zhao.lei")
	as := map[string]string{sessionCookie: cookie}

	t.Run("create a user", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/admin/users", cookies: as, header: formHeader,
			body: form("_csrf", csrf, "username", "chen.jing", "displayName", "陈静", "password", testPassword,
				"roles", "reviewer", "roles", "supervisor", "orgUnit", childUnit, "locale", "en")})
		if got, want := res.status, http.StatusSeeOther; got != want {
			t.Fatalf("status: got %d, want %d\n%s", got, want, res.body)
		}
		list := e.do(req{method: "GET", target: res.header.Get("Location"), cookies: as})
		for _, want := range []string{"已创建用户 chen.jing", "陈静", "审核员、督导员"} {
			if !strings.Contains(list.body, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		u, err := e.store.GetUserByUsername(t.Context(), "chen.jing")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(u.Roles, ","), "reviewer,supervisor"; got != want || u.OrgUnit != childUnit || u.Locale != "en" {
			t.Errorf("user: got roles %s, unit %s, locale %s; want %s, %s, en", got, u.OrgUnit, u.Locale, want, childUnit)
		}
	})

	t.Run("a forged success message is not shown", func(t *testing.T) {
		res := e.do(req{method: "GET", target: "/admin/users?created=somebody.else", cookies: as})
		if strings.Contains(res.body, "somebody.else") {
			t.Errorf("the page shows a name from the URL")
		}
	})

	t.Run("import with a bad row shows the report", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/admin/orgunits/import", cookies: as, multipart: &multipartBody{
			fields: map[string]string{"_csrf": csrf}, field: "file", filename: "乡镇.csv",
			content: gb18030(t, "代码,名称,上级代码,级别\n370102002,西湖镇,370102,乡镇\n370102003,北山镇,379999,乡镇\n"),
		}})
		if got, want := res.status, http.StatusUnprocessableEntity; got != want {
			t.Fatalf("status: got %d, want %d\n%s", got, want, res.body)
		}
		for _, want := range []string{"导入失败，没有保存任何数据", "<td>3</td>", "上级单位不存在", "上级代码"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("page lacks %q:\n%s", want, res.body)
			}
		}
		if _, err := e.store.GetOrgUnit(t.Context(), "370102002"); engine.ErrorCode(err) != engine.ENOTFOUND {
			t.Errorf("370102002: got %v, want it not stored", err)
		}
	})

	t.Run("import without the CSRF token", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/admin/orgunits/import", cookies: as, multipart: &multipartBody{
			field: "file", filename: "units.csv", content: []byte("code,name,parent,level\n370102002,West Lake,370102,township\n"),
		}})
		if got, want := res.status, http.StatusForbidden; got != want {
			t.Fatalf("status: got %d, want %d", got, want)
		}
	})

	t.Run("import", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/admin/orgunits/import", cookies: as, multipart: &multipartBody{
			fields: map[string]string{"_csrf": csrf}, field: "file", filename: "units.csv",
			content: []byte("code,name,parent,level\n370102002,West Lake,370102,township\n"),
		}})
		if got, want := res.status, http.StatusSeeOther; got != want {
			t.Fatalf("status: got %d, want %d\n%s", got, want, res.body)
		}
		page := e.do(req{method: "GET", target: res.header.Get("Location"), cookies: as})
		for _, want := range []string{"已导入 1 个单位", "West Lake"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
	})

	t.Run("logout", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/logout", cookies: as, header: formHeader, body: form("_csrf", csrf)})
		if got, want := res.status, http.StatusSeeOther; got != want {
			t.Fatalf("status: got %d, want %d", got, want)
		}
		if got, want := res.header.Get("Location"), "/login"; got != want {
			t.Errorf("Location: got %q, want %q", got, want)
		}
		if got := e.do(req{method: "GET", target: "/", cookies: as}); got.status != http.StatusSeeOther {
			t.Errorf("home after logout: got %d, want a redirect to sign in", got.status)
		}
	})
}

func TestStaticFiles(t *testing.T) {
	e := newEnv(t, Config{})
	css := uiAssets().byName["app.css"]
	tests := []struct {
		name        string
		target      string
		header      map[string]string
		wantStatus  int
		wantCache   string
		wantType    string
		wantNonZero bool
	}{
		{name: "versioned", target: uiAssets().url("app.css"), wantStatus: 200, wantCache: "public, max-age=31536000, immutable", wantType: "text/css; charset=utf-8", wantNonZero: true},
		{name: "unversioned", target: "/static/app.css", wantStatus: 200, wantCache: "no-cache", wantType: "text/css; charset=utf-8", wantNonZero: true},
		{name: "stale version", target: "/static/app.css?v=0000", wantStatus: 200, wantCache: "no-cache", wantNonZero: true, wantType: "text/css; charset=utf-8"},
		{name: "script", target: uiAssets().url("app.js"), wantStatus: 200, wantCache: "public, max-age=31536000, immutable", wantType: "text/javascript; charset=utf-8", wantNonZero: true},
		{name: "revalidated", target: "/static/app.css", header: map[string]string{"If-None-Match": css.etag}, wantStatus: 304, wantCache: "no-cache"},
		{name: "unknown", target: "/static/secret.txt", wantStatus: 404},
		{name: "no traversal", target: "/static/..%2Fui.go", wantStatus: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(req{method: "GET", target: tt.target, header: tt.header})
			if got := res.status; got != tt.wantStatus {
				t.Errorf("status: got %d, want %d", got, tt.wantStatus)
			}
			if got := res.header.Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("Cache-Control: got %q, want %q", got, tt.wantCache)
			}
			if tt.wantType != "" && res.header.Get("Content-Type") != tt.wantType {
				t.Errorf("Content-Type: got %q, want %q", res.header.Get("Content-Type"), tt.wantType)
			}
			if got := len(res.body) > 0; got != tt.wantNonZero && tt.wantStatus != 404 {
				t.Errorf("body present: got %v, want %v", got, tt.wantNonZero)
			}
			for name, want := range wantSecurityHeaders {
				if got := res.header.Get(name); got != want {
					t.Errorf("%s: got %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestBuildTree(t *testing.T) {
	e := newEnv(t, Config{})
	units, err := e.store.ListOrgUnits(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	tree := buildTree(&pageData{Lang: "en"}, units)
	// Three levels from the province: the units below the districts are
	// counted, not shown.
	var lines []string
	var walk func(n *treeNode, depth int)
	walk = func(n *treeNode, depth int) {
		lines = append(lines, strings.Repeat("  ", depth)+n.Code+" "+n.Level+" "+n.More)
		for _, c := range n.Children {
			walk(c, depth+1)
		}
	}
	for _, n := range tree {
		walk(n, 0)
	}
	got := strings.Join(lines, "\n")
	want := strings.Join([]string{
		"370000 Province ",
		"  370100 City ",
		"    370102 District 2 more units below",
		"    370103 District 1 more units below",
	}, "\n")
	if got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
}
