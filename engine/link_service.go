package engine

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"
)

// Link is a public link (printed as a QR code) to one form of a campaign:
// whoever holds it may fill in the form without signing in. An open link
// takes any number of submissions (rate-limited); a one-time link takes
// one, with Preset answers the respondent cannot change (a household ID).
// Only TokenHash is stored: the token itself appears in the URL alone.
type Link struct {
	ID         string
	TokenHash  string
	CampaignID string
	FormID     string
	OrgUnit    string // the unit every record through the link belongs to
	OrgPath    string
	OneTime    bool
	Preset     map[string]any // answers by field path that override what is sent (link_preset.go)
	CreatedBy  string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: the link lasts as long as the campaign
	RevokedAt  time.Time
	RevokedBy  string
	UsedAt     time.Time // one-time links: when it was consumed
	RecordID   string    // one-time links: the record it made (LinkRecordID)
}

// CampaignClosure records a campaign closed by hand before its end date.
type CampaignClosure struct {
	CampaignID string
	ClosedBy   string
	ClosedAt   time.Time
	Reason     string
}

// LinkSpec asks for new links: one open link, or one one-time link per
// entry of Preset (an empty Preset with OneTime makes one link without
// preset answers).
type LinkSpec struct {
	Campaign  string
	Form      string
	OrgUnit   string // empty: the actor's own unit
	OneTime   bool
	Preset    []map[string]any
	ExpiresAt time.Time // zero: until the campaign closes
}

// NewLink is a link just made, with its token: the only time the token is
// known to anyone but the URL's holder.
type NewLink struct {
	Link  *Link
	Token string
}

// Limits of link creation.
const (
	maxLinksPerRequest = 500
	maxPresetFields    = 20
)

// linkRoles may make, list and revoke links.
var linkRoles = []string{RoleFieldWorker, RoleSupervisor, RoleAdmin}

// CreateLinks makes public links to a campaign's form for the org unit
// spec.OrgUnit, which must lie in both the actor's scope and the
// campaign's, and returns them with their tokens, which are never shown
// again. Field workers, supervisors and admins only.
//
// Returns EFORBIDDEN for other roles; ENOTFOUND for an unknown campaign,
// form or an org unit outside the actor's scope; ECLOSED when the campaign
// takes no submissions now; EINVALID for preset fields the form lacks
// (by path or key; see link_preset.go) or that cannot be preset, a
// past expiry, several presets on an open link, or too many links.
func (e *Engine) CreateLinks(ctx context.Context, a *Actor, spec LinkSpec) ([]NewLink, error) {
	if err := a.Require(linkRoles...); err != nil {
		return nil, err
	}
	now := e.Now()
	camp, err := e.Campaign(ctx, spec.Campaign)
	if err != nil {
		return nil, err
	}
	if err := e.CampaignOpen(ctx, camp, now); err != nil {
		return nil, err
	}
	if !camp.HasForm(spec.Form) {
		return nil, Errorf(ENOTFOUND, "campaign %s has no form %q", camp.ID(), spec.Form)
	}
	form, _, err := e.Form(ctx, spec.Form, 0)
	if err != nil {
		return nil, err
	}
	unit, err := e.recordUnit(ctx, a, camp, spec.OrgUnit)
	if err != nil {
		return nil, err
	}
	presets := spec.Preset
	switch {
	case !spec.OneTime && len(presets) > 1:
		return nil, invalidLink("/preset", "open_link", "an open link has at most one set of preset answers")
	case len(presets) == 0:
		presets = []map[string]any{nil}
	case len(presets) > maxLinksPerRequest:
		return nil, invalidLink("/preset", "too_many", fmt.Sprintf("at most %d links at once", maxLinksPerRequest))
	}
	if !spec.ExpiresAt.IsZero() && !spec.ExpiresAt.After(now) {
		return nil, invalidLink("/expiresAt", "past", "the expiry must lie in the future")
	}
	resolved := make([]map[string]any, len(presets))
	for i, p := range presets {
		if len(p) > maxPresetFields {
			return nil, invalidLink(fmt.Sprintf("/preset/%d", i), "too_many", fmt.Sprintf("at most %d preset answers", maxPresetFields))
		}
		if resolved[i], err = presetAnswers(form, i, p); err != nil {
			return nil, err
		}
	}
	links := make([]*Link, len(presets))
	out := make([]NewLink, len(presets))
	for i, p := range resolved {
		token, hash := newToken()
		links[i] = &Link{
			ID: NewID(now), TokenHash: hash, CampaignID: camp.ID(), FormID: form.ID(),
			OrgUnit: unit.Code, OrgPath: unit.Path, OneTime: spec.OneTime, Preset: p,
			CreatedBy: a.ID(), CreatedAt: now, ExpiresAt: spec.ExpiresAt.UTC().Truncate(time.Millisecond),
		}
		out[i] = NewLink{Link: links[i], Token: token}
	}
	if err := e.store.CreateLinks(ctx, links); err != nil {
		return nil, err
	}
	return out, e.Audit(ctx, a, "link.create", "campaign", camp.ID(), unit.Path,
		map[string]any{"form": form.ID(), "oneTime": spec.OneTime, "count": len(links), "orgUnit": unit.Code})
}

func invalidLink(pointer, code, msg string) *Error {
	return &Error{Code: EINVALID, Message: msg, Fields: []FieldError{{Pointer: pointer, Code: code, Message: msg}}}
}

// ListLinks returns a campaign's links in the actor's scope (narrowed to
// orgUnit when given), without tokens. Returns EFORBIDDEN for roles that
// may not manage links, ENOTFOUND for an org unit outside the scope.
func (e *Engine) ListLinks(ctx context.Context, a *Actor, campaignID, orgUnit string) ([]*Link, error) {
	if err := a.Require(linkRoles...); err != nil {
		return nil, err
	}
	requested := ""
	if orgUnit != "" {
		u, err := e.store.GetOrgUnit(ctx, orgUnit)
		if err != nil {
			if ErrorCode(err) == ENOTFOUND {
				return nil, Errorf(ENOTFOUND, "org unit not found")
			}
			return nil, err
		}
		requested = u.Path
	}
	scope, err := a.NarrowScope(requested)
	if err != nil {
		return nil, err
	}
	return e.store.ListLinks(ctx, campaignID, scope)
}

// RevokeLink ends a link for good. Returns EFORBIDDEN for roles that may
// not manage links, ENOTFOUND for a link outside the actor's scope,
// ECONFLICT when it is revoked already.
func (e *Engine) RevokeLink(ctx context.Context, a *Actor, id string) (*Link, error) {
	if err := a.Require(linkRoles...); err != nil {
		return nil, err
	}
	l, err := e.store.GetLink(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Sees(l.OrgPath) {
		return nil, Errorf(ENOTFOUND, "link not found")
	}
	now := e.Now()
	if err := e.store.RevokeLink(ctx, id, a.ID(), now); err != nil {
		return nil, err
	}
	l.RevokedAt, l.RevokedBy = now, a.ID()
	return l, e.Audit(ctx, a, "link.revoke", "link", id, l.OrgPath, map[string]any{"campaign": l.CampaignID})
}

// LinkRecordID is the ID of the record a one-time link makes: derived
// from the link, so a retry after a crash between consuming the link and
// storing the record stores the record once (InsertRecord is idempotent
// on ID). It is a version-8 UUID.
func LinkRecordID(linkID string) string {
	sum := sha256.Sum256([]byte("canvass/link-record/" + linkID))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	return strings.ToLower(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// LinkStatus says whether a link takes a submission at now: "" when it
// does, else why not ("revoked", "expired", "used").
func (l *Link) LinkStatus(now time.Time) string {
	switch {
	case !l.RevokedAt.IsZero():
		return "revoked"
	case l.OneTime && !l.UsedAt.IsZero():
		return "used"
	case !l.ExpiresAt.IsZero() && !now.Before(l.ExpiresAt):
		return "expired"
	}
	return ""
}

// LinkExists returns nil when token opens a link — live, used, revoked or
// expired alike — and ENOTFOUND otherwise, so that nothing is made for a
// guessed token.
func (e *Engine) LinkExists(ctx context.Context, token string) error {
	_, err := e.store.GetLinkByToken(ctx, HashToken(token))
	return err
}
