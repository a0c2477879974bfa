package server

import (
	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// Every route under a campaign — /api/v1/campaigns/:id/… and the pages
// /campaigns/:id/… — first passes one scope check, installed here as
// middleware on the two prefixes rather than in each handler: a campaign
// that is not published, or whose org scope does not overlap the caller's
// subtree, answers 404 before any handler reads or writes anything, and a
// route added later under either prefix gets the check without asking.
// The handlers and the engine services still check roles and scope of
// their own; this check is the floor under them.
const (
	apiCampaignPrefix  = "/api/v1/campaigns/:id"
	pageCampaignPrefix = "/campaigns/:id"
)

// campaignScopeRoutes installs the campaign scope check. It must be
// called before any route under the prefixes is registered: Fiber runs
// handlers in the order they were added.
func (s *Server) campaignScopeRoutes() {
	s.app.Use(apiCampaignPrefix, s.campaignInScopeAPI)
	s.app.Use(pageCampaignPrefix, s.campaignInScopePage)
}

// campaignInScopeAPI answers 404 (the JSON error body) for a campaign
// outside the caller's scope.
func (s *Server) campaignInScopeAPI(c fiber.Ctx) error {
	if err := s.checkCampaignScope(c); err != nil {
		return err
	}
	return c.Next()
}

// campaignInScopePage shows the 404 page for a campaign outside the
// caller's scope.
func (s *Server) campaignInScopePage(c fiber.Ctx) error {
	if err := s.checkCampaignScope(c); err != nil {
		return s.renderErrorPage(c, err)
	}
	return c.Next()
}

// checkCampaignScope returns ENOTFOUND when the caller may not see the
// campaign in the :id segment. A request without valid credentials passes
// through, so that the route's own guard answers it as it answers every
// stranger (401, or a redirect to the sign-in page) and a stranger cannot
// tell a campaign that exists from one that does not. Every kind of "not
// yours" — no such campaign, not published, outside the scope — gets the
// same error, so the answer tells nothing more.
func (s *Server) checkCampaignScope(c fiber.Ctx) error {
	a, err := s.identify(c)
	if err != nil || a == nil {
		return err
	}
	id := c.Params("id")
	if !campaignIDPattern.MatchString(id) {
		return errCampaignNotFound()
	}
	if _, _, err := s.engine.CampaignInScope(c.Context(), a.actor, id); err != nil {
		if engine.ErrorCode(err) == engine.ENOTFOUND {
			return errCampaignNotFound()
		}
		return err
	}
	return nil
}

func errCampaignNotFound() error { return engine.Errorf(engine.ENOTFOUND, "campaign not found") }
