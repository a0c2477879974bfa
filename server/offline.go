package server

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/offline"
	"canvass/ui"
)

// evaluatorETag names the embedded evaluator's content.
var evaluatorETag = sync.OnceValue(func() string {
	sum := sha256.Sum256(offline.EvaluatorGzip())
	return `"` + hex.EncodeToString(sum[:8]) + `"`
})

// offlineRoutes installs what field pages need offline: the evaluator,
// the service worker (served from the root so that it may control every
// page), the web app manifest and the bundle of a worker's forms.
func (s *Server) offlineRoutes(api fiber.Router) {
	s.app.Get("/offline/evaluator.wasm", s.offlineEvaluator)
	s.app.Get("/sw.js", s.serviceWorker)
	s.app.Get("/manifest.webmanifest", s.webManifest)
	api.Get("/offline/bundle", s.signedInAPI, s.apiOfflineBundle)
	api.Get("/offline/key", s.signedInAPI, s.apiOfflineKey)
}

// offlineEvaluator answers GET /offline/evaluator.wasm: the form
// evaluator compiled to WebAssembly (package offline), gzip-encoded when
// the browser accepts it (every browser that runs WebAssembly does). It
// holds code only, no data, so it needs no sign-in; the service worker
// keeps it, and the ETag lets a revisit confirm it cheaply.
func (s *Server) offlineEvaluator(c fiber.Ctx) error {
	etag := evaluatorETag()
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, "application/wasm")
	if strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(offline.EvaluatorGzip())
	}
	return c.Send(offline.Evaluator())
}

// serviceWorker answers GET /sw.js from ui/static/sw.js. Browsers check
// a worker for updates themselves, so it is never cached for long.
func (s *Server) serviceWorker(c fiber.Ctx) error {
	a, ok := s.assets.byName["sw.js"]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
	return c.Send(a.body)
}

// webManifest answers GET /manifest.webmanifest: the app's name, icon
// and start page, so a phone can install it.
func (s *Server) webManifest(c fiber.Ctx) error {
	lang := apiLang(c)
	icon := s.assets.url("icon.svg")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderContentType, "application/manifest+json")
	return c.JSON(map[string]any{
		"name":             ui.Message(lang, "app.name"),
		"short_name":       ui.Message(lang, "app.name"),
		"lang":             lang,
		"start_url":        "/",
		"scope":            "/",
		"display":          "standalone",
		"background_color": "#ffffff",
		"theme_color":      "#1f5f8b",
		"icons":            []map[string]string{{"src": icon, "sizes": "any", "type": "image/svg+xml", "purpose": "any"}},
	})
}

// offlineFormJSON is one form a worker may fill offline.
type offlineFormJSON struct {
	Campaign      string    `json:"campaign"`
	CampaignTitle string    `json:"campaignTitle"`
	Form          string    `json:"form"`
	Title         string    `json:"title"`
	Version       int       `json:"version"`
	RefTime       time.Time `json:"refTime"`
	Source        string    `json:"source"`
	NewURL        string    `json:"newUrl"`
	EvaluateURL   string    `json:"evaluateUrl"`
}

// offlineReturnJSON is a record returned to the worker for correction,
// which the phone keeps so that it can be corrected offline.
type offlineReturnJSON struct {
	ID       string `json:"id"`
	Version  int64  `json:"version"`
	EditURL  string `json:"editUrl"`
	Campaign string `json:"campaign"`
	Form     string `json:"form"`
}

// offlineBundleJSON is what a field page keeps for going offline.
type offlineBundleJSON struct {
	User     string              `json:"user"`
	CSRF     string              `json:"csrf"`
	Lang     string              `json:"lang"`
	Forms    []offlineFormJSON   `json:"forms"`
	Returned []offlineReturnJSON `json:"returned"`
	Pages    []string            `json:"pages"`
	Messages map[string]string   `json:"messages"`
}

// apiOfflineBundle answers GET /api/v1/offline/bundle for a field worker:
// the published forms of their open campaigns with their sources (the
// phone compiles them with the same evaluator as the server), the pages
// to keep for offline use, the session's CSRF token for the sync, and the
// messages of the offline script in the worker's language. Other roles
// get 403: they do not collect.
func (s *Server) apiOfflineBundle(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, submitRoles...); err != nil {
		return err
	}
	lang := apiLang(c)
	out := offlineBundleJSON{User: a.User.ID, Lang: lang, Forms: []offlineFormJSON{}, Pages: []string{"/", "/inbox"}, Messages: offlineMessages(lang)}
	if auth := authOf(c); auth != nil {
		out.CSRF = auth.session.CSRFToken
	}
	choices, err := s.engine.CampaignChoices(c.Context(), a, lang)
	if err != nil {
		return err
	}
	now := s.engine.Now()
	for _, ch := range choices {
		camp := ch.Campaign
		if s.engine.CampaignOpen(c.Context(), camp, now) != nil {
			continue
		}
		for _, formID := range camp.Forms() {
			if !camp.PhaseOpen(formID, now).Open {
				continue // its phase has not begun, or is over: the sync would be refused
			}
			d, err := s.engine.CampaignFormSource(c.Context(), a, camp.ID(), formID, 0)
			if err != nil {
				if engine.ErrorCode(err) == engine.ENOTFOUND {
					continue
				}
				return err
			}
			cf, err := s.lookupCampaignForm(c.Context(), a, camp.ID(), formID, d.Version)
			if err != nil {
				return err
			}
			newURL := newFormPath(camp.ID(), formID)
			out.Forms = append(out.Forms, offlineFormJSON{
				Campaign: camp.ID(), CampaignTitle: camp.Title(lang), Form: formID, Title: cf.form.Title(lang),
				Version: d.Version, RefTime: camp.RefTime(), Source: string(d.Source), NewURL: newURL,
				EvaluateURL: evaluateURL(camp.ID(), formID, 0, lang),
			})
			out.Pages = append(out.Pages, newURL)
		}
	}
	if err := s.offlineReturned(c, a, lang, &out); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// offlineReturned adds the records returned to the worker (the first 100
// of their inbox that they may resubmit, drafts aside): each one's edit
// page, and the form version it was filled with.
func (s *Server) offlineReturned(c fiber.Ctx, a *engine.Actor, lang string, out *offlineBundleJSON) error {
	out.Returned = []offlineReturnJSON{}
	views, _, _, err := s.engine.Inbox(c.Context(), a, engine.RecordFilter{}, engine.Page{Limit: 100}, false)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, f := range out.Forms {
		have[f.EvaluateURL] = true
	}
	for _, v := range views {
		if v.State == engine.StateDraft || !slices.Contains(v.Actions, formActionSubmit) {
			continue
		}
		ev := evaluateURL(v.CampaignID, v.FormID, v.FormVersion, lang)
		if !have[ev] {
			d, err := s.engine.CampaignFormSource(c.Context(), a, v.CampaignID, v.FormID, v.FormVersion)
			if err != nil {
				continue // a campaign no longer in scope: the edit page would refuse too
			}
			camp, err := s.engine.Campaign(c.Context(), v.CampaignID)
			if err != nil {
				return err
			}
			form, _, err := s.engine.Form(c.Context(), v.FormID, v.FormVersion)
			if err != nil {
				return err
			}
			out.Forms = append(out.Forms, offlineFormJSON{
				Campaign: v.CampaignID, CampaignTitle: camp.Title(lang), Form: v.FormID, Title: form.Title(lang),
				Version: v.FormVersion, RefTime: camp.RefTime(), Source: string(d.Source), EvaluateURL: ev,
			})
			have[ev] = true
		}
		out.Returned = append(out.Returned, offlineReturnJSON{ID: v.ID, Version: v.Version, EditURL: editPath(v.ID), Campaign: v.CampaignID, Form: v.FormID})
		out.Pages = append(out.Pages, editPath(v.ID))
	}
	return nil
}

// offlineKeyJSON is the key that unlocks a phone's records.
type offlineKeyJSON struct {
	Device string `json:"device"`
	Key    string `json:"key"` // base64 of 32 bytes
}

// apiOfflineKey answers GET /api/v1/offline/key?device=<uuid> for a field
// worker signed in: the key that unwraps the record key of that phone
// (engine.OfflineDeviceKey, bound to the user and the device). The phone
// never stores it; it asks again after every browser start, so what
// IndexedDB holds is unreadable without a signed-in session. It is a
// secret: never cached, and only ever sent to the session's own user.
func (s *Server) apiOfflineKey(c fiber.Ctx) error {
	a := actorOf(c)
	device := c.Query("device")
	key, err := s.engine.OfflineDeviceKey(a, device)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(offlineKeyJSON{Device: device, Key: base64.StdEncoding.EncodeToString(key)})
}

// offlineMessages returns the offline script's messages in lang.
func offlineMessages(lang string) map[string]string {
	out := map[string]string{}
	for _, k := range ui.OfflineMessageKeys() {
		out[k] = ui.Message(lang, k)
	}
	return out
}
