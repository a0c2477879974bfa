package engine

import (
	"context"
	"fmt"

	"canvass/campaigns"
	"canvass/rules"
)

// Checking and publishing a campaign as one act. A campaign is four kinds
// of files; an author edits some of them as drafts and wants them live
// together. CheckCampaign lints every draft the campaign would publish and
// checks the campaign against the versions it would then use (the drafts
// where there are drafts, else the published versions); PublishCampaign
// runs that check and, when it finds nothing, hands the store the whole
// would-be-published set in one call (DefinitionStore.PublishDefinitions),
// which publishes all of it or nothing. Each ref carries the checksum of
// the draft the check read, so a draft someone saved after the check is
// not published unchecked: the store refuses the whole set (ECONFLICT),
// every draft stays a draft, and publishing again checks the new one. A
// clean check therefore publishes unless someone changed or published one
// of its drafts meanwhile, or the store failed — and then nothing did.

// CampaignStep is one draft a campaign publish would publish.
type CampaignStep struct {
	Kind     string
	ID       string
	Version  int
	Checksum string // of the draft the check read

	owner string
}

// CampaignProblem is one thing that keeps a campaign from publishing: a
// lint error of one of its drafts, or a reference the campaign cannot
// use. Pointer is where in that definition; Line and Col are set for lint
// errors.
type CampaignProblem struct {
	Kind      string
	ID        string
	Version   int
	Pointer   string
	Code      string
	Message   string
	Line, Col int
	Args      map[string]string // of a lint error: its message's arguments (rules.Diagnostic.Args)
}

// CampaignCheck is what CheckCampaign found: the drafts a publish would
// publish, in order, and the problems that keep it from doing so.
type CampaignCheck struct {
	CampaignID string
	Campaign   *campaigns.Campaign // its newest version; nil when that does not load
	Steps      []CampaignStep
	Problems   []CampaignProblem
	// Warnings do not keep the campaign from publishing but deserve a
	// look: a pay table that takes effect after the campaign opens.
	Warnings []CampaignProblem

	owner string // the campaign's owner path, for the audit trail
}

// OK reports whether the campaign can be published as it stands.
func (c *CampaignCheck) OK() bool { return len(c.Problems) == 0 }

// CheckCampaign lints the campaign's newest version and every form,
// workflow and pay table it refers to whose newest version is a draft, and
// checks the campaign's references against the versions a publish would
// leave live. Authors and admins who may change the campaign (the
// definition-scope rule). Returns ENOTFOUND for an unknown campaign or
// one outside the actor's sight, EFORBIDDEN when the actor may not change
// it.
func (e *Engine) CheckCampaign(ctx context.Context, a *Actor, campaignID string) (*CampaignCheck, error) {
	if err := a.Require(RoleAuthor, RoleAdmin); err != nil {
		return nil, err
	}
	newest, err := e.newestVersion(ctx, KindCampaign, campaignID)
	if err != nil {
		return nil, err
	}
	owner, err := e.definitionOwner(ctx, []*DefinitionVersion{newest})
	if err != nil {
		return nil, err
	}
	if err := mayEditDefinition(a, KindCampaign, campaignID, owner); err != nil {
		return nil, err
	}
	check := &CampaignCheck{CampaignID: campaignID, owner: owner}
	v, _, ds := compileDefinition(KindCampaign, newest.Filename, newest.Source)
	check.lint(newest, ds)
	camp, ok := v.(*campaigns.Campaign)
	if !ok {
		return check, nil // the campaign file itself does not load: its lint says why
	}
	check.Campaign = camp
	if err := e.mayScopeCampaign(ctx, a, camp); err != nil {
		check.refused(newest, err)
	}
	// The referenced definitions whose newest version is a draft go first.
	drafts := map[[2]string]any{}
	refs := [][2]string{}
	for _, id := range camp.Forms() {
		refs = append(refs, [2]string{KindForm, id})
	}
	refs = append(refs, [2]string{KindWorkflow, camp.Workflow()})
	if id := camp.PayTable(); id != "" {
		refs = append(refs, [2]string{KindPayTable, id})
	}
	for _, r := range refs {
		d, err := e.newestVersion(ctx, r[0], r[1])
		if ErrorCode(err) == ENOTFOUND || err == nil && d.Status == StatusPublished {
			continue // the reference check reports a missing one
		}
		if err != nil {
			return nil, err
		}
		if err := mayEditDefinition(a, d.Kind, d.ID, e.ownerOrRoot(ctx, d)); err != nil {
			check.refused(d, err)
			continue
		}
		compiled, _, ds := compileDefinition(d.Kind, d.Filename, d.Source)
		check.lint(d, ds)
		if compiled != nil && !rules.HasErrors(ds) {
			drafts[r] = compiled
		}
		check.Steps = append(check.Steps, CampaignStep{Kind: d.Kind, ID: d.ID, Version: d.Version, Checksum: d.Checksum, owner: e.ownerOrRoot(ctx, d)})
	}
	lookup := func(ctx context.Context, kind, id string) (any, error) {
		if v, ok := drafts[[2]string{kind, id}]; ok {
			return v, nil
		}
		return e.publishedRef(ctx, kind, id)
	}
	if err := e.checkCampaignRefsIn(ctx, camp, lookup); err != nil {
		check.refused(newest, err)
	}
	e.payTableWarnings(ctx, check, camp, lookup)
	if newest.Status == StatusDraft {
		check.Steps = append(check.Steps, CampaignStep{Kind: KindCampaign, ID: campaignID, Version: newest.Version, Checksum: newest.Checksum, owner: owner})
	}
	return check, nil
}

// PublishCampaign checks the campaign (CheckCampaign) and, when nothing is
// in the way, publishes all its drafts as one act (the store's
// PublishDefinitions): every one, or on any error none. The audit trail
// gets one definition.publish per version, naming the campaign, and one
// campaign.publish listing them all. Returns EINVALID with every problem
// as a field ("/<kind>/<id><pointer>") when the check finds any, ECONFLICT
// when there is nothing to publish or someone changed or published one of
// the drafts after the check; otherwise what CheckCampaign returns.
func (e *Engine) PublishCampaign(ctx context.Context, a *Actor, campaignID string) (*CampaignCheck, error) {
	check, err := e.CheckCampaign(ctx, a, campaignID)
	if err != nil {
		return nil, err
	}
	if !check.OK() {
		fields := make([]FieldError, 0, len(check.Problems))
		for _, p := range check.Problems {
			fields = append(fields, FieldError{Pointer: "/" + p.Kind + "/" + p.ID + p.Pointer, Code: p.Code, Message: p.Message})
		}
		return check, &Error{Code: EINVALID, Message: "the campaign cannot be published until these problems are fixed", Fields: fields}
	}
	if len(check.Steps) == 0 {
		return check, Errorf(ECONFLICT, "campaign %s has no drafts to publish", campaignID)
	}
	refs := make([]DefinitionRef, len(check.Steps))
	versions := make([]string, len(check.Steps))
	for i, s := range check.Steps {
		refs[i] = DefinitionRef{Kind: s.Kind, ID: s.ID, Version: s.Version, Checksum: s.Checksum}
		versions[i] = fmt.Sprintf("%s/%s@%d", s.Kind, s.ID, s.Version)
	}
	now := e.Now()
	// The store renews its cache generation with the publish, so every
	// process's cache of which version is the latest follows it.
	if err := e.store.PublishDefinitions(ctx, refs, a.ID(), now); err != nil {
		return check, fmt.Errorf("publish campaign %s: %w", campaignID, err)
	}
	for _, s := range check.Steps {
		d := &DefinitionVersion{Kind: s.Kind, ID: s.ID, Version: s.Version, Status: StatusPublished, PublishedBy: a.ID(), PublishedAt: now, Owner: s.owner}
		if err := e.Audit(ctx, a, "definition.publish", s.Kind, fmt.Sprintf("%s@%d", s.ID, s.Version), s.owner, map[string]any{"campaign": campaignID}); err != nil {
			return check, err
		}
		if err := e.auditPublishInUse(ctx, a, d); err != nil {
			return check, err
		}
	}
	return check, e.Audit(ctx, a, "campaign.publish", KindCampaign, campaignID, check.owner,
		map[string]any{"steps": len(check.Steps), "versions": versions})
}

// newestVersion is the highest version of (kind, id), draft or published.
// Returns ENOTFOUND when there is none.
func (e *Engine) newestVersion(ctx context.Context, kind, id string) (*DefinitionVersion, error) {
	versions, err := e.store.ListDefinitions(ctx, DefinitionFilter{Kind: kind, ID: id})
	if err != nil {
		return nil, err
	}
	if len(versions) == 0 {
		return nil, Errorf(ENOTFOUND, "%s %s not found", kind, id)
	}
	last := versions[len(versions)-1]
	return e.store.GetDefinition(ctx, kind, id, last.Version)
}

// ownerOrRoot is d's owner, or the top of the tree for a definition stored
// before owners existed.
func (e *Engine) ownerOrRoot(ctx context.Context, d *DefinitionVersion) string {
	if d.Owner != "" {
		return d.Owner
	}
	root, _ := e.treeRoot(ctx)
	return root
}

// lint adds d's lint errors.
func (c *CampaignCheck) lint(d *DefinitionVersion, ds []rules.Diagnostic) {
	for _, x := range ds {
		if x.Severity == rules.SeverityWarning {
			continue
		}
		c.Problems = append(c.Problems, CampaignProblem{Kind: d.Kind, ID: d.ID, Version: d.Version, Pointer: x.Path, Code: x.Code,
			Message: x.Message, Line: x.Line, Col: x.Col, Args: x.Args})
	}
}

// refused adds an engine error about d: each of its fields, or the error
// itself.
func (c *CampaignCheck) refused(d *DefinitionVersion, err error) {
	fields := ErrorFields(err)
	if len(fields) == 0 {
		c.Problems = append(c.Problems, CampaignProblem{Kind: d.Kind, ID: d.ID, Version: d.Version, Code: ErrorCode(err), Message: ErrorMessage(err)})
		return
	}
	for _, f := range fields {
		c.Problems = append(c.Problems, CampaignProblem{Kind: d.Kind, ID: d.ID, Version: d.Version, Pointer: f.Pointer, Code: f.Code, Message: f.Message})
	}
}
