package server

import (
	"crypto/tls"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"canvass/engine"
)

func TestLogin(t *testing.T) {
	e := newEnv(t, Config{})
	e.user("wang.fang", ownUnit, engine.RoleFieldWorker)
	e.user("li.na", ownUnit, engine.RoleReviewer)
	e.user("zhao.lei", ownUnit, engine.RoleAdmin)
	login := func(username, password string) req {
		return req{method: "POST", target: "/api/v1/login", json: map[string]string{"username": username, "password": password}}
	}
	tests := []struct {
		name       string
		before     func(t *testing.T)
		req        req
		wantStatus int
		wantCode   string
		wantBody   []string // substrings of a successful body
	}{
		{name: "ok", req: login("wang.fang", testPassword), wantStatus: 200,
			wantBody: []string{`"username":"wang.fang"`, `"roles":["field_worker"]`, `"csrfToken":"`, `"orgUnit":"370102"`}},
		{name: "username is case-insensitive", req: login("  Wang.Fang ", testPassword), wantStatus: 200},
		{name: "wrong password", req: login("li.na", "not the password"), wantStatus: 401, wantCode: engine.EUNAUTHORIZED},
		{name: "unknown user", req: login("nobody.here", testPassword), wantStatus: 401, wantCode: engine.EUNAUTHORIZED},
		{name: "empty body", req: req{method: "POST", target: "/api/v1/login", header: map[string]string{"Content-Type": "application/json"}}, wantStatus: 422, wantCode: engine.EINVALID},
		{name: "form body is not JSON", req: req{method: "POST", target: "/api/v1/login", body: "username=li.na&password=x",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, wantStatus: 422, wantCode: engine.EINVALID},
		{name: "unknown field", req: req{method: "POST", target: "/api/v1/login", json: map[string]string{"username": "li.na", "password": testPassword, "remember": "yes"}},
			wantStatus: 422, wantCode: engine.EINVALID},
		{name: "locked out after five failures, even with the right password",
			before: func(t *testing.T) {
				for range 5 {
					check(t, e.do(login("zhao.lei", "guess guess")), 401, engine.EUNAUTHORIZED)
				}
			},
			req: login("zhao.lei", testPassword), wantStatus: 429, wantCode: engine.ERATELIMITED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				tt.before(t)
			}
			res := e.do(tt.req)
			check(t, res, tt.wantStatus, tt.wantCode)
			for _, want := range tt.wantBody {
				if !strings.Contains(res.body, want) {
					t.Errorf("body: got %s, want it to contain %s", res.body, want)
				}
			}
			c := res.cookie(sessionCookie)
			if tt.wantCode != "" {
				if c.Value != "" {
					t.Errorf("a failed sign-in set the session cookie")
				}
				return
			}
			if c.Value == "" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
				t.Errorf("session cookie: got %+v, want a value, HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP", c)
			}
			if got, want := c.Expires, e.clock.Now().Add(engine.SessionTTL); !got.Equal(want.Truncate(time.Second)) {
				t.Errorf("cookie expiry: got %v, want %v", got, want)
			}
		})
	}
}

// TestSecureCookie checks the Secure attribute: set with the flag, or over
// TLS; not on plain HTTP without the flag (the browser would drop it).
func TestSecureCookie(t *testing.T) {
	tests := []struct {
		name       string
		flag       bool
		tls        bool
		wantSecure bool
	}{
		{name: "plain HTTP", wantSecure: false},
		{name: "plain HTTP with --secure-cookies", flag: true, wantSecure: true},
		{name: "TLS", tls: true, wantSecure: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Config{SecureCookies: tt.flag})
			e.user("wang.fang", ownUnit, engine.RoleFieldWorker)
			var cookies []*http.Cookie
			if tt.tls {
				cert, pool := selfSignedCert(t)
				addr := serveOnSocket(t, e.srv, func(ln net.Listener) net.Listener {
					return tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}})
				})
				client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
				res, err := client.Post("https://"+addr+"/api/v1/login", "application/json",
					strings.NewReader(`{"username":"wang.fang","password":"`+testPassword+`"}`))
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != 200 {
					t.Fatalf("status: got %d, want 200", res.StatusCode)
				}
				cookies = res.Cookies()
			} else {
				res := e.do(req{method: "POST", target: "/api/v1/login", json: map[string]string{"username": "wang.fang", "password": testPassword}})
				check(t, res, 200, "")
				cookies = res.cookies
			}
			var got *http.Cookie
			for _, c := range cookies {
				if c.Name == sessionCookie {
					got = c
				}
			}
			if got == nil {
				t.Fatal("no session cookie")
			}
			if got.Secure != tt.wantSecure {
				t.Errorf("Secure: got %v, want %v", got.Secure, tt.wantSecure)
			}
		})
	}
}

// TestSessionsAndCSRF runs requests with every kind of credential against
// routes that read and routes that change state.
func TestSessionsAndCSRF(t *testing.T) {
	e := newEnv(t, Config{})
	u := e.user("wang.fang", ownUnit, engine.RoleFieldWorker)
	cookie, csrf := e.session("wang.fang")
	token := e.apiToken(u)
	withCookie := func() map[string]string { return map[string]string{sessionCookie: cookie} }
	newToken := map[string]string{"name": "nightly export"}

	tests := []struct {
		name       string
		req        req
		wantStatus int
		wantCode   string
		wantBody   string
	}{
		{name: "no credentials: me", req: req{method: "GET", target: "/api/v1/me"}, wantStatus: 401, wantCode: engine.EUNAUTHORIZED},
		{name: "no credentials: tokens", req: req{method: "POST", target: "/api/v1/tokens", json: newToken}, wantStatus: 401, wantCode: engine.EUNAUTHORIZED},
		{name: "no credentials: logout", req: req{method: "POST", target: "/api/v1/logout"}, wantStatus: 401, wantCode: engine.EUNAUTHORIZED},
		{name: "cookie: me", req: req{method: "GET", target: "/api/v1/me", cookies: withCookie()}, wantStatus: 200, wantBody: `"csrfToken":"` + csrf + `"`},
		{name: "cookie: state change without the CSRF token", req: req{method: "POST", target: "/api/v1/tokens", json: newToken, cookies: withCookie()},
			wantStatus: 403, wantCode: engine.EFORBIDDEN},
		{name: "cookie: state change with a wrong CSRF token", req: req{method: "POST", target: "/api/v1/tokens", json: newToken, cookies: withCookie(),
			header: map[string]string{headerCSRF: strings.Repeat("A", len(csrf))}}, wantStatus: 403, wantCode: engine.EFORBIDDEN},
		{name: "cookie: CSRF token in the query string does not count", req: req{method: "POST", target: "/api/v1/tokens?_csrf=" + csrf, json: newToken, cookies: withCookie()},
			wantStatus: 403, wantCode: engine.EFORBIDDEN},
		{name: "cookie: state change with the CSRF token", req: req{method: "POST", target: "/api/v1/tokens", json: newToken, cookies: withCookie(),
			header: map[string]string{headerCSRF: csrf}}, wantStatus: 201, wantBody: `"name":"nightly export"`},
		{name: "bearer: me, no CSRF token shown", req: req{method: "GET", target: "/api/v1/me", header: bearer(token)}, wantStatus: 200, wantBody: `"username":"wang.fang"`},
		{name: "bearer: state change needs no CSRF token", req: req{method: "POST", target: "/api/v1/tokens", json: newToken, header: bearer(token)}, wantStatus: 201},
		{name: "bearer: lower-case scheme", req: req{method: "GET", target: "/api/v1/me", header: map[string]string{"Authorization": "bearer " + token}}, wantStatus: 200},
		{name: "bearer: garbage", req: req{method: "GET", target: "/api/v1/me", header: bearer("not-a-token")}, wantStatus: 401, wantCode: engine.EUNAUTHORIZED},
		{name: "bearer: a browser session token is no API token", req: req{method: "GET", target: "/api/v1/me", header: bearer(cookie)}, wantStatus: 401, wantCode: engine.EUNAUTHORIZED},
		{name: "cookie: an API token is no browser session", req: req{method: "GET", target: "/api/v1/me", cookies: map[string]string{sessionCookie: token}}, wantStatus: 401, wantCode: engine.EUNAUTHORIZED},
		{name: "bearer wins over a cookie", req: req{method: "GET", target: "/api/v1/me", header: bearer("not-a-token"), cookies: withCookie()}, wantStatus: 401, wantCode: engine.EUNAUTHORIZED},
		{name: "basic auth is not accepted", req: req{method: "GET", target: "/api/v1/me", header: map[string]string{"Authorization": "Basic d2FuZzp4"}}, wantStatus: 401, wantCode: engine.EUNAUTHORIZED},
		{name: "garbage cookie", req: req{method: "GET", target: "/api/v1/me", cookies: map[string]string{sessionCookie: "garbage"}}, wantStatus: 401, wantCode: engine.EUNAUTHORIZED},
		{name: "overlong cookie", req: req{method: "GET", target: "/api/v1/me", cookies: map[string]string{sessionCookie: strings.Repeat("x", 300)}}, wantStatus: 401, wantCode: engine.EUNAUTHORIZED},
		{name: "public: version needs nobody", req: req{method: "GET", target: "/api/v1/version"}, wantStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(tt.req)
			check(t, res, tt.wantStatus, tt.wantCode)
			if !strings.Contains(res.body, tt.wantBody) {
				t.Errorf("body: got %s, want it to contain %s", res.body, tt.wantBody)
			}
			if strings.HasPrefix(tt.name, "bearer") && strings.Contains(res.body, "csrfToken") {
				t.Errorf("an API token's answer shows a CSRF token: %s", res.body)
			}
			if tt.name == "garbage cookie" {
				if c := res.cookie(sessionCookie); c.MaxAge >= 0 {
					t.Errorf("the dead cookie was not cleared: %+v", c)
				}
			}
		})
	}
}

func TestSessionEnds(t *testing.T) {
	tests := []struct {
		name string
		end  func(e *env, cookie, csrf string)
	}{
		{name: "logout", end: func(e *env, cookie, csrf string) {
			res := e.do(req{method: "POST", target: "/api/v1/logout", cookies: map[string]string{sessionCookie: cookie}, header: map[string]string{headerCSRF: csrf}})
			check(e.t, res, 204, "")
			if c := res.cookie(sessionCookie); c.MaxAge >= 0 {
				e.t.Errorf("logout did not clear the cookie: %+v", c)
			}
		}},
		{name: "expiry", end: func(e *env, cookie, csrf string) {
			e.clock.Add(engine.SessionTTL + time.Minute)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Config{})
			e.user("wang.fang", ownUnit, engine.RoleFieldWorker)
			cookie, csrf := e.session("wang.fang")
			me := req{method: "GET", target: "/api/v1/me", cookies: map[string]string{sessionCookie: cookie}}
			check(t, e.do(me), 200, "")
			tt.end(e, cookie, csrf)
			check(t, e.do(me), 401, engine.EUNAUTHORIZED)
		})
	}
}

func TestLogoutNeedsCSRF(t *testing.T) {
	e := newEnv(t, Config{})
	e.user("wang.fang", ownUnit, engine.RoleFieldWorker)
	cookie, _ := e.session("wang.fang")
	check(t, e.do(req{method: "POST", target: "/api/v1/logout", cookies: map[string]string{sessionCookie: cookie}}), 403, engine.EFORBIDDEN)
	check(t, e.do(req{method: "GET", target: "/api/v1/me", cookies: map[string]string{sessionCookie: cookie}}), 200, "")
}

func TestBearerLogoutRevokesTheToken(t *testing.T) {
	e := newEnv(t, Config{})
	token := e.apiToken(e.user("wang.fang", ownUnit, engine.RoleFieldWorker))
	check(t, e.do(req{method: "POST", target: "/api/v1/logout", header: bearer(token)}), 204, "")
	check(t, e.do(req{method: "GET", target: "/api/v1/me", header: bearer(token)}), 401, engine.EUNAUTHORIZED)
}

func TestCreatedTokenWorks(t *testing.T) {
	e := newEnv(t, Config{})
	first := e.apiToken(e.user("wang.fang", ownUnit, engine.RoleFieldWorker))
	res := e.do(req{method: "POST", target: "/api/v1/tokens", json: map[string]string{"name": "backup"}, header: bearer(first)})
	check(t, res, 201, "")
	var got tokenJSON
	res.decode(t, &got)
	if got.Token == "" || got.Name != "backup" || !got.ExpiresAt.After(e.clock.Now()) {
		t.Fatalf("token: got %+v", got)
	}
	check(t, e.do(req{method: "GET", target: "/api/v1/me", header: bearer(got.Token)}), 200, "")
	check(t, e.do(req{method: "POST", target: "/api/v1/tokens", json: map[string]string{"name": ""}, header: bearer(first)}), 422, engine.EINVALID)
}
