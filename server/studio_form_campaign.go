package server

import (
	"context"
	"slices"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/engine/studio"
	"canvass/paytables"
	"canvass/workflows"
)

// The form designer works on a form of a campaign (the page's URL names
// it; the API takes it as "campaign"). The campaign gives the org units
// an org-tree field lists (its org scope) and the indicators, reports and
// pay items that read the form's fields.

// newestDefinition returns the newest version of (kind, id) the actor
// sees, compiled; nil when there is none or it does not load.
func (s *Server) newestDefinition(ctx context.Context, a *engine.Actor, kind, id string) any {
	list, err := s.engine.Definitions(ctx, a, engine.DefinitionFilter{Kind: kind, ID: id})
	if err != nil || len(list) == 0 {
		return nil
	}
	newest := list[0]
	for _, d := range list {
		if d.Version > newest.Version {
			newest = d
		}
	}
	d, err := s.engine.DefinitionVersion(ctx, a, kind, id, newest.Version)
	if err != nil {
		return nil
	}
	switch kind {
	case engine.KindCampaign:
		if c, _ := campaigns.Load(d.Filename, d.Source); c != nil {
			return c
		}
	case engine.KindPayTable:
		if p, _ := paytables.Load(d.Filename, d.Source); p != nil {
			return p
		}
	case engine.KindWorkflow:
		if w, _ := workflows.Load(d.Filename, d.Source); w != nil {
			return w
		}
	}
	return nil
}

// designerCampaign is the newest version of campaign id, or nil.
func (s *Server) designerCampaign(ctx context.Context, a *engine.Actor, id string) *campaigns.Campaign {
	if id == "" {
		return nil
	}
	c, _ := s.newestDefinition(ctx, a, engine.KindCampaign, id).(*campaigns.Campaign)
	return c
}

// designerOrgUnits returns the org units an org-tree field of the
// campaign may list: the campaign's org scope, else the actor's subtree.
func (s *Server) designerOrgUnits(ctx context.Context, a *engine.Actor, c *campaigns.Campaign) ([]engine.OrgUnit, error) {
	root := ""
	if c != nil && c.OrgScope() != "" {
		if u, err := s.engine.OrgUnit(ctx, a, c.OrgScope()); err == nil {
			root = u.Path
		}
	}
	return s.engine.OrgUnits(ctx, a, root)
}

// orgLevelsIn returns the levels an org-tree field may ask for among
// units, top down.
func orgLevelsIn(units []engine.OrgUnit) []string {
	var out []string
	for _, l := range studio.OrgLevels {
		if slices.ContainsFunc(units, func(u engine.OrgUnit) bool { return u.Level == l }) {
			out = append(out, l)
		}
	}
	return out
}

// campaignUses returns, as field problems, the indicators, reports, pay
// items and workflow rules of campaign c (the newest versions of its
// workflow and pay table) that read the field at ptr of doc or a field
// inside it, named by their titles (studio.FieldUses).
func (s *Server) campaignUses(ctx context.Context, a *engine.Actor, c *campaigns.Campaign, doc *studio.FormDoc, ptr, lang string) []engine.FieldError {
	if c == nil {
		return nil
	}
	r := studio.FieldReaders{Campaign: c}
	r.Workflow, _ = s.newestDefinition(ctx, a, engine.KindWorkflow, c.Workflow()).(*workflows.Workflow)
	if id := c.PayTable(); id != "" {
		r.PayTable, _ = s.newestDefinition(ctx, a, engine.KindPayTable, id).(*paytables.PayTable)
	}
	return studio.FieldUses(doc, ptr, r, lang)
}
