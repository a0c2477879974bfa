package server

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// authKey is the Locals key of the request's *auth.
type authKey struct{}

// auth is who sent a request and how they proved it.
type auth struct {
	actor   *engine.Actor
	session *engine.Session
	token   string // the secret the request carried, to end the session with
	cookie  bool   // by the session cookie, so CSRF applies; else by a Bearer token
}

// anonymous marks, in Locals, a request already found to carry no valid
// credentials, so identify looks only once.
var anonymous = &auth{}

// identify returns who sent the request, or nil for nobody: from an
// "Authorization: Bearer" API token when the header is present (and then
// only from it), else from the session cookie. A token that is unknown,
// expired or of the wrong kind counts as nobody, and a dead session cookie
// is cleared; only a failing store is an error. The result is kept in
// Locals, so middleware and handlers can all ask.
func (s *Server) identify(c fiber.Ctx) (*auth, error) {
	if a, ok := c.Locals(authKey{}).(*auth); ok {
		if a == anonymous {
			return nil, nil
		}
		return a, nil
	}
	token, kind, cookie := bearerToken(c), engine.SessionAPI, false
	if c.Get(fiber.HeaderAuthorization) == "" {
		token, kind, cookie = c.Cookies(sessionCookie), engine.SessionWeb, true
	}
	if token == "" {
		c.Locals(authKey{}, anonymous)
		return nil, nil
	}
	actor, sess, err := s.engine.Authenticate(c.Context(), token, s.clientIP(c))
	if err == nil && sess.Kind != kind {
		// A browser session is no API token and the other way round: each
		// kind keeps the protections of its own channel.
		err = engine.Errorf(engine.EUNAUTHORIZED, "sign in first")
	}
	if err != nil {
		if engine.ErrorCode(err) != engine.EUNAUTHORIZED {
			return nil, err
		}
		if cookie {
			s.clearCookie(c, sessionCookie, "/")
		}
		c.Locals(authKey{}, anonymous)
		return nil, nil
	}
	a := &auth{actor: actor, session: sess, token: token, cookie: cookie}
	c.Locals(authKey{}, a)
	return a, nil
}

// bearerToken returns the token of an "Authorization: Bearer …" header,
// "" when there is none or the header has another scheme.
func bearerToken(c fiber.Ctx) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(c.Get(fiber.HeaderAuthorization)), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// actorOf returns the signed-in actor of a request that passed
// signedInAPI or signedInPage, nil otherwise.
func actorOf(c fiber.Ctx) *engine.Actor {
	if a, ok := c.Locals(authKey{}).(*auth); ok && a != anonymous {
		return a.actor
	}
	return nil
}

// authOf returns the request's auth after signedInAPI or signedInPage.
func authOf(c fiber.Ctx) *auth {
	if a, ok := c.Locals(authKey{}).(*auth); ok && a != anonymous {
		return a
	}
	return nil
}

// signedInAPI is the auth middleware of every /api/v1 route but sign-in,
// version and health: it puts the caller in Locals, answers 401
// unauthorized when there is none, and 403 forbidden when a cookie-borne
// request that changes state lacks its CSRF token.
func (s *Server) signedInAPI(c fiber.Ctx) error {
	a, err := s.identify(c)
	if err != nil {
		return err
	}
	if a == nil {
		return engine.Errorf(engine.EUNAUTHORIZED, "sign in first")
	}
	if err := checkCSRF(c, a); err != nil {
		return err
	}
	return c.Next()
}

// authRoutes installs sign-in, sign-out, the caller's own session and API
// tokens.
func (s *Server) authRoutes(api fiber.Router) {
	api.Post("/login", s.apiLogin)
	api.Post("/logout", s.signedInAPI, s.apiLogout)
	api.Get("/me", s.signedInAPI, s.apiMe)
	api.Post("/tokens", s.signedInAPI, s.apiCreateToken)
}

// userJSON is a user as the API shows it: never the password hash.
type userJSON struct {
	ID          string    `json:"id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"displayName"`
	Roles       []string  `json:"roles"`
	OrgUnit     string    `json:"orgUnit"`
	OrgPath     string    `json:"orgPath"`
	Locale      string    `json:"locale"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"createdAt"`
}

func toUserJSON(u *engine.User) userJSON {
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	return userJSON{
		ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Roles: roles,
		OrgUnit: u.OrgUnit, OrgPath: u.OrgPath, Locale: u.Locale, Disabled: u.Disabled, CreatedAt: u.CreatedAt,
	}
}

// sessionJSON answers sign-in and GET /me. CSRFToken is what a script
// sends back in X-CSRF-Token; it is absent for API tokens, which need none.
type sessionJSON struct {
	User      userJSON  `json:"user"`
	CSRFToken string    `json:"csrfToken,omitempty"`
	ExpiresAt time.Time `json:"expiresAt"`
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// apiLogin signs in with a JSON body and sets the session cookie.
// It needs no CSRF token: decodeJSON requires a JSON content type, which a
// cross-site form cannot send and a cross-site script cannot send without
// a CORS preflight that this server never grants.
func (s *Server) apiLogin(c fiber.Ctx) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	sess, token, u, err := s.engine.Login(c.Context(), req.Username, req.Password, s.clientIP(c))
	if err != nil {
		setRetryAfter(c, err)
		return err
	}
	s.setSessionCookie(c, token, sess.ExpiresAt)
	return c.JSON(sessionJSON{User: toUserJSON(u), CSRFToken: sess.CSRFToken, ExpiresAt: sess.ExpiresAt})
}

// apiLogout ends the caller's session: the cookie's, or the API token
// the request was made with.
func (s *Server) apiLogout(c fiber.Ctx) error {
	a := authOf(c)
	if err := s.engine.Logout(c.Context(), a.actor, a.token); err != nil {
		return err
	}
	if a.cookie {
		s.clearCookie(c, sessionCookie, "/")
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apiMe answers who the caller is (and, for a browser session, its CSRF
// token).
func (s *Server) apiMe(c fiber.Ctx) error {
	a := authOf(c)
	out := sessionJSON{User: toUserJSON(a.actor.User), ExpiresAt: a.session.ExpiresAt}
	if a.cookie {
		out.CSRFToken = a.session.CSRFToken
	}
	return c.JSON(out)
}

type tokenRequest struct {
	Name string `json:"name"`
}

type tokenJSON struct {
	Token     string    `json:"token"`
	Name      string    `json:"name"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// apiCreateToken makes an API token for the caller's scripts. The secret
// is in this answer only: the store keeps its hash.
func (s *Server) apiCreateToken(c fiber.Ctx) error {
	var req tokenRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	sess, token, err := s.engine.CreateAPIToken(c.Context(), actorOf(c), req.Name)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(tokenJSON{Token: token, Name: sess.Name, ExpiresAt: sess.ExpiresAt})
}
