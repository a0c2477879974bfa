package pay

import (
	"context"

	"canvass/campaigns"
	"canvass/engine"
)

// BudgetView is a campaign's budget computed from its records now.
type BudgetView struct {
	CampaignID string
	Counts     map[string]int64 // what the engine counted, by count name
	Lines      []campaigns.BudgetLine
	TotalFen   int64
	budget     *campaigns.Budget
}

// LineText says line i in words and yuan, with the inputs and counts it
// was computed from, by their labels (campaigns.Budget.Describe).
func (v *BudgetView) LineText(i int, lang string) string {
	return v.budget.Describe(v.Lines[i], lang)
}

// CountLabel is how people read a count: its label, else its name.
func (v *BudgetView) CountLabel(name, lang string) string {
	if t := v.budget.Labels()[name].In(lang); t != "" {
		return t
	}
	return name
}

// CampaignBudget computes a campaign's budget: each of its counts is the
// number of the campaign's records of the count's form in one of its
// states, in the actor's scope (a township sees its own share; the
// campaign's own unit sees all). Finance, authors, supervisors and admins.
// Returns ENOTFOUND for an unknown campaign, one outside the scope, or one
// without a budget.
func (s *Service) CampaignBudget(ctx context.Context, a *engine.Actor, campaignID string) (*BudgetView, error) {
	if err := a.Require(engine.RoleFinance, engine.RoleAuthor, engine.RoleSupervisor, engine.RoleAdmin); err != nil {
		return nil, err
	}
	camp, _, err := s.e.CampaignInScope(ctx, a, campaignID)
	if err != nil {
		return nil, err
	}
	b := camp.Budget()
	if b == nil {
		return nil, engine.Errorf(engine.ENOTFOUND, "campaign %s has no budget", campaignID)
	}
	v := &BudgetView{CampaignID: campaignID, Counts: map[string]int64{}, budget: b}
	for _, c := range b.Counts() {
		n, err := s.store.CountRecords(ctx, engine.RecordFilter{CampaignID: campaignID, FormID: c.Form, States: c.States, OrgPaths: a.Scope()})
		if err != nil {
			return nil, err
		}
		v.Counts[c.Name] = n
	}
	if v.Lines, v.TotalFen, err = b.Compute(v.Counts); err != nil {
		return nil, engine.WrapError(engine.EINTERNAL, "the budget could not be computed", err)
	}
	return v, nil
}
