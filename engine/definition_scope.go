package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"canvass/campaigns"
)

// The definition-scope rule. A definition (form, workflow, pay table,
// campaign) is owned by the org unit it was created in: the unit of the
// author who saved its first version. Then:
//
//   - a user sees a definition (lists it, reads its source, previews it)
//     when its owner and the user's subtree overlap: an author in a village
//     may read the county's forms to use them, never a sibling township's;
//   - a user may save drafts of, publish, or close a definition only when
//     its owner lies in the user's subtree; a definition outside the
//     user's sight answers ENOTFOUND, one in sight but above the user
//     EFORBIDDEN;
//   - a campaign needs more: the user's subtree must cover the campaign's
//     whole org scope, to save it, publish it or close it;
//   - a form, workflow or pay table may be used only by campaigns whose
//     org scope lies inside its owner's subtree;
//   - publishing a new version of a form or pay table that a running
//     campaign uses is audited (definition.publish_in_use) and listed for
//     finance (DefinitionChanges).
//
// Definitions stored before owners existed get theirs from
// MigrateDefinitionOwners: a campaign is owned by its org scope; a form,
// workflow or pay table by the nearest unit that holds the scopes of all
// campaigns using it; one no campaign uses, by the top of the tree. Until
// then they count as owned by the top of the tree.

// definitionOwner returns the owner of (kind, id) from its stored
// versions; "" when it has none stored. A definition stored before owners
// existed counts as the top of the tree's.
func (e *Engine) definitionOwner(ctx context.Context, versions []*DefinitionVersion) (string, error) {
	if len(versions) == 0 {
		return "", nil
	}
	for _, v := range versions {
		if v.Owner != "" {
			return v.Owner, nil
		}
	}
	return e.treeRoot(ctx)
}

// treeRoot is the path of the top unit of the org tree ("" without one;
// with several top units, the path that holds them all).
func (e *Engine) treeRoot(ctx context.Context) (string, error) {
	units, err := e.store.ListOrgUnits(ctx, "")
	if err != nil || len(units) == 0 {
		return "", err
	}
	var tops []string
	for _, u := range units {
		if u.ParentCode == "" {
			tops = append(tops, u.Path)
		}
	}
	if len(tops) == 0 {
		return units[0].Path, nil // ordered by path: parents first
	}
	return commonAncestor(tops), nil
}

// seesDefinition reports whether the owner and the actor's subtree
// overlap: the definition lies in the actor's subtree, or the actor works
// inside the owner's.
func seesDefinition(a *Actor, owner string) bool {
	return a.Sees(owner) || (a != nil && a.User != nil && InSubtree(a.User.OrgPath, owner))
}

// mayEditDefinition returns nil when the actor may change a definition
// owned by owner: ENOTFOUND when the actor cannot see it, EFORBIDDEN when
// it belongs to a unit above the actor.
func mayEditDefinition(a *Actor, kind, id, owner string) error {
	switch {
	case a.Sees(owner):
		return nil
	case seesDefinition(a, owner):
		return &Error{Code: EFORBIDDEN, Message: fmt.Sprintf("%s %s belongs to a unit above yours; only its authors may change it", kind, id),
			Fields: []FieldError{{Pointer: "/id", Code: "owned_above", Message: "owned by a unit above yours"}}}
	default:
		return Errorf(ENOTFOUND, "%s %s not found", kind, id)
	}
}

// mayScopeCampaign returns nil when the actor's subtree covers the
// campaign's whole org scope, else EFORBIDDEN naming /org_scope. A scope
// that does not exist is left to publishing's reference check.
func (e *Engine) mayScopeCampaign(ctx context.Context, a *Actor, c *campaigns.Campaign) error {
	root, err := e.store.GetOrgUnit(ctx, c.OrgScope())
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if !a.Sees(root.Path) {
		return &Error{Code: EFORBIDDEN, Message: fmt.Sprintf("campaign %s covers %s, which your scope does not hold", c.ID(), root.Name),
			Fields: []FieldError{{Pointer: "/org_scope", Code: "out_of_scope", Message: "the campaign's org scope is wider than yours"}}}
	}
	return nil
}

// checkRefOwners refuses a campaign that uses a form, workflow or pay
// table owned outside the subtree holding its org scope.
func (e *Engine) checkRefOwners(ctx context.Context, c *campaigns.Campaign) ([]FieldError, error) {
	root, err := e.store.GetOrgUnit(ctx, c.OrgScope())
	if err != nil {
		return nil, nil // the reference check reports a missing scope
	}
	type ref struct{ ptr, kind, id string }
	var refs []ref
	for i, id := range c.Forms() {
		refs = append(refs, ref{fmt.Sprintf("/forms/%d", i), KindForm, id})
	}
	refs = append(refs, ref{"/workflow", KindWorkflow, c.Workflow()})
	if id := c.PayTable(); id != "" {
		refs = append(refs, ref{"/paytable", KindPayTable, id})
	}
	var fields []FieldError
	for _, r := range refs {
		versions, err := e.store.ListDefinitions(ctx, DefinitionFilter{Kind: r.kind, ID: r.id})
		if err != nil {
			return nil, err
		}
		owner, err := e.definitionOwner(ctx, versions)
		if err != nil {
			return nil, err
		}
		if owner != "" && !InSubtree(root.Path, owner) {
			fields = append(fields, FieldError{Pointer: r.ptr, Code: "out_of_scope",
				Message: fmt.Sprintf("%s %s belongs to another unit; a campaign may use only definitions owned by its own unit or a unit above it", r.kind, r.id)})
		}
	}
	return fields, nil
}

// auditPublishInUse records that a new version of a form or pay table was
// published while campaigns that use it run, naming them.
func (e *Engine) auditPublishInUse(ctx context.Context, a *Actor, d *DefinitionVersion) error {
	if d.Kind != KindForm && d.Kind != KindPayTable || d.Version < 2 {
		return nil
	}
	running, err := e.campaignsUsing(ctx, d.Kind, d.ID, d.PublishedAt)
	if err != nil || len(running) == 0 {
		return err
	}
	return e.Audit(ctx, a, "definition.publish_in_use", d.Kind, fmt.Sprintf("%s@%d", d.ID, d.Version), d.Owner,
		map[string]any{"campaigns": running})
}

// campaignsUsing lists the published campaigns whose latest version uses
// (kind, id) and that are open at t.
func (e *Engine) campaignsUsing(ctx context.Context, kind, id string, t time.Time) ([]string, error) {
	defs, err := e.store.ListDefinitions(ctx, DefinitionFilter{Kind: KindCampaign, Status: StatusPublished})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range defs {
		if slices.Contains(out, d.ID) {
			continue
		}
		c, err := e.Campaign(ctx, d.ID)
		if err != nil {
			continue
		}
		uses := kind == KindPayTable && c.PayTable() == id || kind == KindForm && c.HasForm(id)
		if uses && e.CampaignOpen(ctx, c, t) == nil {
			out = append(out, c.ID())
		}
	}
	return out, nil
}

// DefinitionChange is a new version of a form or pay table published
// while a campaign using it was running: finance reads these beside the
// payments, since a pay table's new rates pay from then on.
type DefinitionChange struct {
	Kind        string
	ID          string
	Title       string // in the language asked for
	Version     int
	PublishedBy string // user ID
	PublishedAt time.Time
}

// DefinitionChanges lists the versions of the campaign's forms and pay
// table published after the campaign opened, newest first, titled in lang
// ("zh-CN", "en"). Finance, authors and admins whose scope meets the
// campaign's. Returns ENOTFOUND for a campaign outside the actor's scope.
func (e *Engine) DefinitionChanges(ctx context.Context, a *Actor, campaignID, lang string) ([]DefinitionChange, error) {
	if err := a.Require(RoleFinance, RoleAuthor, RoleAdmin); err != nil {
		return nil, err
	}
	c, _, err := e.CampaignInScope(ctx, a, campaignID)
	if err != nil {
		return nil, err
	}
	type ref struct{ kind, id string }
	refs := []ref{}
	for _, id := range c.Forms() {
		refs = append(refs, ref{KindForm, id})
	}
	if id := c.PayTable(); id != "" {
		refs = append(refs, ref{KindPayTable, id})
	}
	var out []DefinitionChange
	for _, r := range refs {
		versions, err := e.store.ListDefinitions(ctx, DefinitionFilter{Kind: r.kind, ID: r.id, Status: StatusPublished})
		if err != nil {
			return nil, err
		}
		for _, v := range versions {
			if v.Version > 1 && !v.PublishedAt.Before(c.Opens()) {
				out = append(out, DefinitionChange{Kind: v.Kind, ID: v.ID, Title: e.definitionTitle(ctx, v.Kind, v.ID, v.Version, lang),
					Version: v.Version, PublishedBy: v.PublishedBy, PublishedAt: v.PublishedAt})
			}
		}
	}
	slices.SortFunc(out, func(x, y DefinitionChange) int { return y.PublishedAt.Compare(x.PublishedAt) })
	return out, nil
}

// MigrateDefinitionOwners gives an owner to every definition stored
// before owners existed (see the rule above) and returns how many
// definitions it changed. It is idempotent and safe on several servers at
// once: it only fills owners that are missing. serve runs it at start.
func (e *Engine) MigrateDefinitionOwners(ctx context.Context) (int, error) {
	root, err := e.treeRoot(ctx)
	if err != nil || root == "" {
		return 0, err // no tree yet: nothing can own anything
	}
	defs, err := e.store.ListDefinitions(ctx, DefinitionFilter{})
	if err != nil {
		return 0, err
	}
	unowned := map[[2]string]bool{}
	var order [][2]string
	for _, d := range defs {
		k := [2]string{d.Kind, d.ID}
		if d.Owner == "" && !unowned[k] {
			unowned[k] = true
			order = append(order, k)
		}
	}
	if len(order) == 0 {
		return 0, nil
	}
	// The scopes of every version of every campaign: who uses what.
	scopes := map[[2]string][]string{} // definition → the scope paths of campaigns using it
	campaignScope := map[string]string{}
	for _, d := range defs {
		if d.Kind != KindCampaign {
			continue
		}
		full, err := e.store.GetDefinition(ctx, d.Kind, d.ID, d.Version)
		if err != nil {
			return 0, err
		}
		v, _, _ := compileDefinition(KindCampaign, full.Filename, full.Source)
		c, ok := v.(*campaigns.Campaign)
		if !ok {
			continue
		}
		unit, err := e.store.GetOrgUnit(ctx, c.OrgScope())
		if err != nil {
			continue
		}
		campaignScope[d.ID] = unit.Path
		add := func(kind, id string) { scopes[[2]string{kind, id}] = append(scopes[[2]string{kind, id}], unit.Path) }
		for _, f := range c.Forms() {
			add(KindForm, f)
		}
		add(KindWorkflow, c.Workflow())
		if c.PayTable() != "" {
			add(KindPayTable, c.PayTable())
		}
	}
	changed := 0
	for _, k := range order {
		owner := root
		if k[0] == KindCampaign {
			if p, ok := campaignScope[k[1]]; ok {
				owner = p
			}
		} else if ps := scopes[k]; len(ps) > 0 {
			owner = commonAncestor(ps)
		}
		n, err := e.store.SetDefinitionOwner(ctx, k[0], k[1], owner)
		if err != nil {
			return changed, err
		}
		if n > 0 {
			changed++
			if err := e.Audit(ctx, nil, "definition.owner", k[0], k[1], owner, map[string]any{"owner": owner, "migrated": true}); err != nil {
				return changed, err
			}
		}
	}
	return changed, nil
}

// commonAncestor is the deepest path that holds every one of paths
// ("/37/3701/" and "/37/3702/" → "/37/").
func commonAncestor(paths []string) string {
	common := paths[0]
	for _, p := range paths[1:] {
		for !strings.HasPrefix(p, common) {
			common = strings.TrimSuffix(common, "/")
			i := strings.LastIndex(common, "/")
			if i < 0 {
				return ""
			}
			common = common[:i+1]
		}
	}
	return common
}

// Definitions lists the stored definition versions (drafts and published)
// that match f and that the actor sees (their owner and the actor's
// subtree overlap), for authors and admins. Returns EFORBIDDEN for other
// roles.
func (e *Engine) Definitions(ctx context.Context, a *Actor, f DefinitionFilter) ([]*DefinitionVersion, error) {
	if err := a.Require(RoleAuthor, RoleAdmin); err != nil {
		return nil, err
	}
	all, err := e.store.ListDefinitions(ctx, f)
	if err != nil {
		return nil, err
	}
	root := ""
	out := all[:0]
	for _, d := range all {
		if d.Owner == "" {
			if root == "" {
				if root, err = e.treeRoot(ctx); err != nil {
					return nil, err
				}
			}
			d.Owner = root
		}
		if seesDefinition(a, d.Owner) {
			out = append(out, d)
		}
	}
	return out, nil
}

// DefinitionVersion returns one stored version with its source when the
// actor sees it, for authors and admins. Returns ENOTFOUND when there is
// none or it lies outside the actor's sight, EFORBIDDEN for other roles.
func (e *Engine) DefinitionVersion(ctx context.Context, a *Actor, kind, id string, version int) (*DefinitionVersion, error) {
	if err := a.Require(RoleAuthor, RoleAdmin); err != nil {
		return nil, err
	}
	return e.visibleDefinition(ctx, a, kind, id, version)
}

// visibleDefinition returns the stored version, with its owner filled in,
// when the actor sees it; ENOTFOUND otherwise.
func (e *Engine) visibleDefinition(ctx context.Context, a *Actor, kind, id string, version int) (*DefinitionVersion, error) {
	d, err := e.store.GetDefinition(ctx, kind, id, version)
	if err != nil {
		return nil, err
	}
	if d.Owner == "" {
		if d.Owner, err = e.treeRoot(ctx); err != nil {
			return nil, err
		}
	}
	if !seesDefinition(a, d.Owner) {
		return nil, Errorf(ENOTFOUND, "%s %s version %d not found", kind, id, version)
	}
	return d, nil
}

// definitionTitle is a published form's or pay table's title in lang, or
// its ID when it has none or does not load.
func (e *Engine) definitionTitle(ctx context.Context, kind, id string, version int, lang string) string {
	v, _, err := e.Definition(ctx, kind, id, version)
	if err != nil {
		return id
	}
	if t, ok := v.(interface{ Title(string) string }); ok {
		if title := t.Title(TextLang(lang)); title != "" {
			return title
		}
	}
	return id
}
