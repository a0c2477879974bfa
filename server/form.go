package server

import (
	"context"
	"mime"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/forms"
	"canvass/ui"
)

// formRoutes installs definitions (API and author pages), the generated
// forms with their live evaluation, and submission (API and pages).
func (s *Server) formRoutes(api fiber.Router) {
	api.Get("/definitions", s.signedInAPI, s.apiDefinitions)
	api.Put("/definitions/:kind/:id", s.signedInAPI, s.apiSaveDefinition)
	api.Get("/definitions/:kind/:id/versions/:version", s.signedInAPI, s.apiDefinition)
	api.Post("/definitions/:kind/:id/versions/:version/publish", s.signedInAPI, s.apiPublishDefinition)
	api.Get("/definitions/campaign/:id/check", s.signedInAPI, s.apiCheckCampaign)
	api.Post("/definitions/campaign/:id/publish", s.signedInAPI, s.apiPublishCampaign)
	api.Post("/definitions/form/:id/versions/:version/evaluate", s.signedInAPI, s.apiEvaluatePreview)
	api.Post("/campaigns/:campaign/forms/:form/evaluate", s.signedInAPI, s.apiEvaluate)
	api.Post("/records", s.signedInAPI, s.apiSubmit)
	s.xlsformRoutes(api)

	s.app.Get("/author", s.signedInPage, s.authorPage)
	s.app.Post("/author/definitions", s.signedInPage, s.authorUpload)
	s.app.Post("/author/definitions/:kind/:id/versions/:version/publish", s.signedInPage, s.authorPublish)
	s.app.Post("/author/campaigns/:id/publish", s.signedInPage, s.authorPublishCampaign)
	s.app.Get("/author/forms/:id/versions/:version/preview", s.signedInPage, s.formPreviewPage)
	s.app.Get("/campaigns/:campaign/forms/:form/new", s.signedInPage, s.formNewPage)
	s.app.Post("/campaigns/:campaign/forms/:form/new", s.signedInPage, s.formNewSubmit)
	s.app.Get("/records/:id/receipt", s.signedInPage, s.receiptPage)
	s.app.Get("/records/:id/edit", s.signedInPage, s.formEditPage)
	s.app.Post("/records/:id/edit", s.signedInPage, s.formEditSubmit)
}

// Roles that may fill in a form: the roles engine.Submit accepts. Asking
// first keeps the answer 403 for other roles whatever the request names,
// before a campaign lookup could answer 404.
var submitRoles = []string{engine.RoleFieldWorker, engine.RoleAdmin}

// authorRoles may save, publish and preview definitions: the roles
// engine.SaveDraft accepts.
var authorRoles = []string{engine.RoleAuthor, engine.RoleAdmin}

// requireRole returns EFORBIDDEN unless a holds one of roles.
func requireRole(a *engine.Actor, roles ...string) error {
	if !a.Has(roles...) {
		return engine.Errorf(engine.EFORBIDDEN, "your role may not do this")
	}
	return nil
}

// campaignForm is a published form as one campaign collects it.
type campaignForm struct {
	campaign   *campaigns.Campaign
	form       *forms.Form
	version    int
	ownAnswers bool // a record's creator correcting it sees their answers in full
}

// lookupCampaignForm returns the form formID of campaign campaignID for the
// actor (version 0: the latest published). Returns ENOTFOUND when either
// is unknown, the campaign does not collect the form, or the campaign's
// org scope and the actor's do not meet: a worker in another district
// cannot learn that the campaign exists. A campaign is visible from above
// (a province admin) and from below (a village worker) its scope.
func (s *Server) lookupCampaignForm(ctx context.Context, a *engine.Actor, campaignID, formID string, version int) (*campaignForm, error) {
	camp, err := s.engine.Campaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	if !camp.HasForm(formID) {
		return nil, engine.Errorf(engine.ENOTFOUND, "campaign %s has no form %q", camp.ID(), formID)
	}
	if _, _, err := s.engine.CampaignInScope(ctx, a, campaignID); err != nil {
		return nil, err
	}
	form, v, err := s.engine.Form(ctx, formID, version)
	if err != nil {
		return nil, err
	}
	return &campaignForm{campaign: camp, form: form, version: v}, nil
}

// apiLang is the language of an API answer's messages: ?lang=, else the
// Accept-Language header, else the user's own setting, else zh-CN.
func apiLang(c fiber.Ctx) string {
	if lang := c.Query("lang"); ui.ValidLang(lang) {
		return lang
	}
	if h := c.Get(fiber.HeaderAcceptLanguage); strings.TrimSpace(h) != "" {
		return ui.MatchAcceptLanguage(h)
	}
	if a := actorOf(c); a != nil && ui.ValidLang(a.User.Locale) {
		return a.User.Locale
	}
	return ui.DefaultLang
}

// versionParam parses a :version parameter: a positive integer, or
// ENOTFOUND (there is no version "abc", as there is no version 99).
func versionParam(c fiber.Ctx) (int, error) {
	v, err := strconv.Atoi(c.Params("version"))
	if err != nil || v < 1 {
		return 0, engine.Errorf(engine.ENOTFOUND, "no such version")
	}
	return v, nil
}

// postedValues returns every field of a urlencoded or multipart form
// body by name, never of the query string (as formValues, for all names).
func postedValues(c fiber.Ctx) map[string][]string {
	out := map[string][]string{}
	mediaType, _, _ := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	switch mediaType {
	case fiber.MIMEApplicationForm:
		for k, v := range c.Request().PostArgs().All() {
			out[string(k)] = append(out[string(k)], string(v))
		}
	case fiber.MIMEMultipartForm:
		if form, err := c.MultipartForm(); err == nil {
			for k, v := range form.Value {
				out[k] = slices.Clone(v)
			}
		}
	}
	return out
}
