package engine

import (
	"context"
	"fmt"
	"slices"

	"canvass/campaigns"
)

// The studio's 版本历史 (issue #16, item 9): every save of a draft and
// every publish is a stored version of one file, so the history of a
// campaign is the stored versions of the campaign file and of each file
// it binds now. The engine lists them and hands out their sources, under
// the same rule as every studio page: authors and admins who may edit the
// campaign (its owner in their subtree, its whole org scope inside it).
// Comparing two versions is engine/studio's Diff, which the server calls:
// engine/studio imports the engine, not the other way round.
//
// Records keep the form version they were filled with (Record.FormVersion);
// the store has no count of records by form version, so the history does
// not show one.

// StudioFileHistory is the stored versions of one file of a campaign,
// newest first.
type StudioFileHistory struct {
	Kind, ID string
	Title    string // in the language asked for; the ID when it has none
	Filename string // of the newest version
	Versions []*DefinitionVersion
}

// StudioVersions returns the history of the campaign file and of every
// form, workflow and pay table its newest version binds, the campaign
// first, each file's versions newest first without their sources. Names
// of who saved and published are the caller's to resolve (Names).
// Returns ENOTFOUND or EFORBIDDEN by the definition-scope rule,
// EFORBIDDEN for roles other than author and admin.
func (e *Engine) StudioVersions(ctx context.Context, a *Actor, campaignID, lang string) ([]StudioFileHistory, error) {
	camp, files, err := e.StudioCampaignFiles(ctx, a, campaignID, lang)
	if err != nil {
		return nil, err
	}
	if err := e.mayReadCampaignHistory(ctx, a, camp); err != nil {
		return nil, err
	}
	out := make([]StudioFileHistory, 0, len(files))
	for _, f := range files {
		versions, err := e.store.ListDefinitions(ctx, DefinitionFilter{Kind: f.Kind, ID: f.ID})
		if err != nil {
			return nil, err
		}
		slices.SortFunc(versions, func(x, y *DefinitionVersion) int { return y.Version - x.Version })
		out = append(out, StudioFileHistory{Kind: f.Kind, ID: f.ID, Title: f.Title, Filename: f.Filename, Versions: versions})
	}
	return out, nil
}

// mayReadCampaignHistory asks, beyond StudioCampaignFiles's owner check,
// that the actor's subtree cover the campaign's org scope, as saving and
// publishing do.
func (e *Engine) mayReadCampaignHistory(ctx context.Context, a *Actor, camp *campaigns.Campaign) error {
	if camp == nil {
		return nil // a newest version that does not load: the owner check alone
	}
	return e.mayScopeCampaign(ctx, a, camp)
}

// StudioFileVersion returns one stored version, with its source, of a
// file the campaign binds now (or of the campaign file itself), for an
// actor who may edit the campaign. Returns EINVALID for a version below
// 1, ENOTFOUND for a file the campaign does not bind or a version that
// does not exist, and what StudioVersions returns.
func (e *Engine) StudioFileVersion(ctx context.Context, a *Actor, campaignID, kind, id string, version int) (*DefinitionVersion, error) {
	vs, err := e.StudioFileVersions(ctx, a, campaignID, kind, id, version)
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

// StudioFileVersions is StudioFileVersion for several versions of one
// file, checked once: the two versions a comparison reads.
func (e *Engine) StudioFileVersions(ctx context.Context, a *Actor, campaignID, kind, id string, versions ...int) ([]*DefinitionVersion, error) {
	for _, v := range versions {
		if v < 1 {
			return nil, &Error{Code: EINVALID, Message: fmt.Sprintf("version %d does not exist: versions are numbered from 1", v),
				Fields: []FieldError{{Pointer: "/version", Code: "bad_version", Message: "versions are numbered from 1"}}}
		}
	}
	camp, files, err := e.StudioCampaignFiles(ctx, a, campaignID, "")
	if err != nil {
		return nil, err
	}
	if err := e.mayReadCampaignHistory(ctx, a, camp); err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(files, func(f StudioFile) bool { return f.Kind == kind && f.ID == id }) {
		return nil, Errorf(ENOTFOUND, "%s %s is not a file of campaign %s", kind, id, campaignID)
	}
	out := make([]*DefinitionVersion, 0, len(versions))
	for _, v := range versions {
		d, err := e.visibleDefinition(ctx, a, kind, id, v)
		if ErrorCode(err) == ENOTFOUND {
			return nil, &Error{Code: ENOTFOUND, Message: fmt.Sprintf("%s %s has no version %d", kind, id, v),
				Fields: []FieldError{{Pointer: "/version", Code: "no_such_version", Message: fmt.Sprintf("no version %d", v)}}}
		}
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}
