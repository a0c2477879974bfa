package server

import (
	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// homeForm is one form a field worker can fill in now, for the home page.
type homeForm struct {
	Campaign, CampaignTitle, Form, FormTitle string
	NewURL, LinksURL                         string
}

// openForms lists the forms of the published campaigns that take
// submissions now and whose scope meets the actor's (as
// lookupCampaignForm decides), for the roles that submit or make links.
func (s *Server) openForms(c fiber.Ctx, a *engine.Actor, lang string) ([]homeForm, error) {
	submit, links := a.Has(submitRoles...), a.Has(engine.RoleFieldWorker, engine.RoleSupervisor, engine.RoleAdmin)
	if !submit && !links {
		return nil, nil
	}
	defs, err := s.store.ListDefinitions(c.Context(), engine.DefinitionFilter{Kind: engine.KindCampaign, Status: engine.StatusPublished})
	if err != nil {
		return nil, err
	}
	now := s.engine.Now()
	var out []homeForm
	seen := map[string]bool{}
	for _, d := range defs {
		if seen[d.ID] {
			continue // older versions: Campaign gives the latest
		}
		seen[d.ID] = true
		camp, err := s.engine.Campaign(c.Context(), d.ID)
		if err != nil || s.engine.CampaignOpen(c.Context(), camp, now) != nil {
			continue
		}
		for _, formID := range camp.Forms() {
			cf, err := s.lookupCampaignForm(c.Context(), a, camp.ID(), formID, 0)
			if err != nil {
				continue
			}
			hf := homeForm{Campaign: camp.ID(), CampaignTitle: camp.Title(lang), Form: formID, FormTitle: cf.form.Title(lang)}
			if submit {
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
