package server

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// linkRoutes installs closing campaigns, link management, the public
// form behind a link and its QR codes.
//
// QR codes: only a hash of a link's token is stored, so a QR image can be
// made only by whoever holds the token. The create response carries each
// link's URL and its QR code addresses /p/:token/qr.png and .svg, which
// need no sign-in (the token is the permission, and the image shows
// nothing the URL does not); the printable page inlines the SVGs.
func (s *Server) linkRoutes(api fiber.Router) {
	api.Post("/campaigns/:id/close", s.signedInAPI, s.apiCloseCampaign)
	api.Post("/campaigns/:id/links", s.signedInAPI, s.apiCreateLinks)
	api.Get("/campaigns/:id/links", s.signedInAPI, s.apiListLinks)
	api.Post("/links/:id/revoke", s.signedInAPI, s.apiRevokeLink)
	api.Post("/public/:token/evaluate", s.apiPublicEvaluate)
	api.Post("/public/:token/records", s.apiPublicSubmit)

	s.app.Get("/p/:token/qr.png", s.qrPNG)
	s.app.Get("/p/:token/qr.svg", s.qrSVG)
	s.app.Get("/p/:token/thanks", s.publicPage, s.publicThanks)
	s.app.Get("/p/:token", s.publicPage, s.publicFormPage)
	s.app.Post("/p/:token", s.publicPage, s.publicFormSubmit)
	s.app.Get("/campaigns/:id/links", s.signedInPage, s.linksPage)
	s.app.Post("/campaigns/:id/links/print", s.signedInPage, s.linksPrint)
}

// apiCloseCampaign answers POST /api/v1/campaigns/:id/close with the
// closure: {"reason": "…"}. 409 conflict when it is closed already.
func (s *Server) apiCloseCampaign(c fiber.Ctx) error {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	cl, err := s.engine.CloseCampaign(c.Context(), actorOf(c), c.Params("id"), req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"campaign": cl.CampaignID, "closedAt": cl.ClosedAt, "closedBy": cl.ClosedBy, "reason": cl.Reason})
}

// createLinksRequest is the body of POST /api/v1/campaigns/:id/links.
type createLinksRequest struct {
	Form      string           `json:"form"`
	OrgUnit   string           `json:"orgUnit"`
	OneTime   bool             `json:"oneTime"`
	Preset    []map[string]any `json:"preset"`
	ExpiresAt *time.Time       `json:"expiresAt"`
}

// linkJSON is a link as the API shows it. Token, URL and the QR
// addresses are there only in the create response.
type linkJSON struct {
	ID        string         `json:"id"`
	Campaign  string         `json:"campaign"`
	Form      string         `json:"form"`
	OrgUnit   string         `json:"orgUnit"`
	OneTime   bool           `json:"oneTime"`
	Preset    map[string]any `json:"preset,omitempty"`
	CreatedAt time.Time      `json:"createdAt"`
	ExpiresAt *time.Time     `json:"expiresAt,omitempty"`
	RevokedAt *time.Time     `json:"revokedAt,omitempty"`
	UsedAt    *time.Time     `json:"usedAt,omitempty"`
	Status    string         `json:"status"` // open, revoked, expired, used
	Token     string         `json:"token,omitempty"`
	URL       string         `json:"url,omitempty"`
	QRPNG     string         `json:"qrPng,omitempty"`
	QRSVG     string         `json:"qrSvg,omitempty"`
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toLinkJSON(l *engine.Link, now time.Time) linkJSON {
	status := l.LinkStatus(now)
	if status == "" {
		status = "open"
	}
	return linkJSON{
		ID: l.ID, Campaign: l.CampaignID, Form: l.FormID, OrgUnit: l.OrgUnit, OneTime: l.OneTime, Preset: l.Preset,
		CreatedAt: l.CreatedAt, ExpiresAt: optionalTime(l.ExpiresAt), RevokedAt: optionalTime(l.RevokedAt),
		UsedAt: optionalTime(l.UsedAt), Status: status,
	}
}

// publicPath is the address of the public form behind a token.
func publicPath(token string) string { return "/p/" + token }

// createLinks makes links for the request and returns them with their
// tokens, URLs and QR addresses.
func (s *Server) createLinks(c fiber.Ctx, campaignID string, req createLinksRequest) ([]linkJSON, error) {
	spec := engine.LinkSpec{Campaign: campaignID, Form: req.Form, OrgUnit: req.OrgUnit, OneTime: req.OneTime, Preset: req.Preset}
	if req.ExpiresAt != nil {
		spec.ExpiresAt = *req.ExpiresAt
	}
	made, err := s.engine.CreateLinks(c.Context(), actorOf(c), spec)
	if err != nil {
		return nil, err
	}
	now, base := s.engine.Now(), c.BaseURL()
	out := make([]linkJSON, len(made))
	for i, m := range made {
		out[i] = toLinkJSON(m.Link, now)
		out[i].Token, out[i].URL = m.Token, base+publicPath(m.Token)
		out[i].QRPNG, out[i].QRSVG = base+publicPath(m.Token)+"/qr.png", base+publicPath(m.Token)+"/qr.svg"
	}
	return out, nil
}

// apiCreateLinks answers POST /api/v1/campaigns/:id/links: 201 with
// {"links": [...]}, each with its token, shown this once.
func (s *Server) apiCreateLinks(c fiber.Ctx) error {
	var req createLinksRequest
	if err := decodeAnswersJSON(c, &req); err != nil {
		return err
	}
	links, err := s.createLinks(c, c.Params("id"), req)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"links": links})
}

// apiListLinks answers GET /api/v1/campaigns/:id/links?org=CODE with the
// campaign's links in the caller's scope, without tokens.
func (s *Server) apiListLinks(c fiber.Ctx) error {
	links, err := s.engine.ListLinks(c.Context(), actorOf(c), c.Params("id"), c.Query("org"))
	if err != nil {
		return err
	}
	now := s.engine.Now()
	out := make([]linkJSON, len(links))
	for i, l := range links {
		out[i] = toLinkJSON(l, now)
	}
	return c.JSON(fiber.Map{"links": out})
}

// apiRevokeLink answers POST /api/v1/links/:id/revoke with the revoked
// link; 409 conflict when it was revoked already.
func (s *Server) apiRevokeLink(c fiber.Ctx) error {
	l, err := s.engine.RevokeLink(c.Context(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toLinkJSON(l, s.engine.Now()))
}
