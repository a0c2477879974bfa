package engine

import "context"

// CampaignFormSource returns the source of a published version of a
// campaign's form (version 0: the latest published), for a field worker
// who takes the form offline: the phone compiles it with the same forms
// package (package offline). The actor must be able to submit to the
// campaign. Returns EFORBIDDEN for roles that do not submit, ENOTFOUND
// when the campaign is outside the actor's scope, has no such form, or
// the version is not published.
func (e *Engine) CampaignFormSource(ctx context.Context, a *Actor, campaignID, formID string, version int) (*DefinitionVersion, error) {
	if err := a.Require(RoleFieldWorker, RoleAdmin); err != nil {
		return nil, err
	}
	camp, _, err := e.CampaignInScope(ctx, a, campaignID)
	if err != nil {
		return nil, err
	}
	if !camp.HasForm(formID) {
		return nil, Errorf(ENOTFOUND, "campaign %s has no form %q", campaignID, formID)
	}
	d, err := e.store.GetDefinition(ctx, KindForm, formID, version)
	if err != nil {
		return nil, err
	}
	if d.Status != StatusPublished {
		return nil, Errorf(ENOTFOUND, "form %s version %d is not published", formID, d.Version)
	}
	return d, nil
}
