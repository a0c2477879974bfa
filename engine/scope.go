package engine

import (
	"canvass/campaigns"
	"context"
	"slices"
)

// Actor is who is acting in a request: a signed-in user, with the address
// the request came from. Every engine service takes one and checks scope
// with it; there is no unscoped entry point for requests.
type Actor struct {
	User *User
	IP   string
}

// ID returns the acting user's ID.
func (a *Actor) ID() string {
	if a == nil || a.User == nil {
		return ""
	}
	return a.User.ID
}

// Has reports whether the actor holds any of the roles.
func (a *Actor) Has(roles ...string) bool {
	if a == nil || a.User == nil {
		return false
	}
	return slices.ContainsFunc(roles, a.User.HasRole)
}

// Sees reports whether orgPath lies in the actor's org-unit subtree.
func (a *Actor) Sees(orgPath string) bool {
	return a != nil && a.User != nil && !a.User.Disabled && InSubtree(orgPath, a.User.OrgPath)
}

// Scope returns the org paths to filter every list by: the actor's
// subtree. It is never empty for a valid actor, so a list can never
// silently widen to everything.
func (a *Actor) Scope() []string {
	if a == nil || a.User == nil || a.User.OrgPath == "" {
		return []string{"\x00no-scope"}
	}
	return []string{a.User.OrgPath}
}

// NarrowScope intersects the actor's scope with a requested subtree:
// the requested one when it lies inside the actor's, the actor's own when
// nothing is requested, and ENOTFOUND when it lies outside (so callers
// cannot learn whether an out-of-scope unit exists).
func (a *Actor) NarrowScope(requested string) ([]string, error) {
	if requested == "" {
		return a.Scope(), nil
	}
	if !a.Sees(requested) {
		return nil, Errorf(ENOTFOUND, "org unit not found")
	}
	return []string{requested}, nil
}

// require returns EFORBIDDEN unless the actor holds one of the roles.
func (a *Actor) Require(roles ...string) error {
	if a == nil || a.User == nil {
		return Errorf(EUNAUTHORIZED, "sign in first")
	}
	if !a.Has(roles...) {
		return Errorf(EFORBIDDEN, "your role may not do this")
	}
	return nil
}

// CampaignInScope returns a published campaign and the path of its org
// scope, when the actor's subtree and the campaign's overlap. Returns
// ENOTFOUND otherwise.
func (e *Engine) CampaignInScope(ctx context.Context, a *Actor, campaignID string) (*campaigns.Campaign, string, error) {
	camp, err := e.Campaign(ctx, campaignID)
	if err != nil {
		return nil, "", err
	}
	root, err := e.store.GetOrgUnit(ctx, camp.OrgScope())
	if err != nil {
		return nil, "", err
	}
	if !a.Sees(root.Path) && !InSubtree(a.User.OrgPath, root.Path) {
		return nil, "", Errorf(ENOTFOUND, "campaign %s not found", campaignID)
	}
	return camp, root.Path, nil
}
