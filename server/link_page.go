package server

import (
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// linksView is the data of the link management page.
type linksView struct {
	Campaign string
	Title    string
	Forms    []option // by title
	Org      string
	Links    []linkRow
	// PresetFields are the fields a link may preset, per form (by label).
	PresetFields []presetGroup
}

// linkRow is one link of the page, its preset answers by label.
type linkRow struct {
	linkJSON
	PresetText string
}

// linksPage shows a campaign's links in the actor's scope (narrowed by
// ?org=CODE) and the form that makes new ones: GET /campaigns/:id/links.
func (s *Server) linksPage(c fiber.Ctx) error {
	a := actorOf(c)
	camp, err := s.engine.Campaign(c.Context(), c.Params("id"))
	if err != nil {
		return err
	}
	org := c.Query("org")
	links, err := s.engine.ListLinks(c.Context(), a, camp.ID(), org)
	if err != nil {
		return err
	}
	p := s.newPage(c, "links.title", "", "")
	switch c.Query("done") {
	case "revoked":
		p.Flash = p.T("links.revoked")
	case "revokedBefore":
		p.Flash = p.T("links.revokedBefore")
	case "nolink":
		p.Error = p.T("links.nolink")
	}
	v := linksView{Campaign: camp.ID(), Org: org, Links: make([]linkRow, len(links)),
		PresetFields: s.presetGroups(c.Context(), camp, p.Lang)}
	for _, id := range camp.Forms() {
		o := option{Value: id, Label: id}
		if f, _, err := s.engine.Form(c.Context(), id, 0); err == nil {
			o.Label = f.Title(p.Lang)
		}
		v.Forms = append(v.Forms, o)
	}
	v.Title = camp.Title(p.Lang)
	now := s.engine.Now()
	for i, l := range links {
		v.Links[i] = linkRow{linkJSON: toLinkJSON(l, now), PresetText: s.presetText(c.Context(), l.FormID, l.Preset, p.Lang)}
	}
	p.Data = v
	return s.render(c, fiber.StatusOK, "links", p)
}

// printCard is one QR code of the printable page.
type printCard struct {
	QR     template.HTML // our own SVG markup (qrSVGOf), no text from input
	URL    string
	Preset string
}

// linksPrint makes links from the management page's form and answers with
// the printable page of their QR codes, one card per link with its preset
// answers (a household ID): POST /campaigns/:id/links/print. The tokens
// are on this page only; printing it is the way to keep them.
//
// Fields: form, org (unit code), oneTime ("on"), field (the preset field,
// by path or key) with values (one per line: a link each), expires (YYYY-MM-DD,
// China time, the link ends at the start of that day).
func (s *Server) linksPrint(c fiber.Ctx) error {
	values := postedValues(c)
	req := createLinksRequest{Form: firstValue(values, "form"), OrgUnit: strings.TrimSpace(firstValue(values, "org")), OneTime: firstValue(values, "oneTime") != ""}
	if field := strings.TrimSpace(firstValue(values, "field")); field != "" {
		for _, line := range strings.Split(firstValue(values, "values"), "\n") {
			if v := strings.TrimSpace(line); v != "" {
				req.Preset = append(req.Preset, map[string]any{field: v})
			}
		}
	}
	if d := strings.TrimSpace(firstValue(values, "expires")); d != "" {
		t, err := time.ParseInLocation("2006-01-02", d, chinaTime)
		if err != nil {
			return engine.Errorf(engine.EINVALID, "the expiry must be a date")
		}
		req.ExpiresAt = &t
	}
	links, err := s.createLinks(c, c.Params("id"), req)
	if err != nil {
		return err
	}
	p := s.newPage(c, "links.print", "", "/campaigns/"+c.Params("id")+"/links")
	cards := make([]printCard, len(links))
	for i, l := range links {
		svg, err := qrSVGOf(l.URL)
		if err != nil {
			return err
		}
		cards[i] = printCard{QR: template.HTML(svg), URL: l.URL, Preset: s.presetText(c.Context(), l.Form, l.Preset, p.Lang)}
	}
	p.Data = cards
	return s.render(c, fiber.StatusCreated, "links_print", p)
}
