package server

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// loginData is the sign-in page's own data.
type loginData struct {
	Next     string // where to go once signed in
	Username string // kept after a failed attempt
}

// loginMessage words the engine's refusal of a sign-in in the page's
// language; ok is false for any other error.
func loginMessage(p *pageData, err error) (msg string, ok bool) {
	var r *engine.SignInRefusal
	if !errors.As(err, &r) {
		return "", false
	}
	switch {
	case r.Reason == engine.SignInThrottled:
		return p.T("login.throttled", r.RetryMinutes()), true
	case r.Reason == engine.SignInLocked:
		return p.T("login.locked", r.RetryMinutes()), true
	case r.AttemptsLeft == 0:
		return p.T("login.wrong_locked", r.RetryMinutes()), true
	case r.AttemptsLeft <= engine.SignInWarnAttemptsLeft:
		return p.T("login.wrong_left", r.AttemptsLeft), true
	}
	return p.T("login.wrong"), true
}

// setRetryAfter tells a client refused by the sign-in limits when to try
// again (Retry-After, in seconds).
func setRetryAfter(c fiber.Ctx, err error) {
	var r *engine.SignInRefusal
	if errors.As(err, &r) && engine.ErrorCode(err) == engine.ERATELIMITED {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(r.RetryAfter.Round(time.Second)/time.Second)))
	}
}

// loginPage shows the sign-in form, or sends a signed-in visitor on.
func (s *Server) loginPage(c fiber.Ctx) error {
	a, err := s.identify(c)
	if err != nil {
		return err
	}
	next := localPath(c.Query("next"))
	if a != nil {
		return redirect(c, next)
	}
	p := s.newPage(c, "login.title", "", "")
	p.CSRF = s.loginFormToken(c)
	p.Data = loginData{Next: next}
	return s.render(c, fiber.StatusOK, "login", p)
}

// loginSubmit signs in from the form. A failure shows the form again with
// the reason in the page's language and the status the API would answer:
// 403 for a form without its double-submit token, 401 for a wrong
// username or password, 429 when the sign-in limits refuse it.
func (s *Server) loginSubmit(c fiber.Ctx) error {
	next := localPath(bodyField(c, "next"))
	p := s.newPage(c, "login.title", "", "/login")
	if next != "/" {
		p.query.Set("next", next)
	}
	data := loginData{Next: next, Username: bodyField(c, "username")}
	p.Data = data
	if !checkLoginToken(c) {
		p.CSRF = s.loginFormToken(c)
		p.Error = p.T("login.expired")
		return s.render(c, fiber.StatusForbidden, "login", p)
	}
	sess, token, _, err := s.engine.Login(c.Context(), data.Username, bodyField(c, "password"), s.clientIP(c))
	if err != nil {
		msg, ok := loginMessage(p, err)
		if !ok {
			return err
		}
		setRetryAfter(c, err)
		p.CSRF = s.loginFormToken(c)
		p.Error = msg
		return s.render(c, statusByCode[engine.ErrorCode(err)], "login", p)
	}
	s.setSessionCookie(c, token, sess.ExpiresAt)
	s.clearCookie(c, loginCookie, "/login")
	return redirect(c, next)
}

// logoutSubmit ends the session from the sign-out button.
func (s *Server) logoutSubmit(c fiber.Ctx) error {
	a := authOf(c)
	if err := s.engine.Logout(c.Context(), a.actor, a.token); err != nil {
		return err
	}
	if a.cookie {
		s.clearCookie(c, sessionCookie, "/")
	}
	return redirect(c, "/login")
}

// homeData is the home page's own data.
type homeData struct {
	Unit     *engine.OrgUnit // the root of the user's scope
	Forms    []homeForm      // open campaign forms the user may fill in
	Sections []homeSection   // each of the user's roles' work, with counts and links
}
