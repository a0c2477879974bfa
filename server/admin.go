package server

import (
	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// adminRoutes installs the directory API: org units, users and the audit
// log. Every route is scoped: the engine answers ENOTFOUND (404) for an
// object outside the caller's org-unit subtree, and lists never include
// one.
func (s *Server) adminRoutes(api fiber.Router) {
	api.Get("/orgunits", s.signedInAPI, s.apiOrgUnits)
	api.Post("/orgunits/import", s.signedInAPI, s.apiImportOrgUnits)
	api.Get("/orgunits/:code", s.signedInAPI, s.apiOrgUnit)
	api.Get("/users", s.signedInAPI, s.apiUsers)
	api.Post("/users", s.signedInAPI, s.apiCreateUser)
	api.Get("/audit", s.signedInAPI, s.apiAudit)
}

// requireAdmin returns EFORBIDDEN unless a is an admin. The engine checks
// again; asking first keeps the answer for a non-admin 403 whatever the
// request names (an out-of-scope org code would otherwise answer 404
// first), and spares work, such as reading an uploaded file, whose result
// would be refused anyway.
func requireAdmin(a *engine.Actor) error {
	if !a.Has(engine.RoleAdmin) {
		return engine.Errorf(engine.EFORBIDDEN, "your role may not do this")
	}
	return nil
}
