package server

import (
	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// loginData is the sign-in page's own data.
type loginData struct {
	Next     string // where to go once signed in
	Username string // kept after a failed attempt
}

// loginMessages gives the sign-in page's text for the engine's refusals.
var loginMessages = map[string]string{
	engine.EUNAUTHORIZED: "login.wrong",
	engine.ERATELIMITED:  "login.locked",
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
// username or password, 429 for a locked account.
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
	sess, token, _, err := s.engine.Login(c.Context(), data.Username, bodyField(c, "password"), c.IP())
	if err != nil {
		key, ok := loginMessages[engine.ErrorCode(err)]
		if !ok {
			return err
		}
		p.CSRF = s.loginFormToken(c)
		p.Error = p.T(key)
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
	Unit       *engine.OrgUnit // the root of the user's scope
	OtherRoles []string        // roles whose pages come later
	Forms      []homeForm      // open campaign forms the user may fill in
}
