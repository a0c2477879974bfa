package server

import (
	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// homeForm is one form a field worker can fill in now, for the home page.
type homeForm struct {
	Campaign, CampaignTitle, Form, FormTitle string
	NewURL, LinksURL                         string
	Phase                                    string // the campaign's phase, or why the form is shut (campaign_phases.go)
}

// openForms lists the forms of the published campaigns that take
// submissions now and whose scope meets the actor's (as
// lookupCampaignForm decides), for the roles that submit or make links.
func (s *Server) openForms(c fiber.Ctx, a *engine.Actor, lang string) ([]homeForm, error) {
	submit, links := a.Has(submitRoles...), a.Has(engine.RoleFieldWorker, engine.RoleSupervisor, engine.RoleAdmin)
	if !submit && !links {
		return nil, nil
	}
	choices, err := s.engine.CampaignChoices(c.Context(), a, lang)
	if err != nil {
		return nil, err
	}
	now := s.engine.Now()
	var out []homeForm
	for _, ch := range choices {
		camp := ch.Campaign
		if s.engine.CampaignOpen(c.Context(), camp, now) != nil {
			continue
		}
		for _, formID := range camp.Forms() {
			cf, err := s.lookupCampaignForm(c.Context(), a, camp.ID(), formID, 0)
			if err != nil {
				continue
			}
			hf := homeForm{Campaign: camp.ID(), CampaignTitle: camp.Title(lang), Form: formID, FormTitle: cf.form.Title(lang)}
			note, open := phaseNote(&pageData{Lang: lang}, camp, formID, hf.FormTitle, now)
			hf.Phase = note
			if submit && open {
				hf.NewURL = newFormPath(camp.ID(), formID)
			}
			if links {
				hf.LinksURL = "/campaigns/" + camp.ID() + "/links"
			}
			out = append(out, hf)
		}
	}
	return out, nil
}

// homePage says who is signed in, where, and what they can do.
func (s *Server) homePage(c fiber.Ctx) error {
	a := actorOf(c)
	p := s.newPage(c, "home.title", "home", "")
	data := homeData{}
	unit, err := s.engine.OrgUnit(c.Context(), a, a.User.OrgUnit)
	switch {
	case err == nil:
		data.Unit = unit
	case engine.ErrorCode(err) != engine.ENOTFOUND:
		return err
	}
	if data.Sections, err = s.homeSections(c, a, p); err != nil {
		return err
	}
	if data.Forms, err = s.openForms(c, a, p.Lang); err != nil {
		return err
	}
	p.Data = data
	return s.render(c, fiber.StatusOK, "home", p)
}
