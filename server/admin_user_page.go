package server

import (
	"strconv"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// The admin's page of one user (/admin/users/:user): who they are, and
// their ID number and mobile — shown masked, revealed in full on request
// (audited), and set with the user's version so that a second admin's
// earlier save, a stale page or a double click never overwrites unseen.

func (s *Server) adminUserRoutes() {
	s.app.Get("/admin/users/:user", s.signedInPage, s.userPage)
	s.app.Post("/admin/users/:user/personal", s.signedInPage, s.userPersonalSubmit)
	s.app.Post("/admin/users/:user/reveal", s.signedInPage, s.userRevealSubmit)
}

// userPageData is the user page's own data.
type userPageData struct {
	User      *engine.User
	Unit      string
	Personal  engine.UserPersonal // as the inputs show it: masked, revealed or as typed
	Stored    engine.UserPersonal // masked, as stored now
	Version   int64               // the version the form carries
	Revealed  bool
	MayReveal bool
	Errors    map[string]string
}

// userOf returns the admin's user named in the path, or ENOTFOUND.
func (s *Server) userOf(c fiber.Ctx) (*engine.User, error) {
	id := c.Params("user")
	if !engine.ValidID(id) {
		return nil, engine.Errorf(engine.ENOTFOUND, "user not found")
	}
	return s.engine.UserForAdmin(c.Context(), actorOf(c), id)
}

func (s *Server) userPage(c fiber.Ctx) error {
	u, err := s.userOf(c)
	if err != nil {
		return err
	}
	p := s.userPageFor(c, u)
	switch c.Query("done") {
	case "saved":
		p.Flash = p.T("user.saved", u.DisplayName)
	case "unchanged":
		p.Flash = p.T("user.unchanged")
	}
	return s.render(c, fiber.StatusOK, "admin_user", p)
}

// userPageFor is the page of u with the stored values masked in the form.
func (s *Server) userPageFor(c fiber.Ctx, u *engine.User) *pageData {
	path := ""
	if c.Method() != fiber.MethodGet {
		path = "/admin/users/" + u.ID
	}
	p := s.newPage(c, "user.title", "users", path)
	masked := s.engine.MaskedUserPersonal(u)
	p.Data = &userPageData{User: u, Unit: s.engine.Names(c.Context()).Unit(u.OrgUnit), Personal: masked, Stored: masked,
		Version: u.Version, MayReveal: engine.MayRevealUserPersonal(actorOf(c))}
	return p
}

// userPersonalSubmit saves the ID number and mobile: 303 to the page with
// a message; the form again with each problem next to its field (422); the
// current values with a note when someone saved first (409).
func (s *Server) userPersonalSubmit(c fiber.Ctx) error {
	u, err := s.userOf(c)
	if err != nil {
		return err
	}
	sent := engine.UserPersonal{IDNumber: bodyField(c, "idNumber"), Mobile: bodyField(c, "mobile")}
	version, verr := strconv.ParseInt(bodyField(c, "version"), 10, 64)
	if verr != nil {
		version = -1 // a form without its version cannot be fresh: it conflicts
	}
	saved, err := s.engine.SetUserPersonal(c.Context(), actorOf(c), u.ID, version, sent)
	switch engine.ErrorCode(err) {
	case "":
		done := "saved"
		if saved.Version == u.Version {
			done = "unchanged"
		}
		return redirect(c, "/admin/users/"+u.ID+"?done="+done)
	case engine.EINVALID:
		p := s.userPageFor(c, u)
		d := p.Data.(*userPageData)
		d.Personal, d.Version, d.Errors = sent, version, fieldMessages(p, engine.ErrorFields(err))
		p.Error = p.T("user.invalid")
		return s.render(c, fiber.StatusUnprocessableEntity, "admin_user", p)
	case engine.ECONFLICT:
		p := s.userPageFor(c, u) // u is as stored now
		p.Error = p.T("user.conflict")
		return s.render(c, fiber.StatusConflict, "admin_user", p)
	case engine.EUNAVAILABLE:
		p := s.userPageFor(c, u)
		d := p.Data.(*userPageData)
		d.Personal, d.Version = sent, version
		p.Error = p.T("user.unavailable")
		return s.render(c, fiber.StatusServiceUnavailable, "admin_user", p)
	}
	return err
}

// userRevealSubmit shows the page with the full numbers in the form
// (audited by the engine). A POST, so that a link, a prefetch or a
// reload from history does not reveal.
func (s *Server) userRevealSubmit(c fiber.Ctx) error {
	u, full, err := s.engine.RevealUserPersonal(c.Context(), actorOf(c), c.Params("user"))
	if err != nil {
		return err
	}
	p := s.userPageFor(c, u)
	d := p.Data.(*userPageData)
	d.Personal, d.Revealed = full, true
	p.Flash = p.T("user.revealed")
	return s.render(c, fiber.StatusOK, "admin_user", p)
}
