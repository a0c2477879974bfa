package engine

import "context"

// CampaignClosure returns how a campaign was closed by hand, for pages
// that list campaigns. Returns ENOTFOUND when it was not closed by hand.
// What it tells is no secret: Submit refuses with the same reason.
func (e *Engine) CampaignClosure(ctx context.Context, id string) (*CampaignClosure, error) {
	return e.store.CampaignClosure(ctx, id)
}
