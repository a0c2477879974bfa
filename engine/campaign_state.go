package engine

import (
	"context"
	"strings"
	"time"

	"canvass/campaigns"
)

// A campaign goes draft → published → closed. Publishing is the
// definition's; closing happens by its own end date (campaigns.Campaign
// OpenAt) or by hand, here, for good.

const maxCloseReason = 500

// CloseCampaign closes a published campaign before its end date: Submit,
// public links and corrections with new answers are refused from now on
// with ECLOSED. Authors and admins whose subtree holds the campaign's
// owner and its whole org scope (the definition-scope rule).
//
// Returns EFORBIDDEN for other roles and for a campaign the actor sees but
// does not hold, ENOTFOUND for an unknown campaign or one outside the
// actor's sight, EINVALID without a reason, ECONFLICT
// when it is closed already.
func (e *Engine) CloseCampaign(ctx context.Context, a *Actor, id, reason string) (*CampaignClosure, error) {
	if err := a.Require(RoleAuthor, RoleAdmin); err != nil {
		return nil, err
	}
	camp, err := e.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	root, err := e.store.GetOrgUnit(ctx, camp.OrgScope())
	if err != nil || !seesDefinition(a, root.Path) {
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
		return nil, Errorf(ENOTFOUND, "campaign %s not found", id)
	}
	// Closing is changing the campaign: the definition-scope rule
	// (definition_scope.go) asks for its owner and its whole org scope.
	versions, err := e.store.ListDefinitions(ctx, DefinitionFilter{Kind: KindCampaign, ID: id})
	if err != nil {
		return nil, err
	}
	owner, err := e.definitionOwner(ctx, versions)
	if err != nil {
		return nil, err
	}
	if err := mayEditDefinition(a, KindCampaign, id, owner); err != nil {
		return nil, err
	}
	if err := e.mayScopeCampaign(ctx, a, camp); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > maxCloseReason {
		return nil, invalidLink("/reason", "required", "say why the campaign closes (1 to 500 characters)")
	}
	c := &CampaignClosure{CampaignID: camp.ID(), ClosedBy: a.ID(), ClosedAt: e.Now(), Reason: reason}
	if err := e.store.SetCampaignClosed(ctx, c); err != nil {
		return nil, err
	}
	return c, e.Audit(ctx, a, "campaign.close", "campaign", camp.ID(), root.Path, map[string]any{"reason": reason})
}

// CampaignOpen returns nil when the campaign takes submissions at now,
// else ECLOSED saying why: before it opens, after its end date, or closed
// by hand.
func (e *Engine) CampaignOpen(ctx context.Context, camp *campaigns.Campaign, now time.Time) error {
	if !camp.OpenAt(now) {
		return closedError(camp, now)
	}
	c, err := e.campaignClosure(ctx, camp.ID())
	switch {
	case err == nil:
		return Errorf(ECLOSED, "campaign %s was closed on %s: %s", camp.ID(), c.ClosedAt.In(shanghai).Format("2006-01-02"), c.Reason)
	case ErrorCode(err) == ENOTFOUND:
		return nil
	}
	return err
}
