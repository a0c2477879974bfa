package server

import (
	"time"

	"github.com/gofiber/fiber/v3"
)

// Cookies the server sets. All are HttpOnly: no script of ours reads them,
// and none that an injected script could read.
const (
	// sessionCookie holds the secret token of a browser session; the
	// store keeps only its hash.
	sessionCookie = "canvass_session"
	// loginCookie holds the double-submit token of the sign-in form: the
	// form is posted before there is a session to bind a CSRF token to.
	loginCookie = "canvass_login"
	// langCookie remembers a language picked with ?lang=.
	langCookie = "canvass_lang"
)

// loginCookieTTL is how long a sign-in form stays valid.
const loginCookieTTL = 2 * time.Hour

// secureCookies reports whether cookies must carry Secure: on a TLS
// connection, or always when the operator said so (TLS ends at a proxy).
func (s *Server) secureCookies(c fiber.Ctx) bool {
	return s.forceSecure || c.Scheme() == "https"
}

// setCookie sets an HttpOnly, SameSite=Lax cookie. Lax, not Strict: a
// link from a mail or chat message to a page must arrive signed in, and
// Lax still withholds the cookie from cross-site POSTs.
func (s *Server) setCookie(c fiber.Ctx, name, value, path string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name:     name,
		Value:    value,
		Path:     path,
		Expires:  expires,
		HTTPOnly: true,
		Secure:   s.secureCookies(c),
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// clearCookie tells the browser to drop a cookie set by setCookie.
func (s *Server) clearCookie(c fiber.Ctx, name, path string) {
	c.Cookie(&fiber.Cookie{
		Name:     name,
		Path:     path,
		MaxAge:   -1,
		Expires:  time.Unix(0, 0),
		HTTPOnly: true,
		Secure:   s.secureCookies(c),
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// setSessionCookie hands the browser its session token, valid as long as
// the session.
func (s *Server) setSessionCookie(c fiber.Ctx, token string, expires time.Time) {
	s.setCookie(c, sessionCookie, token, "/", expires)
}
