package engine

import (
	"context"

	"canvass/campaigns"
)

// PublishedCampaignsWhere returns the latest published version of every
// campaign for which keep is true. Catch-up passes (pay, indicators) use
// it to skip the campaigns they do not concern, so that a store whose
// campaigns have no pay table is never read record by record for pay.
// It is one small read of the definition list; the campaigns themselves
// come from the engine's caches.
func (e *Engine) PublishedCampaignsWhere(ctx context.Context, keep func(*campaigns.Campaign) bool) ([]*campaigns.Campaign, error) {
	ds, err := e.store.ListDefinitions(ctx, DefinitionFilter{Kind: KindCampaign, Status: StatusPublished})
	if err != nil {
		return nil, err
	}
	var out []*campaigns.Campaign
	seen := map[string]bool{}
	for _, d := range ds {
		if seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		c, err := e.Campaign(ctx, d.ID)
		if err != nil {
			if ErrorCode(err) == ENOTFOUND {
				continue
			}
			return nil, err
		}
		if keep(c) {
			out = append(out, c)
		}
	}
	return out, nil
}
