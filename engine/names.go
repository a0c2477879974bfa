package engine

import (
	"context"
	"slices"
	"strings"

	"canvass/campaigns"
)

// Names looks up, once per request or table, what people read in place of
// IDs and codes: users' names and org units' names. A lookup that fails
// shows the ID or code itself. It is not safe for concurrent use: make one
// per request.
type Names struct {
	e     *Engine
	ctx   context.Context
	users map[string]*User
	units map[string]string
}

// Names returns a name cache over the engine's directory.
func (e *Engine) Names(ctx context.Context) *Names {
	return &Names{e: e, ctx: ctx, users: map[string]*User{}, units: map[string]string{}}
}

// user returns the user with the ID, or nil when there is none.
func (n *Names) user(id string) *User {
	if u, ok := n.users[id]; ok {
		return u
	}
	var u *User
	if ValidID(id) {
		u, _ = n.e.store.GetUser(n.ctx, id)
	}
	n.users[id] = u
	return u
}

// User is the user's display name, else the username, else id itself.
func (n *Names) User(id string) string {
	u := n.user(id)
	switch {
	case u == nil:
		return id
	case u.DisplayName != "":
		return u.DisplayName
	default:
		return u.Username
	}
}

// Username is the user's sign-in name, else id itself.
func (n *Names) Username(id string) string {
	if u := n.user(id); u != nil {
		return u.Username
	}
	return id
}

// Unit is the org unit's name, else its code.
func (n *Names) Unit(code string) string {
	if name, ok := n.units[code]; ok {
		return name
	}
	name := code
	if u, err := n.e.store.GetOrgUnit(n.ctx, code); err == nil {
		name = u.Name
	}
	n.units[code] = name
	return name
}

// UserIDByName resolves what a person typed as a user — an ID or a
// username (any case) — to a user ID. Returns ENOTFOUND for a username no
// user has.
func (e *Engine) UserIDByName(ctx context.Context, ref string) (string, error) {
	if ValidID(ref) {
		return ref, nil
	}
	u, err := e.store.GetUserByUsername(ctx, strings.ToLower(ref))
	if err != nil {
		return "", err
	}
	return u.ID, nil
}

// CampaignChoice is a campaign a person may pick in a page's campaign
// selector: its ID (the value), title (the label) and org scope.
type CampaignChoice struct {
	ID       string
	Title    string
	Campaign *campaigns.Campaign
	RootPath string // the path of its org scope
}

// CampaignChoices lists the published campaigns whose org scope meets the
// actor's subtree (the actor works inside it, or it lies inside the
// actor's), each at its latest version, titled in lang ("zh-CN", "en"),
// ordered by title. It is the one answer to "which campaigns may this user
// pick" for every page's selector.
func (e *Engine) CampaignChoices(ctx context.Context, a *Actor, lang string) ([]CampaignChoice, error) {
	if err := a.Require(Roles...); err != nil {
		return nil, err
	}
	defs, err := e.store.ListDefinitions(ctx, DefinitionFilter{Kind: KindCampaign, Status: StatusPublished})
	if err != nil {
		return nil, err
	}
	var out []CampaignChoice
	seen := map[string]bool{}
	for _, d := range defs {
		if seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		camp, root, err := e.CampaignInScope(ctx, a, d.ID)
		if err != nil {
			if c := ErrorCode(err); c != ENOTFOUND {
				e.logger.Warn("campaign choices: campaign does not load", "campaign", d.ID, "err", err)
			}
			continue
		}
		out = append(out, CampaignChoice{ID: camp.ID(), Title: camp.Title(TextLang(lang)), Campaign: camp, RootPath: root})
	}
	slices.SortStableFunc(out, func(x, y CampaignChoice) int {
		if c := strings.Compare(x.Title, y.Title); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	return out, nil
}

// Ping reports whether the store can serve requests now. Returns
// EUNAVAILABLE when it cannot.
func (e *Engine) Ping(ctx context.Context) error { return e.store.Ping(ctx) }
