package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// Where a CSRF token comes back: scripts send the header, HTML forms the
// hidden field.
const (
	headerCSRF = "X-CSRF-Token"
	fieldCSRF  = "_csrf"
)

// checkCSRF refuses a state-changing request authenticated by the session
// cookie unless it carries the session's CSRF token, in the X-CSRF-Token
// header or the _csrf form field. The browser attaches the cookie to a
// request another site makes it send; only our own pages know the token.
// Requests with a Bearer token are exempt: a browser never adds that
// header on its own. Returns EFORBIDDEN.
func checkCSRF(c fiber.Ctx, a *auth) error {
	if !a.cookie || safeMethod(c.Method()) {
		return nil
	}
	got := c.Get(headerCSRF)
	if got == "" {
		got = bodyField(c, fieldCSRF)
	}
	if !sameToken(got, a.session.CSRFToken) {
		return engine.Errorf(engine.EFORBIDDEN, "the CSRF token is missing or wrong; reload the page and try again")
	}
	return nil
}

// safeMethod reports whether method must not change state (RFC 9110
// 9.2.1), so needs no CSRF token.
func safeMethod(method string) bool {
	switch method {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
		return true
	}
	return false
}

// sameToken compares tokens in constant time; an empty token matches
// nothing.
func sameToken(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// bodyField returns the first value of a field of a urlencoded or
// multipart form body. Unlike c.FormValue it never looks at the query
// string: a token in a URL leaks through logs, history and the Referer
// header.
func bodyField(c fiber.Ctx, key string) string {
	if v := formValues(c, key); len(v) > 0 {
		return v[0]
	}
	return ""
}

// newLoginToken returns a fresh double-submit token for the sign-in form.
func newLoginToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("server: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// validLoginToken reports whether t looks like a token newLoginToken made,
// so a cookie planted with junk is replaced rather than echoed into a page.
func validLoginToken(t string) bool {
	if len(t) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(t)
	return err == nil
}

// loginFormToken returns the double-submit token for a sign-in form,
// reusing the browser's cookie so that two open sign-in tabs both work,
// and (re)sets the cookie.
func (s *Server) loginFormToken(c fiber.Ctx) string {
	token := c.Cookies(loginCookie)
	if !validLoginToken(token) {
		token = newLoginToken()
	}
	s.setCookie(c, loginCookie, token, "/login", s.now().Add(loginCookieTTL))
	return token
}

// checkLoginToken reports whether a posted sign-in form echoes its cookie.
// An attacker's page can post the form, but cannot read our cookie,
// so it cannot make the two agree; that stops login CSRF (signing a victim
// in as the attacker).
func checkLoginToken(c fiber.Ctx) bool {
	cookie := c.Cookies(loginCookie)
	return validLoginToken(cookie) && sameToken(bodyField(c, fieldCSRF), cookie)
}
