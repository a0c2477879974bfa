package server

import (
	"context"
	"slices"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/engine/studio"
	"canvass/paytables"
	"canvass/rules"
	"canvass/ui"
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

// campaignUses returns, as field problems, the indicators, reports and pay
// items of campaign c (and its pay table) that read one of keys — the
// fields of form that a delete would remove — named by their titles.
func (s *Server) campaignUses(ctx context.Context, a *engine.Actor, c *campaigns.Campaign, form string, keys map[string]string, lang string) []engine.FieldError {
	if c == nil || len(keys) == 0 {
		return nil
	}
	var out []engine.FieldError
	add := func(ptr, what, key string) {
		out = append(out, engine.FieldError{Pointer: ptr, Code: studio.CodeReferencedElsewhere,
			Message: studio.Message(lang, studio.CodeReferencedElsewhere, what, keys[key])})
	}
	for _, ind := range c.Indicators() {
		for _, t := range ind.Terms() {
			if len(t.Forms) > 0 && !slices.ContainsFunc(t.Forms, func(l rules.Literal) bool { return l.Value == form }) {
				continue
			}
			read := []string{t.Field}
			for _, l := range t.Answers {
				read = append(read, l.Value)
			}
			for _, k := range read {
				if _, ok := keys[k]; ok {
					add("/campaign/indicators/"+ind.ID, ui.Message(lang, "studio.form.used.indicator", ind.Title.In(lang)), k)
				}
			}
		}
	}
	for _, r := range c.Reports() {
		if r.Form == form && r.PeriodField != "" {
			if _, ok := keys[r.PeriodField]; ok {
				add("/campaign/reports/"+r.ID, ui.Message(lang, "studio.form.used.report", r.Title.In(lang)), r.PeriodField)
			}
		}
	}
	if id := c.PayTable(); id != "" {
		if pt, _ := s.newestDefinition(ctx, a, engine.KindPayTable, id).(*paytables.PayTable); pt != nil {
			for _, item := range pt.Items() {
				itemForm, answers := pt.ItemReads(item)
				if itemForm != "" && itemForm != form {
					continue
				}
				for _, k := range answers {
					if _, ok := keys[k]; ok {
						add("/paytable/items/"+item, ui.Message(lang, "studio.form.used.pay", pt.ItemLabel(item, lang)), k)
					}
				}
			}
		}
	}
	return dedupFieldErrors(out)
}

func dedupFieldErrors(fs []engine.FieldError) []engine.FieldError {
	seen := map[string]bool{}
	var out []engine.FieldError
	for _, f := range fs {
		if k := f.Pointer + "\x00" + f.Message; !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}

// fieldsUnder returns the key → label of the field at ptr and every field
// inside it.
func fieldsUnder(outline []studio.Field, ptr string) map[string]string {
	out := map[string]string{}
	var walk func(fs []studio.Field, in bool)
	walk = func(fs []studio.Field, in bool) {
		for _, f := range fs {
			here := in || f.Pointer == ptr
			if here {
				out[f.Key] = f.Label
			}
			walk(f.Children, here)
		}
	}
	walk(outline, false)
	return out
}
